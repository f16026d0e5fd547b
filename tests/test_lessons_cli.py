"""The lesson commands through typer's CliRunner: exit codes and the one-line errors."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from tutor.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_tutor_alone_shows_the_course_and_what_next():
    res = invoke()
    assert res.exit_code == 0
    assert "forward-pass" in res.output and "The forward pass" in res.output
    assert "Start: tutor learn network" in res.output


def test_lessons_json_in_course_order():
    res = invoke("lessons", "--json")
    data = json.loads(res.output)
    ids = [r["id"] for r in data["lessons"]]
    assert ids[:2] == ["network", "forward-pass"] and ids[-1] == "moons-from-scratch"
    fp = next(r for r in data["lessons"] if r["id"] == "forward-pass")
    assert fp["status"] == "not started" and fp["steps"] >= 10


def test_learn_without_terminal_prints_every_step():
    res = invoke("learn", "forward-pass")
    assert res.exit_code == 0, res.output
    # every step, up to the last: "Step N of N" (the curriculum may add steps)
    n = int(re.search(r"Step 1 of (\d+)", res.output).group(1))
    assert n >= 10 and f"Step {n} of {n}" in res.output
    assert "a1 (1797 x 65)" in " ".join(res.output.split())


def test_demo_auto_zero_answers_quizzes_and_shows_notes():
    res = invoke("demo", "forward-pass", "--auto", "0", "--notes", "--set", "example=3")
    assert res.exit_code == 0, res.output
    assert "Answer: 5000 x 25" in res.output and "presenter notes" in res.output
    assert "with example = 3" in res.output and "example 3" in res.output


@pytest.mark.parametrize("args, words", [
    (["learn", "forwad-pass"], ["no lesson 'forwad-pass'", "did you mean 'forward-pass'?"]),
    (["learn", "forward-pass", "--set", "lamda=3"], ["no parameter 'lamda'", "It can set: example"]),
    (["learn", "forward-pass", "--set", "example=two"], ["example must be a whole number"]),
    (["learn", "forward-pass", "--from", "z2-shap"], ["no step 'z2-shap'", "did you mean 'z2-shape'?"]),
    (["learn", "forward-pass", "--data", "/nonexistent/data.mat"], ["data.mat"]),
    (["demo", "nope.yaml"], ["no lesson file nope.yaml"]),
    (["progress", "reset", "forwrd-pass"], ["did you mean 'forward-pass'?"]),
])
def test_bad_input_is_one_line_and_exit_2(args, words):
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    err = res.stderr if hasattr(res, "stderr") else res.output
    for w in words:
        assert w in err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_validate_lessons_folder_reports_and_exit_code(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("id: good\ntitle: G\nsummary: S\nsetup: {dataset: debug, weights: debug}\n"
                    "steps:\n  - {id: a, kind: text, text: hi}\n", encoding="utf-8")
    res = invoke("validate", str(good))
    assert res.exit_code == 0 and "ok" in res.output and "All valid." in res.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: B\nsummary: S\nsetup: {dataset: debug, weights: debug}\nsteps:\n"
                   "  - {id: a, kind: quizz, question: q}\n"
                   "  - {id: c, kind: check, value: m, expect: 6}\n", encoding="utf-8")
    res = invoke("validate", str(good), str(bad))
    assert res.exit_code == 1
    assert "unknown step kind 'quizz'; did you mean 'quiz'?" in res.output and "bad.yaml:6" in res.output


def test_validate_runs_steps_and_reports_failed_checks(tmp_path):
    p = tmp_path / "checks.yaml"
    p.write_text("id: checks\ntitle: C\nsummary: S\nsetup: {dataset: debug, weights: debug}\nsteps:\n"
                 "  - {id: c, kind: check, value: m, expect: 6, label: five examples}\n", encoding="utf-8")
    res = invoke("validate", str(p))
    assert res.exit_code == 1 and "check 'five examples' failed" in " ".join(res.output.split())


def test_validate_manifest_reports_missing_lesson(tmp_path):
    (tmp_path / "course.yaml").write_text("lessons: [here, missing]\n", encoding="utf-8")
    (tmp_path / "here.yaml").write_text("id: here\ntitle: H\nsummary: S\nsetup: {dataset: debug, weights: debug}\n"
                                        "steps:\n  - {id: a, kind: text, text: hi}\n", encoding="utf-8")
    res = invoke("validate", str(tmp_path))
    assert res.exit_code == 1 and "'missing' is listed but" in " ".join(res.output.split())
    assert "here.yaml" in res.output


def test_validate_list_ops():
    res = invoke("validate", "--list-ops")
    assert res.exit_code == 0 and "forward" in res.output and "add_bias" in res.output


def test_progress_reset(tutor_home):
    from tutor.progress import ProgressStore

    ProgressStore().update_lesson("forward-pass", step=4, step_id="bias-quiz")
    res = invoke("progress", "reset", "forward-pass")
    assert res.exit_code == 0 and "forgotten" in res.output
    assert ProgressStore().lesson("forward-pass") == {}
    res = invoke("lessons", "--json")
    assert next(r for r in json.loads(res.output)["lessons"] if r["id"] == "forward-pass")["status"] == "not started"


def test_learn_alone_continues_the_course_where_the_learner_is():
    from tutor.progress import ProgressStore

    first = invoke("learn")
    assert first.exit_code == 0 and "The data and the network" in first.output  # nothing started: lesson 1
    # (a run without a terminal saves nothing); now lesson 2 is half done
    assert ProgressStore().load()["lessons"] == {}
    ProgressStore().update_lesson("forward-pass", step=4)
    res = invoke("learn")
    assert res.exit_code == 0
    assert "The forward pass" in res.output and "The data and the network" not in res.output


def test_lists_show_question_and_exercise_scores_from_progress(tutor_home):
    """`tutor lessons --json` and the wide welcome table count right answers and passed exercises."""
    from tutor.progress import ProgressStore

    store = ProgressStore()
    store.update_lesson("forward-pass", step=3, quizzes={
        "bias-quiz": {"right": True, "tries": 1, "revealed": False},
        "z2-typed": {"right": True, "tries": 3, "revealed": True},  # shown, not answered: not counted
        "batch-quiz": {"right": False, "tries": 2, "revealed": False},
    })
    store.update_exercise("predict", passed=True, best_score=5.0, started=True)
    rows = {r["id"]: r for r in json.loads(invoke("lessons", "--json").output)["lessons"]}
    fp = rows["forward-pass"]
    assert fp["questions"]["right"] == 1 and fp["questions"]["asked"] >= 3
    assert fp["exercises"] == {"passed": 1, "total": 1}  # its exercise step sends to predict
    assert rows["network"]["questions"]["right"] == 0 and rows["network"]["exercises"]["passed"] == 0
    wide = CliRunner().invoke(app, [], env={"COLUMNS": "100"}).output
    line = next(x for x in wide.splitlines() if " forward-pass " in x)
    assert f"1/{fp['questions']['asked']}" in line and line.rstrip().endswith("1/1")
    narrow = CliRunner().invoke(app, [], env={"COLUMNS": "60"}).output
    assert "exercises" not in narrow.splitlines()[2]  # too narrow for the score columns: the table keeps its shape


@pytest.mark.parametrize("command", [[], ["learn"], ["check"], ["grade"], ["export"]])
def test_help_has_no_bool_or_str_tags_but_keeps_meaningful_types(command):
    """typer writes <bool> after flags and <str> after text; the help drops those and keeps the rest."""
    out = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "120"}).output
    assert "<bool>" not in out and "<str>" not in out
    assert "--help" in out
    if command == ["check"]:
        assert "<float range>" in out and "<auto|strict|off>" in out
