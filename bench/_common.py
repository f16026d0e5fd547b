"""What every bench script shares: interleaved timing, medians with their
spread, the load average, and a Markdown table writer.

Interleaving: each round runs every contender once, in an order rotated from
round to round, so a burst of load from another process falls on all of them
alike; ratios are taken within a round, then their median reported. A
contender's figure is its median with the min-max range beside it.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


# The yardstick of the start-up benches: a minimal two-command typer app that imports rich.
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


def cpu_clock() -> float:
    """CPU seconds of this process (all its threads) plus its finished children.

    On a machine shared with other jobs, wall time counts the time a process
    waits for a core; CPU time counts only the work. Fair for single-threaded
    contenders (with BLAS threads, spinning threads count as work); a
    subprocess's time is read once it has been waited for.
    """
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ru.ru_utime + ru.ru_stime


def pick_clock(name: str):
    return cpu_clock if name == "cpu" else time.perf_counter


def interleaved(fs: dict, rounds: int, clock=time.perf_counter, warmup: bool = True, on_round=None):
    """{name: [seconds per round]} for callables run in turn, `rounds` times.

    A callable may return a dict of extra facts (accuracy, iterations), kept
    from its last run in `extras[name]`. Returns (times, extras).
    """
    names = list(fs)
    extras = {}
    if warmup:
        for k in names:
            extras[k] = fs[k]()
    times = {k: [] for k in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for k in order:
            t0 = clock()
            out = fs[k]()
            times[k].append(clock() - t0)
            if out is not None:
                extras[k] = out
        if on_round:
            on_round(r, times)
    return times, extras


def median(v):
    return statistics.median(v)


def spread(v, unit=1.0, fmt="{:.2f}") -> str:
    """'median [min-max]' in the given unit."""
    return f"{fmt.format(median(v) / unit)} [{fmt.format(min(v) / unit)}-{fmt.format(max(v) / unit)}]"


def round_ratios(times: dict, a: str, b: str) -> list[float]:
    """a / b within each round (the fairest ratio on a machine whose load moves)."""
    return [x / y for x, y in zip(times[a], times[b])]


def ratio_text(r: list[float]) -> str:
    return f"{median(r):.2f}x [{min(r):.2f}-{max(r):.2f}]"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine_lines() -> list[str]:
    import numpy as np

    info: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    lines = [f"CPU: {info.get('model name', platform.machine())}, {os.cpu_count()} logical cores; "
             f"Python {platform.python_version()}; numpy {np.__version__}"]
    try:
        from threadpoolctl import threadpool_info

        for i in threadpool_info():
            lines.append(f"BLAS: {i.get('internal_api')} {i.get('version')} ({i.get('architecture')}), "
                         f"{i.get('num_threads')} threads at start")
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONDONTWRITEBYTECODE"):
        if os.environ.get(var):
            lines.append(f"{var}={os.environ[var]}")
    lines.append(f"load average at start: {loadavg()} (uptime)")
    return lines


def markdown_table(columns: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(columns) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)
