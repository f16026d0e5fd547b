"""Diagnoses against a catalogue of plausible wrong answers: named when right, never when wrong.

tests/backprop/catalogue/<exercise>/<case>.py is a learner's file whose first line says
what the checker should conclude: `# expect: <diagnosis id>` (fails, and that
mistake alone is named), `# expect: A + B` (fails, and two mistakes at once are
named: the engine's families compose two at a time), `# expect: none` (fails,
nothing named: a mistake nothing reproduces) or `# expect: pass` (a right
answer written unusually). Every file runs through the real checker. The goal from
the grading issue: a named, correct diagnosis for at least 60 percent of the
wrong answers, and not a single diagnosis that names an absent cause.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.course import bundled_course
from tutor.exercises.catalog import get_exercise
from tutor.exercises.check import check_file

CATALOGUE = Path(__file__).resolve().parent / "catalogue"
FILES = sorted(CATALOGUE.glob("*/*.py"))


def expectation(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path} must start with '# expect: ...'"
    return first.removeprefix("# expect: ").strip()


def named(path: Path) -> list[str]:
    """The ids the file expects, sorted ([] for none and pass)."""
    e = expectation(path)
    return [] if e in ("none", "pass") else sorted(i.strip() for i in e.split("+"))


@pytest.fixture(scope="module")
def outcomes() -> dict:
    """path -> (passed, diagnosis ids) for every catalogue file, checked once."""
    out = {}
    for path in FILES:
        result = check_file(get_exercise(path.parent.name, bundled_course()), path, isolation="auto")
        out[path] = (result.passed, [d.id for d in result.diagnoses])
    return out


def test_the_catalogue_covers_every_exercise_and_every_named_mistake_of_the_issue():
    from tutor.exercises.catalog import load_catalog

    assert {p.parent.name for p in FILES} == set(load_catalog(bundled_course()))
    named = {expectation(p) for p in FILES}
    for must in ["missing-bias-column", "bias-column-twice", "regularized-gradient-without-m", "delta-sign-flipped",
                 "squared-error-delta", "cost-missing-second-term", "mean-over-m-times-k", "activation-missing",
                 "gradient-unrolled-column-major", "forward-missing-transpose", "backward-transposed-weights",
                 "transposed-product", "matrix-product-for-elementwise", "column-minus-flat-broadcast",
                 "symmetric-initialization"]:
        assert must in named, must
    assert len([p for p in FILES if expectation(p) not in ("pass",)]) >= 60


def test_no_diagnosis_ever_names_a_cause_that_is_not_there(outcomes):
    false = [(p.parent.name, p.stem, ids) for p, (_, ids) in outcomes.items()
             if ids and sorted(ids) != named(p)]
    assert false == []


def test_wrong_answers_fail_and_right_ones_pass(outcomes):
    wrong_verdicts = [(p.parent.name, p.stem) for p, (passed, _) in outcomes.items()
                      if passed != (expectation(p) == "pass")]
    assert wrong_verdicts == []


def test_at_least_sixty_percent_of_wrong_answers_get_their_correct_name(outcomes):
    wrong = [p for p in outcomes if expectation(p) != "pass"]
    hits = [p for p in wrong if named(p) and sorted(outcomes[p][1]) == named(p)]
    rate = len(hits) / len(wrong)
    print(f"diagnosis hit rate: {len(hits)}/{len(wrong)} = {rate:.0%}")
    assert rate >= 0.6
    missed = [(p.parent.name, p.stem) for p in wrong if expectation(p) != "none" and p not in hits]
    assert missed == []  # every mistake the catalogue names is found
