"""The lesson loader refuses every kind of malformed file with a located, one-line reason."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from tutor.base.errors import LessonError, TutorError
from tutor.base.yamlsafe import MAX_BYTES
from tutor.course import bundled_course
from tutor.lessons.loader import find_lesson, load_lesson
from tutor.lessons.params import ParamSpec, parse_set_options

GOOD = """\
id: {id}
title: A small lesson
summary: Used by the tests.
setup:
  dataset: debug
  weights: debug
  params:
    lambda: {{type: float, default: 1.0, min: 0}}
steps:
  - id: intro
    kind: text
    text: There are {{m}} examples of {{n}} features.
  - id: run
    kind: compute
    op: forward
    inputs: {{thetas: thetas, X: X}}
    bind: {{h: h, a1: a1}}
  - id: look
    kind: show
    value: h
"""


def write(tmp_path: Path, text: str, name: str = "lesson") -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def error_of(path: Path) -> LessonError:
    with pytest.raises(LessonError) as info:
        load_lesson(path, bundled_course())
    return info.value


def good(tmp_path, **replace) -> Path:
    text = GOOD.format(id="lesson")
    for old, new in replace.items():
        text = text.replace(old, new)
    return write(tmp_path, text)


def test_a_good_lesson_loads_into_frozen_steps(tmp_path):
    lesson = load_lesson(good(tmp_path), bundled_course())
    assert lesson.id == "lesson" and [s.kind for s in lesson.steps] == ["text", "compute", "show"]
    assert lesson.setup.params["lambda"].default == 1.0
    with pytest.raises(AttributeError):
        lesson.steps[0].text = "changed"  # frozen


def test_empty_file(tmp_path):
    err = error_of(write(tmp_path, "  \n# only a comment\n"))
    assert "is empty" in err.message and "lesson.yaml" in err.message


def test_binary_garbage(tmp_path):
    p = tmp_path / "lesson.yaml"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert "not a text file" in error_of(p).message


def test_not_utf8(tmp_path):
    p = tmp_path / "lesson.yaml"
    p.write_bytes("id: caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in error_of(p).message


def test_top_level_list(tmp_path):
    err = error_of(write(tmp_path, "- id: a\n- id: b\n"))
    assert err.line == 1 and "not a list" in err.message


def test_top_level_scalar(tmp_path):
    assert "not a single value" in error_of(write(tmp_path, "just words\n")).message


def test_invalid_yaml_gives_line_and_column(tmp_path):
    err = error_of(write(tmp_path, "id: x\ntitle: [unclosed\nsummary: y\n"))
    assert err.line is not None and "not valid YAML" in err.message


def test_unknown_top_key_suggests(tmp_path):
    err = error_of(good(tmp_path, **{"summary:": "sumary:"}))
    assert "unknown key 'sumary'; did you mean 'summary'?" in err.message
    assert err.line == 3 and err.path == "sumary"


def test_unknown_step_key_names_its_path(tmp_path):
    err = error_of(good(tmp_path, **{"    value: h": "    value: h\n    colour: red"}))
    assert err.path == "steps[2].colour" and (err.line, err.column) == (21, 5) and "unknown key 'colour'" in err.message


def test_unknown_kind_with_did_you_mean(tmp_path):
    err = error_of(good(tmp_path, **{"kind: show": "kind: shwo"}))
    assert "unknown step kind 'shwo'; did you mean 'show'?" in err.message
    assert err.path == "steps[2].kind" and err.line == 19 and err.column == 11
    assert "lesson.yaml:19:11: steps[2].kind:" in err.message


def test_missing_id(tmp_path):
    err = error_of(good(tmp_path, **{"  - id: look\n    kind: show": "  - kind: show"}))
    assert "the key 'id' is missing" in err.message and err.path == "steps[2]"


def test_missing_lesson_id(tmp_path):
    assert "the key 'id' is missing" in error_of(good(tmp_path, **{"id: lesson\n": ""})).message


def test_id_must_match_file_name(tmp_path):
    assert "must equal the file name" in error_of(good(tmp_path, **{"id: lesson": "id: other"})).message


def test_duplicate_step_id(tmp_path):
    err = error_of(good(tmp_path, **{"id: look": "id: run"}))
    assert "the step id 'run' is already used by steps[1]" in err.message


def test_duplicate_key(tmp_path):
    err = error_of(good(tmp_path, **{"title: A small lesson": "title: A\ntitle: B"}))
    assert "appears twice" in err.message and err.line == 3


def test_alias_and_anchor_refused(tmp_path):
    err = error_of(good(tmp_path, **{"title: A small lesson": "title: &t A small lesson", "summary: Used by the tests.": "summary: *t"}))
    assert "anchors (&t) are not allowed" in err.message and err.line == 2


def test_alias_bomb_refused_fast(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    start = time.perf_counter()
    err = error_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert time.perf_counter() - start < 1.0
    assert "not allowed" in err.message and err.line == 1


def test_merge_key_refused(tmp_path):
    err = error_of(good(tmp_path, **{"  dataset: debug": "  <<: {dataset: debug}"}))
    assert "not allowed" in err.message


def test_python_tag_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    text = GOOD.format(id="lesson").replace(
        "title: A small lesson", f"title: !!python/object/apply:os.system ['touch {marker}']"
    )
    err = error_of(write(tmp_path, text))
    assert "tag" in err.message and "not allowed" in err.message and err.line == 2
    assert not marker.exists()


def test_custom_tag_refused(tmp_path):
    assert "not allowed" in error_of(good(tmp_path, **{"title: A small lesson": "title: !secret A"})).message


def test_huge_file_refused(tmp_path):
    p = tmp_path / "lesson.yaml"
    p.write_text("# " + "x" * (MAX_BYTES + 10), encoding="utf-8")
    assert "larger than" in error_of(p).message


def test_deep_nesting_refused(tmp_path):
    err = error_of(write(tmp_path, "id: " + "[" * 200 + "]" * 200 + "\n"))
    assert "nested" in err.message


def test_wrong_types(tmp_path):
    err = error_of(good(tmp_path, **{"title: A small lesson": "title: [a, b]"}))
    assert err.path == "title" and "expected a text, got a list" in err.message
    err = error_of(good(tmp_path, **{"  dataset: debug": "  dataset: debug\n  seed: many"}))
    assert err.path == "setup.seed" and "expected a whole number" in err.message
    err = error_of(write(tmp_path, "id: lesson\ntitle: T\nsummary: S\nsetup: {}\nsteps: 3\n"))
    assert "expected a list" in err.message and err.path == "steps"


def test_unknown_setup_value_suggests(tmp_path):
    err = error_of(good(tmp_path, **{"dataset: debug": "dataset: digts"}))
    assert "unknown value 'digts'; did you mean 'digits'?" in err.message


def test_unbound_name_with_suggestion(tmp_path):
    err = error_of(good(tmp_path, **{"    value: h\n": "    value: hh\n"}))
    assert "'hh' is not bound by setup or an earlier step; did you mean 'h'?" in err.message
    assert err.path == "steps[2].value"


def test_name_used_before_it_is_bound(tmp_path):
    text = GOOD.format(id="lesson").replace("There are {m} examples", "There are {a1.shape} values")
    err = error_of(write(tmp_path, text))
    assert "placeholder 'a1' is not bound" in err.message and err.path == "steps[0].text"


def test_unknown_operation_and_input_and_output(tmp_path):
    assert "unknown operation 'forwrd'; did you mean 'forward'?" in error_of(good(tmp_path, **{"op: forward": "op: forwrd"})).message
    err = error_of(good(tmp_path, **{"{thetas: thetas, X: X}": "{thetas: thetas, X: X, activaton: sigmoid}"}))
    assert "has no input 'activaton'; did you mean 'activation'?" in err.message
    err = error_of(good(tmp_path, **{"{h: h, a1: a1}": "{hh: h}"}))
    assert "gives no 'hh'; did you mean 'h'?" in err.message


def test_unknown_view_suggests(tmp_path):
    err = error_of(good(tmp_path, **{"    value: h\n": "    value: h\n    view: matirx\n"}))
    assert "unknown value 'matirx'; did you mean 'matrix'?" in err.message


def test_every_problem_is_collected(tmp_path):
    text = GOOD.format(id="lesson").replace("kind: text", "kind: txet").replace("value: h", "value: h\n    colour: red")
    err = error_of(write(tmp_path, text))
    assert [p.path for p in err.problems] == ["steps[0].kind", "steps[2].colour"]
    assert "(and 1 more problem" in err.message


def test_when_condition_scopes_names(tmp_path):
    text = GOOD.format(id="lesson").replace("    op: forward", "    when: {dataset: course}\n    op: forward")
    err = error_of(write(tmp_path, text))
    assert "only bound in steps with when" in err.message


def test_quiz_and_check_validation(tmp_path):
    quiz = "  - id: q\n    kind: quiz\n    question: Pick\n    answer_type: choice\n    choices: [a, b]\n    answer: 2\n"
    err = error_of(write(tmp_path, GOOD.format(id="lesson") + quiz))
    assert "answer 2 is not an index of the 2 choices" in err.message
    check = "  - id: c\n    kind: check\n    value: h\n    expect: 1\n    against: a1\n"
    assert "exactly one of" in error_of(write(tmp_path, GOOD.format(id="lesson") + check)).message
    shape = "  - id: q\n    kind: quiz\n    question: Shape?\n    answer_type: shape\n    answer: 5000 by lots\n"
    assert "is not a shape" in error_of(write(tmp_path, GOOD.format(id="lesson") + shape)).message


def test_param_default_must_fit_its_type(tmp_path):
    err = error_of(good(tmp_path, **{"default: 1.0": "default: lots"}))
    assert err.path == "setup.params.lambda.default" and "must be a number" in err.message


def test_find_lesson_unknown_id_suggests():
    with pytest.raises(TutorError) as info:
        find_lesson("forwad-pass", bundled_course())
    assert "did you mean 'forward-pass'?" in info.value.message


def test_manifest_lists_the_course_in_order():
    m = bundled_course()
    assert m.lessons == ("network", "forward-pass", "cost", "sigmoid-gradient", "graph", "backprop", "deep",
                         "gradient-checking", "nudge", "training", "accuracy", "moons-from-scratch")


def test_bundled_forward_pass_loads():
    lesson = find_lesson("forward-pass", bundled_course())
    assert 10 <= len([s for s in lesson.steps if s.when is None]) <= 25  # issue 4: 8 to 25 steps
    kinds = {s.kind for s in lesson.steps}
    assert {"text", "compute", "show", "shapes", "check", "quiz"} <= kinds
    assert any(s.notes for s in lesson.steps)
    assert any(s.kind == "quiz" and s.hints for s in lesson.steps)


SPECS = {"lambda": ParamSpec("lambda", "float", 1.0, min=0), "hidden": ParamSpec("hidden", "int", 25, min=1),
         "fast": ParamSpec("fast", "bool", False)}


def test_parse_set_options_types_values():
    assert parse_set_options(["lambda=3", "hidden=10", "fast=yes"], SPECS) == {"lambda": 3.0, "hidden": 10, "fast": True}
    assert parse_set_options(["lambda=1e-3"], SPECS)["lambda"] == pytest.approx(1e-3)


@pytest.mark.parametrize("option, words", [
    ("lamda=3", ["no parameter 'lamda'", "did you mean 'lambda'?", "It can set: lambda (float, default 1.0)"]),
    ("hidden=2.5", ["hidden must be a whole number"]),
    ("lambda=-1", ["must be at least 0"]),
    ("lambda=nan", ["finite"]),
    ("lambda", ["not of the form name=value"]),
    ("fast=maybe", ["true or false"]),
])
def test_parse_set_options_errors(option, words):
    with pytest.raises(TutorError) as info:
        parse_set_options([option], SPECS, lesson_id="cost")
    for w in words:
        assert w in info.value.message
    assert "\n" not in info.value.message


def test_unsupported_placeholder_form_is_an_error_not_printed_as_is(tmp_path):
    err = error_of(good(tmp_path, **{"There are {m} examples": "There are {X.shape[0]} examples"}))
    assert "{X.shape[0]}" in err.message and "not supported" in err.message
    assert "lesson.yaml:12:" in err.message and err.path == "steps[0].text"


def test_literal_braces_and_the_three_forms_are_accepted(tmp_path):
    text = "Sets like {{0, 1}}, {m} rows, X is {X.shape}, {m:.1f}."
    lesson = load_lesson(good(tmp_path, **{"There are {m} examples of {n} features.": f"'{text}'"}), bundled_course())
    assert lesson.steps[0].text == text
