"""What a typed expression may call, with what each call costs before it runs.

Every entry is a numpy function or array method that never writes into its
arguments, with the most positional arguments it takes here (so an output
array can never be passed in the `out` position, `np.clip(a, 0, 0, a)`) and
a cost rule: `cost(args, kwargs, part) -> (numbers allocated, work)`,
computed from the arguments' shapes without allocating anything. The cost
rule also refuses arguments whose shapes cannot work (naming both shapes).

Keyword arguments are limited to KEYWORDS; text only to order='C'/'F'/'A'.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tutor.lessons.expression.limits import (
    DECOMPOSITION_WORK_PER_UNIT,
    MAX_PRODUCT_WORK,
    PRODUCT_WORK_PER_UNIT,
    ExpressionError,
    ShapeError,
    check_size,
    shape_text,
    size_of,
)

KEYWORDS = ("axis", "keepdims", "order", "ord")
ARRAY_ATTRIBUTES = ("T", "shape", "size", "ndim")
NUMPY_CONSTANTS = {"pi": np.pi, "e": np.e, "newaxis": None, "inf": np.inf}

Cost = Callable[[list, dict, str], tuple[int, float]]


@dataclass(frozen=True)
class Allowed:
    """One callable: how many positional arguments it takes here, and what a call costs."""

    max_args: int
    cost: Cost


# -- sizes of arguments, without allocating -------------------------------------------------


def count(value) -> int:
    """How many numbers `value` holds or becomes as an array: an array's size, a list's entries summed."""
    if isinstance(value, np.ndarray):
        return int(value.size)
    if isinstance(value, (list, tuple)):
        return sum(count(v) for v in value)
    return 1


def shape(value) -> tuple[int, ...]:
    """The shape `value` has as an array (call only after count(value) was found small)."""
    return tuple(np.shape(value))


def converted(args) -> int:
    """Numbers allocated by turning list arguments into arrays."""
    return sum(count(a) for a in args if isinstance(a, (list, tuple)))


def matmul_shape(a, b, part, op="@") -> tuple[int, ...]:
    """The shape of a @ b (2-D at most), or a ShapeError naming both shapes; refuses products too big or slow."""
    sa, sb = shape(a), shape(b)
    if not sa or not sb:
        raise ShapeError(f"{op} needs two arrays, not a single number (use * to scale)", part)
    inner_a = sa[-1]
    inner_b = sb[0] if len(sb) == 1 else sb[-2]
    if inner_a != inner_b:
        raise ShapeError(
            f"the left side is {shape_text(sa)} and the right side is {shape_text(sb)}: for {op} the columns "
            f"of the left ({inner_a}) must equal the rows of the right ({inner_b})", part)
    if len(sa) > 2 or len(sb) > 2:
        raise ExpressionError(f"{op} of arrays with more than two axes is not supported here", part)
    out = sa[:-1] + sb[1:]
    check_size(size_of(out), "the product", part)
    work = size_of(out) * inner_a
    if work > MAX_PRODUCT_WORK:
        raise ExpressionError(f"this product needs {work:,} multiplications; the limit here is {MAX_PRODUCT_WORK:,}",
                              part)
    return out


def broadcast_shape(a, b, op: str, part) -> tuple[int, ...]:
    """The shape of `a op b` element by element, or a ShapeError saying which sizes clash."""
    sa, sb = shape(a), shape(b)
    try:
        out = np.broadcast_shapes(sa, sb)
    except ValueError:
        bad = []
        for k in range(1, min(len(sa), len(sb)) + 1):
            x, y = sa[-k], sb[-k]
            if x != y and x != 1 and y != 1:
                axis = (" (columns)" if k == 1 else " (rows)" if k == 2 else "") if min(len(sa), len(sb)) >= 2 else ""
                bad.append(f"{x} and {y}{axis}")
        raise ShapeError(
            f"the left side is {shape_text(sa)} and the right side is {shape_text(sb)}: {op} works element by "
            f"element, so the sizes must match (or one be 1), and {'; '.join(bad)} do not", part) from None
    check_size(size_of(out), "the result", part)
    return out


def requested_shape(arg, part) -> tuple[int, ...]:
    """A shape argument (3 or (3, 4)) as a tuple of sizes; anything else refused."""
    if isinstance(arg, np.ndarray) and arg.ndim == 0:
        arg = arg.item()
    if isinstance(arg, (int, np.integer)) and not isinstance(arg, bool):
        dims = (int(arg),)
    elif isinstance(arg, (tuple, list)) and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                                                for a in arg):
        dims = tuple(int(a) for a in arg)
    else:
        raise ExpressionError("a shape is a whole number or a tuple of them, such as (3, 4)", part)
    if any(d < 0 for d in dims):
        raise ExpressionError("a shape cannot have a negative size", part)
    return dims


def number(arg, what: str, part) -> float:
    """A plain number argument (a 0-d array counts as one); an array of many is refused."""
    if isinstance(arg, np.ndarray):
        if arg.size != 1:
            raise ExpressionError(f"{what} takes single numbers here, not an array of {arg.size:,}", part)
        arg = arg.reshape(()).item()
    if isinstance(arg, bool) or not isinstance(arg, (int, float, np.integer, np.floating)):
        raise ExpressionError(f"{what} takes single numbers here", part)
    return float(arg)


# -- cost rules ----------------------------------------------------------------------------


def elementwise(weight: float = 1.0, temporaries: int = 1) -> Cost:
    """Cost of a function applied element by element over its broadcast arguments."""

    def cost(args, kwargs, part):
        arrays = [a for a in args if isinstance(a, (np.ndarray, list, tuple, np.generic, int, float))]
        shapes = [shape(a) for a in arrays]
        try:
            out = np.broadcast_shapes(*shapes) if shapes else ()
        except ValueError:
            raise ShapeError(f"the shapes {', '.join(shape_text(s) for s in shapes)} cannot be combined element "
                             "by element", part) from None
        n = size_of(out)
        check_size(n, "the result", part)
        return converted(args) + temporaries * n, weight * n

    return cost


def reduction(temporaries: int = 0, weight: float = 1.0) -> Cost:
    """Cost of a reduction (sum, mean, max, ...): reads its input once; some copy it first."""

    def cost(args, kwargs, part):
        n = count(args[0]) if args else 0
        return converted(args) + temporaries * n + 1, weight * n

    return cost


def sorting(args, kwargs, part):
    """median and unique sort (a copy of) their input: n log n."""
    n = count(args[0]) if args else 0
    return converted(args) + 2 * n, n * max(1.0, math.log2(max(n, 2)))


def same_size(args, kwargs, part):
    """A result no larger than the input (a view, or a copy of it): reshape, ravel, transpose, cumsum."""
    n = count(args[0]) if args else 0
    return converted(args) + n, n


def free(args, kwargs, part):
    """Answers about the shape: nothing computed."""
    return converted(args), 1


def product(args, kwargs, part):
    if len(args) != 2:
        return converted(args), 1
    out = matmul_shape(args[0], args[1], part, "np.dot")
    inner = shape(args[0])[-1]
    return converted(args) + size_of(out), size_of(out) * inner / PRODUCT_WORK_PER_UNIT + size_of(out)


def outer(args, kwargs, part):
    n = count(args[0]) * count(args[1]) if len(args) == 2 else 0
    check_size(n, "the outer product", part)
    return converted(args) + n, n


def join(axis_default: int | None) -> Cost:
    """Cost of concatenate / vstack / hstack, which also explains matrices that cannot be joined."""

    def cost(args, kwargs, part):
        if not args or not isinstance(args[0], (list, tuple)):
            return same_size(args, kwargs, part)
        n = count(args[0])
        check_size(n, "the result", part)
        items = [a if isinstance(a, np.ndarray) else np.asarray(a) for a in args[0]]
        axis = kwargs.get("axis", args[1] if len(args) > 1 else axis_default)
        if axis is not None and len(items) >= 2 and all(a.ndim == 2 for a in items) \
                and isinstance(axis, (int, np.integer)) and axis in (0, 1, -1, -2):
            keep = 1 if axis in (0, -2) else 0
            sizes = [a.shape[keep] for a in items]
            if len(set(sizes)) > 1:
                what = "columns" if keep == 1 else "rows"
                raise ShapeError(
                    f"the pieces are {' and '.join(shape_text(a.shape) for a in items)}: joining matrices along "
                    f"axis {axis} needs the same number of {what} ({' and '.join(map(str, sizes))} differ). "
                    "To make one long vector, unroll each matrix first with .ravel()", part)
        return 2 * n, n

    return cost


def tile(args, kwargs, part):
    if len(args) != 2:
        return same_size(args, kwargs, part)
    n = count(args[0]) * size_of(requested_shape(args[1], part))
    check_size(n, "the result", part)
    return converted(args) + n, n


def create(args, kwargs, part):
    n = size_of(requested_shape(args[0], part)) if args else 0
    check_size(n, "this array", part)
    return n, n


def eye(args, kwargs, part):
    dims = [requested_shape(a, part)[0] for a in args[:2]] if args else [0]
    n = dims[0] * (dims[1] if len(dims) > 1 else dims[0])
    check_size(n, "this array", part)
    return n, n


def arange(args, kwargs, part):
    nums = [number(a, "np.arange", part) for a in args]
    if not nums:
        return 0, 1
    start, stop, step = (0.0, nums[0], 1.0) if len(nums) == 1 else (nums[0], nums[1], nums[2] if len(nums) > 2 else 1.0)
    if step == 0 or not all(map(math.isfinite, (start, stop, step))):
        raise ExpressionError("np.arange needs a finite, non-zero step", part)
    n = max(0, math.ceil((stop - start) / step))
    check_size(n, "this range", part)
    return n, n


def linspace(args, kwargs, part):
    for a in args[:2]:
        number(a, "np.linspace", part)
    n = 50
    if len(args) >= 3:
        n = args[2]
        if isinstance(n, np.ndarray) and n.ndim == 0:
            n = n.item()
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise ExpressionError("np.linspace's third argument is a whole number of points", part)
        check_size(int(n), "this range", part)
    return int(n), int(n)


def like(args, kwargs, part):
    n = count(args[0]) if args else 0
    return converted(args) + n, n


def norm(args, kwargs, part):
    """np.linalg.norm: linear in the size, except the 2-norm (or -2) of a matrix, an SVD of cost min^2 max."""
    if not args:
        return 0, 1
    x = args[0]
    n = count(x)
    ord_ = kwargs.get("ord", args[1] if len(args) > 1 else None)
    axis = kwargs.get("axis", args[2] if len(args) > 2 else None)
    dims = shape(x)
    matrix = None
    if isinstance(axis, tuple) and len(axis) == 2:
        try:
            matrix = (dims[axis[0]], dims[axis[1]])
        except (IndexError, TypeError):
            matrix = None
    elif axis is None and len(dims) == 2:
        matrix = dims
    if matrix is not None and not isinstance(ord_, (list, tuple, np.ndarray)) and ord_ in (2, -2):
        r, c = (int(d) for d in matrix)
        batches = n // max(1, r * c)
        flops = batches * min(r, c) ** 2 * max(r, c)
        return converted(args) + 2 * n, flops / DECOMPOSITION_WORK_PER_UNIT + n
    return converted(args) + 2 * n, 3 * n


def allclose(args, kwargs, part):
    """allclose and isclose broadcast their two arrays and build several temporaries of that size."""
    if len(args) < 2:
        return converted(args), 1
    out = broadcast_shape(args[0], args[1], "a comparison", part)
    n = size_of(out)
    return converted(args) + 6 * n, 6 * n


def array_equal(args, kwargs, part):
    if len(args) < 2:
        return converted(args), 1
    n = count(args[0]) if shape(args[0]) == shape(args[1]) else 0
    return converted(args) + n, n


def creation(args, kwargs, part):
    """np.array / np.asarray: a copy of the argument at most."""
    n = count(args[0]) if args else 0
    check_size(n, "this array", part)
    return n, n


# np.<name> a lesson may use. None of them writes into its arguments, and the
# positional limits leave no room for an output array.
NUMPY_FUNCTIONS: dict[str, Allowed] = {
    # elementwise
    **{name: Allowed(1, elementwise()) for name in (
        "abs", "exp", "log", "log1p", "log2", "log10", "sqrt", "square", "tanh", "sign", "floor", "ceil",
        "isnan", "isfinite", "negative", "sin", "cos", "expm1")},
    "round": Allowed(2, elementwise()),
    **{name: Allowed(2, elementwise()) for name in (
        "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum", "power")},
    "where": Allowed(3, elementwise()), "clip": Allowed(3, elementwise()),
    # reductions
    **{name: Allowed(2, reduction()) for name in (
        "sum", "mean", "max", "min", "argmax", "argmin", "prod", "count_nonzero", "all", "any")},
    "std": Allowed(2, reduction(temporaries=2, weight=3)), "var": Allowed(2, reduction(temporaries=2, weight=3)),
    "median": Allowed(2, sorting), "unique": Allowed(1, sorting), "cumsum": Allowed(2, same_size),
    "allclose": Allowed(4, allclose), "isclose": Allowed(4, allclose), "array_equal": Allowed(2, array_equal),
    # products
    "dot": Allowed(2, product), "matmul": Allowed(2, product), "outer": Allowed(2, outer),
    # shapes and joins
    "transpose": Allowed(2, same_size), "reshape": Allowed(2, same_size), "ravel": Allowed(1, same_size),
    "squeeze": Allowed(2, same_size), "expand_dims": Allowed(2, same_size),
    "concatenate": Allowed(2, join(0)), "hstack": Allowed(1, join(1)), "vstack": Allowed(1, join(0)),
    "column_stack": Allowed(1, join(None)), "stack": Allowed(2, join(None)), "tile": Allowed(2, tile),
    "shape": Allowed(1, free), "size": Allowed(2, free), "ndim": Allowed(1, free),
    # making arrays
    "ones": Allowed(1, create), "zeros": Allowed(1, create), "ones_like": Allowed(1, like),
    "zeros_like": Allowed(1, like), "eye": Allowed(3, eye), "arange": Allowed(3, arange),
    "linspace": Allowed(3, linspace), "array": Allowed(1, creation), "asarray": Allowed(1, creation),
}
LINALG_FUNCTIONS: dict[str, Allowed] = {"norm": Allowed(3, norm)}


# array.<method>(...) a lesson may use: none of them writes into the array. The
# cost rules see the array as their first argument.
ARRAY_METHODS: dict[str, Allowed] = {
    "ravel": Allowed(1, same_size), "flatten": Allowed(1, same_size), "reshape": Allowed(32, same_size),
    "copy": Allowed(0, same_size), "transpose": Allowed(32, same_size), "squeeze": Allowed(1, same_size),
    "sum": Allowed(1, reduction()), "mean": Allowed(1, reduction()), "max": Allowed(1, reduction()),
    "min": Allowed(1, reduction()), "argmax": Allowed(1, reduction()), "argmin": Allowed(1, reduction()),
    "prod": Allowed(1, reduction()), "all": Allowed(1, reduction()), "any": Allowed(1, reduction()),
    "std": Allowed(1, reduction(temporaries=2, weight=3)), "var": Allowed(1, reduction(temporaries=2, weight=3)),
    "cumsum": Allowed(1, same_size), "round": Allowed(1, same_size), "item": Allowed(32, free),
}


def allowed_summary(functions=()) -> str:
    """One line listing what may be called (numpy's, and a course's `functions`), for messages and the docs."""
    funcs = ", ".join(f"np.{n}" for n in sorted(NUMPY_FUNCTIONS)) + ", np.linalg.norm"
    extra = ", ".join(sorted(functions))
    return funcs + (f"; and {extra}" if extra else "")


def short_list() -> str:
    """A few of the numpy functions, for a refusal that should stay one line."""
    names = ["sum", "mean", "log", "exp", "argmax", "concatenate", "linalg.norm"]
    return ", ".join(f"np.{n}" for n in names) + ", ..."
