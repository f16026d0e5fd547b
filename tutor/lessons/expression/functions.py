"""The functions a course lets learners call by name in typed expressions (`sigmoid(z)`).

Registered into the registering module's vocabulary (tutor.base.registry):
a course plugin's functions belong to that course, so two courses loaded in
one process never see each other's, and a clash names both owners. No numpy
here: a plugin registers its vocabulary while `tutor --help` builds the
command list without importing numpy.
"""

from __future__ import annotations

from collections.abc import Callable

from tutor.base.registry import caller_module, register


def expression_function(name: str) -> Callable[[Callable], Callable]:
    """Register `func` as callable by `name` inside typed expressions of the registering course.

    A course plugin uses it for its own vocabulary (`squash(z)`). The
    function must be pure and elementwise: it receives read-only arrays,
    is charged as one elementwise operation on its arguments, and its
    result is checked against MAX_ELEMENTS after the call. A lesson's
    expression steps find it in their course's vocabulary (`functions`).
    """
    module = caller_module()

    def add(func: Callable) -> Callable:
        register("expression function", name, func, module)
        return func

    return add
