"""The maths of a feed-forward network: pure numpy/scipy, no printing.

Everything here returns data. The public contract (DESIGN.md section 4) is
importable from `tutor.core`: sigmoid, sigmoid_gradient,
debug_initialize_weights, rand_initialize_weights, unroll, reshape_params,
nn_cost_function, compute_numerical_gradient, check_nn_gradients, predict.
"""

from tutor.core.activations import ACTIVATIONS, get_activation, sigmoid, sigmoid_gradient, tanh, tanh_gradient
from tutor.core.backprop import (
    Gradients,
    LoopResult,
    backprop,
    backprop_example,
    backprop_loop,
    nn_cost_function,
    nn_cost_function_loop,
)
from tutor.core.cost import cross_entropy, cross_entropy_from_z, nn_cost, one_hot, regularization
from tutor.core.forward import Forward, add_bias, affine, as_float, feedforward, output
from tutor.core.gradcheck import (
    GradientCheck,
    SpotCheck,
    check_nn_gradients,
    compute_numerical_gradient,
    debug_problem,
    relative_difference,
    spot_check,
    verdict,
)
from tutor.core.init import (
    debug_initialize_weights,
    epsilon_init,
    initialize_params,
    normal_initialize_weights,
    rand_initialize_weights,
)
from tutor.core.metrics import accuracy, confusion_matrix, decision_grid, predict
from tutor.core.params import layer_sizes_of, n_params, reshape_params, theta_shapes, unroll
from tutor.core.train import DEFAULT_METHOD, METHODS, TrainRecord, TrainResult, train, train_network

__all__ = [name for name in dir() if not name.startswith("_")]
