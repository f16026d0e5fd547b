"""A class folder at its edges: names that are not UTF-8, links, Unicode twins, case twins, long names,
the tutor's own helper file, per-student zips, formula cells and Markdown headings.

Discovery is tested directly (nothing is run); the command is run where the whole class must
come through (unisolated: what is tested here is the class's shape, not the sandbox).
"""

from __future__ import annotations

import csv
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.course import bundled_course
from tutor.exercises.catalog import load_catalog
from tutor.grading.discover import discover, student_submissions, zip_is_one_student
from tutor.grading.synthetic import EXERCISE, HELPER, IN_FOLDER, SOURCES
from tutor.grading.writers import feedback_markdown, formula_safe, write_gradebook

RIGHT, WRONG = SOURCES["right"], SOURCES["sigmoid"]
# What `tutor exercise start` writes beside a stub: it defines the answer itself.
TUTOR_HELPERS = ("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n"
                 "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n")


def _subs(folder, wanted=(EXERCISE,), **kw):
    return discover(folder, load_catalog(bundled_course()), list(wanted), **kw)


def _grade(*args, isolation="off"):
    return CliRunner().invoke(app, ["grade", *[str(a) for a in args], "--isolation", isolation])


def _rows(out: Path) -> list[dict]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- names


def test_a_name_that_is_not_utf8_gets_its_own_row_and_the_class_goes_on(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(RIGHT)
    with open(os.path.join(os.fsencode(folder), b"b\xffb.py"), "w") as fh:
        fh.write(RIGHT)
    inner = os.path.join(os.fsencode(folder), b"cy")
    os.mkdir(inner)
    (folder / "cy" / "sigmoid_gradient.py").write_text(RIGHT)
    with open(os.path.join(inner, b"h\xfe.py"), "w") as fh:
        fh.write(HELPER)
    found = {(s.student, s.display): s for s in _subs(folder)}
    bad = found[("b\\xffb", "b\\xffb.py")]
    assert bad.exercise == EXERCISE and bad.name is None and "not valid UTF-8" in bad.reason
    assert found[("cy", "cy/sigmoid_gradient.py")].reason is None
    assert "not valid UTF-8" in found[("cy", "cy/h\\xfe.py")].reason

    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / "out", "-j", 1)
    assert r.exit_code == 0, r.output
    rows = {(x["student"], x["file"]): x for x in _rows(tmp_path / "out")}
    assert rows[("ann", "ann.py")]["score"] == "6"
    assert rows[("b\\xffb", "b\\xffb.py")]["score"] == "0" and "not valid UTF-8" in rows[("b\\xffb", "b\\xffb.py")]["reason"]
    assert rows[("cy", "cy/sigmoid_gradient.py")]["score"] == "6"


def test_nfc_and_nfd_spellings_are_one_student_with_rows_told_apart(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    nfc, nfd = unicodedata.normalize("NFC", "José"), unicodedata.normalize("NFD", "José")
    assert nfc != nfd
    (folder / f"{nfd}.py").write_text(WRONG)
    only = _subs(folder)
    assert [s.student for s in only] == [nfc]  # one spelling in the class: the id is the NFC one
    (folder / f"{nfc}.py").write_text(RIGHT)
    both = _subs(folder)
    assert {s.student for s in both} == {nfc}  # one student ...
    assert sorted(s.display for s in both) == sorted([f"{nfc}.py", "Jose\\u0301.py"])  # ... two rows told apart
    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / "out", "-j", 1)
    assert r.exit_code == 0, r.output
    rows = _rows(tmp_path / "out")
    assert {x["student"] for x in rows} == {nfc}
    assert {x["file"]: x["score"] for x in rows} == {f"{nfc}.py": "6", "Jose\\u0301.py": "0"}
    assert len(list((tmp_path / "out" / "feedback").iterdir())) == 1


@pytest.mark.parametrize("isolation", ["off", "strict"])  # strict: the names pass through the sandbox too
def test_case_twins_and_a_name_at_the_file_system_limit_do_not_stop_the_class(tmp_path, isolation):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(RIGHT)
    (folder / "ALICE.py").write_text(WRONG)
    long_file = "x" * 252 + ".py"  # 255 bytes, the longest name most file systems allow
    (folder / long_file).write_text(RIGHT)
    long_dir = "é" * 127  # 254 bytes
    (folder / long_dir).mkdir()
    (folder / long_dir / ("y" * 250 + ".py")).write_text(RIGHT)
    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / "out", "-j", 2, isolation=isolation)
    assert r.exit_code == 0, r.output
    scores = {x["student"]: x["score"] for x in _rows(tmp_path / "out")}
    assert scores == {"alice": "6", "ALICE": "0", "x" * 252: "6", long_dir: "6"}
    names = sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir())
    assert len(names) == 4 and all(len(n.encode()) < 255 for n in names)


# ---------------------------------------------------------------- links


def test_a_link_out_of_the_class_is_refused_with_a_row_and_never_read(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "answer.py").write_text(RIGHT + "# OUTSIDE\n")
    (outside / "pkg").mkdir()
    (outside / "pkg" / "sigmoid_gradient.py").write_text(RIGHT + "# OUTSIDE\n")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(RIGHT)
    (folder / "mal.py").symlink_to(outside / "answer.py")
    (folder / "ned").symlink_to(outside / "pkg", target_is_directory=True)
    (folder / "oz.py").symlink_to(folder / "nowhere.py")  # dangling
    (folder / "pat").mkdir()
    (folder / "pat" / "sigmoid_gradient.py").write_text(WRONG)
    (folder / "pat" / "helpers.py").symlink_to(outside / "answer.py")
    subs = _subs(folder)
    by = {(s.student, s.display): s for s in subs}
    for key in (("mal", "mal.py"), ("ned", "ned"), ("oz", "oz.py")):
        assert key in by, key  # never silently dropped
        assert by[key].name is None and "outside the class folder" in by[key].reason, key
    assert "not followed" in by[("pat", "pat/helpers.py")].reason
    assert not any(b"OUTSIDE" in data for s in subs for data in s.files.values())  # nothing outside was read
    assert by[("pat", "pat/sigmoid_gradient.py")].files == {"sigmoid_gradient.py": WRONG.encode()}


def test_a_link_that_stays_inside_the_class_is_graded_as_what_it_points_at(tmp_path):
    folder = tmp_path / "class"
    (folder / "store").mkdir(parents=True)
    (folder / "store" / "v2.py").write_text(RIGHT)
    (folder / "quinn.py").symlink_to(folder / "store" / "v2.py")
    (folder / "rae").symlink_to(folder / "store", target_is_directory=True)
    by = {(s.student, s.display): s for s in _subs(folder)}
    assert by[("quinn", "quinn.py")].reason is None and list(by[("quinn", "quinn.py")].files.values()) == [RIGHT.encode()]
    assert by[("rae", "rae/v2.py")].exercise == EXERCISE and by[("rae", "rae/v2.py")].reason is None


# ---------------------------------------------------------------- the tutor's own files


def test_the_tutors_helper_file_is_never_a_submission(tmp_path):
    folder = tmp_path / "class"
    (folder / "sam").mkdir(parents=True)
    (folder / "sam" / "sigmoid.py").write_text(WRONG)
    (folder / "sam" / "tutor_helpers.py").write_text(TUTOR_HELPERS)
    (folder / "tutor_helpers.py").write_text(TUTOR_HELPERS)  # beside flat files, too
    (folder / "tess.py").write_text(RIGHT)
    for wanted in ((EXERCISE,), ()):
        subs = _subs(folder, wanted)
        assert sorted((s.student, s.display) for s in subs) == [("sam", "sam/sigmoid.py"), ("tess", "tess.py")]
        sam = next(s for s in subs if s.student == "sam")
        assert "tutor_helpers.py" not in sam.files  # the checker brings its own, never the learner's copy
    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / "out", "-j", 1)
    assert r.exit_code == 0, r.output
    assert {(x["student"], x["score"]) for x in _rows(tmp_path / "out")} == {("sam", "0"), ("tess", "6")}


def test_the_gradescope_grader_ignores_the_tutors_helper_file(tmp_path, monkeypatch):
    from tutor.grading import gradescope

    root = tmp_path / "ag"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "sigmoid.py").write_text(WRONG)
    (root / "submission" / "tutor_helpers.py").write_text(TUTOR_HELPERS)
    monkeypatch.setenv("AUTOGRADER_ROOT", str(root))
    config = {"exercises": [EXERCISE], "timeout": 10, "memory_mb": 1024, "isolation": "off"}
    doc = gradescope.grade_submission(config, bundled_course())
    assert doc["score"] == 0 and "sigmoid-instead-of-gradient" in doc["output"]


# ---------------------------------------------------------------- zips


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


def test_a_zip_in_the_class_folder_is_that_students_submission(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(RIGHT)
    _zip(folder / "erin.zip", {"erin/sigmoid_gradient.py": IN_FOLDER, "erin/helpers.py": HELPER})
    _zip(folder / "finn.zip", {"../evil.py": RIGHT})
    (folder / "gus.zip").write_bytes(b"not a zip at all")
    subs = _subs(folder, scratch=tmp_path / "scratch")
    by = {s.student: s for s in subs}
    assert by["erin"].display == "erin.zip/sigmoid_gradient.py" and by["erin"].reason is None
    assert set(by["erin"].files) == {"sigmoid_gradient.py", "helpers.py"}
    assert "points outside the folder" in by["finn"].reason and "refused" in by["finn"].reason
    assert "not a readable zip" in by["gus"].reason
    assert not (tmp_path / "evil.py").exists() and not (folder / "evil.py").exists()
    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / "out", "-j", 1)
    assert r.exit_code == 0, r.output
    assert {x["student"]: x["score"] for x in _rows(tmp_path / "out")} == {"ann": "6", "erin": "6", "finn": "0", "gus": "0"}


def test_a_zip_given_alone_is_one_student_when_no_exercise_is_answered_twice(tmp_path):
    catalog = load_catalog(bundled_course())
    one = tmp_path / "one"
    one.mkdir()
    (one / "sigmoid_gradient.py").write_text(IN_FOLDER)
    (one / "helpers.py").write_text(HELPER)
    assert zip_is_one_student(one, catalog, [EXERCISE])
    (one / "again.py").write_text(RIGHT)  # a second answer to the same exercise: a class of files
    assert not zip_is_one_student(one, catalog, [EXERCISE])
    erin = _zip(tmp_path / "erin.zip", {"sigmoid_gradient.py": IN_FOLDER, "helpers.py": HELPER})
    r = _grade(erin, "-e", EXERCISE, "-o", tmp_path / "out", "-j", 1)
    assert r.exit_code == 0, r.output
    assert [(x["student"], x["file"], x["score"]) for x in _rows(tmp_path / "out")] == [
        ("erin", "erin.zip/sigmoid_gradient.py", "6")]
    klass = _zip(tmp_path / "section.zip", {"ann.py": RIGHT, "bob.py": WRONG})
    r = _grade(klass, "-e", EXERCISE, "-o", tmp_path / "out2", "-j", 1)
    assert r.exit_code == 0, r.output
    assert {x["student"]: x["score"] for x in _rows(tmp_path / "out2")} == {"ann": "6", "bob": "0"}


def test_without_a_scratch_folder_a_nested_zip_says_why_it_is_not_read(tmp_path):
    _zip(tmp_path / "erin.zip", {"sigmoid_gradient.py": RIGHT})
    subs = student_submissions("erin", tmp_path / "erin.zip", load_catalog(bundled_course()), [EXERCISE])
    assert len(subs) == 1 and "not unpacked" in subs[0].reason


# ---------------------------------------------------------------- cells and headings


@pytest.mark.parametrize("text", ["=1+1", " =1+1", "\u3000=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "\t=1",
                                  "\r=1", "+1", "-1", "@x", "﹦1", " \t -cmd"])
def test_formula_starts_are_neutralised_even_behind_blanks_or_in_fullwidth(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["alice", "a=b", "1+1", "José", ""])
def test_plain_text_cells_are_left_alone(text):
    assert formula_safe(text) == text


def test_gradebook_defuses_student_file_and_reason_cells(tmp_path):
    record = {"student": " =HYPERLINK(\"http://x\")", "exercise": "sigmoid-gradient", "score": 1.0, "max_score": 6.0,
              "passed": False, "mistakes": [], "seconds": 0.5, "file": "＝x.py", "reason": "\t@SUM(1)",
              "graded": True, "title": "", "feedback": ""}
    write_gradebook([record], tmp_path / "g.csv")
    with open(tmp_path / "g.csv", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["student"] == "' =HYPERLINK(\"http://x\")" and row["file"] == "'＝x.py" and row["reason"] == "'\t@SUM(1)"
    assert "seconds" not in row  # timings live in grades.json: the gradebook is the same for the same class


def test_student_names_cannot_write_markdown_into_the_feedback_headings():
    record = {"exercise": None, "file": "[x](http://evil)#.py", "title": "", "score": 0.0, "max_score": 0.0,
              "passed": False, "graded": False, "feedback": "x\n"}
    md = feedback_markdown("**bold** <img src=x onerror=alert(1)> [a](http://e)\n# h", [record])
    first = md.splitlines()[0]
    assert first == "# Feedback for \\*\\*bold\\*\\* \\<img src=x onerror=alert\\(1\\)\\> \\[a\\]\\(http://e\\) \\# h"
    assert "## \\[x\\]\\(http://evil\\)\\#.py" in md.splitlines()
    import markdown_it

    html = markdown_it.MarkdownIt().render(md)
    assert "<img" not in html and "<strong>" not in html and "<a " not in html and html.count("<h1>") == 1


# ---------------------------------------------------------------- another course


LOGISTIC_RIGHT = ("import numpy as np\n\ndef logistic_gradient(w, X, y):\n"
                  "    X, y, w = np.asarray(X, float), np.asarray(y, float), np.asarray(w, float)\n"
                  "    h = 1 / (1 + np.exp(-X @ w))\n    return X.T @ (h - y) / len(y)\n")


def test_a_class_of_another_course_is_graded_against_that_courses_exercises(tmp_path):
    course = Path(__file__).resolve().parent.parent / "courses" / "logistic-regression"
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text(LOGISTIC_RIGHT)
    (folder / "bob.py").write_text(LOGISTIC_RIGHT.replace("/ len(y)", ""))  # the mean's division missing
    (folder / "cy.py").write_text(RIGHT)  # the bundled course's exercise: not this course's
    r = _grade(folder, "--course", course, "-o", tmp_path / "out", "-j", 1)
    assert r.exit_code == 0, r.output
    rows = {x["student"]: x for x in _rows(tmp_path / "out")}
    assert rows["ann"]["exercise"] == "logistic-gradient" and rows["ann"]["passed"] == "yes"
    assert rows["bob"]["exercise"] == "logistic-gradient" and rows["bob"]["passed"] == "no"
    # the course has one exercise, so a file for another course's is checked against it; its helpers are not there
    assert rows["cy"]["score"] == "0" and "cannot import name 'sigmoid'" in rows["cy"]["reason"]
    r = _grade(folder, "--course", tmp_path / "nowhere", "-o", tmp_path / "out2")
    assert r.exit_code == 2 and "no course folder" in r.output
