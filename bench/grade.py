"""Throughput of `tutor grade`: submissions per second, warm against cold, and how it scales with --jobs.

    python bench/grade.py [--size 200] [--runs 7] [--jobs 1,2] [--peer 20] [--no-endless] [--markdown PATH]

Each --jobs setting is timed twice per round: warm (the default: one
sandboxed server per job imports numpy once and forks a fresh child per
submission) and cold (TUTOR_WARM=0: a new sandbox, a new interpreter and a
new numpy import for every submission, as every check ran before the warm
server). Both gradebooks are compared record by record (all but the time
each check took): the table says whether they were identical. --no-endless
leaves the endless loop out of the class: its time limit is the same wall
time warm or cold and would hide the difference.

A synthetic class (tutor.grading.synthetic.BENCH_MIX scaled to --size: mostly
right and wrong answers, some broken, one endless loop, one that crashes) is
graded from scratch (no resume) once per setting per round, the settings
interleaved round by round so that a change in the machine's load hits them
alike. Reported per setting: the median wall time over the rounds, the spread
(min-max), submissions per second, the speed-up against cold checks on one
job, and warm against cold at the same --jobs. The peer is what an
instructor does without `tutor grade`: a shell loop of `tutor check
--format json`, one process per file, timed on --peer files and scaled to
the class. The load average is printed before and after: this machine is
shared, and other processes only add wall time.
"""

from __future__ import annotations

import argparse
import os
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


def grade_once(folder: Path, jobs: int, timeout: float, warm: bool = True) -> tuple[float, list, int]:
    """(wall seconds, the gradebook's records less their times, submissions) for one grading from scratch."""
    catalog = load_catalog(bundled_course())
    subs = discover(folder, catalog, [EXERCISE])
    os.environ["TUTOR_WARM"] = "1" if warm else "0"
    with tempfile.TemporaryDirectory(prefix="bench-grade-out-") as out:
        t0 = time.perf_counter()
        run = grade_all(subs, catalog, out=Path(out), jobs=jobs, timeout=timeout)
        seconds = time.perf_counter() - t0
    assert run.checked == len(subs), (run.checked, len(subs))
    return seconds, [{k: v for k, v in r.items() if k != "seconds"} for r in run.records], len(subs)


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
    ap.add_argument("--no-endless", action="store_true", help="leave the endless loop out of the class")
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    settings = [int(j) for j in args.jobs.split(",")]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        folder = Path(tmp) / "class"
        mix = scaled_mix(args.size)
        if args.no_endless:
            mix["right"] += mix.pop("endless")
        make_class(folder, mix)
        times: dict[str, list[float]] = {}
        for j in settings:
            times[f"warm, jobs {j}"], times[f"cold, jobs {j}"] = [], []
        if args.peer:
            times["tutor check loop"] = []
        books: dict[str, list] = {}
        same = True
        for r in range(args.runs):
            for j in settings:
                for warm in (True, False):
                    key = f"{'warm' if warm else 'cold'}, jobs {j}"
                    seconds, book, n = grade_once(folder, j, args.timeout, warm)
                    times[key].append(seconds)
                    same = same and book == books.setdefault("first", book)
            if args.peer:
                times["tutor check loop"].append(peer_once(folder, args.peer, args.timeout) * n)
            print(f"round {r + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    base = statistics.median(times["cold, jobs 1"]) if "cold, jobs 1" in times else None
    lines = [f"class of {n} submissions of {EXERCISE} (timeout {args.timeout:g} s; mix: "
             + ", ".join(f"{k} {v}" for k, v in mix.items() if v) + f"), {args.runs} interleaved rounds", "",
             "| setting | median s | spread (min-max) s | submissions/s | vs cold, jobs 1 | warm vs cold, same jobs |",
             "|---|---:|---:|---:|---:|---:|"]
    for k, v in times.items():
        med = statistics.median(v)
        ratio = f"{base / med:.2f}x" if base else "-"
        pair = k.replace("warm", "cold") if k.startswith("warm") else None
        against = f"{statistics.median(times[pair]) / med:.2f}x" if pair in times else "-"
        note = " (scaled from the timed files)" if k == "tutor check loop" else ""
        lines.append(f"| {k}{note} | {med:.2f} | {min(v):.2f}-{max(v):.2f} | {n / med:.1f} | {ratio} | {against} |")
    lines.append("")
    lines.append("Gradebooks: " + ("identical in every run, warm and cold (every field but the check's time)."
                                    if same else "NOT identical between runs: see the records."))
    lines.append("")
    if base is not None and n > 1 and not args.no_endless:
        # Wall time, not CPU: the sandboxed checks' CPU does not reach this
        # process's getrusage (it reported 0.01 s per check, less than starting
        # Python takes), so the per-check cost is read off the one-job run.
        per = max(0.0, base - args.timeout) / (n - 1)
        lines.append(f"Per submission, cold, on one job: about {per:.2f} s (the median less the endless one's "
                     f"{args.timeout:g} s time limit, over the other {n - 1})")
    lines.append(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
