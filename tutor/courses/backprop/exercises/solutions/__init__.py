"""Reference answers written for learners: what `tutor solution` shows once an exercise passes.

One module per exercise whose answer is `nn_cost_function`, each the plain
vectorised function a learner would write at that point of the course (the
library's own `tutor.core.nn_cost_function` handles any depth and caches its
work, and reads as a wrapper). The checker compares learners against these
too, so each must agree with the library to rounding (tests/backprop).
"""
