"""The functions a course lets learners call by name in typed expressions (`sigmoid(z)`).

A registry only: no numpy here, so a plugin can register its vocabulary
while `tutor --help` builds the command list without importing numpy.
"""

from __future__ import annotations

from collections.abc import Callable

FUNCTIONS: dict[str, Callable] = {}


def expression_function(name: str) -> Callable[[Callable], Callable]:
    """Register `func` as callable by `name` inside typed expressions.

    A course plugin uses it for its own vocabulary (`squash(z)`). The
    function must be pure and elementwise: it receives read-only arrays,
    is charged as one elementwise operation on its arguments, and its
    result is checked against MAX_ELEMENTS after the call.
    """

    def register(func: Callable) -> Callable:
        if name in FUNCTIONS and FUNCTIONS[name] is not func:
            raise RuntimeError(f"expression function {name!r} registered twice")
        FUNCTIONS[name] = func
        return func

    return register
