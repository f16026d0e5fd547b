"""The command a learner types to check an exercise, against bare Python and a minimal typer app.

    python bench/check_command.py [--rounds 15] [--profile] [--markdown PATH] [--baseline DIR]

Each round runs, in rotated order, each as a fresh process (wall time, from
start to exit):
  `python -c pass`                   Python's own start, the floor of any command
  a minimal typer app running a command (importing rich): the usual yardstick
  `tutor check sigmoid-gradient`     a right answer, text output, the light path
                                     (tutor.cli._fast_path, no typer app), in its
                                     sandbox (bubblewrap where it is installed)
  `tutor check sigmoid-gradient`     a wrong answer (s * s): the same, with a
                                     named diagnosis in the report
  with --baseline DIR: the same two checks by the tutor in DIR (a source tree,
                                     e.g. `git archive COMMIT | tar -x -C DIR`), first
                                     on PYTHONPATH, with its own TUTOR_HOME: before and
                                     after in the same rounds
The figure for each is its median with [min-max]; ratios are taken within
each round, then their median and range over the rounds.

The exercise folder is made as a learner makes it (`tutor exercise start`,
then the answer written in), in a private temporary folder with a private
TUTOR_HOME. Bytecode is compiled before timing (warm-up runs with
PYTHONDONTWRITEBYTECODE unset), as an installed tutor would be. NO_COLOR=1,
COLUMNS=100.

--profile adds where one run of the right answer spends its time: the
imports that cost the most (python -X importtime), and the parent's
functions by cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    MINIMAL_TYPER_APP,
    REPO,
    interleaved,
    loadavg,
    machine_lines,
    markdown_table,
    ratio_text,
    round_ratios,
    spread,
)

EXERCISE = "sigmoid-gradient"
RIGHT = "    s = sigmoid(z)\n    return s * (1 - s)\n"
WRONG = "    s = sigmoid(z)\n    return s * s\n"

BARE = "python -c pass"
PEER = "minimal typer app, running a command"
CHECK = f"tutor check {EXERCISE} (right answer)"
CHECK_WRONG = f"tutor check {EXERCISE} (wrong answer)"


def _env(tmp: Path, source: Path = REPO, home: str = "home") -> dict:
    env = dict(os.environ, COLUMNS="100", LINES="40", NO_COLOR="1", TUTOR_HOME=str(tmp / home),
               PYTHONPATH=str(source), TERM="xterm-256color")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _tutor(py: str) -> list[str]:
    """The installed `tutor` script beside this Python, as a learner runs it; else `python -m tutor`."""
    script = Path(py).parent / "tutor"
    return [str(script)] if script.is_file() else [py, "-m", "tutor"]


def _answer(stub: str, body: str) -> str:
    lines = stub.splitlines(keepends=True)
    todo = next(i for i, line in enumerate(lines) if "# TODO" in line)
    # The stub's body is the TODO comment and a `raise NotImplementedError` line.
    return "".join(lines[:todo]) + body + "".join(lines[todo + 2:])


def make_folders(tutor: list[str], env: dict, tmp: Path) -> dict[str, Path]:
    """A started exercise with a right answer, and one with a wrong answer, each in its own folder."""
    out = {}
    for name, body in (("right", RIGHT), ("wrong", WRONG)):
        folder = tmp / name
        if folder.exists():  # made already (the baseline checks the same files)
            out[name] = folder
            continue
        folder.mkdir()
        subprocess.run(tutor + ["exercise", "start", EXERCISE], cwd=folder, env=env, check=True,
                       stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=120)
        path = folder / "tutor-exercises" / f"{EXERCISE}.py"
        path.write_text(_answer(path.read_text(encoding="utf-8"), body), encoding="utf-8")
        out[name] = folder
    return out


def run_cmd(cmd, env, cwd=None, expect=0):
    def f():
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd,
                           stdin=subprocess.DEVNULL, timeout=120)
        if p.returncode != expect:
            raise SystemExit(f"{' '.join(cmd[-2:])} exited {p.returncode}, not {expect}: {p.stderr[-300:]}")
    return f


def importtime(cmd, env, cwd, top: int = 12) -> str:
    """The costliest imports of one run (cumulative), as `python -X importtime` reports them."""
    p = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, env=env,
                       cwd=cwd, timeout=120)
    rows = []
    for line in p.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:"):].split("|")
        try:
            self_us, cum_us = int(parts[0]), int(parts[1])
        except ValueError:
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((cum_us, self_us, depth, name.strip()))
    total = sum(cum for cum, _, depth, _ in rows if depth == 0)
    lines = [f"all imports: {total / 1e3:.0f} ms"]
    for cum, self_us, depth, name in sorted(rows, key=lambda r: -r[0])[:top]:
        lines.append(f"{name} {cum / 1e3:.1f} ms (self {self_us / 1e3:.1f}, depth {depth})")
    return "; ".join(lines)


_PROFILE = """
import cProfile, sys
profile = cProfile.Profile()
profile.enable()
try:
    from tutor.cli import main
    main(sys.argv[2:])  # a list: SystemExit comes back here (the script would end the process at once)
except SystemExit:
    pass
profile.disable()
profile.dump_stats(sys.argv[1])
"""


def cprofile(cmd, env, cwd, top: int = 25) -> str:
    """The parent's own functions (the tutor's) by cumulative time, one run under cProfile (imports included)."""
    out = Path(tempfile.mkdtemp(prefix="tutor-bench-prof-")) / "check.prof"
    subprocess.run([sys.executable, "-c", _PROFILE, str(out), *cmd[1:]], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env, cwd=cwd, timeout=120)
    import io
    import pstats

    buf = io.StringIO()
    try:
        pstats.Stats(str(out), stream=buf).sort_stats("cumulative").print_stats("/tutor/", top)
    except (OSError, TypeError):
        return "(no profile: the run did not write one)"
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    return "\n".join(line for line in buf.getvalue().splitlines() if line.strip())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--baseline", type=Path, help="a tutor source tree to time beside this one (before/after)")
    args = ap.parse_args(argv)
    py = sys.executable
    tutor = _tutor(py)
    tmp = Path(tempfile.mkdtemp(prefix="tutor-bench-check-"))
    env = _env(tmp)
    try:
        folders = make_folders(tutor, env, tmp)
        check = tutor + ["check", EXERCISE]
        fs = {
            BARE: run_cmd([py, "-c", "pass"], env),
            PEER: run_cmd([py, "-c", MINIMAL_TYPER_APP, "first"], env),
            CHECK: run_cmd(check, env, cwd=folders["right"], expect=0),
            CHECK_WRONG: run_cmd(check, env, cwd=folders["wrong"], expect=1),
        }
        if args.baseline:
            base_env = _env(tmp, args.baseline.resolve(), home="home-baseline")
            fs[f"{CHECK} [baseline]"] = run_cmd(check, base_env, cwd=folders["right"], expect=0)
            fs[f"{CHECK_WRONG} [baseline]"] = run_cmd(check, base_env, cwd=folders["wrong"], expect=1)
        out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()]
        out += ["- clock: wall time of each process, start to exit",
                "- bytecode compiled (warm-up runs with PYTHONDONTWRITEBYTECODE unset); NO_COLOR=1, COLUMNS=100; "
                "a private TUTOR_HOME; the exercise started with `tutor exercise start`",
                f"- command: `python bench/check_command.py {' '.join(argv if argv is not None else sys.argv[1:])}`",
                ""]
        for f in fs.values():  # warm-up: compiles bytecode, fills the header cache
            f()
            f()
        times, _ = interleaved(fs, args.rounds, warmup=False)
        rows = [[k, spread(v, unit=1e-3, fmt="{:.0f}") + " ms", ratio_text(round_ratios(times, k, BARE)),
                 ratio_text(round_ratios(times, k, PEER))] for k, v in times.items()]
        out.append(f"#### `tutor check`, {args.rounds} rounds interleaved\n")
        out.append(markdown_table(["command", "time: median [min-max]", "vs `python -c pass` (per round)",
                                   "vs the minimal typer app (per round)"], rows))
        out.append(f"\n- the tutor's command: `{' '.join(check)}` in the exercise's folder")
        if args.baseline:
            out.append(f"- [baseline]: the tutor of {args.baseline.resolve()} (first on PYTHONPATH, its own "
                       "TUTOR_HOME); within each round, this tree / baseline: "
                       f"right {ratio_text(round_ratios(times, CHECK, f'{CHECK} [baseline]'))}, "
                       f"wrong {ratio_text(round_ratios(times, CHECK_WRONG, f'{CHECK_WRONG} [baseline]'))}")
        out.append(f"- load average after: {loadavg()}.")
        if args.profile:
            out.append("\n#### where one right-answer check goes\n")
            out.append("- imports (python -X importtime, cumulative): " + importtime(check, env, folders["right"]))
            out.append("\ncProfile of the parent (cumulative):\n\n```")
            out.append(cprofile(["tutor", "check", EXERCISE], env, folders["right"]))
            out.append("```")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
