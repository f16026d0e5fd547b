# expect: none
def update_parameters(parameters, grads, learning_rate):
    for k in parameters:
        parameters[k] -= learning_rate * grads['d' + k]
    return parameters
