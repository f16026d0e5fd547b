"""The words the course's exercises show: stub docstrings give the contract, messages fit the exercise."""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml

EXERCISES = ["backprop-gradient", "backward-propagation", "feedforward-cost", "forward-propagation",
             "numerical-gradient", "predict", "rand-initialize-weights", "regularized-cost",
             "regularized-gradient", "sigmoid-gradient", "update-parameters"]

# Lines of the answer that the docstrings used to spell out.
ANSWER_LINES = [
    r"np\.concatenate", r"\.ravel\(\)", r"delta2 = \(delta3", r"delta3 = h - Y", r"D1 = delta2",
    r"dZ1 = dZ2", r"dW2 = dZ2", r"Z1 = X W1", r"= g\(z\) \* \(1 - g\(z\)\)", r"\(J\(theta \+ e u_i\)",
    r"D1\[:, 1:\] \+=", r"W1 - learning_rate \* dW1", r"a1 = \[1, X\]", r"h = g\(z3\)",
]


def _doc(repo, ex_id):
    return yaml.safe_load((repo / "exercises" / f"{ex_id}.yaml").read_text())


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_stub_docstrings_give_the_contract_not_the_code(repo, ex_id):
    doc = _doc(repo, ex_id)["docstring"]
    for pattern in ANSWER_LINES:
        assert not re.search(pattern, doc), (ex_id, pattern)
    assert "Returns" in doc  # what comes back is part of the contract
    assert re.search(r"shape|\((m|n|P|L_out|n_h|n_y)\b", doc), ex_id  # and the shapes


def test_rand_init_names_the_lessons_network_and_says_W_is(repo):
    from tutor.courses.backprop.exercises.init_check import check_init

    first = _doc(repo, "rand-initialize-weights")["tests"][0]
    assert "64 -> 25" in first["name"] and first["args"]["L_in"] == 64
    ok, message, _ = check_init((64, 25, 0.12, 0), np.zeros((25, 64)) + np.arange(64) / 1000)
    assert not ok and message.startswith("your W is 25 x 64; it should be 25 x 65")
    assert "weights is" not in message


def test_rand_init_missing_bias_diagnosis_speaks_of_the_bias_weight_not_activations(repo):
    from tutor.course import bundled_course, course_vocabulary
    from tutor.courses.backprop.exercises import diagnoses  # noqa: F401  (registers them)

    assert "init-missing-bias-column" in _doc(repo, "rand-initialize-weights")["diagnoses"]
    found = course_vocabulary(bundled_course()).load().diagnoses["init-missing-bias-column"]
    assert "(L_out, 1 + L_in)" in found.message and "bias weight" in found.message
    assert "activation" not in found.message and "gradient" not in found.message
