"""Authoring that scales (issue 21, section 5): softmax, logsumexp and keepdims as operations, checks with a relative
and absolute tolerance that take one number for every entry, placeholders in step titles, and a long lesson that
validate warns about instead of refusing."""

from __future__ import annotations

import io
import textwrap

import numpy as np
import pytest
from rich.console import Console
from scipy import special

from tutor.lessons import ops_arrays

HEAD = """\
id: {id}
title: Authoring
summary: Generic operations in YAML.
setup:
  dataset: debug
  weights: debug
steps:
"""


def write(tmp_path, steps: str, lesson_id: str = "authoring"):
    p = tmp_path / f"{lesson_id}.yaml"
    p.write_text(HEAD.format(id=lesson_id) + textwrap.indent(textwrap.dedent(steps), "  "), encoding="utf-8")
    return p


def render(path):
    from tutor.course import bundled_course
    from tutor.lessons.loader import load_lesson
    from tutor.lessons.runner import render_lesson

    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    session = render_lesson(load_lesson(path, bundled_course()), console, answers=True)
    return session, " ".join(console.export_text().split())


SCORES = np.array([[1000.0, 1001.0, 1002.0], [-3.0, 0.5, 2.0], [0.0, 0.0, 0.0]])


def test_softmax_and_logsumexp_match_scipy_and_do_not_overflow():
    np.testing.assert_allclose(ops_arrays.softmax(SCORES), special.softmax(SCORES, axis=-1), rtol=1e-13)
    np.testing.assert_allclose(ops_arrays.softmax(SCORES, axis=0), special.softmax(SCORES, axis=0), rtol=1e-13)
    np.testing.assert_allclose(ops_arrays.logsumexp(SCORES, axis=1), special.logsumexp(SCORES, axis=1), rtol=1e-13)
    assert ops_arrays.logsumexp(SCORES) == pytest.approx(special.logsumexp(SCORES), rel=1e-13)
    assert ops_arrays.logsumexp(SCORES, axis=1, keepdims=True).shape == (3, 1)
    assert ops_arrays.logsumexp(np.array([[-np.inf, -np.inf]]), axis=1)[0] == -np.inf


@pytest.mark.parametrize("op", ["total", "mean", "maximum", "minimum"])
def test_reductions_keep_the_axis_when_asked(op):
    func = getattr(ops_arrays, op)
    numpy_name = {"total": "sum", "maximum": "max", "minimum": "min"}.get(op, op)
    for axis in (0, 1):
        got = func(SCORES, axis=axis, keepdims=True)
        np.testing.assert_allclose(got, getattr(np, numpy_name)(SCORES, axis=axis, keepdims=True))
        assert got.shape == ((1, 3) if axis == 0 else (3, 1))
    assert func(SCORES, axis=1).shape == (3,)


def test_a_stable_softmax_in_yaml_and_a_check_of_its_row_sums_against_one(tmp_path):
    # three steps where it took eight with reshapes; `expect: 1` stands for every row's sum, and the float noise
    # (a sum of 0.9999999999999998) passes a 1e-12 tolerance instead of failing while printing a 2.2e-16 gap
    path = write(tmp_path, """\
        - id: fw
          kind: compute
          op: forward
          bind: {z3: z3}
        - id: p
          kind: compute
          op: softmax
          inputs: {A: z3}
          bind: P
        - id: sums
          kind: compute
          op: sum
          inputs: {A: P, axis: 1, keepdims: true}
          bind: row_sums
        - id: lse
          kind: compute
          op: logsumexp
          inputs: {A: z3, axis: 1, keepdims: true}
          bind: lse
        - id: one
          kind: check
          value: row_sums
          expect: 1
          tol: 1e-12
        - id: same
          kind: check
          value: P
          against: P
        - id: shape-title
          kind: text
          title: "Row sums, {row_sums.shape}"
          text: Each of the {row_sums.size} rows sums to one.
    """)
    session, text = render(path)
    assert session.problems == {}, session.describe_problems()
    P, sums = session.ctx.values["P"], session.ctx.values["row_sums"]
    z3 = session.ctx.values["z3"]
    np.testing.assert_allclose(P, special.softmax(z3, axis=1), rtol=1e-13)
    assert sums.shape == (z3.shape[0], 1)
    np.testing.assert_allclose(session.ctx.values["lse"], special.logsumexp(z3, axis=1, keepdims=True), rtol=1e-13)
    assert f"Row sums, {z3.shape[0]} x 1" in text and "{row_sums.shape}" not in text  # the title is filled


def test_a_check_fails_with_the_real_gap_when_it_is_too_big():
    from tutor.lessons.steps.basic import _close

    assert _close(np.array([1.0, 1.0 + 2.2e-16]), 1, 1e-12, 0.0) == (True, pytest.approx(2.2e-16, rel=0.1))
    ok, gap = _close(np.array([1.0, 1.001]), 1, 1e-12, 1e-12)
    assert not ok and gap == pytest.approx(1e-3)
    # the relative part scales with the expected value: 1e6 with float noise passes at the default rtol
    assert _close(1e6 * (1 + 1e-14), 1e6, 1e-9, 1e-12)[0]
    assert not _close(1e6 * (1 + 1e-9), 1e6, 1e-9, 1e-12)[0]


def test_an_unbound_placeholder_in_a_title_is_a_load_error(tmp_path):
    from tutor.base.errors import LessonError
    from tutor.course import bundled_course
    from tutor.lessons.loader import load_lesson

    path = write(tmp_path, """\
        - id: t
          kind: text
          title: "About {nowhere}"
          text: Hello.
    """)
    with pytest.raises(LessonError, match="nowhere"):
        load_lesson(path, bundled_course())


def test_a_long_lesson_loads_and_validate_warns_with_a_reason(tmp_path):
    from tutor.course import bundled_course
    from tutor.lessons.validate import check_lesson, validate_lesson

    steps = "".join(f"- id: s{k}\n  kind: text\n  text: Step {k}.\n" for k in range(45))
    path = write(tmp_path, steps)
    problems, warnings, n = check_lesson(path, bundled_course())
    assert problems == [] and n == 45
    assert len(warnings) == 1 and "45 steps" in warnings[0] and "long sitting" in warnings[0]
    assert validate_lesson(path, bundled_course()) == ([], 45)


# -- a named run of steps from another lesson, or from a step library -----------------------------------------

SOURCE = """\
    - id: fw
      kind: compute
      op: forward
      bind: {a1: a1, z2: z2}
    - id: say-shape
      kind: text
      text: "a1 is {a1.shape}."
    - id: typed
      kind: expression
      question: Type z2.
      expected: a1 @ Theta1.T
    - id: last
      kind: text
      text: The end of the source.
"""


def test_an_include_brings_a_run_of_another_lessons_steps_with_prefixed_ids(tmp_path):
    write(tmp_path, SOURCE, "source")
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "recap.yaml").write_text(textwrap.dedent("""\
        runs:
          short: [note]
        steps:
          - id: note
            kind: text
            text: "z2 was {z2.shape}."
          - id: more
            kind: text
            text: Not in the short run.
    """), encoding="utf-8")
    path = write(tmp_path, """\
        - id: first
          kind: text
          text: Before.
        - id: run
          kind: include
          from: source
          first: fw
          last: typed
        - id: lib
          kind: include
          from: steps/recap
          run: short
        - id: after
          kind: text
          text: "After, with {z2.shape} still bound."
    """)
    session, text = render(path)
    assert [s.id for s in session.steps] == ["first", "run-fw", "run-say-shape", "run-typed", "lib-note", "after"]
    assert session.problems == {}, session.describe_problems()
    m = session.ctx.values["a1"].shape[0]
    assert f"a1 is {m} x " in text and f"z2 was {m} x " in text and "The end of the source" not in text
    assert "Not in the short run" not in text  # the library's named run holds only its first step


@pytest.mark.parametrize("include, words", [
    ("from: nowhere", "there is no nowhere.yaml"),
    ("from: ../source", "is not a lesson id or a library name"),
    ("from: source\n  steps: [fw, missing]", "source.yaml has no step 'missing'"),
    ("from: source\n  first: typed\n  last: fw", "a run goes forward"),
    ("from: source\n  run: recap", "source.yaml names no run 'recap' (it has no `runs:`)"),
    ("from: source\n  run: recap\n  first: fw", "pick steps one way"),
    ("from: source\n  steps: [say-shape]", "'a1' is not bound"),  # its names must be bound here
])
def test_an_include_that_cannot_work_is_a_load_error_that_says_why(tmp_path, include, words):
    from tutor.base.errors import LessonError
    from tutor.course import bundled_course
    from tutor.lessons.loader import load_lesson

    write(tmp_path, SOURCE, "source")
    path = write(tmp_path, f"- id: run\n  kind: include\n  {include}\n")
    with pytest.raises(LessonError) as info:
        load_lesson(path, bundled_course())
    assert words in str(info.value), str(info.value)


# -- no warning or traceback reaches the learner -------------------------------------------------------------

OVERFLOW = """\
    - id: fw
      kind: compute
      op: forward
      bind: {z3: z3}
    - id: big
      kind: compute
      op: multiply
      inputs: {A: z3, B: 1000000}
      bind: big
    - id: blow
      kind: compute
      op: exp
      inputs: {A: big}
      bind: E
      show: E
    - id: after
      kind: text
      text: "E is {E.shape}."
"""


def test_numpy_warnings_are_kept_for_validate_and_never_printed(tmp_path, capfd):
    import warnings

    from tutor.course import bundled_course
    from tutor.lessons.validate import check_lesson

    path = write(tmp_path, OVERFLOW)
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as a learner's python would: warnings shown once each
        session, text = render(path)
        problems, said, _ = check_lesson(path, bundled_course())
    assert np.isinf(session.ctx.values["E"]).any()  # the overflow happened
    err = capfd.readouterr().err
    assert "Warning" not in err and "Warning" not in text and "ops_arrays" not in err
    assert problems == []  # a warning is advice, not a failure
    assert any("step 3 (blow): RuntimeWarning: overflow encountered in exp" in w for w in said), said


def test_an_operation_that_raises_anything_is_one_line_under_its_step(tmp_path, capfd):
    from tutor.lessons.registry import operation

    @operation("explode_for_test")
    def explode(A):
        """Raises what no operation should."""
        raise RuntimeError("the operation broke")

    path = write(tmp_path, """\
        - id: boom
          kind: compute
          op: explode_for_test
          inputs: {A: X}
          bind: nothing
        - id: after
          kind: text
          text: Still here.
    """)
    _, text = render(path)
    assert "This step could not run: RuntimeError: the operation broke" in text and "Still here." in text
    assert "Traceback" not in text + capfd.readouterr().err


def test_the_lists_count_the_steps_and_questions_an_include_brings(tmp_path):
    from tutor.lessons.headers import read_header

    write(tmp_path, SOURCE, "source")
    path = write(tmp_path, """\
        - id: first
          kind: text
          text: Before.
        - id: run
          kind: include
          from: source
          steps: [fw, typed]
    """)
    header = read_header(path)
    assert header["steps"] == 3 and header["questions"] == 1  # first, run-fw, run-typed (an expression step)
