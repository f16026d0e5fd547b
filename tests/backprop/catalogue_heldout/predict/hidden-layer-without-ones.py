# expect: missing-bias-column
import numpy as np
from tutor_helpers import sigmoid


def predict(thetas, X):
    Theta1, Theta2 = thetas
    m = X.shape[0]
    a1 = np.hstack([np.ones((m, 1)), X])
    a2 = sigmoid(a1 @ Theta1.T)
    h = sigmoid(a2 @ Theta2.T)
    return np.argmax(h, axis=1)
