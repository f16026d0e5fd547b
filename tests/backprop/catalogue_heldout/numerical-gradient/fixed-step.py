# expect: none
import numpy as np


def compute_numerical_gradient(J, theta, e=1e-4):
    def cost(t):
        out = J(t)
        return out[0] if isinstance(out, tuple) else out
    h = 1e-2
    num = np.zeros(theta.size)
    for i in range(theta.size):
        u = np.zeros(theta.size)
        u[i] = h
        num[i] = (cost(theta + u) - cost(theta - u)) / (2 * h)
    return num
