# expect: wrong-init-range
import numpy as np


def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.rand(L_out, 1 + L_in) * epsilon
