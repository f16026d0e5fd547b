# expect: perturbed-all-at-once
import numpy as np


def compute_numerical_gradient(J, theta, e=1e-4):
    def cost(t):
        out = J(t)
        return out[0] if isinstance(out, tuple) else out
    g = (cost(theta + e) - cost(theta - e)) / (2 * e)
    return np.full(theta.size, g)
