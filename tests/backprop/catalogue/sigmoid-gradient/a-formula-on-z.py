# expect: gradient-with-a-not-z


def sigmoid_gradient(z):
    return z * (1 - z)
