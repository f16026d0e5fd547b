"""Comparing a learner's value with the answer, and naming what is wrong with it.

`same` is the one notion of "equal" for typed answers; `diagnose` checks
the lesson's declared mistakes first, then the generic ones (transposed,
off by a named factor, a missing or extra leading column, the sign, the
arrangement); `swapped_axis_variants` gives the expression with axis=0 and
axis=1 swapped, for the wrong-axis check.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.lessons.expression.evaluator import parse
from tutor.lessons.expression.limits import shape_text


def same(a, b, tol: float = 1e-6) -> bool:
    """Same shape and the same numbers, within `tol` relative to each entry and to the answer's largest entry."""
    try:
        x = np.asarray(a, dtype=float)
        y = np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if x.shape != y.shape:
        if x.size == y.size == 1:
            x, y = x.reshape(()), y.reshape(())
        else:
            return False
    # the absolute part scales with the answer, so tiny answers (a relative difference of 1e-11) are judged fairly
    finite = np.abs(y[np.isfinite(y)]) if y.size else y
    scale = float(finite.max()) if finite.size else 0.0
    atol = tol * scale if scale > 0 else tol
    return bool(np.allclose(x, y, rtol=tol, atol=atol, equal_nan=True))


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: its expression and what to tell the learner who typed something equal to it."""

    expression: str
    message: str


def diagnose(value, expected, *, mistakes: list[tuple[Mistake, Any]] = (), sizes: Mapping[str, int] = (),
             tol: float = 1e-6) -> str | None:
    """What is wrong with `value` (None: it is right).

    mistakes: declared mistakes with their evaluated values, checked first.
    sizes: named sizes ({'m': 5000, 'K': 10}) for the 'off by a factor' checks.
    The message always names both shapes when they differ.
    """
    if same(value, expected, tol):
        return None
    for mistake, wrong in mistakes:
        if wrong is not None and same(value, wrong, tol):
            return mistake.message
    v = np.asarray(value, dtype=float)
    e = np.asarray(expected, dtype=float)
    if v.shape != e.shape and not (v.size == e.size == 1):
        if v.ndim == 2 and v.T.shape == e.shape and same(v.T, e, tol):
            return (f"The right numbers, transposed: yours is {shape_text(v.shape)}, the answer is "
                    f"{shape_text(e.shape)}. Swap the order of the product, or add .T.")
        if v.ndim == e.ndim == 2 and v.shape[0] == e.shape[0]:
            if v.shape[1] + 1 == e.shape[1] and same(v, e[:, 1:], tol):
                return (f"Missing the leading column: yours is {shape_text(v.shape)}, the answer is "
                        f"{shape_text(e.shape)}, the same with one more column in front (often a column of ones, "
                        "for a constant term).")
            if v.shape[1] == e.shape[1] + 1 and same(v[:, 1:], e, tol):
                return (f"One column too many: yours is {shape_text(v.shape)}, the answer is {shape_text(e.shape)}. "
                        "Column 0 does not belong here.")
        if e.size == 1 and v.size > 1 and same(np.sum(v), e, tol):
            return (f"Your result is {shape_text(v.shape)}, and its entries add up to the answer: "
                    "the answer is one number, so sum over every axis.")
        if v.size == e.size and same(v.reshape(e.shape), e, tol):
            return (f"The right numbers in the wrong arrangement: yours is {shape_text(v.shape)}, the answer is "
                    f"{shape_text(e.shape)}.")
        return f"Your result is {shape_text(v.shape)}; the answer is {shape_text(e.shape)}."
    with np.errstate(all="ignore"):
        if v.ndim == 2 and v.shape[0] == v.shape[1] and same(v.T, e, tol):
            return "The right numbers, transposed (the rows and columns swapped)."
        for name, size in dict(sizes).items():
            if not isinstance(size, (int, np.integer)) or size <= 1:
                continue
            if same(v * size, e, tol):
                return f"{name} = {size} times too small: you divided by {name} once too often (or by {name} where it does not belong)."
            if same(v / size, e, tol):
                return f"{name} = {size} times too large: a division by {name} is missing."
        named = [(n, int(z)) for n, z in dict(sizes).items() if isinstance(z, (int, np.integer)) and z > 1]
        for a, za in named:
            for b, zb in named:
                if a != b and za != zb and same(v * za / zb, e, tol):
                    return f"You divided by {a} = {za} where {b} = {zb} belongs."
        if same(-v, e, tol):
            return "The right size, the wrong sign."
        if v.size > 1 and same(v[::-1], e, tol):
            return "The right numbers in reverse order."
        diff = np.abs(v - e)
        if v.size == 1:
            return f"Your value is {float(v.ravel()[0]):.6g}; the answer is {float(e.ravel()[0]):.6g}."
        where = np.unravel_index(int(np.nanargmax(diff)), v.shape) if np.isfinite(diff).any() else None
        at = f" (largest at [{', '.join(map(str, where))}])" if where is not None else ""
        return (f"The right shape ({shape_text(v.shape)}) but different numbers: they differ by up to "
                f"{float(np.nanmax(diff)):.3g}{at}.")


def swapped_axis_variants(text: str) -> list[tuple[str, str]]:
    """The expression with each `axis=0` / `axis=1` swapped: [(new text, description)], for the wrong-axis check."""
    tree = parse(text)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "axis" and isinstance(node.value, ast.Constant) \
                and node.value.value in (0, 1):
            old = node.value.value
            node.value.value = 1 - old
            out.append((ast.unparse(tree), f"axis={old}"))
            node.value.value = old
    return out
