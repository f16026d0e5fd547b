"""The softmax exercise's reference, and two wrong versions its mistakes are confirmed with."""

import numpy as np


def softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def naive_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.exp(Z)
        return E / E.sum(axis=1, keepdims=True)


def softmax_by_columns(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
