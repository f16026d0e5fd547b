# expect: symmetric-initialization
import numpy as np


def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):
    col = np.random.default_rng(rng).uniform(-epsilon, epsilon, (L_out, 1))
    return col * np.ones((1, 1 + L_in))
