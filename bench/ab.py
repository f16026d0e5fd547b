"""Before and after: the teaching loops of two checkouts of the tutor, interleaved.

    git worktree add /tmp/tutor-before <older commit>      # or any copy of the tree
    python bench/ab.py --before /tmp/tutor-before [--rounds 7]

Imports `tutor.core` from the older tree and from this one in the same process
and times, in turn within each round:
  backprop_loop (the per-example loop the backprop lesson teaches) on
  400-25-10 with 500 rows, 64-25-10 with 1797 rows (the digits), 2-5-1 with
  200 rows (the moons);
  sigmoid on one small vector (what the loop calls per example), 20,000 calls.
Checks first that both give the same numbers. Median [min-max] per side and
the after/before ratio per round. Clock: CPU time of this process
(single-threaded work; set OPENBLAS_NUM_THREADS=1), steady on a shared machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import loadavg, machine_lines, markdown_table, ratio_text, round_ratios, spread  # noqa: E402

HERE = Path(__file__).resolve().parent.parent


def load_core(root: Path):
    """tutor.core imported from `root`, under its own module names."""
    for k in [k for k in sys.modules if k == "tutor" or k.startswith("tutor.")]:
        del sys.modules[k]
    sys.path.insert(0, str(root))
    try:
        import tutor.core as core
    finally:
        sys.path.pop(0)
    return core


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="root of the older tree (holding tutor/)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args(argv)
    before = load_core(args.before)
    after = load_core(HERE)
    rng = np.random.default_rng(0)
    out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()]
    out += [f"- before: {args.before}; after: {HERE}", ""]
    rows = []
    for sizes, m in (((400, 25, 10), 500), ((64, 25, 10), 1797), ((2, 5, 1), 200)):
        X = rng.random((m, sizes[0]))
        y = rng.integers(0, max(sizes[-1], 2), m)
        th = [rng.uniform(-0.12, 0.12, (sizes[i + 1], sizes[i] + 1)) for i in range(len(sizes) - 1)]
        rb, ra = before.backprop_loop(th, X, y, 1.0), after.backprop_loop(th, X, y, 1.0)
        assert abs(rb.J - ra.J) < 1e-12 and all(np.allclose(p, q, atol=1e-14) for p, q in zip(rb.grads, ra.grads))
        times = {"before": [], "after": []}
        for _ in range(args.rounds):
            for k, core in (("before", before), ("after", after)):
                t0 = time.process_time()
                core.backprop_loop(th, X, y, 1.0)
                times[k].append(time.process_time() - t0)
        label = f"backprop_loop {'-'.join(map(str, sizes))}, {m} rows"
        rows.append([label, spread(times["before"], 1e-3, "{:.1f}") + " ms", spread(times["after"], 1e-3, "{:.1f}")
                     + " ms", ratio_text(round_ratios(times, "after", "before"))])
    z = rng.standard_normal(25)
    times = {"before": [], "after": []}
    for _ in range(args.rounds):
        for k, core in (("before", before), ("after", after)):
            t0 = time.process_time()
            for _ in range(20000):
                core.sigmoid(z)
            times[k].append(time.process_time() - t0)
    rows.append(["sigmoid of 25 numbers, 20,000 calls", spread(times["before"], 1e-3, "{:.1f}") + " ms",
                 spread(times["after"], 1e-3, "{:.1f}") + " ms", ratio_text(round_ratios(times, "after", "before"))])
    out.append(markdown_table(["what", "before: median [min-max]", "after: median [min-max]",
                               "after / before (per round)"], rows))
    out.append(f"\n- {args.rounds} rounds, before and after in turn; same numbers checked first (1e-12). "
               f"Load average after: {loadavg()}.")
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
