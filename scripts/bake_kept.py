"""Write data/kept: the results of the bundled course's training runs, shipped with it.

Run from the repository root after changing anything those results depend on
(tests/backprop/test_shipped_results.py fails until you do):

    python scripts/bake_kept.py

Every lesson is rendered as a handout renders it, in a fresh home that reads
no shipped result, and whatever it kept (the setup's trained weights, the
play table, the held-out experiment, the moons' gradient descent, the
symmetry demo, the training lesson's runs) is copied to data/kept. Each file
is named by the hash of its inputs, so the tutor uses it only for exactly
those inputs (tutor/courses/backprop/resultcache.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(REPO))
    from tutor.blas import default_to_one_thread

    default_to_one_thread()  # as the `tutor` command computes them (before numpy loads)
    from tutor.courses.backprop.resultcache import bake

    target = REPO / "data" / "kept"
    names = bake(target)
    size = sum((target / n).stat().st_size for n in names)
    print(f"wrote {len(names)} files to {target.relative_to(REPO)} ({size / 1024:.0f} KiB)")
    for name in names:
        print(f"  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
