# expect: none
import numpy as np


def compute_numerical_gradient(J, theta, e=1e-4):
    def cost(t):
        out = J(t)
        return out[0] if isinstance(out, tuple) else out
    num = np.zeros(theta.size)
    u = np.zeros(theta.size)
    u[0] = e
    for i in range(theta.size):
        num[i] = (cost(theta + u) - cost(theta - u)) / (2 * e)
    return num
