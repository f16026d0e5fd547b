# expect: bias-delta-kept
import numpy as np
from tutor_helpers import sigmoid, sigmoid_gradient


def backprop_deep(thetas, X, y, lam):
    m = X.shape[0]
    Y = np.eye(thetas[-1].shape[0])[y]
    a = [np.hstack([np.ones((m, 1)), X])]
    zs = []
    for T in thetas:
        zs.append(a[-1] @ T.T)
        a.append(np.hstack([np.ones((m, 1)), sigmoid(zs[-1])]))
    h = a[-1][:, 1:]
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    J += lam / (2 * m) * sum(np.sum(T[:, 1:] ** 2) for T in thetas)
    delta = h - Y
    grads = [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        D = delta.T @ a[l] / m
        D[:, 1:] += lam / m * thetas[l][:, 1:]
        grads[l] = D
        if l > 0:
            delta = (delta @ thetas[l]) * a[l] * (1 - a[l])
    return J, grads
