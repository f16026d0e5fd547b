"""The reference answers of the bundled course, registered by name.

The core's functions are the references of the core exercises; the
from-scratch lesson's answers (W/b notation) live in `scratch.py`.
Only the parent process imports this module.
"""

from __future__ import annotations

from tutor import core
from tutor.courses.backprop.exercises import scratch
from tutor.courses.backprop.exercises.solutions import (
    backprop_gradient,
    feedforward_cost,
    regularized_cost,
    regularized_gradient,
)
from tutor.plugin import reference

for _name in ("sigmoid_gradient", "rand_initialize_weights", "nn_cost_function",
              "compute_numerical_gradient", "predict"):
    reference(_name, getattr(core, _name))

for _name in ("forward_propagation", "backward_propagation", "update_parameters"):
    reference(_name, getattr(scratch, _name))

# The four exercises whose answer is nn_cost_function, each at its own stage
# (cost only, regularized cost, gradient, regularized gradient): readable,
# vectorised answers for `tutor solution`, equal to the library's to rounding.
for _module in (feedforward_cost, regularized_cost, backprop_gradient, regularized_gradient):
    reference(_module.__name__.rpartition(".")[2], _module.nn_cost_function)
