"""`tutor` at 80 columns (issue 24): every lesson on one line, and the command list broken between commands."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from tutor.cli import app


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_the_welcome_table_keeps_each_lesson_on_one_line(tutor_home, columns):
    out = CliRunner().invoke(app, [], env={"COLUMNS": str(columns)}).output
    lines = out.splitlines()
    rows = [x for x in lines if re.match(r"\s*\d+\s{2}\S", x)]
    assert len(rows) >= 9, out
    assert all(len(x.rstrip()) <= columns for x in lines), out
    # a title that wrapped would leave a line of only title words between two numbered rows
    start, end = lines.index(rows[0]), lines.index(rows[-1])
    assert end - start + 1 == len(rows), out
    for name in ("tutor lessons", "tutor exercises", "tutor courses", "tutor --help"):
        assert any(name in x for x in lines), (name, out)  # no command is broken across two lines
    if columns >= 100:
        assert "exercises" in next(x for x in lines if " lesson " in x)  # the scores fit, so they are there
