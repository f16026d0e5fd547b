# expect: pass
import numpy as np


def compute_numerical_gradient(J, theta, e=1e-4):
    def cost(t):
        out = J(t)
        return out[0] if isinstance(out, tuple) else out
    num = np.zeros(theta.size)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + e
        plus = cost(theta)
        theta[i] = old - e
        minus = cost(theta)
        theta[i] = old + 0.1 - 0.1
        num[i] = (plus - minus) / (2 * e)
    return num
