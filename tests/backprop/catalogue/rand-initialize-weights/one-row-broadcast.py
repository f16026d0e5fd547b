# expect: symmetric-initialization
import numpy as np


def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):
    row = np.random.default_rng(rng).uniform(-epsilon, epsilon, (1, 1 + L_in))
    return np.ones((L_out, 1)) * row
