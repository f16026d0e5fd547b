# expect: init-missing-bias-column
import numpy as np


def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):
    return np.random.uniform(-epsilon, epsilon, (L_out, L_in))
