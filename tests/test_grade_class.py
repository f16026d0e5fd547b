"""`tutor grade` on a synthetic class: rows, scores equal to `tutor check`, hostile files, zips, CLI errors."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.grading.synthetic import EXERCISE, EXPECTED, HELPER, HOSTILE, IN_FOLDER, make_class, write_student

TIMEOUT = 8  # seconds per submission: the endless one's cost; room for the others on a busy machine


def _grade(*args):
    return CliRunner().invoke(app, ["grade", *[str(a) for a in args]])


def _rows(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as fh:
        return {r["student"]: r for r in csv.DictReader(fh)}


def _tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One of every kind, graded once with two jobs; (class folder, out, truth, CLI result, hashes before)."""
    root = tmp_path_factory.mktemp("class")
    truth = make_class(root / "class")
    before = _tree_hash(root / "class")
    out = root / "out"
    result = _grade(root / "class", "--exercise", EXERCISE, "--jobs", 2, "--out", out, "--timeout", TIMEOUT)
    return root / "class", out, truth, result, before


def test_every_student_gets_the_row_their_kind_must_get(graded):
    folder, out, truth, result, _ = graded
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert set(rows) == set(truth)
    for student, kind in truth.items():
        score, passed, mistake, reason = EXPECTED[kind]
        row = rows[student]
        assert row["exercise"] == EXERCISE and row["max_score"] == "6", (kind, row)
        if score is not None:
            assert float(row["score"]) == score, (kind, row)
        else:
            assert 0 <= float(row["score"]) < 6, (kind, row)
        assert row["passed"] == ("yes" if passed else "no"), (kind, row)
        assert row["mistakes"] == (mistake or ""), (kind, row)
        if reason:
            assert reason in row["reason"], (kind, row)
        elif passed:
            assert row["reason"] == "", (kind, row)


def test_scores_are_exactly_what_tutor_check_gives(graded, tmp_path):
    folder, out, truth, _, _ = graded
    rows = _rows(out)
    compared = 0
    for student, kind in truth.items():
        if kind in HOSTILE or kind == "right-in-folder":
            continue
        r = CliRunner().invoke(app, ["check", EXERCISE, "--file", str(folder / f"{student}.py"), "--format", "json",
                                     "--timeout", str(TIMEOUT)])
        doc = json.loads(r.stdout)
        row = rows[student]
        assert float(row["score"]) == doc["score"] and float(row["max_score"]) == doc["max_score"], kind
        assert (row["passed"] == "yes") == doc["passed"], kind
        assert (row["mistakes"].split(";") if row["mistakes"] else []) == [d["id"] for d in doc["diagnoses"]], kind
        compared += 1
    assert compared >= 8


def test_hostile_submissions_leave_the_class_folder_and_the_other_rows_alone(graded, tmp_path):
    folder, out, truth, _, before = graded
    assert _tree_hash(folder) == before  # nothing in the class was written, its own file included
    assert not list(folder.rglob("intruder.txt"))
    # The same class without the hostile students grades the others identically.
    calm = tmp_path / "calm"
    calm_truth = {s: k for s, k in truth.items() if k not in HOSTILE}
    for student, kind in calm_truth.items():
        write_student(calm, student, kind)
    r = _grade(calm, "-e", EXERCISE, "-j", 2, "-o", tmp_path / "calm-out", "--timeout", TIMEOUT)
    assert r.exit_code == 0, r.output
    alone, together = _rows(tmp_path / "calm-out"), _rows(out)
    for student in calm_truth:
        keep = ("score", "max_score", "passed", "mistakes", "reason")
        assert {k: alone[student][k] for k in keep} == {k: together[student][k] for k in keep}, student


def test_the_endless_one_costs_its_own_time_limit_and_no_more(graded):
    _, out, truth, _, _ = graded
    # Timings are in grades.json (the gradebook holds only what the same class always gives).
    rows = {r["student"]: r for r in json.loads((out / "grades.json").read_text())["submissions"]}
    endless = next(s for s, k in truth.items() if k == "endless")
    assert TIMEOUT - 0.1 <= float(rows[endless]["seconds"]) < 2 * TIMEOUT
    others = [float(r["seconds"]) for s, r in rows.items() if truth[s] != "endless"]
    assert max(others) < TIMEOUT  # nobody waited behind it, nobody else ran out of time


def test_hidden_tests_keep_inputs_and_expected_values_out_of_grades_json(graded):
    _, out, truth, _, _ = graded
    doc = json.loads((out / "grades.json").read_text())
    wrong = next(s for s in doc["submissions"] if s["student"].endswith("-sigmoid"))
    hidden = [t for t in wrong["tests"] if t["hidden"]]
    assert hidden and all(t["message"] is None for t in hidden)
    visible = [t for t in wrong["tests"] if not t["hidden"]]
    assert all("expected" in t["message"].lower() for t in visible)  # the visible ones do explain
    assert "-40" not in json.dumps(hidden) and "large |z|" in hidden[0]["name"]
    assert doc["exercises"][EXERCISE]["max_score"] == 6


def test_feedback_files_carry_the_words_tutor_check_prints_with_escapes_made_visible(graded):
    folder, out, truth, _, _ = graded
    student = next(s for s, k in truth.items() if k == "sigmoid")
    text = (out / "feedback" / f"{student}.md").read_text()
    r = CliRunner().invoke(app, ["--plain", "check", EXERCISE, "--file", str(folder / f"{student}.py")])
    for line in ("Likely mistake: You returned the sigmoid, not its gradient", "Score 0/6."):
        assert line in text and line in r.stdout
    assert f"# Feedback for {student}" in text and "```text" in text
    escapes = next(s for s, k in truth.items() if k == "escapes")
    text = (out / "feedback" / f"{escapes}.md").read_text()
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text and "\\u202e" in text
    assert len(list((out / "feedback").glob("*.md"))) == len(truth)


def test_terminal_summary_shows_pass_rates_and_named_mistakes(graded):
    _, out, truth, result, _ = graded
    text = result.stdout
    assert f"{len(truth)} students" in text
    assert "You returned the sigmoid, not" in text and "exactly 0.25 at z = 0" in text
    n_passed = sum(EXPECTED[k][1] for k in truth.values())
    assert f"{n_passed} passed" in text
    assert "\x1b[2J" not in result.output


# ---------------------------------------------------------------- zips


def test_a_zip_of_the_class_grades_like_the_folder(tmp_path):
    folder = tmp_path / "class"
    for student, kind in (("ann", "right"), ("bob", "sigmoid"), ("cy", "right-in-folder")):
        write_student(folder, student, kind)
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in folder.rglob("*"):
            z.write(p, Path("class") / p.relative_to(folder))
    r = _grade(archive, "-o", tmp_path / "out", "-j", 1)
    assert r.exit_code == 0, r.output
    rows = _rows(tmp_path / "out")
    assert {s: (r["score"], r["mistakes"]) for s, r in rows.items()} == {
        "ann": ("6", ""), "bob": ("0", "sigmoid-instead-of-gradient"), "cy": ("6", "")}


@pytest.mark.parametrize("name, words", [
    ("../evil.py", "points outside the folder"),
    ("/etc/evil.py", "points outside the folder"),
    ("class/../../evil.py", "points outside the folder"),
])
def test_zip_entries_that_escape_the_folder_are_refused(tmp_path, name, words):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ann.py", "def sigmoid_gradient(z):\n    return z\n")
        z.writestr(zipfile.ZipInfo(name), "print('pwned')\n")
    r = _grade(archive, "-o", tmp_path / "out")
    assert r.exit_code == 2 and words in r.output and "refused" in r.output
    assert not (tmp_path / "evil.py").exists() and not (tmp_path / "out" / "gradebook.csv").exists()


def test_zip_symlinks_and_bombs_are_refused(tmp_path, monkeypatch):
    archive = tmp_path / "links.zip"
    link = zipfile.ZipInfo("ann.py")
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(link, "/etc/passwd")
    r = _grade(archive, "-o", tmp_path / "out")
    assert r.exit_code == 2 and "symbolic link" in r.output
    from tutor.grading import safezip

    monkeypatch.setattr(safezip, "MAX_TOTAL", 2**20)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in ("ann.py", "bob.py", "cy.py"):
            z.writestr(name, "#" * 1_000_000)  # ~1 KB compressed, 1 MB inflated, each
    assert bomb.stat().st_size < 20_000
    r = _grade(bomb, "-o", tmp_path / "out2")
    assert r.exit_code == 2 and "holds more than 1 MB; the zip is refused" in r.output


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("args, words", [
    (["nowhere"], "there is no file or folder nowhere"),
    (["{class}", "-e", "sigmoid-gradiant"], "Did you mean 'sigmoid-gradient'"),
    (["{class}", "-o", "{file}"], "is a file; give a folder"),
    (["{file}"], "neither a class folder nor a .zip"),
    (["{empty}"], "no submissions in"),
])
def test_usage_problems_are_one_error_line_and_exit_2(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    write_student(tmp_path / "class", "ann", "right")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    args = [a.format(**{"class": tmp_path / "class", "file": tmp_path / "notes.txt", "empty": tmp_path / "empty"})
            for a in args]
    r = _grade(*args)
    assert r.exit_code == 2, r.output
    assert r.output.startswith("error: ") and words in r.output and "Traceback" not in r.output


def test_files_that_cannot_be_placed_get_a_row_with_the_reason(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "ann.py").write_text("def nn_cost_function(params, layer_sizes, X, y, lam):\n    return 0, 0\n")
    (folder / "bob.py").write_text("def sigmoid_gradient(z)\n")
    (folder / "cy.txt").write_text("my answer is 42")
    (folder / "dee").mkdir()
    (folder / "dee" / "feedforward-cost.py").write_text("def nn_cost_function(params, layer_sizes, X, y, lam):\n    return 1.0, 0\n")
    r = _grade(folder, "-o", tmp_path / "out", "-j", 2)
    assert r.exit_code == 0, r.output
    rows = _rows(tmp_path / "out")
    assert "4 exercises ask for" in rows["ann"]["reason"] and "--exercise" in rows["ann"]["reason"]
    assert "Python cannot read it" in rows["bob"]["reason"] and "line 1" in rows["bob"]["reason"]
    assert "not a Python file" in rows["cy"]["reason"]
    assert rows["dee"]["exercise"] == "feedforward-cost" and rows["dee"]["passed"] == "no"  # named by its file
    assert "not graded (3)" in r.stdout


def test_a_file_saved_beside_the_code_is_not_tampering_but_a_rewritten_helper_is(tmp_path):
    # The checker now runs learner code on copies of its own (isolated or not), so no learner
    # code reaches the grader's private folder; the grader's defence is tested with a check
    # that writes there itself, as code that escaped its copy would.
    from tutor.course import bundled_course
    from tutor.exercises.catalog import load_catalog
    from tutor.grading import checker
    from tutor.grading.discover import discover
    from tutor.grading.run import grade_all

    folder = tmp_path / "class"
    for student in ("ann", "bob"):
        (folder / student).mkdir(parents=True)
        (folder / student / "helpers.py").write_text(HELPER)
        (folder / student / "sigmoid_gradient.py").write_text(IN_FOLDER)

    def writing(exercise, path, **kw):
        if "ann" in kw["display"]:
            (Path(path).parent / "notes.txt").write_text("saved")  # a new file that is not Python: harmless
        else:
            (Path(path).parent / "helpers.py").write_text("")  # a rewritten helper: tampering
        return checker.grade_one(exercise, path, isolation="off", **kw)

    catalog = load_catalog(bundled_course())
    run = grade_all(discover(folder, catalog, [EXERCISE]), catalog, out=tmp_path / "out", jobs=2, grade=writing)
    rows = {r["student"]: r for r in run.records}
    assert rows["ann"]["score"] == 6 and rows["ann"]["reason"] is None
    assert rows["bob"]["score"] == 0 and "writes over Python files" in rows["bob"]["reason"]
