# expect: result-column-or-flat
import numpy as np


def compute_numerical_gradient(J, theta, e=1e-4):
    def cost(t):
        out = J(t)
        return out[0] if isinstance(out, tuple) else out
    n = theta.size
    num = np.zeros((n, 1))
    for i in range(n):
        u = np.zeros(n)
        u[i] = e
        num[i] = (cost(theta + u) - cost(theta - u)) / (2 * e)
    return num
