"""A safe evaluator for the numpy expressions a learner types.

`evaluate(text, names)` parses `text` with `ast` and walks the tree itself:
nothing is handed to Python's `eval`. Only an allow-list gets through:

- names bound by the lesson (numbers, arrays, lists of arrays), numbers,
  `True`/`False`/`None`;
- arithmetic `+ - * / // % **` and `@`, unary minus, comparisons;
- indexing and slices (`A[:, 1:]`, `A[0]`, `A[:, None]`);
- the attributes `.T`, `.shape`, `.size`, `.ndim`, and the array methods in
  `ARRAY_METHODS` (`.ravel()`, `.sum(axis=0)`, ...);
- calls to the numpy functions in `NUMPY_FUNCTIONS` (`np.sum`, `np.log`,
  `np.linalg.norm`, ...) and to functions a course registered with
  `@expression_function(name)`;
- keyword arguments from `KEYWORDS` (`axis`, `keepdims`, `order`, `ord`).

Everything else (attributes starting with `_`, imports, lambdas,
comprehensions, f-strings, `:=`, `*args`/`**kwargs`, ...) is refused with
an `ExpressionError` naming the part of the text that is not allowed.

Sizes are checked *before* anything is allocated: an array creation, a
broadcast, a product or an index that would give more than `MAX_ELEMENTS`
numbers (or a product costing more than `MAX_PRODUCT_WORK` multiply-adds) is
refused, as are integer powers whose result would be huge. A wall-clock
deadline is checked at every node, so no expression can freeze the terminal.
"""

from __future__ import annotations

import ast
import math
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_LENGTH = 400  # characters of typed text
MAX_DEPTH = 40  # nesting of the syntax tree
MAX_ELEMENTS = 6_000_000  # numbers in any one result or intermediate (the course's a1 is 5000 x 401)
MAX_PRODUCT_WORK = 1_000_000_000  # multiply-adds in one matrix product
MAX_INT_BITS = 256  # Python integers beyond this are refused
TIME_LIMIT = 3.0  # seconds for one evaluation

KEYWORDS = ("axis", "keepdims", "order", "ord")


class ExpressionError(Exception):
    """The expression cannot be evaluated. `part` is the piece of text to blame (or None)."""

    def __init__(self, message: str, part: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.part = part


class ShapeError(ExpressionError):
    """Two operands whose shapes do not fit; the message names both shapes."""


# -- lesson functions ------------------------------------------------------------------

FUNCTIONS: dict[str, Callable] = {}


def expression_function(name: str) -> Callable[[Callable], Callable]:
    """Register `func` as callable by `name` inside typed expressions.

    A course plugin uses it for its own vocabulary (`squash(z)`). The
    function must be pure and elementwise-sized: its result is checked
    against MAX_ELEMENTS after the call.
    """

    def register(func: Callable) -> Callable:
        if name in FUNCTIONS and FUNCTIONS[name] is not func:
            raise RuntimeError(f"expression function {name!r} registered twice")
        FUNCTIONS[name] = func
        return func

    return register


# -- what may be called ----------------------------------------------------------------


def shape_text(shape) -> str:
    """(5000, 25) -> '5000 x 25'; () -> 'a single number'; (25,) -> '25 (a vector)'."""
    shape = tuple(shape)
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"{shape[0]} (a vector)"
    return " x ".join(str(s) for s in shape)


def _shape(v) -> tuple[int, ...]:
    return tuple(np.shape(v))


def _size_of(shape) -> int:
    return math.prod(int(s) for s in shape)


def _check_size(n: int, what: str, part: str | None) -> None:
    if n > MAX_ELEMENTS:
        raise ExpressionError(
            f"{what} would hold {n:,} numbers; expressions here are limited to {MAX_ELEMENTS:,}", part)


def _requested_shape(arg, part) -> tuple[int, ...]:
    if isinstance(arg, (int, np.integer)) and not isinstance(arg, bool):
        dims = (int(arg),)
    elif isinstance(arg, (tuple, list)) and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in arg):
        dims = tuple(int(a) for a in arg)
    else:
        raise ExpressionError("a shape is a whole number or a tuple of them, such as (3, 4)", part)
    if any(d < 0 for d in dims):
        raise ExpressionError("a shape cannot have a negative size", part)
    return dims


def _guard_create(args, kwargs, part):
    if not args:
        return
    _check_size(_size_of(_requested_shape(args[0], part)), "this array", part)


def _guard_eye(args, kwargs, part):
    dims = [_requested_shape(a, part)[0] for a in args[:2]] if args else [0]
    n = dims[0] * (dims[1] if len(dims) > 1 else dims[0])
    _check_size(n, "this array", part)


def _guard_arange(args, kwargs, part):
    nums = [float(a) for a in args if np.isscalar(a)]
    if len(nums) != len(args) or not nums:
        return
    start, stop, step = (0.0, nums[0], 1.0) if len(nums) == 1 else (nums[0], nums[1], nums[2] if len(nums) > 2 else 1.0)
    if step == 0 or not all(map(math.isfinite, (start, stop, step))):
        raise ExpressionError("np.arange needs a finite, non-zero step", part)
    _check_size(max(0, math.ceil((stop - start) / step)), "this range", part)


def _guard_linspace(args, kwargs, part):
    if len(args) >= 3:
        n = args[2]
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise ExpressionError("np.linspace's third argument is a whole number of points", part)
        _check_size(int(n), "this range", part)


def _guard_broadcast(args, kwargs, part):
    shapes = [_shape(a) for a in args if isinstance(a, np.ndarray) or np.isscalar(a)]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"the shapes {', '.join(shape_text(s) for s in shapes)} cannot be combined element by element",
                         part) from None
    _check_size(_size_of(shape), "the result", part)


def _join_guard(axis_default: int | None):
    """A size check for concatenate / vstack / hstack that also explains matrices that cannot be joined."""

    def guard(args, kwargs, part):
        if not args or not isinstance(args[0], (list, tuple)):
            return
        items = [np.asarray(a) if not isinstance(a, np.ndarray) else a for a in args[0]]
        _check_size(sum(int(a.size) for a in items), "the result", part)
        axis = kwargs.get("axis", args[1] if len(args) > 1 else axis_default)
        if axis is None or len(items) < 2 or not all(a.ndim == 2 for a in items):
            return
        if not isinstance(axis, (int, np.integer)) or axis not in (0, 1, -1, -2):
            return
        keep = 1 if axis in (0, -2) else 0
        sizes = [a.shape[keep] for a in items]
        if len(set(sizes)) > 1:
            what = "columns" if keep == 1 else "rows"
            raise ShapeError(
                f"the pieces are {' and '.join(shape_text(a.shape) for a in items)}: joining matrices along "
                f"axis {axis} needs the same number of {what} ({' and '.join(map(str, sizes))} differ). "
                "To make one long vector, unroll each matrix first with .ravel()", part)

    return guard


_guard_join = _join_guard(None)


def _guard_outer(args, kwargs, part):
    if len(args) == 2:
        _check_size(int(np.size(args[0])) * int(np.size(args[1])), "the outer product", part)


def _guard_product(args, kwargs, part):
    if len(args) == 2:
        _matmul_shape(args[0], args[1], part, "np.dot")


def _guard_where(args, kwargs, part):
    if len(args) == 3:
        _guard_broadcast(args, kwargs, part)


def _guard_tile(args, kwargs, part):
    if len(args) == 2:
        reps = _requested_shape(args[1], part)
        _check_size(int(np.size(args[0])) * _size_of(reps), "the result", part)


# np.<name> a lesson may use, with a size check run before the call (None: the
# result is never larger than an input).
NUMPY_FUNCTIONS: dict[str, Callable | None] = {
    # elementwise
    "abs": None, "exp": None, "log": None, "log1p": None, "log2": None, "log10": None, "sqrt": None,
    "square": None, "tanh": None, "sign": None, "round": None, "floor": None, "ceil": None,
    "isnan": None, "isfinite": None,
    "maximum": _guard_broadcast, "minimum": _guard_broadcast, "power": _guard_broadcast,
    "where": _guard_where, "clip": _guard_broadcast,
    # reductions
    "sum": None, "mean": None, "max": None, "min": None, "argmax": None, "argmin": None, "prod": None,
    "std": None, "var": None, "median": None, "cumsum": None, "count_nonzero": None, "all": None, "any": None,
    "allclose": None, "isclose": _guard_broadcast, "array_equal": None, "unique": None,
    # products
    "dot": _guard_product, "matmul": _guard_product, "outer": _guard_outer,
    # shapes and joins
    "transpose": None, "reshape": None, "ravel": None, "squeeze": None, "expand_dims": None,
    "concatenate": _join_guard(0), "hstack": _join_guard(1), "vstack": _join_guard(0), "column_stack": _guard_join,
    "stack": _guard_join, "tile": _guard_tile, "shape": None, "size": None, "ndim": None,
    # making arrays
    "ones": _guard_create, "zeros": _guard_create, "ones_like": None, "zeros_like": None, "eye": _guard_eye,
    "arange": _guard_arange, "linspace": _guard_linspace, "array": None, "asarray": None,
}
LINALG_FUNCTIONS: dict[str, Callable | None] = {"norm": None}
NUMPY_CONSTANTS = {"pi": np.pi, "e": np.e, "newaxis": None, "inf": np.inf}

# array.<method>() a lesson may use (none of them writes into the array).
ARRAY_METHODS = ("ravel", "flatten", "reshape", "sum", "mean", "max", "min", "argmax", "argmin", "copy",
                 "transpose", "round", "std", "var", "prod", "cumsum", "all", "any", "squeeze", "item")
ARRAY_ATTRIBUTES = ("T", "shape", "size", "ndim")


def allowed_summary() -> str:
    """One line listing what may be called, for messages and the docs."""
    funcs = ", ".join(f"np.{n}" for n in sorted(NUMPY_FUNCTIONS)) + ", np.linalg.norm"
    extra = ", ".join(sorted(FUNCTIONS))
    return funcs + (f"; and {extra}" if extra else "")


# -- the walk ----------------------------------------------------------------------------


class _NumpyNamespace:
    """What `np` means inside an expression: nothing but a marker."""


class _LinalgNamespace:
    """What `np.linalg` means inside an expression."""


_NP = _NumpyNamespace()
_LINALG = _LinalgNamespace()

_BINOPS = {
    ast.Add: ("+", lambda a, b: a + b), ast.Sub: ("-", lambda a, b: a - b), ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b), ast.FloorDiv: ("//", lambda a, b: a // b),
    ast.Mod: ("%", lambda a, b: a % b), ast.Pow: ("**", lambda a, b: a ** b),
}
_COMPARE = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
}
_REFUSED = {
    ast.Lambda: "a lambda", ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string", ast.NamedExpr: "an assignment (:=)",
    ast.Starred: "unpacking with *", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Dict: "a dict", ast.Set: "a set", ast.IfExp: "an if-else expression", ast.BoolOp: "and / or",
}


def _matmul_shape(a, b, part, op="@") -> tuple[int, ...]:
    sa, sb = _shape(a), _shape(b)
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
    _check_size(_size_of(out), "the product", part)
    work = _size_of(out) * inner_a
    if work > MAX_PRODUCT_WORK:
        raise ExpressionError(f"this product needs {work:,} multiplications; the limit here is {MAX_PRODUCT_WORK:,}", part)
    return out


def _broadcast_check(a, b, op: str, part) -> None:
    sa, sb = _shape(a), _shape(b)
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
    _check_size(_size_of(out), "the result", part)


class _Evaluator:
    def __init__(self, text: str, names: Mapping[str, Any], deadline: float) -> None:
        self.text = text
        self.names = names
        self.deadline = deadline

    def part(self, node) -> str:
        seg = ast.get_source_segment(self.text, node)
        return seg if seg is not None else type(node).__name__

    def refuse(self, node, why: str):
        raise ExpressionError(f"`{self.part(node)}` is not allowed: {why}", self.part(node))

    # the dispatcher
    def ev(self, node) -> Any:
        if time.monotonic() > self.deadline:
            raise ExpressionError(f"the expression took longer than {TIME_LIMIT:g} seconds and was stopped")
        for kind, what in _REFUSED.items():
            if isinstance(node, kind):
                self.refuse(node, f"{what} is not part of the expressions you can type here")
        method = getattr(self, "ev_" + type(node).__name__, None)
        if method is None:
            self.refuse(node, "only arithmetic, indexing and calls to allowed functions can be typed here")
        value = method(node)
        if isinstance(value, np.ndarray):
            _check_size(value.size, f"`{self.part(node)}`", self.part(node))
        elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
            raise ExpressionError(f"`{self.part(node)}` is a number too large to use here", self.part(node))
        return value

    def ev_Expression(self, node):
        return self.ev(node.body)

    def ev_Constant(self, node):
        v = node.value
        if v is None or isinstance(v, (bool, int, float)):
            return v
        if isinstance(v, complex):
            self.refuse(node, "complex numbers are not used here")
        self.refuse(node, "text is only allowed as a keyword value such as order='F'")

    def ev_Name(self, node):
        name = node.id
        if name.startswith("_"):
            self.refuse(node, "names starting with _ are never reachable")
        if name == "np" or name == "numpy":
            return _NP
        if name in self.names:
            return self.names[name]
        if name in FUNCTIONS:
            return FUNCTIONS[name]
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        from tutor.base.errors import did_you_mean

        hint = did_you_mean(name, list(self.names) + list(FUNCTIONS))
        raise ExpressionError(f"`{name}` is not a name this step knows{hint or '.'} "
                              f"Names you can use: {', '.join(sorted(self.names))}", name)

    def ev_Tuple(self, node):
        return tuple(self.ev(e) for e in node.elts)

    def ev_List(self, node):
        return [self.ev(e) for e in node.elts]

    def ev_UnaryOp(self, node):
        v = self.operand(node.operand, node)
        if isinstance(node.op, ast.USub):
            return -v
        if isinstance(node.op, ast.UAdd):
            return +v
        self.refuse(node, "only - and + go in front of a value")

    def operand(self, node, parent):
        v = self.ev(node)
        if isinstance(v, (list, tuple)):
            v = np.asarray(v, dtype=float) if all(np.isscalar(x) for x in v) else None
        if v is None or not (isinstance(v, (np.ndarray, np.generic)) or
                             (isinstance(v, (int, float)) and not isinstance(v, bool)) or isinstance(v, bool)):
            self.refuse(node, "arithmetic works on numbers and arrays only")
        return v

    def ev_BinOp(self, node):
        if isinstance(node.op, ast.MatMult):
            a, b = self.operand(node.left, node), self.operand(node.right, node)
            _matmul_shape(a, b, self.part(node))
            return a @ b
        if type(node.op) not in _BINOPS:
            self.refuse(node, "bitwise operators are not used here")
        sym, fn = _BINOPS[type(node.op)]
        a, b = self.operand(node.left, node), self.operand(node.right, node)
        if isinstance(node.op, ast.Pow):
            self._check_power(a, b, node)
        _broadcast_check(a, b, sym, self.part(node))
        if isinstance(a, int) and isinstance(b, int) and isinstance(node.op, ast.Div) and b == 0:
            raise ExpressionError(f"`{self.part(node)}` divides by zero", self.part(node))
        with np.errstate(all="ignore"):
            try:
                return fn(a, b)
            except ZeroDivisionError:
                raise ExpressionError(f"`{self.part(node)}` divides by zero", self.part(node)) from None
            except OverflowError:
                raise ExpressionError(f"`{self.part(node)}` is a number too large to use here", self.part(node)) from None

    def _check_power(self, a, b, node) -> None:
        if np.ndim(b) == 0:
            e = float(b)
            if abs(e) > 1000:
                raise ExpressionError(f"`{self.part(node)}`: exponents are limited to +-1000 here", self.part(node))
            if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
                if b < 0 and a == 0:
                    raise ExpressionError(f"`{self.part(node)}` divides by zero", self.part(node))
                if abs(b) * max(abs(a), 1).bit_length() > MAX_INT_BITS:
                    raise ExpressionError(f"`{self.part(node)}` is a number too large to use here", self.part(node))

    def ev_Compare(self, node):
        left = self.operand(node.left, node)
        result = None
        for op, right_node in zip(node.ops, node.comparators):
            if type(op) not in _COMPARE:
                self.refuse(node, "only == != < <= > >= compare values here")
            right = self.operand(right_node, node)
            _broadcast_check(left, right, "a comparison", self.part(node))
            r = _COMPARE[type(op)](left, right)
            result = r if result is None else result & r
            left = right
        return result

    # attributes and calls
    def ev_Attribute(self, node):
        attr = node.attr
        if attr.startswith("_"):
            self.refuse(node, "attributes starting with _ are never reachable")
        base = self.ev(node.value)
        if base is _NP:
            if attr == "linalg":
                return _LINALG
            if attr in NUMPY_CONSTANTS:
                return NUMPY_CONSTANTS[attr]
            if attr in NUMPY_FUNCTIONS:
                self.refuse(node, f"np.{attr} is a function: call it, as np.{attr}(...)")
            self.refuse(node, f"np.{attr} is not one of the numpy functions you can use here ({_short_list()})")
        if base is _LINALG:
            self.refuse(node, "np.linalg.norm(...) is the one function of np.linalg you can call here")
        if not isinstance(base, np.ndarray):
            if isinstance(base, (int, float, np.generic)) and attr in ARRAY_ATTRIBUTES:
                base = np.asarray(base)
            else:
                self.refuse(node, "only arrays have attributes here (.T, .shape, .size, .ndim)")
        if attr in ARRAY_ATTRIBUTES:
            return getattr(base, attr)
        if attr in ARRAY_METHODS:
            self.refuse(node, f".{attr} is a method: call it, as .{attr}()")
        self.refuse(node, f".{attr} is not one of the attributes ({', '.join(ARRAY_ATTRIBUTES)}) "
                          f"or methods ({', '.join(ARRAY_METHODS)}) you can use here")

    def ev_Call(self, node):
        func, guard, label = self.callee(node.func)
        args = [self.ev(a) for a in node.args]
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                self.refuse(kw, "unpacking with ** is not part of the expressions you can type here")
            if kw.arg not in KEYWORDS:
                self.refuse(kw, f"the keyword {kw.arg}= is not allowed here (only {', '.join(KEYWORDS)})")
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                if kw.arg != "order" or kw.value.value not in ("C", "F", "A"):
                    self.refuse(kw, "the only text values allowed are order='C' and order='F'")
                kwargs[kw.arg] = kw.value.value
            else:
                kwargs[kw.arg] = self.ev(kw.value)
        part = self.part(node)
        if guard is not None:
            guard(args, kwargs, part)
        if label in ("np.array", "np.asarray"):
            args = [np.asarray(a, dtype=float) if isinstance(a, (list, tuple)) else a for a in args]
            if any(isinstance(a, np.ndarray) and a.dtype == object for a in args):
                raise ExpressionError("np.array takes numbers or arrays of one shape", part)
        with np.errstate(all="ignore"):
            try:
                result = func(*args, **kwargs)
            except ShapeError:
                raise
            except (ValueError, TypeError, IndexError, np.AxisError if hasattr(np, "AxisError") else ValueError) as err:
                raise ExpressionError(f"`{part}`: {_first_line(err)}", part) from None
        if isinstance(result, np.ndarray) and result.dtype == object:
            raise ExpressionError(f"`{part}` does not give an array of numbers", part)
        return result

    def callee(self, fnode):
        """(function, size guard, label) for what is being called, or refuse."""
        if isinstance(fnode, ast.Name):
            if fnode.id in FUNCTIONS and fnode.id not in self.names:
                return FUNCTIONS[fnode.id], None, fnode.id
            if fnode.id.startswith("_"):
                self.refuse(fnode, "names starting with _ are never reachable")
            if fnode.id in self.names:
                self.refuse(fnode, f"{fnode.id} is a value, not a function")
            from tutor.base.errors import did_you_mean

            known = list(FUNCTIONS)
            hint = did_you_mean(fnode.id, known)
            self.refuse(fnode, f"{fnode.id}() is not a function you can call here{hint or ''} "
                               f"(functions: {', '.join(sorted(known)) or 'none'}, and np.<name>)")
        if isinstance(fnode, ast.Attribute):
            attr = fnode.attr
            if attr.startswith("_"):
                self.refuse(fnode, "attributes starting with _ are never reachable")
            base_node = fnode.value
            if isinstance(base_node, ast.Name) and base_node.id in ("np", "numpy") and base_node.id not in self.names:
                if attr not in NUMPY_FUNCTIONS:
                    self.refuse(fnode, f"np.{attr} is not one of the numpy functions you can use here ({_short_list()})")
                return getattr(np, attr), NUMPY_FUNCTIONS[attr], f"np.{attr}"
            base = self.ev(base_node)
            if base is _LINALG:
                if attr not in LINALG_FUNCTIONS:
                    self.refuse(fnode, "np.linalg.norm is the one function of np.linalg you can call here")
                return getattr(np.linalg, attr), LINALG_FUNCTIONS[attr], f"np.linalg.{attr}"
            if isinstance(base, (int, float, np.generic)) and not isinstance(base, bool):
                base = np.asarray(base)
            if not isinstance(base, np.ndarray):
                self.refuse(fnode, "only arrays have methods here")
            if attr not in ARRAY_METHODS:
                self.refuse(fnode, f".{attr}() is not one of the array methods you can use here "
                                   f"({', '.join(ARRAY_METHODS)})")
            return getattr(base, attr), None, f".{attr}"
        self.refuse(fnode, "only np.<function>(...), a lesson function or an array method can be called")

    # indexing
    def ev_Subscript(self, node):
        base = self.ev(node.value)
        index = self.index(node.slice)
        part = self.part(node)
        if isinstance(base, (list, tuple)):
            if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
                self.refuse(node, "a list is indexed by one whole number, such as items[0]")
            try:
                return base[index]
            except IndexError:
                raise ExpressionError(f"`{part}`: index {index} is out of range (the list has {len(base)} items)",
                                      part) from None
        if not isinstance(base, np.ndarray):
            self.refuse(node, "only arrays and lists can be indexed")
        _check_size(_index_size(base.shape, index), "this selection", part)
        try:
            return base[index]
        except IndexError as err:
            raise ExpressionError(f"`{part}`: {_first_line(err)} (the array is {shape_text(base.shape)})", part) from None

    def index(self, node):
        if isinstance(node, ast.Slice):
            parts = []
            for p in (node.lower, node.upper, node.step):
                v = None if p is None else self.ev(p)
                if v is not None and (not isinstance(v, (int, np.integer)) or isinstance(v, bool)):
                    self.refuse(p, "slice bounds are whole numbers")
                parts.append(v)
            if parts[2] == 0:
                self.refuse(node, "a slice step cannot be 0")
            return slice(*parts)
        if isinstance(node, ast.Tuple):
            return tuple(self.index(e) for e in node.elts)
        v = self.ev(node)
        if isinstance(v, float):
            self.refuse(node, "an index is a whole number, not a fraction")
        if isinstance(v, list):
            v = np.asarray(v)
        if isinstance(v, np.ndarray) and v.dtype.kind not in "iub":
            self.refuse(node, "an index array holds whole numbers or True/False")
        return v


def _index_size(shape: tuple[int, ...], index) -> int:
    """An upper bound on the number of elements `array[index]` gives, computed without indexing."""
    items = index if isinstance(index, tuple) else (index,)
    dims = list(shape)
    total = 1
    axis = 0
    arrays = 1
    for it in items:
        if it is None:
            continue
        if isinstance(it, slice):
            if axis < len(dims):
                total *= len(range(*it.indices(dims[axis])))
            axis += 1
        elif isinstance(it, np.ndarray):
            arrays = max(arrays, int(np.count_nonzero(it)) if it.dtype == bool else int(it.size))
            axis += it.ndim if it.dtype == bool else 1
        elif it is Ellipsis:
            continue
        else:
            axis += 1
    for d in dims[axis:]:
        total *= d
    return total * arrays


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def _short_list() -> str:
    names = ["sum", "mean", "log", "exp", "argmax", "concatenate", "linalg.norm"]
    return ", ".join(f"np.{n}" for n in names) + ", ..."


def _depth(tree) -> int:
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


def parse(text: str) -> ast.Expression:
    """The syntax tree of `text`, or an ExpressionError saying why it cannot be read."""
    if not isinstance(text, str):
        raise ExpressionError("an expression is a line of text")
    text = text.strip()
    if not text:
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if "\n" in text or "\r" in text:
        raise ExpressionError("an expression is one line")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid decimal literal" and friends: the error below says it
            tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        where = f" at column {err.offset}" if err.offset else ""
        raise ExpressionError(f"this is not a Python expression{where}: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply to read") from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    return tree


def names_used(text: str) -> set[str]:
    """The bare names an expression reads (not `np`, not attribute names): for load-time scope checks."""
    tree = parse(text)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in ("np", "numpy")
            and not (id(n) in called and n.id in FUNCTIONS)}


def check_syntax(text: str) -> None:
    """Refuse, without any values, what could never be allowed: a load-time check for lesson authors."""
    tree = parse(text)
    for node in ast.walk(tree):
        for kind, what in _REFUSED.items():
            if isinstance(node, kind):
                raise ExpressionError(f"{what} is not part of the expressions a learner can type", None)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionError(f"the attribute .{node.attr} is never reachable", node.attr)
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(f"the name {node.id} is never reachable", node.id)


def evaluate(text: str, names: Mapping[str, Any], *, time_limit: float = TIME_LIMIT) -> Any:
    """The value of `text` with `names` bound; ExpressionError for anything not allowed or too big.

    names: the values a learner may use, {name: number | ndarray | list of ndarray}.
    The result is a number or an ndarray (at most MAX_ELEMENTS numbers).
    """
    tree = parse(text)
    ev = _Evaluator(text.strip(), names, time.monotonic() + time_limit)
    try:
        value = ev.ev(tree)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply to evaluate") from None
    except MemoryError:
        raise ExpressionError("the expression needs more memory than is allowed here") from None
    except ExpressionError:
        raise
    except (ValueError, TypeError, IndexError, ArithmeticError) as err:
        raise ExpressionError(f"the expression cannot be evaluated: {_first_line(err)}") from None
    except Exception as err:  # noqa: BLE001 - whatever numpy raises, the learner gets a line, not a traceback
        raise ExpressionError(f"the expression cannot be evaluated: {type(err).__name__}: {_first_line(err)}") from None
    if isinstance(value, (_NumpyNamespace, _LinalgNamespace)) or callable(value):
        raise ExpressionError("that is a function, not a value: call it with (...)")
    if isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value, dtype=float)
        except (ValueError, TypeError):
            raise ExpressionError("the result is a list of arrays of different shapes; join them with "
                                  "np.concatenate(...) or np.vstack(...)") from None
    if value is None:
        raise ExpressionError("the expression gives nothing (None)")
    return value


# -- comparing a result with the answer ---------------------------------------------------


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
