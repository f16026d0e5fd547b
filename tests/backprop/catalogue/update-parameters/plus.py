# expect: wrong-sign
def update_parameters(parameters, grads, learning_rate):
    return {k: v + learning_rate * grads['d' + k] for k, v in parameters.items()}
