"""One returned value against the expected one, explained in plain words.

A comparison says whether the value is right and, when it is not, why in
terms of the maths: a wrong type, a shape off by a row or a column, a
transposed matrix, cells that differ (and which ones). It states facts about
shapes and cells only; naming a cause is the job of confirmed diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tutor.exercises.wire import Other, describe_type


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
    layout: list | None = None  # for a flat vector: [(label, (rows, cols))] to name a cell label[i, j]


def unrolled_cell(index: int, layout) -> str:
    """Index into a flat vector -> 'label[1, 0]', the parts laid out row-major, in order."""
    start = 0
    for label, (r, c) in layout:
        if index < start + r * c:
            i, j = divmod(index - start, c)
            return f"{label}[{i}, {j}]"
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


def explain_shape(name: str, got, expected, layout=None, m: int | None = None) -> str:
    """The learner's shape against the expected one, in words (facts, not guesses about why)."""
    g, e = tuple(got), tuple(expected)
    head = f"your {name} is {shape_str(g)}; it should be {shape_str(e)}"
    size_g, size_e = int(np.prod(g)), int(np.prod(e))
    if len(e) == 1 and layout:
        parts = ", ".join(f"{label} {r} x {c}" for label, (r, c) in layout)
        return f"your {name} has {size_g} numbers; it should have {size_e} ({parts}, unrolled)."
    if size_g == size_e:
        if len(g) == 2 and len(e) == 2 and g == e[::-1]:
            return f"{head}: rows and columns are swapped."
        if len(e) == 1 and len(g) == 2 and 1 in g:
            return f"{head}: the same numbers as a {shape_str(g)} matrix; return a flat vector (`.ravel()`, or drop keepdims=True)."
        if len(e) == 2 and len(g) == 1:
            return f"{head}: the same numbers as a flat vector; reshape it to {shape_str(e)}."
        return f"{head}: the same number of cells arranged differently."
    if len(g) == 2 and len(e) == 2:
        if g[0] == e[0] and abs(g[1] - e[1]) == 1:
            return f"{head}: one column {'short' if g[1] < e[1] else 'too many'}."
        if g[1] == e[1] and abs(g[0] - e[0]) == 1:
            return f"{head}: one row {'short' if g[0] < e[0] else 'too many'}."
    if len(e) == 0:
        return f"your {name} is {shape_str(g)}; it should be a single number."
    return head + "."


def _as_array(value):
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return np.asarray(value, dtype=float)
    return None


def compare(name: str, got, expected, *, rtol=1e-6, atol=1e-9, layout=None, m=None) -> Comparison:
    """Is got (the learner's) the expected value? Structure-aware, with reasons."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return Comparison(name, False, f"your {name} is {type_words(got)}; it should be a dict with keys {', '.join(expected)}.", got, expected)
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
            return Comparison(name, False, f"your {name} is {type_words(got)}; it should be a list of {len(expected)} arrays.", got, expected)
        children = [compare(f"{name}[{i}]", g, e, rtol=rtol, atol=atol, m=m) for i, (g, e) in enumerate(zip(got, expected))]
        ok = all(c.ok for c in children)
        return Comparison(name, ok, "right." if ok else " ".join(c.message for c in children if not c.ok), got, expected, children=children)

    exp = np.asarray(expected)
    arr = _as_array(got)
    if arr is None and layout and exp.ndim == 1 and isinstance(got, (list, tuple)) and got and all(
            isinstance(g, np.ndarray) for g in got):
        return Comparison(name, False, _matrices_not_unrolled(name, got, layout), got, expected)
    if arr is None:
        want = "a number" if exp.ndim == 0 else f"a numpy array ({shape_str(exp.shape)})"
        extra = ""
        if isinstance(got, (list, tuple)) and exp.ndim > 0:
            extra = " (wrap it in np.array, or build it with numpy operations)"
        if isinstance(got, tuple) and exp.ndim == 0:
            extra = " (return the cost J as the first item of the tuple, not a tuple inside it)"
        return Comparison(name, False, f"your {name} is {type_words(got)}; it should be {want}{extra}.", got, expected)
    if exp.ndim == 0 and arr.size == 1:
        arr = arr.reshape(())
    if arr.shape != exp.shape:
        return Comparison(name, False, explain_shape(name, arr.shape, exp.shape, layout, m), arr, exp)
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
    if layout and exp.ndim == 1:
        where = unrolled_cell(int(worst[0]), layout)
    return Comparison(name, False, f"{n_bad} of {exp.size} cells of your {name} differ; the largest difference is at "
                      f"{where}: yours {fmt(arr[worst])}, expected {fmt(exp[worst])}.", arr, exp, mask=mask,
                      layout=layout)


def _matrices_not_unrolled(name: str, got, layout) -> str:
    """A list of matrices where one flat vector is expected."""
    notes = []
    for (label, shape), g in zip(layout, got):
        if g.shape != tuple(shape):
            notes.append(f"{label} part is {shape_str(g.shape)}, not {shape_str(shape)}")
    text = (f"your {name} is a list of {len(got)} matrices; it should be one flat vector, each matrix unrolled "
            "row by row and joined in order: np.concatenate([M.ravel() for M in matrices])")
    if len(got) != len(layout):
        text += f" (and there are {len(layout)} parts, not {len(got)})"
    if notes:
        text += ". Also: your " + "; your ".join(notes)
    return text + "."


def type_words(value) -> str:
    if isinstance(value, Other):
        from tutor.exercises.safetext import safe_text

        return f"a {safe_text(value.type_name)}"
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
    if x.dtype.kind in "fc" or y.dtype.kind in "fc":
        # NaN and inf count as a match only where both have the same one (a naive softmax
        # overflows to the same NaNs as its wrong version); the finite cells are compared as usual.
        try:
            xf, yf = x.astype(float), y.astype(float)
        except (TypeError, ValueError):
            return False
        bad_x, bad_y = ~np.isfinite(xf), ~np.isfinite(yf)
        if not np.array_equal(bad_x, bad_y):
            return False
        if bad_x.any():
            if not (np.array_equal(np.isnan(xf), np.isnan(yf)) and np.array_equal(xf[np.isinf(xf)], yf[np.isinf(yf)])):
                return False
            return bool(np.allclose(xf[~bad_x], yf[~bad_y], rtol=rtol, atol=atol))
    return bool(np.allclose(x, y, rtol=rtol, atol=atol))
