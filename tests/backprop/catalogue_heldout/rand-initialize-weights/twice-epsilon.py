# expect: wrong-init-range
import numpy as np


def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):
    rng = np.random.default_rng(rng)
    return rng.uniform(-2 * epsilon, 2 * epsilon, size=(L_out, 1 + L_in))
