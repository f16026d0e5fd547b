"""Named mistakes, confirmed by recomputation.

Nothing here reads the learner's source. Each known-wrong variant a course
registered (registry.mistake) runs on the same inputs as the learner's
function. Its diagnosis is named only when the variant reproduces what the
learner got on every test: the same value (within tolerance) where the
learner's code returned, the same kind of error with the same sizes where it
raised; and the variant is wrong on at least one test. A mistake that is
only suspected is never named. When no mistake of the course's is
confirmed, the engine's mistake families (tutor.exercises.families) are
tried by the same rule: `name_mistakes` is the one entry for a check.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace

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


# -- the engine's mistake families (tutor.exercises.families) -------------------------------

MAX_PAIRS = 600  # compositions of two output changes (and of an input and an output change) tried, at most each
MAX_RUNS = 300  # compositions of two input changes tried (each a run of the reference), at most


def name_mistakes(exercise, cases_args: list[list], expected: list, learner: list, *, errors: list | None = None,
                  matcher=None) -> list:
    """The Diagnosis objects to show: the course's own named mistakes when one is confirmed,
    else the engine's families (find_families)."""
    ids = find_diagnoses(exercise, cases_args, expected, learner, errors=errors, matcher=matcher)
    if ids:
        return [exercise.diagnosis(i) for i in ids]
    return find_families(exercise, cases_args, expected, learner, errors=errors)


def find_families(exercise, cases_args: list[list], expected: list, learner: list, *,
                  errors: list | None = None) -> list:
    """Diagnoses from the engine's mistake families, each confirmed on every test.

    One change of the reference's inputs or output is tried first (changed
    inputs also for one returned value alone), then two at a time (capped:
    MAX_PAIRS, MAX_RUNS); each candidate is compared on the first test, and
    only one that matches there runs on the others. A change is named only
    when the changed reference reproduces the learner's result on every test
    (values within tolerance, NaN and inf in the same places, or the same
    error) and differs from the right result somewhere. When changes of
    different families each reproduce it, which one happened is not
    confirmed, and nothing is named. Exercises graded by a course's checker
    (random answers) are left to the course.
    """
    import numpy as np

    from tutor.exercises import families as fam

    errors = errors or [None] * len(learner)
    if exercise.checker != "compare" or not cases_args or len(learner) != len(cases_args):
        return []
    if any(got is None and err is None for got, err in zip(learner, errors)):
        return []  # a test the learner's code never answered: nothing to reproduce
    try:
        rules = fam.rules(exercise, cases_args, expected)
    except Exception:  # noqa: BLE001 - a rule that cannot read these values names nothing
        return []
    reference = exercise.reference
    rtol, atol = exercise.rtol * 10, max(exercise.atol * 10, 1e-9)

    def same(a, b) -> bool:
        return not _surely_differ(a, b, rtol, atol) and close(a, b, rtol, atol)
    runs: dict = {}
    learner_parts = [_checked(v, exercise.returns, exercise.check) for v in learner]
    expected_parts = [_checked(v, exercise.returns, exercise.check) for v in expected]

    def run(ins: tuple, k: int):
        key = (tuple(id(c) for c in ins), k)
        if key not in runs:
            args = copy.deepcopy(cases_args[k])
            try:
                for c in ins:
                    args = fam.apply_input(c, args, k)
                with np.errstate(all="ignore"):  # a changed input may overflow: no warning on the learner's screen
                    runs[key] = ("ok", reference(*args))
            except Exception as e:  # noqa: BLE001 - the changed reference's error is evidence too
                runs[key] = ("error", error_signature(type(e).__name__, str(e)))
        return runs[key]

    def outcome(ins: tuple, outs: tuple, only, k: int):
        """None: not reproduced on test k; else True when it differs from the right result there.

        only: with changed inputs, the index of the one returned value they change (the
        others come from the unchanged inputs: a term left out of one returned value)."""
        kind, value = run(ins, k)
        err = errors[k]
        if only is not None and kind == "ok":
            base_kind, base = run((), k)
            if base_kind != "ok":
                return None
            value = fam.replace_at(base, (only,), lambda _: value[only])
        if kind == "error" or err is not None:
            if kind != "error" or err is None or outs:
                return None
            return True if value == error_signature(err.get("type", ""), err.get("message", "")) else None
        try:
            for c in outs:
                value = fam.apply_output(exercise, c, value, k)
        except Exception:  # noqa: BLE001 - a change that does not fit this test's result
            return None
        w_parts = _checked(value, exercise.returns, exercise.check)
        g_parts, e_parts = learner_parts[k], expected_parts[k]
        if not w_parts:
            return None
        try:
            if any(n not in g_parts or not same(g_parts[n], w) for n, w in w_parts.items()):
                return None
            return any(not same(w, e_parts[n]) for n, w in w_parts.items())
        except Exception:  # noqa: BLE001 - values that cannot be compared do not match
            return None

    def confirmed(candidate) -> bool:
        if outcome(*candidate, 0) is None:
            return False
        found = [outcome(*candidate, k) for k in range(1, len(cases_args))]
        return all(f is not None for f in found) and (outcome(*candidate, 0) or any(found))

    def verdict(candidates: list) -> list:
        kinds = {tuple(dict.fromkeys(c.family for c in ins + outs)) for ins, outs, _ in candidates}
        if len(kinds) != 1:
            return []  # different families reproduce it alike: not confirmed which
        ins, outs, only = candidates[0]
        part = exercise.returns[only] if only is not None else None
        places: dict = {}  # (family, side) -> every value a confirmed change of it touches (w or y...)
        for c_ins, c_outs, _ in candidates:
            for c in c_outs + c_ins:
                places.setdefault((c.family, c.side), {})[c.what] = None
        seen, out = set(), []
        for c in outs + ins:
            if c.family not in seen:
                seen.add(c.family)
                own = [x.what for x in outs + ins if x.family == c.family and x.side == c.side]
                others = [w for w in places[(c.family, c.side)] if w not in own]
                if len(own) > 1:  # the same slip made in two places: name both
                    c = replace(c, what=" and ".join(own))
                elif others:  # the same slip reproduces it from another place alike: name each
                    c = replace(c, what=" or ".join([own[0]] + others[:2]))
                out.append(c.diagnosis(part))
        return out

    checked = [n for n, name in enumerate(exercise.returns) if name in exercise.check]
    parts = checked if len(exercise.returns) > 1 and len(checked) > 1 else []
    singles = [((), (c,), None) for c in rules.outputs] + [((c,), (), None) for c in rules.inputs]
    singles += [((c,), (), n) for c in rules.inputs for n in parts]
    hits = [s for s in singles if confirmed(s)]
    if hits:
        return verdict(hits)
    hits = [pair for pair in _pairs(rules) if confirmed(pair)]
    return verdict(hits) if hits else []


def _surely_differ(a, b, rtol: float, atol: float) -> bool:
    """A cheap, sound rejection before `close`: different shapes, or totals too far apart.

    Where every cell is within atol + rtol * |b|, the totals are within
    n * atol + rtol * sum|b|; totals further apart prove a difference. Anything
    else (NaN, containers of another kind) is left to `close`.
    """
    import numpy as np

    if isinstance(b, dict) and isinstance(a, dict):
        return any(k in a and _surely_differ(a[k], b[k], rtol, atol) for k in b)
    if isinstance(b, (list, tuple)) and isinstance(a, (list, tuple)):
        return len(a) == len(b) and any(_surely_differ(x, y, rtol, atol) for x, y in zip(a, b))
    try:
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype.kind not in "iuf" or y.dtype.kind not in "iuf":
            return False
        if x.shape != y.shape:
            return not (y.ndim == 0 and x.size == 1)
        gap = abs(float(x.sum()) - float(y.sum()))
        bound = x.size * atol + rtol * float(np.abs(y).sum())
        return bool(np.isfinite(gap) and np.isfinite(bound) and gap > 1.01 * bound + 1e-12)
    except (TypeError, ValueError, OverflowError):
        return False


def _pairs(rules) -> list:
    """Two changes at once, each kind capped: two of the output (MAX_PAIRS), one of each (MAX_PAIRS),
    two of the inputs (MAX_RUNS: each is a run of the reference). Never two of one family in one
    place (that is one change with another size)."""
    outs, ins = rules.outputs, rules.inputs
    both_out = [((), (a, b), None) for i, a in enumerate(outs) for b in outs[i + 1:]
                if not (a.family == b.family and (a.path == b.path or "*" in a.path + b.path))]
    mixed = [((a,), (b,), None) for a in ins for b in outs]
    both_in = [((a, b), (), None) for i, a in enumerate(ins) for b in ins[i + 1:] if a.path != b.path]
    # the same slip made in two places (both layers, both offsets) is the likeliest pair: first
    both_in.sort(key=lambda pair: pair[0][0].family != pair[0][1].family)
    return both_out[:MAX_PAIRS] + mixed[:MAX_PAIRS] + both_in[:MAX_RUNS]
