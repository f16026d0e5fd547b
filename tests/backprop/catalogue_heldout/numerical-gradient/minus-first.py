# expect: sign-flipped
import numpy as np


def compute_numerical_gradient(J, theta, e=1e-4):
    def cost(t):
        out = J(t)
        return out[0] if isinstance(out, tuple) else out
    num = np.zeros_like(theta, dtype=float)
    for i in range(len(theta)):
        u = np.zeros_like(theta, dtype=float)
        u[i] = e
        num[i] = (cost(theta - u) - cost(theta + u)) / (2 * e)
    return num
