"""Start-up of two checkouts of the tutor in one run, against the minimal typer app.

    python bench/ab_startup.py OLD_CHECKOUT NEW_CHECKOUT [ROUNDS]

(e.g. an older commit unpacked with `git archive REV | tar -x -C /tmp/old`).
Each round runs every contender once, in rotated order: the peer's --help,
then for each checkout `tutor --help`, `tutor`, `tutor lessons`,
`tutor exercises`, and the first screen of `tutor learn forward-pass` (with
and without --restart) on a pseudo-terminal. Each checkout has its own
TUTOR_HOME and bytecode cache, filled by a warm-up run.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import interleaved, loadavg, markdown_table, ratio_text, round_ratios, spread
from bench.startup import MINIMAL_TYPER_APP, first_screen, run_cmd

OLD, NEW = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 9
py = sys.executable
tmp = Path(tempfile.mkdtemp())
def env(repo, tag):
    e = dict(os.environ, COLUMNS="100", LINES="40", NO_COLOR="1", TUTOR_HOME=str(tmp / f"home-{tag}"), PYTHONPATH=repo,
             PYTHONPYCACHEPREFIX=str(tmp / f"pyc-{tag}"), TERM="xterm-256color")
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    return e
E = {"old": env(OLD, "old"), "new": env(NEW, "new")}
fs = {"peer --help": run_cmd([py, "-c", MINIMAL_TYPER_APP, "--help"], E["new"])}
pty = {}
for tag in ("old", "new"):
    for name, args in (("--help", ["--help"]), ("(welcome)", []), ("lessons", ["lessons"]), ("exercises", ["exercises"])):
        fs[f"{tag}: tutor {name}"] = run_cmd([py, "-m", "tutor", *args], E[tag])
    for name, args in (("learn forward-pass", ["learn", "forward-pass"]), ("learn forward-pass --restart", ["learn", "forward-pass", "--restart"])):
        key = f"{tag}: tutor {name} (first screen)"
        scr = first_screen([py, "-m", "tutor", *args], E[tag])
        pty[key] = []
        def f(scr=scr, key=key):
            t0 = time.perf_counter(); out = scr(); pty[key].append(out["screen_at"] - t0)
        fs[key] = f
for f in fs.values():
    f()
for v in pty.values():
    v.clear()
times, _ = interleaved(fs, rounds, warmup=False)
times.update(pty)
rows = [[k, spread(v, unit=1e-3, fmt="{:.0f}") + " ms", ratio_text(round_ratios(times, k, "peer --help"))] for k, v in times.items()]
print(markdown_table(["command", "time: median [min-max]", "vs the peer's --help (per round)"], rows))
print(f"\n- {rounds} rounds interleaved; old = {OLD}, new = {NEW}; load average after: {loadavg()}")
