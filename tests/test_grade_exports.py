"""The gradebook where it goes: Canvas and Moodle CSV with their identity columns, students mapped by a
roster; and `tutor grade diff OLD NEW`, which says whose grade changed and why."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.course import bundled_course
from tutor.exercises.catalog import load_catalog
from tutor.grading.exports import export, read_roster
from tutor.grading.regrade import diff
from tutor.grading.synthetic import EXERCISE, SOURCES


def _grade(*args):
    return CliRunner().invoke(app, ["grade", *[str(a) for a in args]])


def _record(student, exercise, score, *, file=None, passed=None, tests=(), mistakes=(), reason=None, graded=True):
    return {"student": student, "exercise": exercise, "file": file or f"{student}.py", "score": score,
            "max_score": 6.0, "passed": score == 6 if passed is None else passed, "graded": graded,
            "reason": reason, "tests": [{"name": n, "passed": p, "score": s, "max_score": 2, "hidden": False,
                                         "message": ""} for n, p, s in tests],
            "mistakes": [{"id": m, "title": m, "message": ""} for m in mistakes], "title": "", "feedback": ""}


ROSTER = ("submission,Student,ID,SIS User ID,SIS Login ID,Section,Email address,ID number\n"
          "ann,\"Lee, Ann\",101,s-101,ann@uni.edu,Sec 1,ann@uni.edu,A1\n"
          "bob,Bob Ray,102,s-102,bob@uni.edu,Sec 2,bob@uni.edu,B2\n"
          "cy,=cmd|' /C calc'!A0,103,s-103,cy@uni.edu,Sec 1,cy@uni.edu,C3\n")


@pytest.fixture()
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return read_roster(path)


def _table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_export_has_canvas_columns_best_scores_and_roster_identities(roster):
    catalog = load_catalog(bundled_course())
    records = [_record("ann", EXERCISE, 2.0, file="ann/a.py"), _record("ann", EXERCISE, 6.0, file="ann/b.py"),
               _record("bob", EXERCISE, 0.0), _record("zed", EXERCISE, 6.0)]
    text, notes = export(records, catalog, "canvas", roster=roster, assignments=["Sigmoid gradient (4711)"])
    assert _table(text) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Sigmoid gradient (4711)"],
        ["Lee, Ann", "101", "s-101", "ann@uni.edu", "Sec 1", "6"],  # the best of ann's two files
        ["Bob Ray", "102", "s-102", "bob@uni.edu", "Sec 2", "0"],
        ["'=cmd|' /C calc'!A0", "103", "s-103", "cy@uni.edu", "Sec 1", ""],  # no submission: empty, defused
    ]
    assert notes == ["zed is not in the roster: left out of the canvas export"]
    assert text.endswith("\r\n")


def test_moodle_export_carries_the_identity_columns_the_roster_has_and_the_grade_item(roster):
    catalog = load_catalog(bundled_course())
    text, _ = export([_record("bob", EXERCISE, 3.0)], catalog, "moodle", roster=roster)
    rows = _table(text)
    assert rows[0] == ["ID number", "Email address", catalog[EXERCISE].title]
    assert rows[1:] == [["A1", "ann@uni.edu", ""], ["B2", "bob@uni.edu", "3"], ["C3", "cy@uni.edu", ""]]
    text, _ = export([_record("bob", EXERCISE, 3.0)], catalog, "moodle", roster=None)
    assert _table(text) == [["Username", catalog[EXERCISE].title], ["bob", "3"]]


@pytest.mark.parametrize("kind, roster_text, assignments, words", [
    ("canvas", None, [], "give --roster"),
    ("canvas", "submission,Student\nann,Ann\n", [], "no ID, SIS User ID or SIS Login ID"),
    ("moodle", "submission,First name\nann,Ann\n", [], "no Email address, ID number or Username"),
    ("canvas", ROSTER, ["nope=X (1)"], "'nope' is not an exercise"),
])
def test_an_export_that_could_not_be_imported_is_refused_with_the_reason(tmp_path, kind, roster_text, assignments, words):
    from tutor.base.errors import TutorError

    roster = None
    if roster_text is not None:
        (tmp_path / "r.csv").write_text(roster_text)
        roster = read_roster(tmp_path / "r.csv")
    with pytest.raises(TutorError, match=words.replace("(", r"\(").replace(")", r"\)")):
        export([_record("ann", EXERCISE, 6.0)], load_catalog(bundled_course()), kind, roster=roster,
               assignments=assignments)


def test_the_command_writes_the_export_beside_the_gradebook(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(SOURCES["right"])
    (folder / "bob.py").write_text(SOURCES["sigmoid"])
    (tmp_path / "roster.csv").write_text(ROSTER)
    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / "out", "--isolation", "off", "--export", "canvas",
               "--roster", tmp_path / "roster.csv", "--assignment", "Backprop 1 (77)")
    assert r.exit_code == 0, r.output
    rows = _table((tmp_path / "out" / "canvas.csv").read_text())
    assert rows[0][-1] == "Backprop 1 (77)" and [row[-1] for row in rows[1:]] == ["6", "0", ""]
    assert "canvas.csv" in r.stdout
    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / "out2", "--isolation", "off", "--export", "canvas")
    assert r.exit_code == 2 and "give --roster" in r.output
    r = _grade(folder, "-o", tmp_path / "out3", "--export", "blackboard")
    assert r.exit_code == 2 and "choose canvas or moodle" in r.output


# ---------------------------------------------------------------- diff


def test_diff_names_whose_grade_changed_and_the_tests_and_mistakes_that_did():
    old = [_record("ann", EXERCISE, 6.0, tests=[("t1", True, 2), ("t2", True, 4)]),
           _record("bob", EXERCISE, 0.0, tests=[("t1", False, 0), ("t2", False, 0)], mistakes=["sigmoid-instead"]),
           _record("cy", EXERCISE, 0.0, graded=False, reason="Python cannot read it"),
           _record("dee", EXERCISE, 6.0)]
    new = [_record("ann", EXERCISE, 6.0, tests=[("t1", True, 2), ("t2", True, 4)]),
           _record("bob", EXERCISE, 4.0, tests=[("t1", False, 0), ("t2", True, 4)]),
           _record("cy", EXERCISE, 2.0, tests=[("t1", True, 2)]),
           _record("eve", EXERCISE, 6.0)]
    changes, same = diff(old, new)
    assert same == 1  # ann
    by = {c.student: c for c in changes}
    assert set(by) == {"bob", "cy", "dee", "eve"}
    assert (by["bob"].old, by["bob"].new) == (0.0, 4.0)
    assert "test 't2': failed -> passed (0 -> 4 points)" in by["bob"].why
    assert "mistake no longer named: sigmoid-instead" in by["bob"].why
    assert by["cy"].why[0] == "now graded" and (by["cy"].old, by["cy"].new) == (0.0, 2.0)
    assert by["dee"].new is None and "not in this run" in by["dee"].why[0]
    assert by["eve"].old is None and by["eve"].why == ["new in this run"]


def test_diff_on_the_command_line_after_a_regrade(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(SOURCES["right"])
    (folder / "bob.py").write_text(SOURCES["sigmoid"])
    assert _grade(folder, "-e", EXERCISE, "-o", tmp_path / "old", "--isolation", "off", "--timeout", "60").exit_code == 0
    (folder / "bob.py").write_text(SOURCES["right"])
    assert _grade(folder, "-e", EXERCISE, "-o", tmp_path / "new", "--isolation", "off", "--timeout", "60").exit_code == 0
    r = _grade("diff", tmp_path / "old", tmp_path / "new" / "grades.json")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "bob  sigmoid-gradient  bob.py  0/6 -> 6/6"
    assert "    mistake no longer named: sigmoid-instead-of-gradient" in lines
    assert any(line.startswith("    test ") and "failed -> passed" in line for line in lines)
    assert lines[-1] == "1 row changed (1 up, 0 down), 1 unchanged."
    r = _grade("diff", tmp_path / "old")
    assert r.exit_code == 2 and "give two output folders" in r.output
    r = _grade("diff", tmp_path / "old", tmp_path / "class")
    assert r.exit_code == 2 and "there is no grades.json" in r.output
