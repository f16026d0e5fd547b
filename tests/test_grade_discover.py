"""Which file answers which exercise, without running anything; safe text; spreadsheet-safe CSV cells."""

from __future__ import annotations

import csv
import os

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


# ---------------------------------------------------------------- discover at its edges


def test_files_are_found_three_folders_down_and_no_deeper(tmp_path):
    deep = tmp_path / "ann" / "a" / "b" / "c"
    (deep / "d").mkdir(parents=True)
    (deep / "sigmoid_gradient.py").write_text(SOURCES["right"])
    (deep / "d" / "extra.py").write_text(HELPER)
    subs = discover(tmp_path, load_catalog(bundled_course()), ["sigmoid-gradient"])
    assert [(s.display, s.reason) for s in subs] == [("ann/a/b/c/sigmoid_gradient.py", None)]
    assert list(subs[0].files) == ["a/b/c/sigmoid_gradient.py"]  # the fourth level is not read


def test_too_many_files_and_too_big_a_file_each_get_a_row(tmp_path, monkeypatch):
    from tutor.grading import discover as module

    monkeypatch.setattr(module, "MAX_FILES_PER_STUDENT", 3)
    monkeypatch.setattr(module, "MAX_SOURCE", 2000)
    (tmp_path / "ann").mkdir()
    for i in range(4):
        (tmp_path / "ann" / f"f{i}.py").write_text(SOURCES["right"])
    (tmp_path / "bob.py").write_text(SOURCES["right"] + "#" * 2001)
    (tmp_path / "cy.py").write_text(SOURCES["right"])
    found = _found(tmp_path, ["sigmoid-gradient"])
    assert found[0][:2] == ("ann", "ann") and "more than 3 Python files" in found[0][3]
    assert found[1][:2] == ("bob", "bob.py") and "larger than 1 KB" in found[1][3]
    assert found[2] == ("cy", "cy.py", "sigmoid-gradient", None)


def test_the_output_folder_caches_and_hidden_entries_are_not_students(tmp_path):
    (tmp_path / "ann.py").write_text(SOURCES["right"])
    for skipped in ("grades", "__pycache__", "__MACOSX", ".git", ".hidden"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "sigmoid_gradient.py").write_text(SOURCES["right"])
    (tmp_path / ".ann.py").write_text(SOURCES["right"])
    (tmp_path / "out-link").symlink_to(tmp_path / "grades", target_is_directory=True)
    subs = discover(tmp_path, load_catalog(bundled_course()), ["sigmoid-gradient"], skip=tmp_path / "grades")
    rows = [(s.student, s.display, s.reason is None) for s in subs]
    # a link to the output folder is not followed into it, and still says so
    assert rows[0] == ("ann", "ann.py", True) and rows[1][:2] == ("out-link", "out-link") and not rows[1][2]
    assert len(rows) == 2


def test_rows_come_sorted_by_student_and_an_entrys_rows_keep_their_order(tmp_path):
    (tmp_path / "zoe.py").write_text(COST)
    (tmp_path / "amy").mkdir()
    (tmp_path / "amy" / "feedforward-cost.py").write_text(COST)
    (tmp_path / "amy.py").write_text(SOURCES["right"])
    found = _found(tmp_path, ["feedforward-cost", "sigmoid-gradient"])
    assert [f[0] for f in found] == ["amy"] * 4 + ["zoe"] * 2
    assert [f[1:3] for f in found[:4]] == [("amy/feedforward-cost.py", "feedforward-cost"), ("amy/", "sigmoid-gradient"),
                                          ("amy.py", "sigmoid-gradient"), ("amy.py", "feedforward-cost")]
    assert [f[3] is None for f in found[:4]] == [True, False, True, False]  # the missing ones say why


def test_the_content_hash_follows_the_bytes_and_the_key_the_row(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "helpers.py").write_text(HELPER)
    (tmp_path / "ann" / "main.py").write_text(IN_FOLDER)
    catalog = load_catalog(bundled_course())
    before = discover(tmp_path, catalog, ["sigmoid-gradient"])[0]
    os.utime(tmp_path / "ann" / "main.py", (1, 1))  # a new time, the same bytes
    same = discover(tmp_path, catalog, ["sigmoid-gradient"])[0]
    (tmp_path / "ann" / "helpers.py").write_text(HELPER + "\n# changed\n")
    changed = discover(tmp_path, catalog, ["sigmoid-gradient"])[0]
    assert before.content_hash("s") == same.content_hash("s") != changed.content_hash("s")
    assert before.content_hash("s") != before.content_hash("t")  # the settings count too
    assert before.key == changed.key == "ann\x00ann/main.py\x00sigmoid-gradient"
