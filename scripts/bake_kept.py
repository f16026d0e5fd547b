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

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def bake(target: Path) -> list[str]:
    """Compute every kept result the bundled course's lessons need with their
    default settings, in a fresh home, and write them to `target`. The names
    of the files written, sorted.

    Each lesson is rendered as a handout renders it (nobody watching, so the
    train steps keep their runs too). Shipped results are not read meanwhile.
    """
    import io
    import shutil
    import tempfile

    from rich.console import Console

    from tutor.course import bundled_course
    from tutor.courses.backprop import setups
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.runner import render_lesson

    setups.forget_trained()  # the setup's weights must be trained (and so written) in the fresh home
    saved = {k: os.environ.get(k) for k in ("TUTOR_HOME", "TUTOR_SHIPPED_RESULTS")}
    with tempfile.TemporaryDirectory() as home:
        os.environ["TUTOR_HOME"], os.environ["TUTOR_SHIPPED_RESULTS"] = home, "0"
        try:
            course = bundled_course()
            for lesson_id in course.lesson_ids():
                render_lesson(find_lesson(lesson_id, course), Console(file=io.StringIO(), width=100, color_system=None))
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("*.npz"):
            old.unlink()
        names = sorted(p.name for p in (Path(home) / "cache").glob("*.npz")
                       if p.name.startswith(("op-", "trained-")) and ".tmp." not in p.name)
        for name in names:
            shutil.copy(Path(home) / "cache" / name, target / name)
    return names


def main() -> int:
    sys.path.insert(0, str(REPO))
    from tutor.blas import default_to_one_thread

    default_to_one_thread()  # as the `tutor` command computes them (before numpy loads)
    target = REPO / "data" / "kept"
    names = bake(target)
    size = sum((target / n).stat().st_size for n in names)
    print(f"wrote {len(names)} files to {target.relative_to(REPO)} ({size / 1024:.0f} KiB)")
    for name in names:
        print(f"  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
