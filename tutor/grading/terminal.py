"""The class summary as rich renderables: the report's numbers as tables and bars.

Text from submissions (student ids, file names) goes in as `Text`, never as
markup, so a name like "[red]x" prints as itself.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from tutor.grading.summary import ClassSummary, ExerciseSummary

BAR = 30
MAX_NAMES = 8


def _bar(frac: float, width: int = BAR, style: str = "cyan") -> Text:
    n = round(max(0.0, min(1.0, frac)) * width)
    return Text.assemble(("#" * n, style), ("." * (width - n), "dim"))


def _exercise(s: ExerciseSummary) -> list:
    pct = f"{100 * s.passed / s.submissions:.0f}%" if s.submissions else "-"
    head = Text.assemble((s.id, "bold"), f" - {s.title}: ", f"{s.submissions} checked, ",
                         (f"{s.passed} passed ({pct})", "green"), f", mean {s.mean:.2f}/{s.max_score:g}",
                         (f", {s.not_graded} not graded", "red") if s.not_graded else "")
    parts: list = [head]
    if s.submissions:
        dist = Table(title="score distribution", title_justify="left", box=None, pad_edge=False)
        dist.add_column("score", justify="right")
        dist.add_column("")
        dist.add_column("n", justify="right")
        top = max(n for _, n in s.scores) or 1
        for score, n in s.scores:
            dist.add_row(f"{score:g}/{s.max_score:g}", _bar(n / top), str(n))
        parts.append(dist)
    if s.tests:
        tests = Table(title="tests", title_justify="left", box=None, pad_edge=False)
        tests.add_column("test")
        tests.add_column("passed by")
        tests.add_column("", justify="right")
        for name, hidden, passed, of in s.tests:
            frac = passed / of if of else 0
            tests.add_row(Text(name + (" (hidden)" if hidden else "")), _bar(frac, style="green" if frac >= 0.5 else "red"),
                          f"{passed}/{of}")
        parts.append(tests)
    if s.mistakes:
        mistakes = Table(title="named mistakes", title_justify="left", box=None, pad_edge=False)
        mistakes.add_column("mistake")
        mistakes.add_column("")
        mistakes.add_column("n", justify="right")
        mistakes.add_column("students")
        top = max(len(m.students) for m in s.mistakes)
        for m in s.mistakes:
            names = ", ".join(m.students[:MAX_NAMES]) + (f" +{len(m.students) - MAX_NAMES}" if len(m.students) > MAX_NAMES else "")
            mistakes.add_row(Text(m.title), _bar(len(m.students) / top, 16, "yellow"), str(len(m.students)), Text(names))
        parts.append(mistakes)
    return parts


def render_summary(summary: ClassSummary, limit_not_graded: int = 20) -> Group:
    parts: list = [Text(f"{summary.students} students, {summary.rows} submissions", style="bold")]
    for s in summary.exercises:
        parts.append(Text(""))
        parts.extend(_exercise(s))
    if summary.not_graded:
        table = Table(title=f"not graded ({len(summary.not_graded)})", title_justify="left", box=None, pad_edge=False)
        table.add_column("student")
        table.add_column("file")
        table.add_column("why")
        for student, file, reason in summary.not_graded[:limit_not_graded]:
            table.add_row(Text(student), Text(file), Text(reason.splitlines()[0] if reason else ""))
        if len(summary.not_graded) > limit_not_graded:
            table.add_row("...", "", f"{len(summary.not_graded) - limit_not_graded} more in gradebook.csv")
        parts += [Text(""), table]
    return Group(*parts)
