# expect: missing-learning-rate
def update_parameters(parameters, grads, learning_rate):
    return {k: v - grads['d' + k] for k, v in parameters.items()}
