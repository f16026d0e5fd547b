"""Start-up of the `tutor` command against a minimal two-command typer app.

    python bench/startup.py [--rounds 7] [--profile] [--markdown PATH]

Each round runs, in rotated order, each as a fresh process:
  the peer: a minimal typer app with two commands, importing rich, `--help`
  tutor --help, tutor (the welcome screen), tutor lessons, tutor exercises
  tutor learn forward-pass (the shortcut; the full-screen player, Textual, the
  default on a terminal), the same with --line (the line-mode player) and with
  --from 1 (an option with a value goes through the typer app): time until the
  first screen ("Step 1 of") is on a pseudo-terminal (pexpect), then q. The
  full-screen player draws its first frame with rich while Textual loads
  (tutor.lessons.tui.early); a row of its own says when Textual's first frame,
  the same screen, follows (the first "Step 1 of" after Textual turns the
  mouse on), from the same runs.
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
    MINIMAL_TYPER_APP,
    REPO,
    interleaved,
    loadavg,
    machine_lines,
    markdown_table,
    pick_clock,
    ratio_text,
    round_ratios,
    spread,
)

PEER = "minimal typer app --help (peer)"
PEER_RUN = "minimal typer app, running a command"


def _env(tmp: Path) -> dict:
    env = dict(os.environ, COLUMNS="100", LINES="40", NO_COLOR="1", TUTOR_HOME=str(tmp / "home"),
               PYTHONPATH=str(REPO), PYTHONPYCACHEPREFIX=str(tmp / "pycache"), TERM="xterm-256color")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def commands(py: str) -> dict[str, list[str]]:
    tutor = [py, "-m", "tutor"]
    return {
        PEER: [py, "-c", MINIMAL_TYPER_APP, "--help"],
        PEER_RUN: [py, "-c", MINIMAL_TYPER_APP, "first"],
        "tutor --help": tutor + ["--help"],
        "tutor (welcome screen)": tutor,
        "tutor lessons": tutor + ["lessons"],
        "tutor exercises": tutor + ["exercises"],
    }


def _typer_version() -> str:
    try:
        import typer

        return typer.__version__
    except ImportError:
        return "?"


def run_cmd(cmd, env):
    def f():
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL,
                           timeout=120)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[-2:])} exited {p.returncode}: {p.stderr[-300:]}")
    return f


def first_screen(cmd, env, textual: bool = False):
    """Time to the first "Step 1 of" on the pty; with textual, also to the first one Textual itself
    draws (after it turns the mouse on, which the early frame of tutor.lessons.tui.early does not)."""
    import pexpect

    def f():
        child = pexpect.spawn(cmd[0], cmd[1:], env=env, dimensions=(40, 100), encoding="utf-8", timeout=60)
        out = {}
        try:
            started = False
            while "textual_at" not in out:
                got = child.expect(["Step 1 of", re.escape(TEXTUAL_STARTS)])
                now = time.perf_counter()
                if got == 1:
                    started = True
                    continue
                out.setdefault("screen_at", now)
                if started:
                    out["textual_at"] = now
                if not textual:
                    break
            child.send("q")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        return out
    return f


TEXTUAL_STARTS = "\x1b[?1000h"  # Textual's driver turns mouse reporting on as it starts


def _import_tree(stderr: str):
    """The -X importtime report as a forest of (name, self s, cumulative s, children)."""
    pending: dict[int, list] = {}
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        depth = len(m.group(3)) // 2
        node = (m.group(4), int(m.group(1)) / 1e6, int(m.group(2)) / 1e6, pending.pop(depth + 1, []))
        pending.setdefault(depth, []).append(node)
    return [n for d in sorted(pending) for n in pending[d]]


HEAVY = ("numpy", "scipy", "yaml", "pydantic", "rich", "typer", "click", "platformdirs", "watchfiles", "textual")


def importtime(cmd, env, stdin=None) -> str:
    """Where the imports of one run go: the heavy third-party packages, each with
    the first module of the tutor (or of typer) that pulled it in, and the
    tutor's own modules' self time."""
    p = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, env=env,
                       input=stdin, timeout=120)
    found: dict[str, tuple[float, str]] = {}
    own = 0.0

    def walk(node, owner):
        nonlocal own
        name, self_t, cum, children = node
        top = name.split(".")[0]
        if top in HEAVY and top not in found:
            found[top] = (cum, owner)
        if name.startswith("tutor"):
            own += self_t
        nxt = name if name.startswith(("tutor", "typer._adapters")) else owner
        for c in children:
            walk(c, nxt)

    for root in _import_tree(p.stderr):
        walk(root, "(top)")
    parts = [f"{k} {t * 1e3:.0f} ms (via {owner})" for k, (t, owner) in sorted(found.items(), key=lambda kv: -kv[1][0])]
    return "; ".join(parts) + f"; the tutor's own modules (self time) {own * 1e3:.0f} ms"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time, or CPU time of the process and its children (steadier on a shared machine; "
                         "use it with one BLAS thread)")
    args = ap.parse_args(argv)
    clock = pick_clock(args.clock)
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="tutor-bench-startup-"))
    env = _env(tmp)
    cmds = commands(py)
    fs = {k: run_cmd(c, env) for k, c in cmds.items()}
    learn = [py, "-m", "tutor", "learn", "forward-pass"]
    learn_from = learn + ["--from", "1"]  # an option with a value: through the typer app
    full = "tutor learn forward-pass: first screen, full screen (pty)"
    textual_row = "tutor learn forward-pass: Textual's own first frame (pty)"
    pty_names = {full: learn,
                 "tutor learn forward-pass --line: first screen, line mode (pty)": learn + ["--line"],
                 "tutor learn forward-pass --from 1: first screen, full screen (pty)": learn_from}
    pty_times: dict[str, list[float]] | None = {k: [] for k in [*pty_names, textual_row]}
    try:
        import pexpect  # noqa: F401

        def timed(name, cmd):
            screen = first_screen(cmd, env, textual=name == full)

            def f():  # time to the first screen, not to exit
                t0 = time.perf_counter()
                out = screen()
                pty_times[name].append(out["screen_at"] - t0)
                if "textual_at" in out:
                    pty_times[textual_row].append(out["textual_at"] - t0)
            return f

        for name, cmd in pty_names.items():
            fs[name] = timed(name, cmd)
    except ImportError:
        pty_times = None
    out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()]
    out += ["- clock: " + ("CPU time of each process (user + system, from getrusage of the waited-for child)"
                           if args.clock == "cpu" else "wall time"),
            "- bytecode compiled (warm-up run of each command with a private PYTHONPYCACHEPREFIX); NO_COLOR=1, "
            "COLUMNS=100; BLAS threads as the tutor sets them (one)",
            f"- command: `python bench/startup.py {' '.join(argv or sys.argv[1:])}`", ""]
    for f in fs.values():  # warm-up: compiles bytecode, fills caches
        f()
    if pty_times is not None:
        for v in pty_times.values():
            v.clear()
    times, _ = interleaved(fs, args.rounds, warmup=False, clock=clock)
    if pty_times is not None and args.clock != "cpu":  # the pty contenders report time to the first screen
        times.update(pty_times)
        if len(times[textual_row]) != len(times[PEER]):
            times.pop(textual_row)  # no early frame: Textual's first frame is the first screen
    rows = [[k, spread(v, unit=1e-3, fmt="{:.0f}") + " ms", ratio_text(round_ratios(times, k, PEER)),
             ratio_text(round_ratios(times, k, PEER_RUN))] for k, v in times.items()]
    out.append(f"#### start-up, {args.rounds} rounds interleaved\n")
    out.append(markdown_table(["command", "time: median [min-max]", "vs the peer's --help (per round)",
                               "vs the peer running a command (per round)"], rows))
    out.append("\n- The peer running a command is the fair yardstick for commands that run: typer "
               f"{_typer_version()} imports pydantic (typer._adapters) whenever a command is invoked, "
               "which --help alone does not.")
    out.append(f"\n- load average after: {loadavg()}.")
    if pty_times is None:
        out.append("- pexpect is not installed: the first screen of `tutor learn` is not measured.")
    if args.profile:
        out.append("\n#### where the time goes: imports, one run each (python -X importtime, cumulative)\n")
        for k, c in list(cmds.items()) + [("tutor learn forward-pass (to exit, stdin q)", learn)]:
            out.append(f"- `{k}`: " + importtime(c, env, stdin="q\n"))
    shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
