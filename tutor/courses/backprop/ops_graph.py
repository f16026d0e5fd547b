"""The graph lesson's operations: one unit's cost as a graph, a fork in the real network, and the matrix form.

Each returns named values computed from the debug network (sizes 3-5-3,
m = 5) through `tutor.core`; nothing here prints.
"""

from __future__ import annotations

import numpy as np

from tutor.core import backprop, feedforward, one_hot, sigmoid
from tutor.plugin import operation


@operation("graph_unit", outputs=("x1", "x2", "x3", "w1", "w2", "w3", "b", "t", "p1", "p2", "p3", "z", "a", "J1",
                                  "class_of_example"))
def graph_unit(Theta1: np.ndarray, X: np.ndarray, y: np.ndarray, example: int = 0, unit: int = 0) -> dict:
    """One sigmoid unit on one example, every node of its cost: p_i = w_i x_i, z = p1 + p2 + p3 + b, a = g(z), J1.

    The unit is hidden unit `unit` of the network (weights Theta1[unit]:
    b, then w1..w3 for the three inputs), asked on its own whether example
    `example` (X[example], 3 inputs) is of class 0: t = 1 if it is, else 0.
    J1 = -(t log a + (1 - t) log(1 - a)), one number.
    """
    x = np.asarray(X, dtype=float)[example]
    theta = np.asarray(Theta1, dtype=float)[unit]
    b, w = float(theta[0]), theta[1:]
    p = w * x
    z = float(p.sum() + b)
    a = float(sigmoid(z))
    cls = int(np.asarray(y).ravel()[example])
    t = 1.0 if cls == 0 else 0.0
    J1 = float(-(t * np.log(a) + (1 - t) * np.log(1 - a)))
    return {"x1": float(x[0]), "x2": float(x[1]), "x3": float(x[2]), "w1": float(w[0]), "w2": float(w[1]),
            "w3": float(w[2]), "b": b, "t": t, "p1": float(p[0]), "p2": float(p[1]), "p3": float(p[2]),
            "z": z, "a": a, "J1": J1, "class_of_example": cls}


@operation("graph_unit_backward", outputs=("dJ1_dJ1", "dJ1_da", "dJ1_dz", "dJ1_dp1", "dJ1_dp2", "dJ1_dp3", "dJ1_db",
                                           "dJ1_dw1", "dJ1_dw2", "dJ1_dw3", "dJ1_dx1", "dJ1_dx2", "dJ1_dx3"))
def graph_unit_backward(a, t, x1, x2, x3, w1, w2, w3) -> dict:
    """Every gradient of the unit's cost J1, node by node from the top (the chain rule done by hand).

    dJ1_da = (1 - t)/(1 - a) - t/a; dJ1_dz = dJ1_da a(1 - a) (= a - t);
    a sum passes its gradient to every input; a product sends each input the
    gradient times the other factor.
    """
    da = (1 - t) / (1 - a) - t / a
    dz = da * a * (1 - a)
    return {"dJ1_dJ1": 1.0, "dJ1_da": float(da), "dJ1_dz": float(dz), "dJ1_dp1": float(dz), "dJ1_dp2": float(dz),
            "dJ1_dp3": float(dz), "dJ1_db": float(dz), "dJ1_dw1": float(dz * x1), "dJ1_dw2": float(dz * x2),
            "dJ1_dw3": float(dz * x3), "dJ1_dx1": float(dz * w1), "dJ1_dx2": float(dz * w2),
            "dJ1_dx3": float(dz * w3)}


@operation("graph_fork", outputs=("h", "v", "v1", "v2", "v3", "r1", "r2", "r3", "Y1", "Y2", "Y3", "u1", "u2", "u3",
                                  "zo1", "zo2", "zo3", "Jo1", "Jo2", "Jo3", "Jo", "d3", "fork_sum", "delta3",
                                  "a2", "hidden_unit", "dJo_dJo", "dJo_dJo1", "dJo_dJo2", "dJo_dJo3", "dJo_dzo1",
                                  "dJo_dzo2", "dJo_dzo3", "dJo_du1", "dJo_du2", "dJo_du3"))
def graph_fork(thetas, X: np.ndarray, y: np.ndarray, example: int = 0, hidden_unit: int = 1) -> dict:
    """A fork in the real network: hidden activation h = a2[example, hidden_unit] feeds all three output units.

    v (3,): Theta2[:, hidden_unit], the weights from h to the outputs.
    u_k = v_k h; r_k: the rest of z3[example, k] (bias and the other hidden
    units); zo_k = r_k + u_k; Jo_k: the example's cost at output k;
    Jo = Jo1 + Jo2 + Jo3 (that example's unregularized cost, not divided by m).
    d3 (3,): delta3[example] = a3 - Y; fork_sum = d3 . v = dJo/dh, the sum over the fork.
    dJo_d<node>: the gradient of Jo at every node above h (h's own is left for the learner).
    delta3 (m, K) and a2 (m, 1 + hidden) for every example.
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    fw = feedforward(thetas, X)
    a2, a3 = fw.a[1], fw.a[-1]
    Y = one_hot(np.asarray(y).ravel().astype(int), a3.shape[1])
    delta3 = a3 - Y
    Theta2 = thetas[1]
    h = float(a2[example, hidden_unit])
    v = Theta2[:, hidden_unit]
    z3 = a2[example] @ Theta2.T
    u = v * h
    r = z3 - u
    Jk = -(Y[example] * np.log(a3[example]) + (1 - Y[example]) * np.log(1 - a3[example]))
    d3 = delta3[example]
    out = {"h": h, "v": v, "d3": d3, "fork_sum": float(d3 @ v), "delta3": delta3, "a2": a2,
           "Jo": float(Jk.sum()), "hidden_unit": hidden_unit, "dJo_dJo": 1.0}
    for k in range(3):
        out[f"v{k + 1}"] = float(v[k])
        out[f"r{k + 1}"] = float(r[k])
        out[f"Y{k + 1}"] = float(Y[example, k])
        out[f"u{k + 1}"] = float(u[k])
        out[f"zo{k + 1}"] = float(z3[k])
        out[f"Jo{k + 1}"] = float(Jk[k])
        out[f"dJo_dJo{k + 1}"] = 1.0  # a sum passes its gradient on unchanged
        out[f"dJo_dzo{k + 1}"] = float(d3[k])  # logloss of a sigmoid: a - y
        out[f"dJo_du{k + 1}"] = float(d3[k])
    return out


@operation("graph_matrices", outputs=("A", "B", "dZ", "Zmat", "dA", "dB", "Delta2_T"))
def graph_matrices(thetas, X: np.ndarray, y: np.ndarray) -> dict:
    """Z = A B for the output layer of every example at once: A = a2 (m, 1 + s2), B = Theta2ᵀ (1 + s2, K).

    dZ = delta3 (m, K), the gradient of the summed cost with respect to Z.
    dA = dZ Bᵀ (m, 1 + s2) and dB = Aᵀ dZ (1 + s2, K). Delta2_T: the
    accumulated Delta2 from tutor.core's backprop (its D2 times m, lambda 0),
    transposed (1 + s2, K), which dB must equal.
    """
    thetas = [np.asarray(T, dtype=float) for T in thetas]
    fw = feedforward(thetas, X)
    A, B = fw.a[1], thetas[1].T
    Y = one_hot(np.asarray(y).ravel().astype(int), thetas[1].shape[0])
    dZ = fw.a[-1] - Y
    m = X.shape[0]
    grads = backprop(thetas, X, y, 0.0)
    return {"A": A, "B": B, "dZ": dZ, "Zmat": A @ B, "dA": dZ @ B.T, "dB": A.T @ dZ,
            "Delta2_T": np.asarray(grads.grads[1]).T * m}
