"""How much one typed expression may cost, and the errors it raises when it asks for more.

Limits hold for the whole evaluation, not for one step of it: a `Budget`
is charged *before* every operation with the numbers it will allocate and
an estimate of the work it will do, so an expression is refused before it
allocates gigabytes or starts a computation that would run for a minute.
The wall-clock deadline is a backstop, checked between operations.

Units: sizes are counts of numbers (a float64 is 8 bytes); work is in
"element operations", about the cost of one `np.exp` of one number
(20 ns here), so MAX_WORK is roughly two seconds of the slowest kind.
"""

from __future__ import annotations

import math
import time

MAX_LENGTH = 400  # characters of typed text
MAX_DEPTH = 40  # nesting of the syntax tree
MAX_ELEMENTS = 6_000_000  # numbers in any one result or intermediate (the course's a1 is 5000 x 401)
MAX_TOTAL_ELEMENTS = 40_000_000  # numbers allocated by the whole evaluation (320 MB of float64 at most)
MAX_PRODUCT_WORK = 1_000_000_000  # multiply-adds in one matrix product
MAX_WORK = 100_000_000  # element operations for the whole evaluation
MAX_INT_BITS = 256  # Python integers beyond this are refused
TIME_LIMIT = 3.0  # seconds for one evaluation (checked between operations)

# Matrix products and decompositions run in optimised BLAS/LAPACK code: one
# multiply-add there costs a small fraction of an elementwise numpy operation.
PRODUCT_WORK_PER_UNIT = 50  # multiply-adds per unit of work
DECOMPOSITION_WORK_PER_UNIT = 10  # flops of an SVD (about min(m,n)^2 max(m,n)) per unit of work


class ExpressionError(Exception):
    """The expression cannot be evaluated. `part` is the piece of text to blame (or None)."""

    def __init__(self, message: str, part: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.part = part


class ShapeError(ExpressionError):
    """Two operands whose shapes do not fit; the message names both shapes."""


def shape_text(shape) -> str:
    """(5000, 25) -> '5000 x 25'; () -> 'a single number'; (25,) -> '25 (a vector)'."""
    shape = tuple(shape)
    if not shape:
        return "a single number"
    if len(shape) == 1:
        return f"{shape[0]} (a vector)"
    return " x ".join(str(s) for s in shape)


def size_of(shape) -> int:
    """The number of entries of an array of this shape: (5000, 25) -> 125000."""
    return math.prod(int(s) for s in shape)


def check_size(n: int, what: str, part: str | None) -> None:
    """Refuse one result or intermediate of more than MAX_ELEMENTS numbers."""
    if n > MAX_ELEMENTS:
        raise ExpressionError(
            f"{what} would hold {n:,} numbers; expressions here are limited to {MAX_ELEMENTS:,}", part)


class Budget:
    """What is left of one evaluation's allowance: numbers allocated, work done, time.

    `charge(elements, work, part)` is called before each operation with the
    numbers it will allocate and the element operations it will cost; the
    first charge that goes over refuses the whole expression.
    """

    def __init__(self, time_limit: float = TIME_LIMIT, *, elements: int = MAX_TOTAL_ELEMENTS,
                 work: float = MAX_WORK) -> None:
        self.time_limit = time_limit
        self.deadline = time.monotonic() + time_limit
        self.elements_left = elements
        self.work_left = work

    def charge(self, elements: int, work: float, part: str | None) -> None:
        self.check_time()
        self.elements_left -= max(0, int(elements))
        self.work_left -= max(0.0, float(work))
        if self.elements_left < 0:
            raise ExpressionError(
                f"`{part}` would take the expression past {MAX_TOTAL_ELEMENTS:,} numbers in all; "
                "keep the arrays it builds smaller", part)
        if self.work_left < 0:
            raise ExpressionError(
                f"`{part}` would take the expression past its allowance of computation "
                f"(about {TIME_LIMIT:g} seconds); use smaller arrays", part)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise ExpressionError(f"the expression took longer than {self.time_limit:g} seconds and was stopped")
