"""`tutor validate` reports every problem of a lesson at once (a typo in an op does not hide a later unbound name)
and names each file one way, however it was reached (issue 24)."""

from __future__ import annotations

import textwrap

from typer.testing import CliRunner

from tutor.cli import app

BAD = """\
id: bad
title: Bad
summary: Several problems at once.
setup:
  dataset: debug
  weights: debug
steps:
  - id: fw
    kind: compute
    op: forwad
    bind: {a1: a1, z2: z2}
  - id: look
    kind: show
    value: a1
    view: matrixx
  - id: use
    kind: text
    text: "z2 is {z2.shape}; {nothing} is not bound."
  - id: fw2
    kind: compute
    op: forward
  - id: use2
    kind: text
    text: "{h.shape} comes from fw2; {zzz} from nowhere."
"""


def test_every_problem_at_once_with_one_form_of_each_path(tmp_path, monkeypatch):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "bad.yaml").write_text(textwrap.dedent(BAD), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # the same file named relatively and reached through its folder given absolutely
    res = CliRunner().invoke(app, ["validate", "lessons/bad.yaml", str(tmp_path / "lessons")],
                             env={"COLUMNS": "200"})
    assert res.exit_code != 0
    out = res.output
    problems = [x.strip() for x in out.splitlines() if x.strip().startswith("- ")]
    assert len(problems) == 4, out
    assert "unknown operation 'forwad'" in out and "unknown value 'matrixx'" in out
    assert "'nothing' is not bound" in out and "'zzz' is not bound" in out  # not hidden behind the typos
    assert "'z2'" not in out and "'h'" not in out  # names the failed step declares, or a later step binds
    assert all(p.startswith("- lessons/bad.yaml:") for p in problems), problems
    assert str(tmp_path) not in out  # no absolute form beside the relative one
    assert out.count("FAIL lessons/bad.yaml") == 1  # checked once
    assert "4 problems found." in out
