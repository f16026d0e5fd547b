"""Which file answers which exercise, without running anything; safe text; spreadsheet-safe CSV cells."""

from __future__ import annotations

import csv

from tutor.course import bundled_course
from tutor.exercises.catalog import load_catalog
from tutor.grading.discover import discover
from tutor.grading.synthetic import HELPER, IN_FOLDER, SOURCES
from tutor.grading.text import safe
from tutor.grading.writers import feedback_markdown, feedback_names, write_gradebook

COST = "def nn_cost_function(params, layer_sizes, X, y, lam):\n    return 0.0, params * 0\n"


def _found(folder, wanted=()):
    return [(s.student, s.display, s.exercise, s.reason) for s in discover(folder, load_catalog(bundled_course()), list(wanted))]


def test_functions_name_the_exercise_and_a_file_name_settles_a_shared_function(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "helpers.py").write_text(HELPER)
    (tmp_path / "ann" / "main.py").write_text(IN_FOLDER)
    (tmp_path / "ann" / "regularized-cost.py").write_text(COST)
    (tmp_path / "bob.py").write_text(COST)
    # Importing the file would run this; discovery must only parse it.
    (tmp_path / "cy.py").write_text("raise SystemExit('imported!')\n" + SOURCES["right"])
    found = _found(tmp_path)
    assert ("ann", "ann/main.py", "sigmoid-gradient", None) in found
    assert ("ann", "ann/regularized-cost.py", "regularized-cost", None) in found
    assert not any(d == "ann/helpers.py" for _, d, _, _ in found)  # a helper module is not a submission
    bob = [f for f in found if f[0] == "bob"]
    assert len(bob) == 1 and bob[0][2] is None and "4 exercises ask for" in bob[0][3]
    assert ("cy", "cy.py", "sigmoid-gradient", None) in found


def test_exercise_options_narrow_the_choice_and_report_what_is_missing(tmp_path):
    (tmp_path / "bob.py").write_text(COST)
    (tmp_path / "dee.py").write_text(SOURCES["right"])
    found = _found(tmp_path, ["feedforward-cost", "sigmoid-gradient"])
    assert ("bob", "bob.py", "feedforward-cost", None) in found  # only one of the two asks for it
    missing = [f for f in found if f[0] == "bob" and f[2] == "sigmoid-gradient"]
    assert missing and "no file defines sigmoid_gradient" in missing[0][3]
    assert ("dee", "dee.py", "sigmoid-gradient", None) in found
    assert any(f[0] == "dee" and f[2] == "feedforward-cost" and "no file defines nn_cost_function" in f[3] for f in found)


def test_with_one_exercise_a_file_without_its_function_is_checked_anyway(tmp_path):
    (tmp_path / "eve.py").write_text(SOURCES["wrong-name"])
    (tmp_path / "fay.py").write_text(SOURCES["syntax-error"])
    found = _found(tmp_path, ["sigmoid-gradient"])
    assert ("eve", "eve.py", "sigmoid-gradient", None) in found
    assert ("fay", "fay.py", "sigmoid-gradient", None) in found  # the check itself explains the syntax error
    found = _found(tmp_path)  # without --exercise nothing says which exercise these are
    assert all(f[2] is None and f[3] for f in found)


def test_safe_escapes_terminal_controls_and_bidi_but_keeps_lines():
    text = "ok\n\tline\x1b[2J\x1b]0;title\x07\rover\u202eevil\x00"
    out = safe(text)
    assert out == "ok\n\tline\\x1b[2J\\x1b]0;title\\x07\\rover\\u202eevil\\x00"
    assert safe("a\nb\tc", newlines=False) == "a\\nb\\tc"


def test_gradebook_cells_never_run_as_formulas_and_feedback_names_are_safe(tmp_path):
    record = {"student": "=HYPERLINK(\"http://x\")", "exercise": "sigmoid-gradient", "score": 1.0, "max_score": 6.0,
              "passed": False, "mistakes": [{"id": "sigmoid-instead-of-gradient"}], "seconds": 0.5,
              "file": "-x.py", "reason": "@SUM(1)", "graded": True, "title": "", "feedback": "```\nx\n````\n"}
    write_gradebook([record], tmp_path / "g.csv")
    with open(tmp_path / "g.csv", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["student"].startswith("'=") and row["file"] == "'-x.py" and row["reason"] == "'@SUM(1)"
    assert row["score"] == "1" and row["mistakes"] == "sigmoid-instead-of-gradient"
    names = feedback_names(["../../etc/passwd", "a b", "A B", "="])
    assert names["../../etc/passwd"] == "etc_passwd" and names["a b"] == "a_b" and names["A B"] == "A_B-2"
    assert names["="] == "student"
    md = feedback_markdown("x", [record])
    assert "`````text" in md  # a fence longer than any backticks the feedback holds
