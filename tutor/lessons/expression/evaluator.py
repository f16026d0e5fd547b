"""A safe evaluator for the numpy expressions a learner types.

`evaluate(text, names)` parses `text` with `ast` and walks the tree itself:
nothing is handed to Python's `eval`. Only the allow-list (allowed.py) gets
through: names bound by the lesson, numbers, arithmetic and comparisons,
indexing and slices, the array attributes and methods, the numpy functions
and the course's registered functions, with keywords from KEYWORDS.
Everything else (attributes starting with `_`, imports, lambdas,
comprehensions, f-strings, `:=`, `*args`, ...) is refused with an
`ExpressionError` naming the part of the text that is not allowed.

The lesson's values cannot be changed: the walk sees read-only views of
them (a function asked to write into one fails), and no allowed call takes
an output array. Every operation is charged to one Budget for the whole
evaluation before it runs (limits.py), so sizes and time are bounded for
the expression as a whole, not step by step.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from tutor.base.pyparse import parse as parse_python
from tutor.lessons.expression.allowed import (
    ARRAY_ATTRIBUTES,
    ARRAY_METHODS,
    KEYWORDS,
    LINALG_FUNCTIONS,
    NUMPY_CONSTANTS,
    NUMPY_FUNCTIONS,
    broadcast_shape,
    count,
    matmul_shape,
    short_list,
)
from tutor.lessons.expression.limits import (
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_INT_BITS,
    MAX_LENGTH,
    PRODUCT_WORK_PER_UNIT,
    TIME_LIMIT,
    Budget,
    ExpressionError,
    ShapeError,
    check_size,
    shape_text,
    size_of,
)

FUNCTION_WORK = 4.0  # a course's function (sigmoid) costs about four elementwise operations per number


class NumpyNamespace:
    """What `np` means inside an expression: nothing but a marker."""


class LinalgNamespace:
    """What `np.linalg` means inside an expression."""


NP = NumpyNamespace()
LINALG = LinalgNamespace()

BINARY_OPERATORS = {
    ast.Add: ("+", lambda a, b: a + b), ast.Sub: ("-", lambda a, b: a - b), ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b), ast.FloorDiv: ("//", lambda a, b: a // b),
    ast.Mod: ("%", lambda a, b: a % b), ast.Pow: ("**", lambda a, b: a ** b),
}
COMPARISONS = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
}
REFUSED = {
    ast.Lambda: "a lambda", ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string", ast.NamedExpr: "an assignment (:=)",
    ast.Starred: "unpacking with *", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Dict: "a dict", ast.Set: "a set", ast.IfExp: "an if-else expression", ast.BoolOp: "and / or",
}


def read_only(value):
    """`value` as the walk may see it: arrays as read-only views (nothing copied), lists of them likewise."""
    if isinstance(value, np.ndarray):
        view = value.view()
        view.flags.writeable = False
        return view
    if isinstance(value, list):
        return [read_only(v) for v in value]
    if isinstance(value, tuple):
        return tuple(read_only(v) for v in value)
    return value


class Walk:
    """One evaluation: the text (for naming parts), the read-only names, and the budget it spends."""

    def __init__(self, text: str, names: Mapping[str, Any], budget: Budget,
                 functions: Mapping[str, Any] | None = None) -> None:
        self.text = text
        self.names = {k: read_only(v) for k, v in names.items()}
        self.budget = budget
        self.functions = functions if functions is not None else {}

    def part(self, node) -> str:
        seg = ast.get_source_segment(self.text, node)
        return seg if seg is not None else type(node).__name__

    def refuse(self, node, why: str):
        raise ExpressionError(f"`{self.part(node)}` is not allowed: {why}", self.part(node))

    # the dispatcher
    def ev(self, node) -> Any:
        self.budget.check_time()
        for kind, what in REFUSED.items():
            if isinstance(node, kind):
                self.refuse(node, f"{what} is not part of the expressions you can type here")
        method = getattr(self, "ev_" + type(node).__name__, None)
        if method is None:
            self.refuse(node, "only arithmetic, indexing and calls to allowed functions can be typed here")
        value = method(node)
        if isinstance(value, np.ndarray):
            check_size(value.size, f"`{self.part(node)}`", self.part(node))
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
            return NP
        if name in self.names:
            return self.names[name]
        if name in self.functions:
            return self.functions[name]
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        from tutor.base.errors import did_you_mean

        hint = did_you_mean(name, list(self.names) + list(self.functions))
        raise ExpressionError(f"`{name}` is not a name this step knows{hint or '.'} "
                              f"Names you can use: {', '.join(sorted(self.names))}", name)

    def ev_Tuple(self, node):
        return tuple(self.ev(e) for e in node.elts)

    def ev_List(self, node):
        return [self.ev(e) for e in node.elts]

    def ev_UnaryOp(self, node):
        v = self.operand(node.operand, node)
        self.budget.charge(np.size(v), np.size(v), self.part(node))
        if isinstance(node.op, ast.USub):
            return -v
        if isinstance(node.op, ast.UAdd):
            return +v
        self.refuse(node, "only - and + go in front of a value")

    def operand(self, node, parent):
        v = self.ev(node)
        if isinstance(v, (list, tuple)):
            if all(np.isscalar(x) for x in v):
                self.budget.charge(len(v), len(v), self.part(node))
                v = np.asarray(v, dtype=float)
            else:
                v = None
        if v is None or not (isinstance(v, (np.ndarray, np.generic)) or
                             (isinstance(v, (int, float)) and not isinstance(v, bool)) or isinstance(v, bool)):
            self.refuse(node, "arithmetic works on numbers and arrays only")
        return v

    def ev_BinOp(self, node):
        part = self.part(node)
        if isinstance(node.op, ast.MatMult):
            a, b = self.operand(node.left, node), self.operand(node.right, node)
            out = matmul_shape(a, b, part)
            n = size_of(out)
            self.budget.charge(n, n * np.shape(a)[-1] / PRODUCT_WORK_PER_UNIT + n, part)
            return a @ b
        if type(node.op) not in BINARY_OPERATORS:
            self.refuse(node, "bitwise operators are not used here")
        sym, fn = BINARY_OPERATORS[type(node.op)]
        a, b = self.operand(node.left, node), self.operand(node.right, node)
        if isinstance(node.op, ast.Pow):
            self.check_power(a, b, node)
        n = size_of(broadcast_shape(a, b, sym, part))
        self.budget.charge(n, n, part)
        if isinstance(a, int) and isinstance(b, int) and isinstance(node.op, ast.Div) and b == 0:
            raise ExpressionError(f"`{part}` divides by zero", part)
        with np.errstate(all="ignore"):
            try:
                return fn(a, b)
            except ZeroDivisionError:
                raise ExpressionError(f"`{part}` divides by zero", part) from None
            except OverflowError:
                raise ExpressionError(f"`{part}` is a number too large to use here", part) from None

    def check_power(self, a, b, node) -> None:
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
            if type(op) not in COMPARISONS:
                self.refuse(node, "only == != < <= > >= compare values here")
            right = self.operand(right_node, node)
            n = size_of(broadcast_shape(left, right, "a comparison", self.part(node)))
            self.budget.charge(2 * n, 2 * n, self.part(node))
            r = COMPARISONS[type(op)](left, right)
            result = r if result is None else result & r
            left = right
        return result

    # attributes and calls
    def ev_Attribute(self, node):
        attr = node.attr
        if attr.startswith("_"):
            self.refuse(node, "attributes starting with _ are never reachable")
        base = self.ev(node.value)
        if base is NP:
            if attr == "linalg":
                return LINALG
            if attr in NUMPY_CONSTANTS:
                return NUMPY_CONSTANTS[attr]
            if attr in NUMPY_FUNCTIONS:
                self.refuse(node, f"np.{attr} is a function: call it, as np.{attr}(...)")
            self.refuse(node, f"np.{attr} is not one of the numpy functions you can use here ({short_list()})")
        if base is LINALG:
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
        func, allowed, label, base = self.callee(node.func)
        part = self.part(node)
        if allowed is not None and len(node.args) > allowed.max_args:
            most = {0: "no arguments", 1: "one argument"}.get(allowed.max_args, f"{allowed.max_args} arguments")
            self.refuse(node, f"{label} takes at most {most} here (keywords: {', '.join(KEYWORDS)})")
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
        for a in args + list(kwargs.values()):
            check_size(count(a), "an argument", part)  # a list of arrays becomes one array: bound it first
        if allowed is None:  # a course's function: elementwise on its arguments
            n = sum(count(a) for a in args)
            self.budget.charge(2 * n, FUNCTION_WORK * n, part)
        else:
            elements, work = allowed.cost(args if base is None else [base] + args, kwargs, part)
            self.budget.charge(elements, work, part)
        if label in ("np.array", "np.asarray"):
            args = [np.asarray(a, dtype=float) if isinstance(a, (list, tuple)) else a for a in args]
            if any(isinstance(a, np.ndarray) and a.dtype == object for a in args):
                raise ExpressionError("np.array takes numbers or arrays of one shape", part)
        with np.errstate(all="ignore"):
            try:
                result = func(*args, **kwargs)
            except ShapeError:
                raise
            except (ValueError, TypeError, IndexError) as err:  # numpy's AxisError is both of the first
                raise ExpressionError(f"`{part}`: {first_line(err)}", part) from None
        if isinstance(result, np.ndarray) and result.dtype == object:
            raise ExpressionError(f"`{part}` does not give an array of numbers", part)
        return result

    def callee(self, fnode):
        """(function, its Allowed entry or None for a course function, label, the array of a method or None)."""
        if isinstance(fnode, ast.Name):
            if fnode.id in self.functions and fnode.id not in self.names:
                return self.functions[fnode.id], None, fnode.id, None
            if fnode.id.startswith("_"):
                self.refuse(fnode, "names starting with _ are never reachable")
            if fnode.id in self.names:
                self.refuse(fnode, f"{fnode.id} is a value, not a function")
            from tutor.base.errors import did_you_mean

            known = list(self.functions)
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
                    self.refuse(fnode, f"np.{attr} is not one of the numpy functions you can use here ({short_list()})")
                return getattr(np, attr), NUMPY_FUNCTIONS[attr], f"np.{attr}", None
            base = self.ev(base_node)
            if base is LINALG:
                if attr not in LINALG_FUNCTIONS:
                    self.refuse(fnode, "np.linalg.norm is the one function of np.linalg you can call here")
                return getattr(np.linalg, attr), LINALG_FUNCTIONS[attr], f"np.linalg.{attr}", None
            if isinstance(base, (int, float, np.generic)) and not isinstance(base, bool):
                base = np.asarray(base)
            if not isinstance(base, np.ndarray):
                self.refuse(fnode, "only arrays have methods here")
            if attr not in ARRAY_METHODS:
                self.refuse(fnode, f".{attr}() is not one of the array methods you can use here "
                                   f"({', '.join(ARRAY_METHODS)})")
            return getattr(base, attr), ARRAY_METHODS[attr], f".{attr}()", base
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
        n = index_size(base.shape, index)
        check_size(n, "this selection", part)
        self.budget.charge(n, n, part)
        try:
            return base[index]
        except IndexError as err:
            raise ExpressionError(f"`{part}`: {first_line(err)} (the array is {shape_text(base.shape)})", part) from None

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
            check_size(count(v), "an index", self.part(node))
            v = np.asarray(v)
        if isinstance(v, np.ndarray) and v.dtype.kind not in "iub":
            self.refuse(node, "an index array holds whole numbers or True/False")
        return v


def index_size(shape: tuple[int, ...], index) -> int:
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


def first_line(err: Exception) -> str:
    """The first line of an exception's message (numpy's can run to several)."""
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def depth(tree) -> int:
    """How deeply the syntax tree nests (stops counting past MAX_DEPTH)."""
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
            tree = parse_python(text, mode="eval")
    except SyntaxError as err:
        where = f" at column {err.offset}" if err.offset else ""
        raise ExpressionError(f"this is not a Python expression{where}: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply to read") from None
    if depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    return tree


def names_used(text: str, functions: Mapping[str, Any] | None = None) -> set[str]:
    """The bare names an expression reads (not `np`, not attribute names, not a call of one of `functions`):
    for load-time scope checks."""
    tree = parse(text)
    functions = functions if functions is not None else {}
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in ("np", "numpy")
            and not (id(n) in called and n.id in functions)}


def check_syntax(text: str) -> None:
    """Refuse, without any values, what could never be allowed: a load-time check for lesson authors."""
    tree = parse(text)
    for node in ast.walk(tree):
        for kind, what in REFUSED.items():
            if isinstance(node, kind):
                raise ExpressionError(f"{what} is not part of the expressions a learner can type", None)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionError(f"the attribute .{node.attr} is never reachable", node.attr)
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(f"the name {node.id} is never reachable", node.id)


def evaluate(text: str, names: Mapping[str, Any], *, functions: Mapping[str, Any] | None = None,
             time_limit: float = TIME_LIMIT) -> Any:
    """The value of `text` with `names` bound; ExpressionError for anything not allowed or too big.

    names: the values a learner may use, {name: number | ndarray | list of ndarray}; never changed.
    functions: what may be called by name, {name: function} (a course vocabulary's `functions`).
    The result is a number or an ndarray of its own (at most MAX_ELEMENTS numbers).
    """
    tree = parse(text)
    walk = Walk(text.strip(), names, Budget(time_limit), functions)
    try:
        value = walk.ev(tree)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply to evaluate") from None
    except MemoryError:
        raise ExpressionError("the expression needs more memory than is allowed here") from None
    except ExpressionError:
        raise
    except (ValueError, TypeError, IndexError, ArithmeticError) as err:
        raise ExpressionError(f"the expression cannot be evaluated: {first_line(err)}") from None
    except Exception as err:  # noqa: BLE001 - whatever numpy raises, the learner gets a line, not a traceback
        raise ExpressionError(f"the expression cannot be evaluated: {type(err).__name__}: {first_line(err)}") from None
    if isinstance(value, (NumpyNamespace, LinalgNamespace)) or callable(value):
        raise ExpressionError("that is a function, not a value: call it with (...)")
    if isinstance(value, (list, tuple)):
        if count(value) > MAX_ELEMENTS:
            raise ExpressionError(f"the result would hold more than {MAX_ELEMENTS:,} numbers")
        try:
            value = np.asarray(value, dtype=float)
        except (ValueError, TypeError):
            raise ExpressionError("the result is a list of arrays of different shapes; join them with "
                                  "np.concatenate(...) or np.vstack(...)") from None
    if value is None:
        raise ExpressionError("the expression gives nothing (None)")
    if isinstance(value, np.ndarray) and not value.flags.writeable:
        value = value.copy()  # a view of a lesson value: the caller gets its own array, never the lesson's
    return value
