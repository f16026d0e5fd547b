"""Named mistakes: which known-wrong variant the learner's outputs agree with.

Nothing here reads the learner's source. Each variant (variants.py) runs on
the same inputs as the learner's function; a mistake is named when, on every
checked output where the variant goes wrong, the learner's value agrees with
the variant's, and there was at least one such output.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from tutor.exercises.compare import close


@dataclass(frozen=True)
class Diagnosis:
    id: str
    title: str
    message: str


_D = [
    Diagnosis("sigmoid-instead-of-gradient", "You returned the sigmoid, not its gradient",
              "Your values are g(z) itself. The gradient is g'(z) = g(z) * (1 - g(z)): compute g(z) first, "
              "then multiply it by (1 - g(z)). At z = 0 it is exactly 0.25."),
    Diagnosis("gradient-with-a-not-z", "g' was applied to the wrong thing",
              "The derivative was taken of something that already went through g (an activation a = g(z)), "
              "or the formula written for a was fed z. Use g'(z) = g(z)(1 - g(z)) on z, or a(1 - a) on a = g(z) "
              "(for tanh: 1 - a^2 on a = tanh(z)) -- but not both at once, and never on the bias unit."),
    Diagnosis("regularized-bias", "The bias column was regularized",
              "The regularization should skip the first column of each Theta: that column multiplies the "
              "bias unit, which is always 1, and shrinking it helps nothing. Use Theta[:, 1:] in the sum of "
              "squares, and add (lambda / m) * Theta only to columns 1 and up of the gradient."),
    Diagnosis("missing-divide-by-m", "A division by m is missing",
              "The cost and the gradient are averages over the m examples. Something here is a sum: "
              "divide the cost's sum (and the regularization lambda / (2m)), and the accumulated Delta, by m."),
    Diagnosis("regularization-factor", "The regularization factor is off by 2",
              "The cost adds lambda / (2m) times the sum of squared weights; its derivative, added to the "
              "gradient, is (lambda / m) * Theta. One of the two has the other's factor."),
    Diagnosis("labels-off-by-one", "The labels are off by one",
              "The tutor's labels are 0-based: y = 0 means the first class (column 0 of Y). The course's "
              "original code counted from 1. Build Y with Y[i, y[i]] = 1 (or np.eye(K)[y]) and predict "
              "with argmax, without adding or subtracting 1."),
    Diagnosis("bias-delta-kept", "The bias unit's delta was kept",
              "delta for a hidden layer must drop its first column (the bias unit) before it is used: "
              "delta2 = (delta3 @ Theta2)[:, 1:] * g'(z2). The bias unit has no incoming weights, so it has "
              "no gradient row; keeping it gives Theta1's gradient an extra row."),
    Diagnosis("missing-bias-column", "The bias is missing",
              "Each layer's input needs the bias: a column of ones in front of the activations (a1 = [1, X]), "
              "or the + b term in W/b notation. Its gradient is column 0 of each Theta's gradient (the sum "
              "of the deltas / m) and its weights are column 0 of each Theta."),
    Diagnosis("one-sided-difference", "One-sided difference",
              "You used (J(theta + e) - J(theta)) / e. The central difference "
              "(J(theta + e) - J(theta - e)) / (2e) is far more accurate: its error shrinks like e^2, "
              "not like e."),
    Diagnosis("difference-not-halved", "The difference was not divided by 2e",
              "Between theta - e and theta + e the distance is 2e, so divide (J(theta + e) - J(theta - e)) "
              "by 2 * e, not by e: your values are twice the gradient."),
    Diagnosis("perturbed-all-at-once", "Every parameter was moved at once",
              "Perturb one parameter at a time: a vector u that is 0 everywhere and e at position i. "
              "Moving all of them together gives the same number for every entry."),
    Diagnosis("symmetric-initialization", "Every weight starts the same",
              "If all weights are equal (zero, say), every hidden unit computes the same thing and gets the "
              "same gradient, so they stay identical for ever. Draw each weight at random, uniformly in "
              "[-epsilon, epsilon]: rng.uniform(-epsilon, epsilon, size=(L_out, 1 + L_in))."),
    Diagnosis("wrong-init-range", "The starting weights are in the wrong range",
              "The weights should be uniform in [-epsilon, epsilon] (epsilon = 0.12 here): centred on 0, "
              "small, and both signs. rand() alone gives [0, 1); multiply by 2 * epsilon and subtract "
              "epsilon."),
    Diagnosis("argmax-wrong-axis", "argmax over the wrong axis",
              "h has one row per example and one column per class; the prediction for each example is the "
              "column with the largest output: np.argmax(h, axis=1)."),
    Diagnosis("wrong-activation", "The wrong activation",
              "In the from-scratch network the hidden layer uses tanh (A1 = np.tanh(Z1)), and its derivative "
              "is 1 - A1**2; the output layer uses the sigmoid."),
    Diagnosis("wrong-sign", "Gradient ascent instead of descent",
              "The update goes against the gradient: W = W - learning_rate * dW. With a + the cost climbs."),
    Diagnosis("missing-learning-rate", "The learning rate is missing",
              "Each step is the gradient times the learning rate: W = W - learning_rate * dW."),
]
DIAGNOSES = {d.id: d for d in _D}


def _checked(outputs, names: tuple[str, ...], check: tuple[str, ...]) -> dict:
    """Split a returned value into its named parts (only those that are checked)."""
    if len(names) == 1:
        parts = {names[0]: outputs}
    elif isinstance(outputs, tuple) and len(outputs) == len(names):
        parts = dict(zip(names, outputs))
    else:
        return {}
    return {k: v for k, v in parts.items() if k in check}


def find_diagnoses(exercise, cases_args: list[list], expected: list, learner: list, *, matcher=None) -> list[str]:
    """Ids of the known mistakes the learner's outputs agree with.

    cases_args: per case, the positional args. expected: the reference's
    outputs. learner: the learner's outputs (None where the call failed).
    """
    from tutor.exercises.variants import VARIANTS

    allowed = set(exercise.diagnoses)
    found: list[str] = []
    for diag_id, variant in VARIANTS.get(exercise.function, []):
        if diag_id not in allowed or diag_id in found:
            continue
        if _agrees(exercise, variant, cases_args, expected, learner, matcher):
            found.append(diag_id)
    return found


def _agrees(exercise, variant, cases_args, expected, learner, matcher) -> bool:
    same = matcher or (lambda a, b, args: close(a, b, exercise.rtol * 10, max(exercise.atol * 10, 1e-9)))
    evidence = 0
    for args, exp, got in zip(cases_args, expected, learner):
        if got is None:
            continue
        try:
            wrong = variant(*copy.deepcopy(args))
        except Exception:  # noqa: BLE001 - a variant that cannot run on this case says nothing
            continue
        w_parts = _checked(wrong, exercise.returns, exercise.check)
        e_parts = _checked(exp, exercise.returns, exercise.check)
        g_parts = _checked(got, exercise.returns, exercise.check)
        for name, w in w_parts.items():
            if same(w, e_parts[name], args):
                continue  # the variant is right here: no evidence either way
            if name not in g_parts or not same(g_parts[name], w, args):
                return False
            evidence += 1
    return evidence > 0


def init_matcher(a, b, args) -> bool:
    """Compare starting weights by their kind (random draws differ run to run)."""
    from tutor.exercises.variants import init_signature

    L_in, L_out = int(args[0]), int(args[1])
    eps = float(args[2]) if len(args) > 2 else 0.12
    try:
        return init_signature(a, L_in, L_out, eps) == init_signature(b, L_in, L_out, eps)
    except (TypeError, ValueError):
        return False


__all__ = ["DIAGNOSES", "Diagnosis", "find_diagnoses", "init_matcher", "np"]
