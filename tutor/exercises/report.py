"""A check result in three forms: rich text for the learner, JSON, Gradescope.

The text form shows every test with pass/fail and points; for a failure the
reason, and for arrays the learner's cells next to the expected ones with the
differing cells marked. Hidden tests show only their name and result, in
every form. Text that came from learner code was made safe at intake
(control characters escaped); everything here goes into rich Text objects,
never through markup.
"""

from __future__ import annotations

import numpy as np
from rich.console import Group
from rich.padding import Padding
from rich.text import Text

from tutor.exercises.compare import Comparison

# rich.table (with fractions and decimal) and the Markdown prose renderer are
# imported where a failure needs them: a passing check's report uses neither,
# and `tutor check` waits for every import here. An unisolated check loads
# them first (preload): there the learner's code runs as this user.


def preload() -> None:
    """Import what a report may need, before learner code that could change the tutor's files runs."""
    import rich.table  # noqa: F401

    import tutor.render.prose  # noqa: F401

MAX_GRID = (6, 8)  # larger arrays are summarised by their differing cells


def to_json(result) -> dict:
    """{passed, score, max_score, isolated, tests: [{name, passed, message}], diagnoses: [{id, message}]}."""
    doc = {
        "passed": result.passed,
        "score": result.score,
        "max_score": result.max_score,
        "isolated": result.isolated,
        "tests": [{"name": t.name, "passed": t.passed, "message": t.public_message()} for t in result.tests],
        "diagnoses": [{"id": d.id, "message": f"{d.title}. {d.message}"} for d in result.diagnoses],
    }
    if result.problem:
        doc["problem"] = result.problem
    if result.bounds:
        doc["bounds"] = result.bounds
    return doc


def to_gradescope(result) -> dict:
    """Gradescope's results.json: score, max_score, tests (hidden ones marked hidden)."""
    tests = [{
        "name": t.name,
        "score": t.score,
        "max_score": t.max_score,
        "status": "passed" if t.passed else "failed",
        "output": t.public_message(),
        "visibility": "hidden" if t.hidden else "visible",
    } for t in result.tests]
    out = {"score": result.score, "max_score": result.max_score, "tests": tests}
    notes = [f"{result.exercise_id}: {result.problem}"] if result.problem else []
    notes += [f"{d.title} ({d.id}): {d.message}" for d in result.diagnoses]
    if result.gradient_check and "relative_difference" in result.gradient_check:
        notes.append(f"Gradient check on your own cost: relative difference {result.gradient_check['relative_difference']:.3g}.")
    if notes:
        out["output"] = "\n\n".join(notes)
    return out


def _indent(renderable, by: int = 6) -> Padding:
    """Indent under a test's line; wrapped lines keep the indent too."""
    return Padding(renderable, (0, 0, 0, by), expand=False)


def _cell(value, places: int = 6) -> str:
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    return f"{float(value):.{places}g}"


def _grid(c: Comparison) -> list | None:
    """Yours above expected, differing cells marked, for small arrays of equal shape.

    Stacked rather than side by side so that even 8 columns fit an
    80-column terminal without a number being cut.
    """
    got, exp, mask = np.asarray(c.got), np.asarray(c.expected), c.mask
    if mask is None or got.shape != exp.shape or got.ndim == 0:
        return None
    vector = got.ndim == 1
    if vector:
        got, exp, mask = got[None, :], exp[None, :], mask[None, :]
    if got.ndim != 2 or got.shape[0] > MAX_GRID[0] or got.shape[1] > MAX_GRID[1]:
        return None
    from rich.table import Table

    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False)
    table.add_column("", no_wrap=True, style="dim")
    for j in range(got.shape[1]):
        table.add_column(f"[{j}]", justify="right", no_wrap=True, header_style="dim")
    for label, values, marked in (("yours", got, True), ("expected", exp, False)):
        for i in range(got.shape[0]):
            name = label if vector else f"{label} [{i}]"
            cells = []
            for j in range(got.shape[1]):
                text = _cell(values[i, j], 4)
                if marked:
                    cells.append(Text(text + ("*" if mask[i, j] else " "), style="bold red" if mask[i, j] else "green"))
                else:
                    cells.append(Text(text + " ", style="dim"))
            table.add_row(name, *cells)
    return [_indent(Text(f"{c.name}: yours above the expected values (* marks a differing cell)", style="italic")),
            _indent(table)]


def _cells(c: Comparison, limit: int = 5) -> list | None:
    """The first few differing cells of a big array: index, yours, expected."""
    if c.mask is None or np.ndim(c.mask) == 0 or np.asarray(c.got).shape != np.asarray(c.expected).shape or not c.mask.any():
        return None
    from rich.table import Table

    table = Table()
    table.add_column("cell")
    table.add_column("yours", justify="right", style="red")
    table.add_column("expected", justify="right")
    got, exp = np.asarray(c.got), np.asarray(c.expected)
    from tutor.exercises.compare import unrolled_cell

    for idx in list(zip(*np.nonzero(c.mask)))[:limit]:
        label = "[" + ", ".join(str(int(i)) for i in idx) + "]"
        if c.layout and got.ndim == 1:
            label = unrolled_cell(int(idx[0]), c.layout)
        table.add_row(label, _cell(got[idx]), _cell(exp[idx]))
    n = int(c.mask.sum())
    more = f" (the first {limit} of {n})" if n > limit else ""
    return [_indent(Text(f"{c.name}: differing cells{more}", style="italic")), _indent(table)]


def _failed_leaves(c: Comparison) -> list[Comparison]:
    if c.ok:
        return []
    if c.children:
        return [leaf for child in c.children for leaf in _failed_leaves(child)]
    return [c]


def _views(leaves: list[Comparison], limit: int = 2) -> list:
    out: list = []
    for c in leaves[:limit]:
        out.extend(_grid(c) or _cells(c) or [])
    return out


def render_text(result, *, ascii_only: bool = False, flag: str = "") -> Group:
    """The learner's view of a check."""
    ok_mark, bad_mark = ("PASS", "FAIL")
    parts: list = [Text.assemble((f"{result.exercise_id}", "bold"), f" - {result.title}",
                                 (f"   ({result.file})" if result.file else "", "dim"))]
    if result.notice:
        parts.append(Text(result.notice, style="yellow"))
    if result.problem:
        parts.append(Text(result.problem, style="bold red"))
    previous = None
    shown_arrays = False  # cell-by-cell views for the first failing test only
    for t in result.tests:
        pts = f"{t.score:g}/{t.max_score:g}"
        line = Text.assemble((f" {ok_mark if t.passed else bad_mark} ", "bold white on green" if t.passed else "bold white on red"),
                             f" {t.name}", ("  (hidden test)" if t.hidden else "", "dim"), f"  {pts}")
        parts.append(line)
        if t.passed or result.problem:
            continue
        if t.hidden:
            parts.append(_indent(Text("A hidden test: its inputs stay hidden; the other tests' messages should point the way.",
                                      style="dim")))
            continue
        if t.message == previous and not t.comparisons:
            parts.append(_indent(Text("(the same as above)", style="dim")))
            continue
        previous = t.message
        leaves = [leaf for c in t.comparisons for leaf in _failed_leaves(c)]
        if not leaves or t.message.startswith("your function changed"):
            parts.append(_indent(Text(t.message)))
            continue
        for leaf in leaves:
            parts.append(_indent(Text("- " + leaf.message[0].upper() + leaf.message[1:])))
        if not shown_arrays:
            views = _views(leaves)
            parts.extend(views)
            shown_arrays = bool(views)
    for d in result.diagnoses:
        from tutor.render.prose import prose

        parts.append(Text.assemble(("\nLikely mistake: ", "bold yellow"), (d.title, "bold"), (f"  [{d.id}]", "dim")))
        parts.append(prose(d.message))  # the course's words, in Markdown like a lesson's
    gc = result.gradient_check
    if gc:
        if "relative_difference" in gc:
            verdict = gc["verdict"]
            style = {"pass": "green", "warn": "yellow", "fail": "red"}[verdict]
            meaning = {"pass": "your gradient agrees with central differences of your own cost",
                       "warn": "close, but not to rounding error: something small is off",
                       "fail": "your gradient does not match your own cost"}[verdict]
            parts.append(Text.assemble("\nGradient check on your own cost (", f"{gc['n']} parameters): ",
                                       "relative difference ", (f"{gc['relative_difference']:.3g}", f"bold {style}"),
                                       f" - {verdict}: {meaning} (pass below 1e-9)."))
        else:
            parts.append(Text(f"\nGradient check skipped: {gc['skipped']}.", style="dim"))
    if result.printed.strip():
        from tutor.exercises.safetext import safe_text

        printed = safe_text(result.printed, newlines=True).strip().splitlines()[-8:]
        parts.append(Text("\nYour code printed (last lines):\n" + "\n".join("  " + p for p in printed), style="dim"))
    verdict_line = (f"\nAll tests passed: {result.score:g}/{result.max_score:g}. Well done!" if result.passed
                    else f"\nScore {result.score:g}/{result.max_score:g}. `tutor hint {result.exercise_id}{flag}` gives a hint.")
    parts.append(Text(verdict_line, style="bold green" if result.passed else "bold"))
    return Group(*parts)
