"""How long each lesson takes to render: per export, and per step.

    python bench/render.py [--rounds 7] [--steps-rounds 3] [--only export,steps]
                           [--profile LESSON[:STEP]] [--markdown PATH]

export  `tutor export LESSON -f txt|html -o FILE` for every lesson of the
        course: each a fresh process (warm home), lessons in rotated order each
        round, `tutor --help` in the same rounds as the yardstick of a bare
        start; the same exports timed inside a process that has everything
        imported (the command's own work); and first runs, in a fresh install
        (an empty home: the course's shipped results are read) and computing
        (TUTOR_SHIPPED_RESULTS=0, only the setups' weights kept). Median and
        [min-max] per lesson.
steps   Every lesson run headless in this process (tutor.lessons.runner.
        render_lesson into a plain recording console), timing each step: what
        it computes (Session.ensure) plus printing its views. This is what a
        learner waits for after pressing Enter in `tutor learn`. The setup
        (data, trained weights from the cache) is timed apart. Steps at or
        over the 0.3 s goal are listed, worst first.
lookahead  A learner's first run, in a fresh TUTOR_HOME (the setup's trained
        weights copied in, no kept step result), with and without look-ahead
        (tutor.lessons.lookahead): each step is computed and printed as
        `tutor learn` does, then the learner "reads" for a fixed time (slept)
        before the next. The wait at each step is timed; the lessons are run
        up to their last step that can be computed ahead. Runs interleaved,
        order rotated each round; median [min-max] of the slow steps' waits
        and of the slowest step's.
--profile LESSON[:STEP]  cProfile of one lesson's headless render (or of the
        span of one step): the functions with the most cumulative time.

Bytecode is compiled (private PYTHONPYCACHEPREFIX) and BLAS runs on one thread,
as under the `tutor` command.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    REPO,
    interleaved,
    loadavg,
    machine_lines,
    markdown_table,
    median,
    pick_clock,
    spread,
)

GOAL = 0.3
_now = time.perf_counter  # the in-process clock of the steps section (time.process_time with --clock cpu)


def course_lessons() -> list[str]:
    import yaml

    doc = yaml.safe_load((REPO / "lessons" / "course.yaml").read_text())
    return [str(x) for x in doc["lessons"]]


def _env(tmp: Path) -> dict:
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", TUTOR_HOME=str(tmp / "home"), PYTHONPATH=str(REPO),
               PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# One export timed inside a process that has already exported another lesson:
# Python, numpy, rich, the lesson engine and the course are imported, so what is
# left is the command's own work (loading the lesson, running and printing its
# steps, writing the file). Prints the seconds.
_IN_PROCESS = """
import sys, time
from pathlib import Path
from tutor.blas import default_to_one_thread
default_to_one_thread()
from tutor.handouts.write import export
from tutor.course import bundled_course
lesson, fmt, out, warm = sys.argv[1:5]
export(warm, fmt=fmt, output=Path(out + ".warm"), course=bundled_course())
t0 = time.perf_counter()
export(lesson, fmt=fmt, output=Path(out), course=bundled_course())
print(time.perf_counter() - t0)
"""


def section_export(lessons, rounds, tmp, out, clock=time.perf_counter, formats=("txt", "html"), first_rounds=3):
    env = _env(tmp)
    py = sys.executable

    def run(cmd, env=env):
        def f():
            p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
            if p.returncode != 0:
                raise SystemExit(f"{' '.join(cmd[3:])} exited {p.returncode}: {p.stderr[-300:]}")
            return p.stdout
        return f

    # Whole processes, as an instructor types them (warm home: the results are kept).
    bare = "tutor --help (a bare start)"
    fs = {bare: run([py, "-m", "tutor", "--help"])}
    for fmt in formats:
        for lesson in lessons:
            fs[(lesson, fmt)] = run([py, "-m", "tutor", "export", lesson, "-f", fmt, "-o", str(tmp / f"{lesson}.{fmt}")])
    times, _ = interleaved(fs, rounds, clock=clock)  # the warm-up compiles bytecode and fills the caches
    # The command's own work, in a process where everything is imported.
    inner = {}
    for fmt in formats:
        for lesson in lessons:
            warm = lessons[1] if lesson == lessons[0] else lessons[0]
            cmd = [py, "-c", _IN_PROCESS, lesson, fmt, str(tmp / f"in-{lesson}.{fmt}"), warm]
            inner[(lesson, fmt)] = run(cmd)
    inner_times = {k: [] for k in inner}
    names = list(inner)
    for r in range(rounds):
        for k in names[r % len(names):] + names[:r % len(names)]:
            inner_times[k].append(float(inner[k]().strip()))
    # First runs, two ways, interleaved: a fresh install (an empty home; the course's
    # shipped results are read), and computing (the shipped results turned off and
    # the setup's trained weights copied in, not timed), so every step that keeps
    # a result computes it.
    weights = Path(env["TUTOR_HOME"]) / "cache"
    first = {lesson: [] for lesson in lessons}
    computing = {lesson: [] for lesson in lessons}
    for r in range(first_rounds):
        for lesson in lessons[r % len(lessons):] + lessons[:r % len(lessons)]:
            for shipped, into in (("1", first), ("0", computing)):
                home = tmp / f"first-{r}-{lesson}-{shipped}"
                (home / "cache").mkdir(parents=True)
                if shipped == "0":  # the setups' weights: kept in the warm home, or read from data/kept
                    for w in [*weights.glob("trained-*.npz"), *(REPO / "data" / "kept").glob("trained-*.npz")]:
                        shutil.copy(w, home / "cache" / w.name)
                fresh = dict(env, TUTOR_HOME=str(home), TUTOR_SHIPPED_RESULTS=shipped)
                f = run([py, "-m", "tutor", "export", lesson, "-f", "txt", "-o", str(home / "out.txt")], env=fresh)
                t0 = clock()
                f()
                into[lesson].append(clock() - t0)
                shutil.rmtree(home, ignore_errors=True)

    def ms(v):
        return spread(v, unit=1e-3, fmt="{:.0f}") + " ms"

    def flag(v):
        return "**yes**" if median(v) > GOAL else "no"

    rows = [[bare, ms(times[bare])] + [""] * (2 * len(formats) + 1)]
    for lesson in lessons:
        row = [lesson]
        for fmt in formats:
            row.append(f"{ms(times[(lesson, fmt)])} ({flag(times[(lesson, fmt)])})")
        for fmt in formats:
            row.append(f"{ms(inner_times[(lesson, fmt)])} ({flag(inner_times[(lesson, fmt)])})")
        row.append(f"{ms(first[lesson])} ({flag(first[lesson])})")
        row.append(f"{ms(computing[lesson])} ({flag(computing[lesson])})")
        rows.append(row)
    heads = (["lesson"] + [f"whole process, -f {fmt}, warm (over {GOAL} s?)" for fmt in formats]
             + [f"the command's own work, -f {fmt} (over?)" for fmt in formats]
             + ["whole process, -f txt, first run in a fresh install (over?)",
                "whole process, -f txt, first run computing (over?)"])
    out.append(f"#### `tutor export LESSON`, {rounds} rounds interleaved (first runs: {first_rounds})\n")
    out.append(markdown_table(heads, rows))
    out.append(
        "\n- whole process: a fresh `python -m tutor export` (interpreter start, imports and exit included) "
        "in a home where the lessons' results are kept, as from the second export on.\n"
        "- the command's own work: one `tutor.handouts.write.export()` call timed in a process that has already "
        "exported another lesson (Python, numpy, rich, the engine and the course imported): loading the "
        "lesson, running and printing its steps, writing the file.\n"
        "- first run in a fresh install: an empty home, as after `pip install`; the results the course "
        "ships (data/kept) stand in for its training runs.\n"
        "- first run computing: TUTOR_SHIPPED_RESULTS=0 and a home holding only the setups' trained "
        "weights, so each step that keeps a result (the training runs) computes it, importing "
        "scipy.optimize where it trains: what a first export with other settings (`--set`, `--data`) "
        "pays once.\n"
        f"- load average after: {loadavg()}.\n")


class _TimingConsole:
    """Wraps a rich Console: times print() calls and the gaps between steps."""

    def __init__(self, console):
        self.c = console
        self.print_time = 0.0
        self.first_print = None

    def __getattr__(self, name):
        return getattr(self.c, name)

    def print(self, *a, **k):
        t0 = _now()
        if self.first_print is None:
            self.first_print = t0
        self.c.print(*a, **k)
        self.print_time += _now() - t0


def step_times(lesson_id: str):
    """(setup seconds, [(step number, title, seconds)]) for one headless render."""
    from rich.console import Console

    from tutor.lessons.runner import render_lesson

    tc = _TimingConsole(Console(file=io.StringIO(), width=100, color_system=None, force_terminal=False))
    marks = []  # (time, print_time) at each on_step call

    def on_step(i):
        marks.append((_now(), tc.print_time))

    t0 = _now()
    session = render_lesson(lesson_id, tc, on_step=on_step)
    t_end, p_end = _now(), tc.print_time
    marks.append((t_end, p_end))
    setup = tc.first_print - t0
    steps = []
    # Step i = its computing (from the end of step i-1's printing to on_step(i))
    # plus its printing (from on_step(i) to on_step(i+1), print time only).
    prev_t, prev_p = tc.first_print, 0.0
    for i in range(len(marks) - 1):
        t_i, p_i = marks[i]
        compute = (t_i - prev_t) - (p_i - prev_p)
        printing = marks[i + 1][1] - p_i
        st = session.steps[i]
        title = getattr(st, "title", "") or getattr(st, "id", "") or ""
        steps.append((i + 1, str(title), compute + printing))
        prev_t, prev_p = t_i, p_i
    return setup, steps


def section_steps(lessons, rounds, out):
    os.environ["TUTOR_HOME"] = tempfile.mkdtemp(prefix="tutor-bench-home-")  # fresh: the first run is cold
    os.environ["TUTOR_SHIPPED_RESULTS"] = "0"  # ... and computes what the course would otherwise ship
    cold = {}
    for lesson in lessons:  # warm-up: imports, the trained-weights cache, the kept training results
        cold[lesson] = step_times(lesson)[1]
    per = {}
    setups = {lesson: [] for lesson in lessons}
    for r in range(rounds):
        order = lessons[r % len(lessons):] + lessons[:r % len(lessons)]
        for lesson in order:
            setup, steps = step_times(lesson)
            setups[lesson].append(setup)
            for k, title, t in steps:
                per.setdefault((lesson, k, title), []).append(t)
    totals = {lesson: sum(median(v) for (ls, _, _), v in per.items() if ls == lesson) for lesson in lessons}
    rows = []
    for lesson in lessons:
        steps = [(k, t, v) for (ls, k, t), v in per.items() if ls == lesson]
        worst = max(steps, key=lambda s: median(s[2]))
        over = sum(1 for s in steps if median(s[2]) > GOAL)
        c_worst = max(cold[lesson], key=lambda s: s[2])
        c_over = sum(1 for s in cold[lesson] if s[2] > GOAL)
        rows.append([lesson, str(len(steps)), spread(setups[lesson], unit=1e-3, fmt="{:.0f}") + " ms",
                     f"{totals[lesson] * 1e3:.0f} ms", f"{worst[0]} ({worst[1][:40]}): {median(worst[2]) * 1e3:.0f} ms",
                     str(over), f"{c_worst[0]} ({c_worst[1][:30]}): {c_worst[2] * 1e3:.0f} ms", str(c_over)])
    out.append(f"#### each step's compute + render, headless, {rounds} rounds\n")
    out.append(markdown_table(["lesson", "steps", "setup: median [min-max]", "sum of step medians",
                               "slowest step", f"steps over {GOAL} s", "first run, fresh home: slowest step",
                               f"over {GOAL} s (first run)"], rows))
    out.append("\n- The first run is the warm-up, in a fresh TUTOR_HOME: it trains the setups' weights (timed in "
               "the setup, not in a step) and the steps whose training results are kept on disk (the play table, "
               "the held-out experiment, the from-scratch loop); the rounds after it read them back, as a second "
               "visit, a demo or an export does.")
    slow = sorted(((median(v), k, v) for k, v in per.items() if median(v) > GOAL * 0.5), reverse=True)
    if slow:
        out.append(f"\nSteps over {GOAL * 0.5:.2f} s (half the goal), worst first:\n")
        out.append(markdown_table(["lesson", "step", "title", "time: median [min-max]", f"over {GOAL} s?"],
                                  [[k[0], str(k[1]), k[2][:50], spread(v, unit=1e-3, fmt="{:.0f}") + " ms",
                                    "yes" if m > GOAL else "no"] for m, k, v in slow]))
    out.append(f"\n- in-process, warm (imports done, weights cached); a learner's first step of a session also "
               f"pays the start-up and the setup. Load average after: {loadavg()}.\n")


def _first_run(lesson_id: str, reading: float, ahead: bool, weights: Path) -> list[tuple[int, str, float]]:
    """[(step number, id, seconds waited)] for one learner's first run of a lesson, up to its
    last step with a look-ahead plan, reading `reading` seconds after each step."""
    from rich.console import Console

    from tutor.course import bundled_course
    from tutor.lessons.environment import build_environment
    from tutor.lessons.loader import find_lesson
    from tutor.lessons.runner import Session, step_header
    from tutor.lessons.ui import RecordingUI

    home = Path(tempfile.mkdtemp(prefix="tutor-bench-ahead-"))
    shutil.copytree(weights, home / "cache")  # the setup's weights only: the steps' results are not kept yet
    os.environ["TUTOR_HOME"] = str(home)
    try:
        lesson = find_lesson(lesson_id, bundled_course())
        console = Console(file=io.StringIO(), width=100, color_system=None, force_terminal=False)
        session = Session(lesson, build_environment(lesson, None), RecordingUI(console, keys=[]), mode="learn",
                          lookahead=ahead)
        last = max(i for i, st in enumerate(session.steps) if st.plan() is not None)
        waits = []
        for i in range(last + 1):
            t0 = _now()
            out = session.ensure(i)
            console.print(step_header(session, i))
            for r in out:
                console.print(r)
            waits.append((i + 1, session.steps[i].id, _now() - t0))
            if i < last:
                time.sleep(reading)
        session.close()
        return waits
    finally:
        shutil.rmtree(home, ignore_errors=True)


def section_lookahead(lessons, rounds, readings, out):
    from tutor.course import bundled_course
    from tutor.lessons.environment import build_environment
    from tutor.lessons.loader import find_lesson

    warm = Path(tempfile.mkdtemp(prefix="tutor-bench-weights-"))
    os.environ["TUTOR_HOME"] = str(warm)
    os.environ["TUTOR_SHIPPED_RESULTS"] = "0"  # what look-ahead hides is the computing
    for lesson in lessons:  # trains and keeps each setup's weights once
        build_environment(find_lesson(lesson, bundled_course()), None)
    weights = warm / "cache"
    # Setups this process already built (the steps section) are not trained again,
    # so nothing may have been written here: an empty cache is then the start.
    weights.mkdir(parents=True, exist_ok=True)
    for p in weights.glob("op-*"):
        p.unlink()
    cases = {}
    for lesson in lessons:
        cases[(lesson, "off", readings[0])] = None
        for r in readings:
            cases[(lesson, "on", r)] = None
    runs = {k: [] for k in cases}
    names = list(cases)
    load_before = loadavg()
    for _ in range(1):  # warm-up: imports, bytecode
        for lesson in lessons:
            _first_run(lesson, 0.0, False, weights)
    for rnd in range(rounds):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        for key in order:
            lesson, mode, r = key
            runs[key].append(_first_run(lesson, r, mode == "on", weights))
    slow = {}  # (lesson, step, id) of the steps over the goal without look-ahead
    for (lesson, mode, r), rs in runs.items():
        if mode != "off":
            continue
        for j in range(len(rs[0])):
            if median([run[j][2] for run in rs]) > GOAL:
                slow[(lesson, rs[0][j][0], rs[0][j][1])] = j
    rows = []
    for (lesson, k, sid), j in slow.items():
        row = [lesson, f"{k} ({sid})"]
        for key in names:
            if key[0] == lesson:
                row.append(spread([run[j][2] for run in runs[key]], unit=1e-3, fmt="{:.0f}") + " ms")
        rows.append(row)
    for lesson in lessons:
        row = [lesson, "slowest step of the run"]
        for key in names:
            if key[0] == lesson:
                row.append(spread([max(w for _, _, w in run) for run in runs[key]], unit=1e-3, fmt="{:.0f}") + " ms")
        rows.append(row)
    heads = ["lesson", "step"] + [("without look-ahead" if m == "off" else f"look-ahead, reading {r:g} s per step")
                                  for (ls, m, r) in names if ls == lessons[0]]
    out.append(f"#### a learner's first run: the wait at each step, {rounds} rounds interleaved\n")
    out.append(markdown_table(heads, rows))
    out.append(f"\n- fresh TUTOR_HOME per run, the setup's weights copied in (not timed), no kept step result; a "
               f"step's wait is its computing plus printing it, as after Enter in `tutor learn`; the learner "
               f"reads each step for the stated time (slept) before pressing Enter. Without look-ahead the "
               f"reading time does not change the wait (run with {readings[0]:g} s). Load average before: "
               f"{load_before}; after: {loadavg()}.\n")
    shutil.rmtree(warm, ignore_errors=True)


def profile(spec: str, out, top: int = 18):
    import cProfile
    import pstats

    lesson, _, step = spec.partition(":")
    step_times(lesson)  # warm
    pr = cProfile.Profile()
    if step:
        from rich.console import Console

        from tutor.lessons.runner import render_lesson

        want = int(step)  # 1-based; on_step(i) runs after step i + 1 is computed, before it prints

        def on_step(i):
            if i == want - 2:
                pr.enable()  # from the printing of the step before ...
            elif i == want - 1:
                pr.disable()  # ... to the end of this step's computing

        if want == 1:
            pr.enable()

        render_lesson(lesson, Console(file=io.StringIO(), width=100, color_system=None), on_step=on_step)
        pr.disable()
    else:
        pr.enable()
        step_times(lesson)
        pr.disable()
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(top)
    out.append(f"#### cProfile: {spec} (cumulative; a step's span is its computing, after the previous step's "
               "printing)\n\n```\n" + "\n".join(s.getvalue().splitlines()[4:]) + "\n```\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps-rounds", type=int, default=7)
    ap.add_argument("--only", default="export,steps")
    ap.add_argument("--profile", action="append", default=[])
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--ahead-lessons", default="accuracy,moons-from-scratch",
                    help="lessons of the lookahead section (comma-separated)")
    ap.add_argument("--ahead-rounds", type=int, default=7)
    ap.add_argument("--reading", default="0.2,1",
                    help="seconds the learner reads each step, for the lookahead section (comma-separated)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time, or CPU time of the process and its children (steadier on a shared machine; "
                         "use it with one BLAS thread)")
    args = ap.parse_args(argv)
    clock = pick_clock(args.clock)
    global _now
    _now = time.process_time if args.clock == "cpu" else time.perf_counter
    # as under the tutor command: one BLAS thread, set before numpy loads
    from tutor.blas import default_to_one_thread

    default_to_one_thread()
    lessons = course_lessons()
    tmp = Path(tempfile.mkdtemp(prefix="tutor-bench-render-"))
    out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()]
    out += ["- clock: " + ("CPU time (children's for the export processes, this process's for the steps)"
                           if args.clock == "cpu" else "wall time"),
            f"- command: `python bench/render.py {' '.join(argv or sys.argv[1:])}`", ""]
    only = args.only.split(",")
    if "export" in only:
        section_export(lessons, args.rounds, tmp, out, clock)
    if "steps" in only:
        section_steps(lessons, args.steps_rounds, out)
    if "lookahead" in only:
        section_lookahead(args.ahead_lessons.split(","), args.ahead_rounds,
                          [float(x) for x in args.reading.split(",")], out)
    for spec in args.profile:
        profile(spec, out)
    shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
