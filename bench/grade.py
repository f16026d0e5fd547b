"""Throughput of `tutor grade`: submissions per second, and how it scales with --jobs.

    python bench/grade.py [--size 200] [--runs 7] [--jobs 1,2] [--peer 20] [--markdown PATH]

A synthetic class (tutor.grading.synthetic.BENCH_MIX scaled to --size: mostly
right and wrong answers, some broken, one endless loop, one that crashes) is
graded from scratch (no resume) once per setting per round, the settings
interleaved round by round so that a change in the machine's load hits them
alike. Reported per setting: the median wall time over the rounds, the spread
(min-max), submissions per second and the speed-up against --jobs 1. The
peer is what an instructor does without `tutor grade`: a shell loop of
`tutor check --format json`, one process per file, timed on --peer files and
scaled to the class. The load average is printed before and after: this
machine is shared, and other processes only add wall time; the CPU time per
submission (the parent's and the check's child process) does not depend on
the load, and bounds what an idle machine can do.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from tutor.course import bundled_course
from tutor.exercises.catalog import load_catalog  # noqa: E402
from tutor.grading.discover import discover  # noqa: E402
from tutor.grading.run import grade_all  # noqa: E402
from tutor.grading.synthetic import BENCH_MIX, EXERCISE, make_class  # noqa: E402


def scaled_mix(size: int) -> dict[str, int]:
    """BENCH_MIX (200 submissions) scaled to size, keeping one endless and one crash."""
    total = sum(BENCH_MIX.values())
    mix = {k: max(1 if k in ("endless", "crash") else 0, round(n * size / total)) for k, n in BENCH_MIX.items()}
    mix["right"] += size - sum(mix.values())
    return mix


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def grade_once(folder: Path, jobs: int, timeout: float) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, submissions) for one grading of the class from scratch."""
    catalog = load_catalog(bundled_course())
    subs = discover(folder, catalog, [EXERCISE])
    with tempfile.TemporaryDirectory(prefix="bench-grade-out-") as out:
        c0, t0 = _cpu(), time.perf_counter()
        run = grade_all(subs, catalog, out=Path(out), jobs=jobs, timeout=timeout)
        seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    assert run.checked == len(subs), (run.checked, len(subs))
    return seconds, cpu, len(subs)


def peer_once(folder: Path, n: int, timeout: float) -> float:
    """Seconds per file for a loop of `tutor check --format json`, one process per file."""
    files = sorted(p for p in folder.glob("*.py") if "endless" not in p.name)[:n]
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        env = dict(os.environ, PYTHONPATH=str(REPO), TUTOR_HOME=home)
        t0 = time.perf_counter()
        for f in files:
            subprocess.run([sys.executable, "-m", "tutor", "check", EXERCISE, "--file", str(f), "--format", "json",
                            "--timeout", str(timeout)], capture_output=True, env=env)
        return (time.perf_counter() - t0) / len(files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=200)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--peer", type=int, default=20, help="files timed for the tutor-check loop (0: skip)")
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    settings = [int(j) for j in args.jobs.split(",")]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        folder = Path(tmp) / "class"
        mix = scaled_mix(args.size)
        make_class(folder, mix)
        times: dict[str, list[float]] = {f"jobs {j}": [] for j in settings}
        if args.peer:
            times["tutor check loop"] = []
        for r in range(args.runs):
            for j in settings:
                seconds, _, n = grade_once(folder, j, args.timeout)
                times[f"jobs {j}"].append(seconds)
            if args.peer:
                times["tutor check loop"].append(peer_once(folder, args.peer, args.timeout) * n)
            print(f"round {r + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    base = statistics.median(times["jobs 1"]) if "jobs 1" in times else None
    lines = [f"class of {n} submissions of {EXERCISE} (timeout {args.timeout:g} s; mix: "
             + ", ".join(f"{k} {v}" for k, v in mix.items() if v) + f"), {args.runs} interleaved rounds", "",
             "| setting | median s | spread (min-max) s | submissions/s | vs jobs 1 |", "|---|---:|---:|---:|---:|"]
    for k, v in times.items():
        med = statistics.median(v)
        ratio = f"{base / med:.2f}x" if base else "-"
        note = " (scaled from the timed files)" if k == "tutor check loop" else ""
        lines.append(f"| {k}{note} | {med:.1f} | {min(v):.1f}-{max(v):.1f} | {n / med:.2f} | {ratio} |")
    lines.append("")
    if base is not None and n > 1:
        # Wall time, not CPU: the sandboxed checks' CPU does not reach this
        # process's getrusage (it reported 0.01 s per check, less than starting
        # Python takes), so the per-check cost is read off the one-job run.
        per = max(0.0, base - args.timeout) / (n - 1)
        lines.append(f"Per submission on one job: about {per:.2f} s (the one-job median less the endless one's "
                     f"{args.timeout:g} s time limit, over the other {n - 1})")
    lines.append(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
