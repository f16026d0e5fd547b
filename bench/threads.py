"""One BLAS thread against all cores, for one cost-and-gradient evaluation, by size.

    python bench/threads.py [--rounds 9] [--features 64,400,784] [--rows 1000,2000,5000,10000,20000]

For each (m, n) of an n-25-10 network, `nn_cost_function` runs with one
OpenBLAS thread and with every core (threadpoolctl), in turn within each
round; the table gives the median time of each and the per-round ratio.
This is where tutor/blas.py's threshold (m * n >= LARGE) comes from. Wall
time: the point is what threads buy, which CPU time cannot show. Run it on a
quiet machine; under load, extra threads spin and the ratios go above 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import loadavg, machine_lines, markdown_table, ratio_text, round_ratios, spread  # noqa: E402
from tutor.core import initialize_params, nn_cost_function  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--features", default="64,400,784")
    ap.add_argument("--rows", default="1000,2000,5000,10000,20000")
    args = ap.parse_args(argv)
    from threadpoolctl import threadpool_limits

    cores = os.cpu_count() or 1
    rng = np.random.default_rng(0)
    rows = []
    for n in (int(v) for v in args.features.split(",")):
        for m in (int(v) for v in args.rows.split(",")):
            X = rng.random((m, n))
            y = rng.integers(0, 10, m)
            sizes = (n, 25, 10)
            p = initialize_params(sizes, seed=0)
            times = {"1": [], "all": []}
            for _ in range(args.rounds):
                for key, k in (("1", 1), ("all", cores)):
                    with threadpool_limits(k):
                        t0 = time.perf_counter()
                        nn_cost_function(p, sizes, X, y, 1.0)
                        times[key].append(time.perf_counter() - t0)
            rows.append([f"{m} x {n}", f"{m * n / 1e6:.2f}e6", spread(times["1"], 1e-3, "{:.2f}") + " ms",
                         spread(times["all"], 1e-3, "{:.2f}") + " ms", ratio_text(round_ratios(times, "all", "1"))])
    out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()] + [""]
    out.append(markdown_table(["X", "m * n", "1 thread", f"{cores} threads", f"{cores} / 1 (per round)"], rows))
    out.append(f"\n- {args.rounds} rounds, wall time; load average after: {loadavg()}.")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
