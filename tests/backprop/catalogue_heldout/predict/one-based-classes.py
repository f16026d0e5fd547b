# expect: labels-off-by-one
import numpy as np
from tutor_helpers import sigmoid


def predict(thetas, X):
    Theta1, Theta2 = thetas
    m = X.shape[0]
    a1 = np.c_[np.ones(m), X]
    h1 = sigmoid(a1.dot(Theta1.T))
    h2 = sigmoid(np.c_[np.ones(m), h1].dot(Theta2.T))
    return h2.argmax(axis=1) + 1
