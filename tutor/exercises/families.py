"""Mistake families: the same few slips, tried on any exercise's reference by rules.

A course names its own mistakes one by one (registry.mistake, or a recipe in
the exercise file). Most wrong answers, though, belong to a handful of
families that have nothing to do with the subject: a transpose, a column of
ones too many or too few, a reduction along the wrong axis, a column where a
flat vector belongs, a factor (a size, or 2) missing or extra, whole numbers
off by one, a sign, a term or a factor dropped. Each family here is a change
of the reference's inputs or of its output (the transforms of
tutor.exercises.recipes), so any exercise gets them without a line of
Python: `rules` reads the first test's arguments and the reference's output
and lists the changes whose shapes make sense. tutor.exercises.diagnose
tries them, one and then two at a time, and names a family only when the
changed reference reproduces the learner's output on every test.

A family's words state what the learner's result IS (the right result
transposed, 5 times too large...) and where to look; they hold for any
exercise because they are facts about values, not guesses about code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tutor.exercises.recipes import change_input, change_output
from tutor.exercises.registry import Diagnosis

# id -> (title, advice); {subject} is "Your J" or "Your result", {what} the changed value's name,
# {detail} the change's specifics.
FAMILIES: dict[str, tuple[str, str]] = {
    "result-transposed": (
        "The result is transposed",
        ("{subject} is the right one with rows and columns swapped. Look for a product in the wrong order "
        "(A.T @ B instead of B.T @ A) or a .T too many or too few before it is returned.")),
    "input-transposed": (
        "An input is used transposed",
        ("{subject} is exactly what the right code gives when {what} is transposed: a .T on {what} is missing "
        "or extra where it is used. Print {what}.shape next to the shapes the formula needs.")),
    "wrong-axis": (
        "A reduction ran along the wrong axis",
        ("{subject} is {detail}: a sum, mean or argmax went over every entry, or along the other axis. "
        "Pass the axis you mean (axis=0 goes down the rows: one result per column).")),
    "first-column-dropped": (
        "The first column is missing",
        ("{subject} is {detail}. The first column matters here; check each slice ([:, 1:]) and each "
        "column you add or leave out.")),
    "first-column-zeroed": (
        "The first column came out as zero",
        ("{subject} is right except its first column, which is 0. That column needs its own value too: "
        "check any slice ([:, 1:]) that skips it.")),
    "ones-column-added": (
        "A column of ones too many",
        ("{subject} is what the right code gives when {what} gets an extra column of ones in front: the "
        "column of ones was added once too often (it may already be there).")),
    "flat-against-column": (
        "A flat vector met a column (broadcasting)",
        ("{subject} is what the right code gives when {what} is {detail}. numpy pairs an (n,) vector with "
        "an (n, 1) column entry by entry into an n x n table instead of raising an error. Keep both as "
        "columns, or both flat (reshape(-1, 1) or .ravel()), before combining them.")),
    "result-column-or-flat": (
        "The right numbers in the wrong shape",
        ("{subject} holds the right numbers as {detail}. Return the shape the docstring asks for: "
        ".ravel() for a flat vector, reshape(-1, 1) for a column, or drop keepdims=True.")),
    "off-by-a-factor": (
        "The result is off by a constant factor",
        ("{subject} is {detail}. A division by that number is missing, or one is extra (a sum where a "
        "mean belongs, or the other way round).")),
    "index-off-by-one": (
        "Whole numbers off by one",
        ("{subject} is {detail}. Counting starts at 0 here: use the whole numbers as they are, without "
        "adding or subtracting 1.")),
    "sign-flipped": (
        "A sign is flipped",
        ("{subject} is {detail}. Look for a minus that should be a plus, or a - b written as b - a.")),
    "term-dropped": (
        "A term is missing",
        ("{subject} is what the right code gives with {what} = 0: the part of the formula that depends on "
        "{what} is left out (or added to one returned value but not the other).")),
    "factor-dropped": (
        "A factor is missing",
        ("{subject} is what the right code gives with {what} = 1: {what} is not multiplied in where it "
        "should be.")),
    "input-off-by-a-factor": (
        "An input is scaled by a wrong factor",
        ("{subject} is what the right code gives with {what} {detail}: somewhere {what} is multiplied or "
        "divided by that number once too often or once too seldom.")),
}

MAX_SIZES = 6  # factor candidates besides 2: the first distinct sizes of the arguments
# A column against a flat vector of n entries makes n x n tables in the grading process (where
# the reference runs, without the sandbox's bounds): tried only up to this n.
MAX_BROADCAST = 500


@dataclass(frozen=True)
class Change:
    """One slip: `apply` maps a value (an argument, or a part of the result) to the wrong one.

    side: "input" or "output". path: where the value sits: for an input, the
    argument's index, then dict keys or list indexes; for an output, the
    returned value's index (nothing when the exercise returns one value),
    then keys or indexes; ("*",) is every non-whole part the exercise checks.
    apply(value, k) changes the value of test k (a factor is a size of that
    test). what and detail fill the family's words.
    """

    family: str
    side: str
    path: tuple
    what: str
    detail: str
    apply: Callable

    def diagnosis(self, part: str | None = None) -> Diagnosis:
        """The words shown; part: the one returned value a changed input alone affects."""
        title, advice = FAMILIES[self.family]
        subject = f"Your {self.what}" if self.side == "output" else f"Your {part or 'result'}"
        detail = self.detail.replace("{what}", self.what)
        return Diagnosis(self.family, title, advice.format(subject=subject, what=self.what, detail=detail))


@dataclass(frozen=True)
class Rules:
    """The changes worth trying on one exercise, inputs and outputs apart (the diagnosis composes them)."""

    inputs: tuple[Change, ...]
    outputs: tuple[Change, ...]


# -- finding the values inside arguments and results ----------------------------------


def _number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _whole(a: np.ndarray) -> bool:
    return a.dtype.kind in "iu"


def leaves(value, path: tuple = (), depth: int = 0):
    """(path, array) for every numeric array inside dicts, lists and tuples (two levels deep)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf" and value.size > 0:
            yield path, value
    elif isinstance(value, dict) and depth < 2:
        for k, v in value.items():
            yield from leaves(v, path + (k,), depth + 1)
    elif isinstance(value, (list, tuple)) and depth < 2:
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,), depth + 1)


def get_at(value, path: tuple):
    for key in path:
        value = value[key]
    return value


def replace_at(value, path: tuple, fn: Callable):
    """A copy of value with the item at path replaced by fn(item); containers are copied shallowly."""
    if not path:
        return fn(value)
    key, rest = path[0], path[1:]
    if isinstance(value, dict):
        out = dict(value)
        out[key] = replace_at(value[key], rest, fn)
        return out
    items = list(value)
    items[key] = replace_at(items[key], rest, fn)
    return tuple(items) if isinstance(value, tuple) else items


def _label(root: str, path: tuple) -> str:
    return root + "".join(f"[{k!r}]" for k in path)


# -- the sizes a factor can be ------------------------------------------------------------


def sizes(params: tuple[str, ...], cases_args: list[list]) -> list[tuple[str, tuple[int, ...]]]:
    """[(words, value on each test)]: 2, then the sizes of the arguments (rows, columns, entries of a
    short list of whole numbers), distinct across the tests, at most MAX_SIZES of them."""
    found: list[tuple[str, tuple[int, ...]]] = [("2", tuple(2 for _ in cases_args))]

    def per_case(getter):
        try:
            values = tuple(int(getter(args)) for args in cases_args)
        except Exception:  # noqa: BLE001 - a size some test lacks is no candidate
            return None
        return values if all(v > 1 for v in values) else None

    def add(words, getter):
        values = per_case(getter)
        if values and values not in {v for _, v in found} and len(found) <= MAX_SIZES:
            found.append((words, values))

    first = cases_args[0] if cases_args else []
    nested = []
    for i, (name, value) in enumerate(zip(params, first)):  # plain arrays first: X before cache['Z1']
        if isinstance(value, (list, tuple)) and value and all(_number(v) and float(v).is_integer() for v in value):
            continue
        for path, a in leaves(value):
            if path:
                nested.append((i, name, path, a))
                continue
            if a.ndim >= 1:
                add(f"the number of rows of {name}", lambda args, i=i: np.shape(args[i])[0])
            if a.ndim >= 2:
                add(f"the number of columns of {name}", lambda args, i=i: np.shape(args[i])[1])
    for i, (name, value) in enumerate(zip(params, first)):  # then a short list of whole numbers (sizes)
        if isinstance(value, (list, tuple)) and value and all(_number(v) and float(v).is_integer() for v in value):
            for j in range(len(value))[:4]:
                add(f"{name}[{j}]", lambda args, i=i, j=j: args[i][j])
    for i, name, path, a in nested:  # then arrays inside dicts and lists
        label = _label(name, path)
        if a.ndim >= 1:
            add(f"the number of rows of {label}", lambda args, i=i, p=path: get_at(args[i], p).shape[0])
        if a.ndim >= 2:
            add(f"the number of columns of {label}", lambda args, i=i, p=path: get_at(args[i], p).shape[1])
    return found


# -- the rules ---------------------------------------------------------------------------------


def _scale(values: tuple, reciprocal: bool):
    """Multiply (or divide) a result by the size `values` holds for each test."""
    def fn(v, k):
        return np.asarray(v, dtype=float) / values[k] if reciprocal else np.asarray(v, dtype=float) * values[k]
    return fn


def _source(values: tuple, words: str) -> str:
    """The factor in words, as `rules` wrote it for the tests a learner may see."""
    return words


def say_size(words: str, values: tuple, shown: int | None) -> str:
    """'16 (the number of rows of X on test 2)' from the first visible test; without a visible
    test, the size is named but not its value (a hidden test's sizes stay hidden). '2' stays 2."""
    if words == "2":
        return "2"
    if shown is None:
        return words
    where = "the first test" if shown == 0 else f"test {shown + 1}"
    return f"{values[shown]} ({words} on {where})"


def _input_rules(params: tuple[str, ...], cases_args: list[list], factors, whole_result: bool,
                 flat_result: bool = False) -> list[Change]:
    """Changes of the first test's arguments. whole_result: the result is whole numbers (indexes,
    classes), which many sign changes of an input reproduce alike (argmax of -h is argmin of h),
    so no input's sign is changed. flat_result: every checked result is a vector or a number, so
    a matrix input was reduced, and the right code on its transpose is a reduction along the
    other axis (wrong-axis rather than input-transposed)."""
    out: list[Change] = []
    for i, (name, value) in enumerate(zip(params, cases_args[0])):
        if _number(value):
            seen = [args[i] for args in cases_args if i < len(args)]  # a number may be 0 on the first test only
            if any(v != 0 for v in seen):
                out.append(Change("term-dropped", "input", (i,), name, "", lambda v, k: change_input(v, "zero")))
                if not whole_result:
                    out.append(Change("sign-flipped", "input", (i,), name,
                                      "what the right code gives with {what} of the opposite sign",
                                      lambda v, k: change_input(v, "negate")))
                for words, values in factors:
                    if not any(isinstance(v, (int, np.integer)) for v in seen):
                        # a whole number may be a count (iterations, a size): never grown, the
                        # reference would run that many times longer in the grading process
                        out.append(Change("input-off-by-a-factor", "input", (i,), name,
                                          f"multiplied by {_source(values, words)}", _number_scale(values, False)))
                    out.append(Change("input-off-by-a-factor", "input", (i,), name,
                                      f"divided by {_source(values, words)}", _number_scale(values, True)))
            if any(v != 1 for v in seen):
                out.append(Change("factor-dropped", "input", (i,), name, "", lambda v, k: change_input(v, "one")))
            continue
        if isinstance(value, (list, tuple)) and all(_number(v) for v in value):
            continue  # a list of sizes: changing it changes the problem, not a slip
        for path, a in leaves(value):
            label = _label(name, path)
            where = (i,) + path
            if _whole(a):
                out.append(Change("index-off-by-one", "input", where, label,
                                  "what the right code gives with every entry of {what} one larger",
                                  lambda v, k: change_input(v, "plus-one")))
                out.append(Change("index-off-by-one", "input", where, label,
                                  "what the right code gives with every entry of {what} one smaller",
                                  lambda v, k: change_input(v, "minus-one")))
            elif np.any(a != 0) and not whole_result:
                out.append(Change("sign-flipped", "input", where, label,
                                  "what the right code gives with {what} of the opposite sign",
                                  lambda v, k: change_input(v, "negate")))
            if a.ndim == 1 and 1 < a.size <= MAX_BROADCAST:
                out.append(Change("flat-against-column", "input", where, label, "a column (n, 1), not a flat vector",
                                  lambda v, k: change_input(v, "column")))
            if a.ndim == 2 and a.shape[1] == 1 and 1 < a.shape[0] <= MAX_BROADCAST:
                out.append(Change("flat-against-column", "input", where, label, "a flat vector, not a column (n, 1)",
                                  lambda v, k: np.asarray(v).ravel()))
            if a.ndim == 2 and a.size > 1 and not _whole(a):
                if flat_result:  # a matrix in, only vectors and numbers out: the matrix was reduced
                    out.append(Change("wrong-axis", "input", where, label,
                                      "what the right code gives with {what} transposed",
                                      lambda v, k: change_input(v, "transpose")))
                else:
                    out.append(Change("input-transposed", "input", where, label, "",
                                      lambda v, k: change_input(v, "transpose")))
                if a.shape[1] >= 2:
                    out.append(Change("ones-column-added", "input", where, label, "",
                                      lambda v, k: change_input(v, "add-first-column")))
                    out.append(Change("first-column-dropped", "input", where, label,
                                      "what the right code gives without the first column of {what}",
                                      lambda v, k: change_input(v, "drop-first-column")))
    return out


def _number_scale(values: tuple, reciprocal: bool):
    """Multiply (or divide) a number argument by the size `values` holds for each test."""
    def fn(v, k):
        return v / values[k] if reciprocal else v * values[k]
    return fn


def _output_rules(returns: tuple[str, ...], check: tuple[str, ...], first_out, factors) -> list[Change]:
    """Changes of the parts of the reference's first result that the exercise checks."""
    if len(returns) == 1:
        parts = [((), returns[0], first_out)]
    elif isinstance(first_out, (tuple, list)) and len(first_out) == len(returns):
        parts = [((n,), name, v) for n, (name, v) in enumerate(zip(returns, first_out)) if name in check]
    else:
        return []
    out: list[Change] = []
    floats: list[tuple] = []
    for root, name, value in parts:
        found = list(leaves(value)) if not _number(value) else [((), np.asarray(value))]
        for path, a in found:
            where = root + path
            label = _label(name, path)
            if not _whole(a):
                floats.append(where)
                if np.any(a != 0):
                    out.append(Change("sign-flipped", "output", where, label, "the right one with the opposite sign",
                                      lambda v, k: change_output(v, "negate")))
                for words, values in factors:
                    out.append(Change("off-by-a-factor", "output", where, label,
                                      f"the right one times {_source(values, words)}",
                                      _scale(values, False)))
                    out.append(Change("off-by-a-factor", "output", where, label,
                                      f"the right one divided by {_source(values, words)}",
                                      _scale(values, True)))
            else:
                out.append(Change("index-off-by-one", "output", where, label, f"the right {label} plus one",
                                  lambda v, k: change_output(v, "plus-one")))
                out.append(Change("index-off-by-one", "output", where, label, f"the right {label} minus one",
                                  lambda v, k: change_output(v, "minus-one")))
            if a.ndim == 2 and a.size > 1:
                out.append(Change("result-transposed", "output", where, label, "",
                                  lambda v, k: change_output(v, "transpose")))
            if a.ndim == 2 and a.shape[1] >= 2:
                out.append(Change("first-column-dropped", "output", where, label, "the right one without its first column",
                                  lambda v, k: change_output(v, "drop-first-column")))
                out.append(Change("first-column-zeroed", "output", where, label, "",
                                  lambda v, k: change_output(v, "zero-first-column")))
            if a.ndim == 1:
                out.append(Change("result-column-or-flat", "output", where, label, "a column (n, 1)",
                                  lambda v, k: change_output(v, "column")))
                if a.size > 1:
                    out.append(Change("result-column-or-flat", "output", where, label, "a row (1, n)",
                                      lambda v, k: change_output(v, "row")))
                if not _whole(a) and a.size > 1:
                    out.append(Change("wrong-axis", "output", where, label, "the total of the right one's entries",
                                      lambda v, k: change_output(v, "total")))
            if a.ndim == 2 and 1 in a.shape and a.size > 1:
                out.append(Change("result-column-or-flat", "output", where, label, "a flat vector (n,)",
                                  lambda v, k: change_output(v, "ravel")))
    if len(floats) > 1:  # the same slip in every part at once
        out.append(Change("sign-flipped", "output", ("*",), "result", "the right one with the opposite sign",
                          lambda v, k: change_output(v, "negate")))
        for words, values in factors:
            out.append(Change("off-by-a-factor", "output", ("*",), "result",
                              f"the right one times {_source(values, words)}",
                              _scale(values, False)))
            out.append(Change("off-by-a-factor", "output", ("*",), "result",
                              f"the right one divided by {_source(values, words)}",
                              _scale(values, True)))
    return out


def _result_arrays(value, depth: int = 0) -> list[np.ndarray]:
    """Every number and numeric array in a result (numbers as 0-d arrays), two levels deep."""
    if _number(value):
        return [np.asarray(value)]
    if isinstance(value, np.ndarray):
        return [value] if value.dtype.kind in "iuf" else []
    if isinstance(value, dict) and depth < 2:
        return [a for v in value.values() for a in _result_arrays(v, depth + 1)]
    if isinstance(value, (list, tuple)) and depth < 2:
        return [a for v in value for a in _result_arrays(v, depth + 1)]
    return []


def rules(exercise, cases_args: list[list], expected: list) -> Rules:
    """The changes worth trying for this exercise, read from its first test's arguments and result.

    Their words quote sizes from the first test a learner sees (never a hidden one's)."""
    if not cases_args:
        return Rules((), ())
    tests = getattr(exercise, "tests", None) or ()
    hidden = [bool(getattr(t, "hidden", False)) for t in tests]
    shown = next((k for k in range(len(cases_args)) if k >= len(hidden) or not hidden[k]), None)
    factors = [(say_size(words, values, shown), values) for words, values in sizes(exercise.params, cases_args)]
    whole = _result_arrays(expected[0])
    whole_result = bool(whole) and all(_whole(a) for a in whole)
    flat_result = bool(whole) and all(a.ndim <= 1 for a in whole)
    inputs = _input_rules(exercise.params, cases_args, factors, whole_result, flat_result)
    outputs = _output_rules(exercise.returns, exercise.check, expected[0], factors)
    return Rules(tuple(inputs), tuple(outputs))


def float_paths(exercise, value) -> list[tuple]:
    """Where the checked non-whole parts of a result sit (for a change with path ("*",))."""
    if len(exercise.returns) == 1:
        parts = [((), value)]
    elif isinstance(value, (tuple, list)) and len(value) == len(exercise.returns):
        parts = [((n,), v) for n, (name, v) in enumerate(zip(exercise.returns, value)) if name in exercise.check]
    else:
        return []
    found = []
    for root, v in parts:
        if _number(v):
            found.append(root)
            continue
        found += [root + p for p, a in leaves(v) if not _whole(a)]
    return found


def apply_input(change: Change, args: list, k: int) -> list:
    """The arguments of test k with the change made (a new list; the given one is untouched)."""
    i, path = change.path[0], change.path[1:]
    out = list(args)
    out[i] = replace_at(args[i], path, lambda v: change.apply(v, k))
    return out


def apply_output(exercise, change: Change, value, k: int):
    """The reference's result of test k with the change made."""
    if change.path == ("*",):
        for p in float_paths(exercise, value):
            value = replace_at(value, p, lambda v: change.apply(v, k))
        return value
    return replace_at(value, change.path, lambda v: change.apply(v, k))
