"""What isolation costs per check: bubblewrap against the plain subprocess, in one run.

    PYTHONPATH=. python bench/isolation.py [--runs 9] [--exercise sigmoid-gradient]

Runs the same right answer through the real checker (`check_file`) with
--isolation strict (bubblewrap) and --isolation off (a plain process),
interleaved (strict, off, strict, off, ...) so that load on a shared machine
falls on both alike. Prints, for each, the median wall time of a whole check
and the spread (min to max), then the median of the per-pair differences and
the ratio of the medians. One warm-up pair is run first and not counted
(the first check pays for importing the tutor and loading the catalog).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ANSWERS = {
    "sigmoid-gradient": "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n",
    "update-parameters": ("def update_parameters(parameters, grads, learning_rate):\n"
                          "    return {k: v - learning_rate * grads['d' + k] for k, v in parameters.items()}\n"),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="pairs measured (at least 7)")
    parser.add_argument("--exercise", default="sigmoid-gradient", choices=sorted(ANSWERS))
    args = parser.parse_args(argv)
    runs = max(7, args.runs)

    from tutor.exercises import isolation
    from tutor.exercises.catalog import get_exercise
    from tutor.exercises.check import check_file

    try:
        isolation.decide("strict")
    except isolation.IsolationRefused as err:
        print(f"cannot measure: {err.message}", file=sys.stderr)
        return 2
    from tutor.course import bundled_course

    ex = get_exercise(args.exercise, bundled_course())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{ex.id}.py"
        path.write_text(ANSWERS[ex.id])

        def once(mode: str) -> float:
            start = time.perf_counter()
            result = check_file(ex, path, isolation=mode)
            elapsed = time.perf_counter() - start
            assert result.passed and result.isolated == (mode == "strict"), (mode, result.problem)
            return elapsed

        once("strict"), once("off")  # warm-up, not counted
        times: dict[str, list[float]] = {"strict": [], "off": []}
        for _ in range(runs):
            for mode in ("strict", "off"):
                times[mode].append(once(mode))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"exercise {ex.id}, {runs} interleaved pairs, load average {load:.2f}")
    print(f"{'mode':<22}{'median':>10}{'min':>10}{'max':>10}")
    for mode, label in (("strict", "bubblewrap (strict)"), ("off", "plain process (off)")):
        t = times[mode]
        print(f"{label:<22}{statistics.median(t) * 1000:>8.0f}ms{min(t) * 1000:>8.0f}ms{max(t) * 1000:>8.0f}ms")
    diffs = [a - b for a, b in zip(times["strict"], times["off"])]
    ratio = statistics.median(times["strict"]) / statistics.median(times["off"])
    print(f"isolation costs {statistics.median(diffs) * 1000:+.0f} ms per check (median of pair differences, "
          f"spread {min(diffs) * 1000:+.0f} to {max(diffs) * 1000:+.0f} ms); ratio of medians {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
