"""The network's operations a lesson of this course can name in a `compute` step.

Each is a thin, documented wrapper over `tutor.core`: named inputs in, one
value or a dict of named values out (the `outputs` the loader checks names
against). Inputs that share a bound name's spelling are filled from it when
a lesson leaves them out (`lam` is filled from `lambda`).
"""

from __future__ import annotations

import numpy as np

from tutor import core
from tutor.plugin import operation


def _thetas(thetas) -> list[np.ndarray]:
    if isinstance(thetas, np.ndarray) and thetas.ndim == 2:
        return [thetas]
    return [np.asarray(T, dtype=float) for T in thetas]


def _labels(y) -> np.ndarray:
    return np.asarray(y, dtype=np.intp).ravel()


# -- the forward pass -------------------------------------------------------------


@operation("forward", outputs=("a1", "z2", "a2", "z3", "a3", "h"), literals=("activation",))
def forward(thetas, X, activation="sigmoid"):
    """Forward pass over all rows of X: a1 (m, n+1), z2, a2 (with bias), z3, h = a3 (m, K)."""
    return core.feedforward(_thetas(thetas), np.asarray(X, dtype=float), activation).named()





@operation("sigmoid_gradient")
def sigmoid_gradient(z):
    """g'(z) = g(z) (1 - g(z)), elementwise."""
    return core.sigmoid_gradient(np.asarray(z, dtype=float))


@operation("activate", literals=("activation",))
def activate(z, activation="sigmoid"):
    """The hidden activation g(z) (sigmoid or tanh), elementwise."""
    return core.get_activation(activation)[0](np.asarray(z, dtype=float))


@operation("follow", outputs=("x", "label", "a1_i", "z2_i", "a2_i", "z3_i", "h_i", "prediction", "digit",
                               "label_name"),
           literals=("activation",))
def follow(thetas, X, y, index=0, activation="sigmoid", class_names=None):
    """One example (row `index`) through the network as column vectors: a1_i (n+1,), ..., h_i (K,)."""
    X = np.asarray(X, dtype=float)
    index = int(index)
    if not 0 <= index < X.shape[0]:
        raise ValueError(f"example {index} does not exist; there are {X.shape[0]} (0 to {X.shape[0] - 1})")
    thetas = _thetas(thetas)
    K = thetas[-1].shape[0]
    a, z, _ = core.backprop_example(thetas, X[index], core.one_hot(_labels(y)[index:index + 1], K)[0], activation)
    h = a[-1]
    pred = int(h[0] >= 0.5) if K == 1 else int(np.argmax(h))
    names = list(class_names) if class_names is not None else None
    out = {"x": X[index], "label": int(_labels(y)[index]), "a1_i": a[0], "z2_i": z[0], "a2_i": a[1],
           "z3_i": z[1] if len(z) > 1 else z[0], "h_i": h, "prediction": pred,
           "digit": names[pred] if names and pred < len(names) else str(pred)}
    label = out["label"]
    out["label_name"] = names[label] if names and label < len(names) else str(label)
    return out









# -- the cost ----------------------------------------------------------------------



@operation("cost", literals=("activation",))
def cost(thetas, X, y, lam=0.0, activation="sigmoid"):
    """J: cross-entropy over all examples plus lambda/(2m) * the squared non-bias weights."""
    return float(core.nn_cost(_thetas(thetas), np.asarray(X, dtype=float), _labels(y), float(lam), activation))


@operation("cost_parts", outputs=("J", "J_unreg", "reg"), literals=("activation",))
def cost_parts(thetas, X, y, lam=0.0, activation="sigmoid"):
    """J split in two: the data term J_unreg and the regularization term reg (J = J_unreg + reg)."""
    thetas = _thetas(thetas)
    X = np.asarray(X, dtype=float)
    unreg = float(core.nn_cost(thetas, X, _labels(y), 0.0, activation))
    reg = float(core.regularization(thetas, float(lam), X.shape[0]))
    return {"J": unreg + reg, "J_unreg": unreg, "reg": reg}


@operation("cross_entropy")
def cross_entropy(h, Y):
    """The unregularized cost from outputs h (m, K) and targets Y (m, K)."""
    return core.cross_entropy(np.asarray(h, dtype=float), np.asarray(Y, dtype=float))


@operation("regularization")
def regularization(thetas, lam, m):
    """lambda/(2m) * the sum of squared weights, bias columns left out."""
    return float(core.regularization(_thetas(thetas), float(lam), int(m)))


# -- gradients ----------------------------------------------------------------------


@operation("backprop", outputs=("J", "grad", "grads", "D1", "D2", "delta2", "delta3"), literals=("activation",))
def backprop(thetas, X, y, lam=0.0, activation="sigmoid"):
    """Vectorized backpropagation: J, the unrolled gradient, D1 D2 (like the Thetas), delta2 delta3."""
    g = core.backprop(_thetas(thetas), np.asarray(X, dtype=float), _labels(y), float(lam), activation)
    out = {"J": g.J, "grad": core.unroll(g.grads), "grads": g.grads}
    for i, D in enumerate(g.grads, start=1):
        out[f"D{i}"] = D
    for i, d in enumerate(g.deltas, start=2):
        out[f"delta{i}"] = d
    return out


@operation("backprop_loop", outputs=("J", "grad", "grads", "D1", "D2", "Delta1", "Delta2"), literals=("activation",))
def backprop_loop(thetas, X, y, lam=0.0, activation="sigmoid"):
    """Backpropagation one example at a time: J, the gradient, D1 D2, and the accumulators Delta1 Delta2."""
    res = core.backprop_loop(_thetas(thetas), np.asarray(X, dtype=float), _labels(y), float(lam), activation)
    out = {"J": res.J, "grad": core.unroll(res.grads), "grads": res.grads}
    for i, (D, Delta) in enumerate(zip(res.grads, res.Deltas), start=1):
        out[f"D{i}"] = D
        out[f"Delta{i}"] = Delta
    return out


@operation("backprop_example", outputs=("a1_t", "z2_t", "a2_t", "z3_t", "a3_t", "delta3_t", "delta2_t"),
           literals=("activation",))
def backprop_example(thetas, X, y, index=0, activation="sigmoid"):
    """One example forward and back, as column vectors: a1_t ... a3_t, delta3_t = a3_t - y_t, delta2_t."""
    thetas = _thetas(thetas)
    K = thetas[-1].shape[0]
    X = np.asarray(X, dtype=float)
    t = int(index)
    if not 0 <= t < X.shape[0]:
        raise ValueError(f"example {t} does not exist; there are {X.shape[0]}")
    a, z, delta = core.backprop_example(thetas, X[t], core.one_hot(_labels(y)[t:t + 1], K)[0], activation)
    out = {"a1_t": a[0], "z2_t": z[0], "a2_t": a[1]}
    if len(z) > 1:
        out.update({"z3_t": z[1], "a3_t": a[2]})
    out["delta3_t"] = delta[-1]
    out["delta2_t"] = delta[0] if len(delta) > 1 else delta[-1]
    return out


@operation("unroll")
def unroll(thetas):
    """All Thetas flattened row by row into one vector, Theta1 first."""
    return core.unroll(_thetas(thetas))


@operation("reshape_params", outputs=("Theta1", "Theta2", "thetas"))
def reshape(params, layer_sizes):
    """An unrolled vector back into Theta1 (s2, n+1), Theta2 (K, s2+1), ... and their list."""
    thetas = core.reshape_params(np.asarray(params, dtype=float), [int(s) for s in layer_sizes])
    out = {f"Theta{i}": T for i, T in enumerate(thetas, start=1)}
    out["thetas"] = thetas
    return out


@operation("n_params")
def n_params(layer_sizes):
    """How many numbers the network has: the sum of s_(l+1) * (s_l + 1)."""
    return int(core.n_params([int(s) for s in layer_sizes]))


@operation("gradcheck", outputs=("numerical", "analytical", "relative_difference", "verdict", "side_by_side"))
def gradcheck(lam=0.0):
    """Central differences against backprop on the debug network (3-5-3, m = 5)."""
    res = core.check_nn_gradients(float(lam))
    return {"numerical": res.numerical, "analytical": res.analytical, "relative_difference": res.relative_difference,
            "verdict": res.verdict, "side_by_side": np.column_stack([res.numerical, res.analytical])}


@operation("spot_check", outputs=("numerical", "analytical", "relative_difference", "verdict", "indices"),
           literals=("activation",))
def spot_check(params, layer_sizes, X, y, lam=0.0, k=20, seed=0, activation="sigmoid"):
    """Central differences on k randomly chosen parameters of the full network."""
    sizes = [int(s) for s in layer_sizes]
    X = np.ascontiguousarray(X, dtype=float)
    y = _labels(y)

    def J(p):
        return core.nn_cost_function(p, sizes, X, y, float(lam), activation)

    res = core.spot_check(J, np.asarray(params, dtype=float), int(k), rng=int(seed))
    return {"numerical": res.numerical, "analytical": res.analytical, "relative_difference": res.relative_difference,
            "verdict": res.verdict, "indices": res.indices}


# -- predictions ----------------------------------------------------------------------


@operation("predict", literals=("activation",))
def predict(thetas, X, activation="sigmoid"):
    """Predicted class indices (m,): the argmax of h (h >= 0.5 for one output)."""
    return core.predict(_thetas(thetas), np.asarray(X, dtype=float), activation)




@operation("initialize", literals=("method",))
def initialize(layer_sizes, method="uniform", epsilon=0.12, scale=0.01, seed=0):
    """A starting parameter vector: uniform [-epsilon, epsilon], normal * scale, or zeros."""
    return core.initialize_params([int(s) for s in layer_sizes], method, epsilon=epsilon, scale=float(scale), seed=int(seed))
