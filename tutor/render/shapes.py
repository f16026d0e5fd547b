"""The shape algebra of a matrix product, from the real arrays.

    X (100 x 3) · Wᵀ (3 x 4) → Z (100 x 4)
    inner sizes match: 65 = 65

Each operand is (name, shape, transposed) where shape is the shape of the
named array itself; transposed=True shows it as `nameᵀ` with the shape
reversed. The product is checked left to right; a mismatch is marked on the
equation and explained in one sentence under it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from tutor.render import styles
from tutor.render.symbols import plain, symbols_for, wants_ascii, wants_color


def _dims(shape: Sequence[int], transposed: bool) -> tuple[int, ...]:
    dims = tuple(int(s) for s in shape)
    return dims[::-1] if transposed and len(dims) == 2 else dims


class ShapeEquation:
    """operands: [(name, shape, transposed)] (a 2-tuple means not transposed);
    result: (name, shape) of the array that the product should give, or None.

    After construction: `.ok` is True when every inner size agrees (and the
    result, if given, has the product's shape); `.product` is the product's
    shape (None on a mismatch); `.problems` lists the sentences shown.
    """

    def __init__(self, operands, result=None):
        ops = []
        for op in operands:
            name, shape, transposed = (tuple(op) + (False,))[:3]
            ops.append((str(name), tuple(int(s) for s in shape), bool(transposed)))
        if not ops:
            raise ValueError("a shape equation needs at least one operand")
        self.operands = ops
        self.result = None if result is None else (str(result[0]), tuple(int(s) for s in result[1]))
        self.problems: list[str] = []
        self.bad_pairs: set[int] = set()  # k: operands k and k+1 do not fit
        self.matches: list[int] = []  # inner sizes that agreed
        self.product = self._multiply()
        if self.product is not None and self.result is not None and self.result[1] != self.product:
            self.problems.append(
                f"{self.result[0]} has shape {_txt(self.result[1])} but the product gives {_txt(self.product)}")
        self.ok = not self.problems

    def _multiply(self):
        name0, shape0, t0 = self.operands[0]
        current = _dims(shape0, t0)
        left_name = _label(name0, t0, "ᵀ")
        for k, (name, shape, t) in enumerate(self.operands[1:]):
            dims = _dims(shape, t)
            right_name = _label(name, t, "ᵀ")
            inner_left = current[-1] if current else None
            inner_right = dims[0] if dims else None
            if inner_left is None or inner_right is None or inner_left != inner_right:
                self.bad_pairs.add(k)
                self.problems.append(
                    f"inner sizes differ: {left_name} has {inner_left} columns but {right_name} has {inner_right} rows")
                return None
            self.matches.append(inner_left)
            current = current[:-1] + dims[1:]
            left_name = "the product"
        return current

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sym = symbols_for(console, options)
        ascii = wants_ascii(console, options)
        wants_color(console)
        width = options.max_width
        units = []  # (Text, joiner before it)
        last = len(self.operands) - 1
        for k, (name, shape, t) in enumerate(self.operands):
            dims = _dims(shape, t)
            flags = []
            for i in range(len(dims)):
                inner = (i == len(dims) - 1 and k < last) or (i == 0 and k > 0)
                bad = (i == len(dims) - 1 and k in self.bad_pairs) or (i == 0 and k - 1 in self.bad_pairs)
                flags.append("bad" if bad else "inner" if inner else None)
            unit = Text(no_wrap=True)
            unit.append(plain(_label(name, t, sym.transpose), ascii), styles.NAME)
            unit.append_text(_dims_text(dims, flags, sym.times))
            units.append((unit, f" {sym.dot} " if k else ""))
        if self.result is not None or self.product is not None:
            name = self.result[0] if self.result is not None else "result"
            if self.result is not None:
                shape = self.result[1]
                flags = [None if self.product is None or (i < len(self.product) and d == self.product[i]) else "bad"
                         for i, d in enumerate(shape)]
            else:
                shape, flags = self.product, [None] * len(self.product)
            unit = Text(no_wrap=True)
            unit.append(plain(name, ascii), styles.NAME)
            unit.append_text(_dims_text(shape, flags, sym.times))
            units.append((unit, f" {sym.arrow} "))
        yield from _wrap_units(units, width)
        if self.ok:
            line = Text()
            if sym.tick:
                line.append(sym.tick + " ", styles.PASS)
            sizes = ", ".join(f"{s} = {s}" for s in self.matches)
            line.append("OK", styles.PASS)
            line.append(f": inner sizes match ({sizes})" if sizes else ": a single operand")
            yield line
        else:
            for problem in self.problems:
                line = Text()
                if sym.cross_mark:
                    line.append(sym.cross_mark + " ", styles.FAIL)
                line.append("MISMATCH", styles.FAIL)
                line.append(": " + plain(problem.replace("ᵀ", sym.transpose), ascii))
                line.append(" (the sizes in [brackets])", styles.DIM)
                yield line


def _dims_text(dims, flags, times: str) -> Text:
    """' (1797 x 65)' with inner sizes in green and mismatched ones in
    [brackets] and red, so the mark survives without colour."""
    t = Text(" (")
    for i, (d, flag) in enumerate(zip(dims, flags)):
        if i:
            t.append(f" {times} ")
        if flag == "bad":
            t.append(f"[{d}]", styles.MISMATCH)
        else:
            t.append(str(d), styles.MATCH if flag == "inner" else None)
    t.append(")")
    return t


def _label(name: str, transposed: bool, mark: str) -> str:
    return f"{name}{mark}" if transposed else name


def _txt(shape, times: str = "x") -> str:
    return f" {times} ".join(str(s) for s in shape) if shape else "scalar"


def _wrap_units(units, width: int):
    """Lines of units joined by their operators, breaking only between units."""
    line = Text(no_wrap=True)
    for unit, joiner in units:
        if line.cell_len and line.cell_len + len(joiner) + unit.cell_len > width:
            yield line
            line = Text("  " + joiner.strip() + " ", no_wrap=True)
        else:
            line.append(joiner)
        line.append_text(unit)
    yield line
