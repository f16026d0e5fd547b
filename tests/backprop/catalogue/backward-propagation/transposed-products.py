# expect: transposed-product


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[0]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = A1.T @ dZ2 / m
    db2 = dZ2.mean(axis=0)
    dZ1 = (dZ2 @ parameters["W2"]) * (1 - A1 ** 2)
    dW1 = X.T @ dZ1 / m
    db1 = dZ1.mean(axis=0)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
