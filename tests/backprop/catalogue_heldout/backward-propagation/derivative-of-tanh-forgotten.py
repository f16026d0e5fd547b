# expect: none
import numpy as np


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[0]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2.T @ A1 / m
    db2 = np.sum(dZ2, axis=0) / m
    dZ1 = dZ2 @ W2
    dW1 = dZ1.T @ X / m
    db1 = np.sum(dZ1, axis=0) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
