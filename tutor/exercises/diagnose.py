"""Named mistakes, confirmed by recomputation.

Nothing here reads the learner's source. Each known-wrong variant a course
registered (registry.mistake) runs on the same inputs as the learner's
function. Its diagnosis is named only when the variant reproduces what the
learner got on every test: the same value (within tolerance) where the
learner's code returned, the same kind of error with the same sizes where it
raised; and the variant is wrong on at least one test. A mistake that is
only suspected is never named.
"""

from __future__ import annotations

import copy
import re

from tutor.exercises.compare import close

_MATMUL = re.compile(r"size (\d+) is different from (\d+)")
_DOT = re.compile(r"(\d+) \(dim \d+\) != (\d+) \(dim \d+\)")
_SHAPE = re.compile(r"\(([\d,\s]*)\)")


def error_signature(err_type: str, message: str) -> tuple:
    """What identifies an error across spellings: a product's mismatched sizes, a broadcast's shapes.

    `a @ b` and `np.dot(a, b)` word the same mismatch differently (matmul names
    the right operand's size first, dot the left's); both become
    ("mismatch", (columns of the left operand, rows of the right)). The order
    matters: an extra column on the left and a missing transpose on the right
    can involve the same two numbers.
    """
    message = message or ""
    m = _MATMUL.search(message)
    if m:
        return ("mismatch", (int(m.group(2)), int(m.group(1))))
    m = _DOT.search(message)
    if m:
        return ("mismatch", (int(m.group(1)), int(m.group(2))))
    if "broadcast" in message:
        shapes = tuple(s.replace(" ", "").rstrip(",") for s in _SHAPE.findall(message))
        return ("broadcast", shapes)
    return (err_type, message.strip()[:200])


def _checked(outputs, names: tuple[str, ...], check: tuple[str, ...]) -> dict:
    """Split a returned value into its named parts (only those that are checked)."""
    if len(names) == 1:
        parts = {names[0]: outputs}
    elif isinstance(outputs, (tuple, list)) and len(outputs) == len(names):
        parts = dict(zip(names, outputs))
    elif len(check) == 1 and check[0] == names[0] and not isinstance(outputs, (tuple, list, dict)):
        parts = {names[0]: outputs}
    else:
        return {}
    return {k: v for k, v in parts.items() if k in check}


def find_diagnoses(exercise, cases_args: list[list], expected: list, learner: list, *, errors: list | None = None,
                   matcher=None) -> list[str]:
    """Ids of the known mistakes a variant confirms.

    cases_args: per case, the positional args (built fresh per variant).
    expected: the reference's outputs. learner: the learner's outputs (None
    where the call raised or never ran). errors: per case, the learner's
    error dict ({type, message}) or None.
    """
    errors = errors or [None] * len(learner)
    allowed = set(exercise.diagnoses)
    found: list[str] = []
    for diag_id, variant in exercise.mistakes():
        if diag_id not in allowed or diag_id in found:
            continue
        if _reproduces(exercise, variant, cases_args, expected, learner, errors, matcher):
            found.append(diag_id)
    return found


def _reproduces(exercise, variant, cases_args, expected, learner, errors, matcher) -> bool:
    same = matcher or (lambda a, b, args: close(a, b, exercise.rtol * 10, max(exercise.atol * 10, 1e-9)))
    evidence = 0
    for args, exp, got, err in zip(cases_args, expected, learner, errors):
        try:
            wrong, wrong_err = variant(*copy.deepcopy(args)), None
        except Exception as e:  # noqa: BLE001 - the variant's own error is evidence too
            wrong, wrong_err = None, e
        if err is not None or wrong_err is not None:
            if err is None or wrong_err is None:
                return False  # one raised, the other did not
            if error_signature(err.get("type", ""), err.get("message", "")) != \
                    error_signature(type(wrong_err).__name__, str(wrong_err)):
                return False
            evidence += 1
            continue
        if got is None:
            return False  # the learner's code did not run this case: nothing to reproduce
        w_parts = _checked(wrong, exercise.returns, exercise.check)
        e_parts = _checked(exp, exercise.returns, exercise.check)
        g_parts = _checked(got, exercise.returns, exercise.check)
        if not w_parts:
            return False
        for name, w in w_parts.items():
            if name not in g_parts or not same(g_parts[name], w, args):
                return False
            if not same(w, e_parts[name], args):
                evidence += 1
    return evidence > 0
