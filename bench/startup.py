"""Start-up of the `tutor` command against a minimal two-command typer app.

    python bench/startup.py [--rounds 7] [--profile] [--markdown PATH]

Each round runs, in rotated order, each as a fresh process:
  the peer: a minimal typer app with two commands, importing rich, `--help`
  tutor --help, tutor (the welcome screen), tutor lessons, tutor exercises
  tutor learn forward-pass: time until its first screen ("Step 1 of") is on a
  pseudo-terminal (pexpect), then q.
The figure for each is its median with [min-max]; the ratio to the peer is
taken within each round, then its median and range over the rounds.

Bytecode is compiled before timing (a warm-up run of every command with
PYTHONDONTWRITEBYTECODE unset and a private PYTHONPYCACHEPREFIX), as an
installed tutor would be. NO_COLOR=1, COLUMNS=100, a private TUTOR_HOME.

--profile adds, per command, the top-level imports that cost the most
(python -X importtime, cumulative, one run): where the start-up goes.
"""

from __future__ import annotations

import argparse
import os
import re
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
    ratio_text,
    round_ratios,
    spread,
)

MINIMAL_TYPER_APP = """
import typer
import rich
app = typer.Typer(rich_markup_mode="rich")
@app.command()
def first(x: int = 1):
    \"\"\"A command.\"\"\"
@app.command()
def second(y: int = 2):
    \"\"\"Another command.\"\"\"
app()
"""

PEER = "minimal typer app --help (peer)"


def _env(tmp: Path) -> dict:
    env = dict(os.environ, COLUMNS="100", LINES="40", NO_COLOR="1", TUTOR_HOME=str(tmp / "home"),
               PYTHONPATH=str(REPO), PYTHONPYCACHEPREFIX=str(tmp / "pycache"), TERM="xterm-256color")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def commands(py: str) -> dict[str, list[str]]:
    tutor = [py, "-m", "tutor"]
    return {
        PEER: [py, "-c", MINIMAL_TYPER_APP, "--help"],
        "tutor --help": tutor + ["--help"],
        "tutor (welcome screen)": tutor,
        "tutor lessons": tutor + ["lessons"],
        "tutor exercises": tutor + ["exercises"],
    }


def run_cmd(cmd, env):
    def f():
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL,
                           timeout=120)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[-2:])} exited {p.returncode}: {p.stderr[-300:]}")
    return f


def first_screen(cmd, env):
    import pexpect

    def f():
        child = pexpect.spawn(cmd[0], cmd[1:], env=env, dimensions=(40, 100), encoding="utf-8", timeout=60)
        try:
            child.expect("Step 1 of")
            t = time.perf_counter()
            child.send("q")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        return {"screen_at": t}
    return f


def importtime(cmd, env, top=8) -> list[tuple[float, str]]:
    """The imports with the largest cumulative time, nested ones folded into their top-level package."""
    p = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=120)
    per_pkg: dict[str, float] = {}
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        cum, depth, name = int(m.group(2)), len(m.group(3)), m.group(4)
        if depth <= 1:  # a top-level import (its cumulative time includes its children)
            key = name if name.startswith("tutor") else name.split(".")[0]
            per_pkg[key] = per_pkg.get(key, 0.0) + cum / 1e6
    return sorted(((t, k) for k, t in per_pkg.items()), reverse=True)[:top]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args(argv)
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="tutor-bench-startup-"))
    env = _env(tmp)
    cmds = commands(py)
    fs = {k: run_cmd(c, env) for k, c in cmds.items()}
    learn = [py, "-m", "tutor", "learn", "forward-pass", "--restart"]
    try:
        import pexpect  # noqa: F401

        screen = first_screen(learn, env)

        def learn_first():  # time to the first screen, not to exit
            t0 = time.perf_counter()
            out = screen()
            learn_times.append(out["screen_at"] - t0)

        learn_times: list[float] = []
        fs["tutor learn forward-pass: first screen (pty)"] = learn_first
    except ImportError:
        learn_times = None
    out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()]
    out += ["- bytecode compiled (warm-up run of each command with a private PYTHONPYCACHEPREFIX); NO_COLOR=1, "
            "COLUMNS=100; BLAS threads as the tutor sets them (one)",
            f"- command: `python bench/startup.py {' '.join(argv or sys.argv[1:])}`", ""]
    for f in fs.values():  # warm-up: compiles bytecode, fills caches
        f()
    if learn_times is not None:
        learn_times.clear()
    times, _ = interleaved(fs, args.rounds, warmup=False)
    if learn_times is not None:  # the pty contender reports time to first screen, not process time
        times["tutor learn forward-pass: first screen (pty)"] = learn_times
    rows = [[k, spread(v, unit=1e-3, fmt="{:.0f}") + " ms", ratio_text(round_ratios(times, k, PEER))]
            for k, v in times.items()]
    out.append(f"#### start-up, {args.rounds} rounds interleaved\n")
    out.append(markdown_table(["command", "time: median [min-max]", "vs the peer (per round)"], rows))
    out.append(f"\n- load average after: {loadavg()}.")
    if learn_times is None:
        out.append("- pexpect is not installed: the first screen of `tutor learn` is not measured.")
    if args.profile:
        out.append("\n#### where the time goes: top-level imports by cumulative time (python -X importtime)\n")
        for k, c in list(cmds.items())[1:] + [("tutor learn forward-pass (to exit, piped q)", learn)]:
            top = importtime(c, env)
            out.append(f"- `{k}`: " + ", ".join(f"{name} {t * 1e3:.0f} ms" for t, name in top))
    shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
