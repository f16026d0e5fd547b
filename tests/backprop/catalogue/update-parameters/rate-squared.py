# expect: none
def update_parameters(parameters, grads, learning_rate):
    return {k: v - learning_rate ** 2 * grads['d' + k] for k, v in parameters.items()}
