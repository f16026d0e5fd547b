# expect: none
import numpy as np


def compute_numerical_gradient(J, theta, e=1e-4):
    num = np.zeros(len(theta))
    for i in range(len(theta)):
        u = np.zeros(len(theta))
        u[i] = e
        num[i] = (J(theta + u) - J(theta - u)) / (2 * e)
    return num
