"""Known mistakes declared in an exercise file: a recipe applied to the reference, or a wrong version beside it.

An exercise may name, under `diagnoses:`, a mistake of its own in YAML:

    diagnoses:
      - id: transposed-result
        title: The result is transposed
        message: Each row should be one example; yours has one column per example.
        recipe: {output: transpose}
      - id: naive-softmax
        title: The exponentials overflowed
        message: Subtract each row's largest score before taking exp.
        variant: references.py:naive_softmax

A recipe changes the reference's inputs or its output (the same changes the
engine's mistake families try on every exercise: tutor.exercises.families); `variant` names a
wrong function in a Python file beside the exercise (loaded in the parent
process only, like the reference). Either way the mistake is a function with
the exercise's signature, and it is named only when it reproduces the
learner's output (NaN and inf included, in the same places) on every test.

Recipe steps, applied in this order:

    input: {NAME: CHANGE, ...}   change an argument before the call; CHANGE is one of
                                 transpose, negate, plus-one, minus-one, drop-first-column,
                                 add-first-column (a column of ones in front), ravel (a column made
                                 flat), column (a flat vector made a column), zero, one
    output: CHANGE               change the returned value (or every returned value): transpose, negate,
                                 drop-first-column, zero-first-column, sum-rows, sum-columns,
                                 total (the sum of every entry), ravel, column, row, plus-one, minus-one
    scale: FACTOR                multiply the output: a number, or rows(NAME) / cols(NAME) / size(NAME),
                                 optionally as 1/rows(NAME)
    part: NAME                   with several returned values, change only this one
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

INPUT_CHANGES = ("transpose", "negate", "plus-one", "minus-one", "drop-first-column", "add-first-column", "ravel",
                 "column", "zero", "one")
OUTPUT_CHANGES = ("transpose", "negate", "drop-first-column", "zero-first-column", "sum-rows", "sum-columns", "total",
                  "ravel", "column", "row", "plus-one", "minus-one")
RECIPE_KEYS = ("input", "output", "scale", "part")
_FACTOR = re.compile(r"^(1/)?(rows|cols|size)\(([A-Za-z_][A-Za-z0-9_]*)\)$")


class RecipeError(ValueError):
    """A recipe that cannot be used, said in one sentence (the catalog adds file, line and key)."""


@dataclass(frozen=True)
class Recipe:
    inputs: tuple[tuple[str, str], ...] = ()
    output: str | None = None
    scale: Any = None  # a number, or (reciprocal, "rows"|"cols"|"size", argument name)
    part: str | None = None


def parse_recipe(data: Any, params: tuple[str, ...], returns: tuple[str, ...]) -> Recipe:
    """Check a recipe mapping against the exercise's parameters and returned names."""
    if not isinstance(data, dict) or not data:
        raise RecipeError(f"a recipe is a mapping with some of: {', '.join(RECIPE_KEYS)}")
    unknown = set(data) - set(RECIPE_KEYS)
    if unknown:
        raise RecipeError(f"unknown recipe key {sorted(unknown)[0]!r} (known: {', '.join(RECIPE_KEYS)})")
    inputs = data.get("input") or {}
    if not isinstance(inputs, dict):
        raise RecipeError("input: must map argument names to a change")
    for name, change in inputs.items():
        if name not in params:
            raise RecipeError(f"input: {name!r} is not a parameter (the function takes {', '.join(params)})")
        if change not in INPUT_CHANGES:
            raise RecipeError(f"input: {name}: unknown change {change!r} (known: {', '.join(INPUT_CHANGES)})")
    output = data.get("output")
    if output is not None and output not in OUTPUT_CHANGES:
        raise RecipeError(f"output: unknown change {output!r} (known: {', '.join(OUTPUT_CHANGES)})")
    scale = data.get("scale")
    if scale is not None:
        if isinstance(scale, bool) or not isinstance(scale, (int, float, str)):
            raise RecipeError("scale: a number, or rows(NAME), cols(NAME), size(NAME), optionally as 1/rows(NAME)")
        if isinstance(scale, str):
            m = _FACTOR.match(scale.replace(" ", ""))
            if m is None or m.group(3) not in params:
                raise RecipeError(f"scale: {scale!r} is not a number or rows(NAME)/cols(NAME)/size(NAME) of a parameter")
            scale = (bool(m.group(1)), m.group(2), m.group(3))
    part = data.get("part")
    if part is not None and part not in returns:
        raise RecipeError(f"part: {part!r} is not one of the returned values ({', '.join(returns)})")
    if not inputs and output is None and scale is None:
        raise RecipeError("a recipe must change an input, the output, or scale it")
    return Recipe(tuple(inputs.items()), output, scale, part)


def change_input(value, change: str):
    """An argument changed as INPUT_CHANGES names; a fresh value, the caller's is left as it was.

    A plain number stays a number (zero, one, negate, plus-one, minus-one); an
    array keeps its dtype (whole-number labels stay whole numbers).
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and change in ("zero", "one", "negate",
                                                                                    "plus-one", "minus-one"):
        return {"zero": 0 * value, "one": 1 + 0 * value, "negate": -value, "plus-one": value + 1,
                "minus-one": value - 1}[change]
    a = np.array(value, dtype=float) if not isinstance(value, np.ndarray) else value.copy()
    if change == "transpose":
        return a.T
    if change == "negate":
        return -a
    if change == "plus-one":
        return a + 1
    if change == "minus-one":
        return a - 1
    if change == "add-first-column":
        return np.hstack([np.ones((a.shape[0], 1), dtype=a.dtype), a])
    if change == "ravel":
        return a.ravel()
    if change == "column":
        return a.reshape(-1, 1)
    if change == "zero":
        return np.zeros_like(a)
    if change == "one":
        return np.ones_like(a)
    return a[:, 1:]  # drop-first-column


def change_output(value, change: str):
    """A returned value changed as OUTPUT_CHANGES names (a new array; whole numbers stay whole)."""
    a = np.asarray(value)
    if a.dtype.kind not in "iu":
        a = a.astype(float)
    if change == "transpose":
        return a.T
    if change == "negate":
        return -a
    if change == "drop-first-column":
        return a[:, 1:]
    if change == "zero-first-column":
        a = a.copy()
        a[:, 0] = 0
        return a
    if change == "sum-rows":
        return a.sum(axis=1)
    if change == "sum-columns":
        return a.sum(axis=0)
    if change == "total":
        return a.sum()
    if change == "ravel":
        return a.ravel()
    if change == "column":
        return a.reshape(-1, 1)
    if change == "row":
        return a.reshape(1, -1)
    if change == "plus-one":
        return a + 1
    return a - 1  # minus-one


def _factor(scale, args: dict) -> float:
    if not isinstance(scale, tuple):
        return float(scale)
    reciprocal, kind, name = scale
    a = np.asarray(args[name])
    n = {"rows": a.shape[0] if a.ndim else 1, "cols": a.shape[1] if a.ndim > 1 else 1, "size": a.size}[kind]
    return 1.0 / n if reciprocal else float(n)


def variant_of(reference: Callable, recipe: Recipe, params: tuple[str, ...], returns: tuple[str, ...]) -> Callable:
    """The wrong function the recipe describes: the reference with the recipe's changes."""

    def wrong(*args):
        named = dict(zip(params, args))
        changed = list(args)
        for name, change in recipe.inputs:
            i = params.index(name)
            if i < len(changed):
                changed[i] = change_input(changed[i], change)
        out = reference(*changed)

        def change(value):
            if recipe.output is not None:
                value = change_output(value, recipe.output)
            if recipe.scale is not None:
                value = np.asarray(value, dtype=float) * _factor(recipe.scale, named)
            return value

        if len(returns) > 1 and isinstance(out, (tuple, list)):
            return tuple(change(v) if recipe.part in (None, n) else v for n, v in zip(returns, out))
        return change(out)

    wrong.__name__ = "recipe"
    return wrong
