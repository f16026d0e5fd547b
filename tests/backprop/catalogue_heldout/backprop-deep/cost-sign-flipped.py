# expect: sign-flipped
import numpy as np
from tutor_helpers import sigmoid, sigmoid_gradient


def backprop_deep(thetas, X, y, lam):
    m = X.shape[0]
    K = thetas[-1].shape[0]
    Y = np.eye(K)[y]
    acts, zs = [np.hstack([np.ones((m, 1)), X])], []
    for Theta in thetas:
        z = acts[-1] @ Theta.T
        zs.append(z)
        acts.append(np.hstack([np.ones((m, 1)), sigmoid(z)]))
    h = acts[-1][:, 1:]
    J = np.sum(-Y * np.log(h) - (1 - Y) * np.log(1 - h)) / m
    J += lam / (2 * m) * sum(np.sum(Theta[:, 1:] ** 2) for Theta in thetas)
    J = -J
    delta = h - Y
    grads = []
    for l in reversed(range(len(thetas))):
        D = delta.T @ acts[l] / m
        D[:, 1:] += lam / m * thetas[l][:, 1:]
        grads.insert(0, D)
        if l > 0:
            delta = (delta @ thetas[l])[:, 1:] * sigmoid_gradient(zs[l - 1])
    return J, grads
