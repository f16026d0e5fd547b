# expect: symmetric-initialization
import numpy as np


def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):
    W = np.empty((L_out, 1 + L_in))
    for i in range(L_out):
        np.random.seed(42)
        W[i] = np.random.uniform(-epsilon, epsilon, 1 + L_in)
    return W
