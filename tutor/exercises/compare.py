"""One returned value against the expected one, explained in plain words.

A comparison says whether the value is right and, when it is not, why in
terms of the maths: a wrong type, a shape that lost the bias column, a
transposed matrix, cells that differ (and which ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tutor.exercises.codec import Other, describe_type


@dataclass
class Comparison:
    """name: what is compared ('J', 'grad', 'cache["A1"]'). ok: right or not.
    message: one or two sentences. got/expected: the values (arrays or numbers).
    mask: for arrays of equal shape, True where a cell differs."""

    name: str
    ok: bool
    message: str
    got: object = None
    expected: object = None
    mask: np.ndarray | None = None
    children: list = field(default_factory=list)
    theta_shapes: list | None = None  # for an unrolled vector: name cells Theta1[i, j]


def unrolled_cell(index: int, theta_shapes) -> str:
    """Index into the unrolled vector -> 'Theta2[1, 0]' (row-major, Theta1 first)."""
    start = 0
    for l, (r, c) in enumerate(theta_shapes, start=1):
        if index < start + r * c:
            i, j = divmod(index - start, c)
            return f"Theta{l}[{i}, {j}]" + (" (bias)" if j == 0 else "")
        start += r * c
    return f"[{index}]"


def fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    return str(x)


def shape_str(shape) -> str:
    if len(shape) == 0:
        return "a single number"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return " x ".join(str(s) for s in shape)


def _theta_layout(size: int, theta_shapes) -> str | None:
    """Explain an unrolled vector of the wrong length in terms of the Thetas."""
    if not theta_shapes:
        return None
    expected = sum(r * c for r, c in theta_shapes)
    no_bias = sum(r * (c - 1) for r, c in theta_shapes)
    if size == no_bias:
        parts = [f"your gradient for Theta{i} is {r} x {c - 1}; Theta{i} is {r} x {c}"
                 for i, (r, c) in enumerate(theta_shapes, start=1)]
        return "; ".join(parts) + ": the bias column is missing (its gradient is the sum of the deltas / m, with no regularization)"
    for l, (r, c) in enumerate(theta_shapes[:-1], start=1):
        if size == expected + c:
            return (f"that is one extra row of {c} in the gradient for Theta{l} ({r + 1} x {c} instead of {r} x {c}): "
                    f"the delta of the bias unit was kept; drop delta's first column before accumulating")
    return None


def explain_shape(name: str, got, expected, theta_shapes=None, m: int | None = None) -> str:
    g, e = tuple(got), tuple(expected)
    head = f"your {name} is {shape_str(g)}; it should be {shape_str(e)}"
    size_g, size_e = int(np.prod(g)), int(np.prod(e))
    if len(e) == 1 and theta_shapes:
        why = _theta_layout(size_g, theta_shapes)
        if why:
            return f"your {name} has {size_g} numbers; it should have {size_e}: {why}."
    if size_g == size_e:
        if len(g) == 2 and len(e) == 2 and g == e[::-1]:
            return f"{head}: rows and columns are swapped (transpose it, or swap the product's order)."
        if len(e) == 1 and len(g) == 2 and 1 in g:
            return f"{head}: the same numbers as a {shape_str(g)} matrix; return a flat vector (`.ravel()`, or drop keepdims=True)."
        if len(e) == 2 and len(g) == 1:
            return f"{head}: the same numbers as a flat vector; reshape it to {shape_str(e)}."
        return f"{head}: the same number of cells arranged differently."
    if len(g) == 2 and len(e) == 2:
        if g[0] == e[0] and g[1] == e[1] - 1:
            return f"{head}: one column short, which is where the bias column goes (column 0 multiplies the bias unit)."
        if g[0] == e[0] and g[1] == e[1] + 1:
            return f"{head}: one column too many; was the bias column added twice?"
        if g[1] == e[1] and g[0] == e[0] + 1:
            return f"{head}: one row too many; the bias unit's delta was kept (drop delta's first column)."
        if m and g[0] == m and e[0] != m:
            return f"{head}: one row per example; sum or average over the {m} examples."
    if len(e) == 0:
        return f"your {name} is {shape_str(g)}; it should be a single number (sum over examples and classes, then divide by m)."
    return head + "."


def _as_array(value):
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return np.asarray(value, dtype=float)
    return None


def compare(name: str, got, expected, *, rtol=1e-6, atol=1e-9, theta_shapes=None, m=None) -> Comparison:
    """Is got (the learner's) the expected value? Structure-aware, with reasons."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return Comparison(name, False, f"your {name} is {_type_words(got)}; it should be a dict with keys {', '.join(expected)}.", got, expected)
        children = []
        for k, v in expected.items():
            if k not in got:
                children.append(Comparison(f'{name}["{k}"]', False, f'your {name} has no key "{k}".', None, v))
            else:
                children.append(compare(f'{name}["{k}"]', got[k], v, rtol=rtol, atol=atol, m=m))
        ok = all(c.ok for c in children)
        bad = [c.message for c in children if not c.ok]
        return Comparison(name, ok, "right." if ok else " ".join(bad), got, expected, children=children)
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            return Comparison(name, False, f"your {name} is {_type_words(got)}; it should be a list of {len(expected)} arrays.", got, expected)
        children = [compare(f"{name}[{i}]", g, e, rtol=rtol, atol=atol, m=m) for i, (g, e) in enumerate(zip(got, expected))]
        ok = all(c.ok for c in children)
        return Comparison(name, ok, "right." if ok else " ".join(c.message for c in children if not c.ok), got, expected, children=children)

    exp = np.asarray(expected)
    arr = _as_array(got)
    if arr is None and theta_shapes and exp.ndim == 1 and isinstance(got, (list, tuple)) and all(
            isinstance(g, np.ndarray) for g in got):
        return Comparison(name, False, _matrices_not_unrolled(name, got, theta_shapes), got, expected)
    if arr is None:
        want = "a number" if exp.ndim == 0 else f"a numpy array ({shape_str(exp.shape)})"
        extra = ""
        if isinstance(got, (list, tuple)) and exp.ndim > 0:
            extra = " (wrap it in np.array, or build it with numpy operations)"
        if isinstance(got, tuple) and exp.ndim == 0:
            extra = " (return the cost J as the first item of the tuple, not a tuple inside it)"
        return Comparison(name, False, f"your {name} is {_type_words(got)}; it should be {want}{extra}.", got, expected)
    if exp.ndim == 0 and arr.size == 1:
        arr = arr.reshape(())
    if arr.shape != exp.shape:
        return Comparison(name, False, explain_shape(name, arr.shape, exp.shape, theta_shapes, m), arr, exp)
    if arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        return Comparison(name, False, f"your {name} contains {bad} NaN or infinite value{'s' if bad != 1 else ''} "
                          "(a log of 0, a division by 0, or an overflow in exp?).", arr, exp, mask=~np.isfinite(arr))
    if exp.dtype.kind in "iub":
        mask = arr != exp
    else:
        mask = ~np.isclose(arr, exp, rtol=rtol, atol=atol)
    if not mask.any():
        return Comparison(name, True, "right.", arr, exp, mask=mask)
    if exp.ndim == 0:
        return Comparison(name, False, f"your {name} is {fmt(float(arr))}; expected {fmt(float(exp))}.", arr, exp, mask=mask)
    n_bad = int(mask.sum())
    diff = np.abs(arr.astype(float) - exp.astype(float))
    worst = np.unravel_index(int(np.argmax(np.where(mask, diff, -1))), exp.shape)
    where = "[" + ", ".join(str(int(i)) for i in worst) + "]"
    if theta_shapes and exp.ndim == 1:
        where = unrolled_cell(int(worst[0]), theta_shapes)
    return Comparison(name, False, f"{n_bad} of {exp.size} cells of your {name} differ; the largest difference is at "
                      f"{where}: yours {fmt(arr[worst])}, expected {fmt(exp[worst])}.", arr, exp, mask=mask,
                      theta_shapes=theta_shapes)


def _matrices_not_unrolled(name: str, got, theta_shapes) -> str:
    """A list of gradient matrices where one unrolled vector is expected."""
    notes = []
    for l, (g, shape) in enumerate(zip(got, theta_shapes), start=1):
        if g.shape != tuple(shape):
            notes.append(explain_shape(f"gradient for Theta{l}", g.shape, shape).removeprefix("your ").rstrip("."))
    text = (f"your {name} is a list of {len(got)} matrices; it should be one unrolled vector like params: "
            "np.concatenate([D1.ravel(), D2.ravel()])")
    if len(got) != len(theta_shapes):
        text += f" (and there are {len(theta_shapes)} Thetas, not {len(got)})"
    if notes:
        text += ". Also: your " + "; your ".join(notes)
    return text + "."


def _type_words(value) -> str:
    if isinstance(value, Other):
        return f"a {value.type_name}"
    if value is None:
        return "None (did the function forget to return?)"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, np.ndarray):
        return f"an array ({shape_str(value.shape)})"
    return f"a {describe_type(value)}"


def close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    """Loose structural equality, for matching outputs with known-wrong variants."""
    if isinstance(b, dict):
        return isinstance(a, dict) and set(a) >= set(b) and all(close(a[k], b[k], rtol, atol) for k in b)
    if isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and len(a) == len(b) and all(close(x, y, rtol, atol) for x, y in zip(a, b))
    x, y = _as_array(a), np.asarray(b)
    if x is None:
        return False
    if y.ndim == 0 and x.size == 1:
        x = x.reshape(())
    if x.shape != y.shape:
        return False
    if x.dtype.kind in "fc" and not np.all(np.isfinite(x)):
        return False
    return bool(np.allclose(x, y, rtol=rtol, atol=atol))
