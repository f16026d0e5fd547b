"""The value-backward exercise: a scalar `Value` class whose backward() does backpropagation by itself.

The learner writes the class; the helper `value_network_gradients` (copied
into the checked code's folder, numpy only) builds a one-hidden-layer
network's cost out of the learner's Values, one number per node, calls
backward() once, and reads the gradients off the nodes: delta3 and delta2
(the gradient of the summed cost at z3 and z2, as tutor.core's backprop
keeps them) and D1, D2. The reference is the same network built with a
correct Value class (its source is what `tutor solution` shows), pinned to
tutor.core's numbers by tests/test_exercise_value_backward.py. Each mistake
is the same network built with a Value class that has one named bug.
"""

from __future__ import annotations

import numpy as np

from tutor.plugin import diagnosis, helper, mistake, reference


@helper("value_network_gradients")
def value_network_gradients(Value, params, layer_sizes, X, y):
    """delta3, delta2, D1 and D2 of a (s1, s2, s3) sigmoid network, computed by Value's backward().

    params: the unrolled [Theta1, Theta2] (row-major); X: (m, s1); y: (m,)
    class indices. Uses only Value(number), +, *, .sigmoid(), .log(),
    .backward(), .data and .grad. Returns {"delta3": (m, s3), "delta2":
    (m, s2), "D1": Theta1's shape, "D2": Theta2's shape}, where delta is
    m times the gradient of the mean cost J at each z.
    """
    params = np.asarray(params, dtype=float).ravel()
    s1, s2, s3 = (int(s) for s in layer_sizes)
    n1 = s2 * (s1 + 1)
    T1 = params[:n1].reshape(s2, s1 + 1)
    T2 = params[n1:n1 + s3 * (s2 + 1)].reshape(s3, s2 + 1)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel().astype(int)
    m = X.shape[0]
    W1 = [[Value(float(w)) for w in row] for row in T1]
    W2 = [[Value(float(w)) for w in row] for row in T2]
    z2s, z3s = [], []
    J = None
    for i in range(m):
        z2 = []
        for j in range(s2):
            s = W1[j][0] * Value(1.0)
            for k in range(s1):
                s = s + W1[j][k + 1] * Value(float(X[i, k]))
            z2.append(s)
        a2 = [z.sigmoid() for z in z2]
        z3 = []
        for k in range(s3):
            s = W2[k][0] * Value(1.0)
            for j in range(s2):
                s = s + W2[k][j + 1] * a2[j]
            z3.append(s)
        for k, z in enumerate(z3):
            h = z.sigmoid()
            if y[i] == k:
                log_term = h.log()  # -log h when the label is k
            else:
                log_term = (Value(1.0) + Value(-1.0) * h).log()  # -log(1 - h) otherwise
            term = log_term * Value(-1.0 / m)
            J = term if J is None else J + term
        z2s.append(z2)
        z3s.append(z3)
    J.backward()
    return {
        "delta3": np.array([[z.grad * m for z in row] for row in z3s]),
        "delta2": np.array([[z.grad * m for z in row] for row in z2s]),
        "D1": np.array([[w.grad for w in row] for row in W1]),
        "D2": np.array([[w.grad for w in row] for row in W2]),
    }


@reference("value_gradients")
def value_gradients(params, layer_sizes, X, y):
    """A scalar Value with backward() by topological sort, run on the network by value_network_gradients."""
    import math

    class Value:
        def __init__(self, data, children=()):
            self.data = float(data)
            self.grad = 0.0
            self._children = children
            self._backward = lambda: None

        def __add__(self, other):
            out = Value(self.data + other.data, (self, other))

            def backward():
                self.grad += out.grad  # add distributes
                other.grad += out.grad

            out._backward = backward
            return out

        def __mul__(self, other):
            out = Value(self.data * other.data, (self, other))

            def backward():
                self.grad += out.grad * other.data  # multiply swaps
                other.grad += out.grad * self.data

            out._backward = backward
            return out

        def sigmoid(self):
            s = 1.0 / (1.0 + math.exp(-self.data))
            out = Value(s, (self,))

            def backward():
                self.grad += out.grad * s * (1.0 - s)

            out._backward = backward
            return out

        def log(self):
            out = Value(math.log(self.data), (self,))

            def backward():
                self.grad += out.grad / self.data

            out._backward = backward
            return out

        def backward(self):
            order, seen = [], set()

            def visit(v):  # children first: a node comes after everything it uses
                if id(v) not in seen:
                    seen.add(id(v))
                    for c in v._children:
                        visit(c)
                    order.append(v)

            visit(self)
            self.grad = 1.0
            for v in reversed(order):  # every user of a node is done before the node passes its gradient on
                v._backward()

    return value_network_gradients(Value, params, layer_sizes, X, y)


# -- the named mistakes ------------------------------------------------------------------

diagnosis("gradient-overwritten", "Gradients are overwritten instead of added",
          "A value used in several places (a weight used by every example, a hidden unit feeding every "
          "output) must add up what each use sends back: `self.grad += ...` in every operation's backward. "
          "With `=` only the last use counts.")
diagnosis("backward-not-topological", "backward() visits the nodes in the wrong order",
          "A node may pass its gradient on only after every node that uses it has added its share. Build "
          "the order with a depth-first topological sort (children before the node), then call each node's "
          "backward step in the reverse of that order.")
diagnosis("mul-local-gradient", "The product's local gradient is the wrong factor",
          "For out = a * b, a receives out.grad * b.data and b receives out.grad * a.data: each factor gets "
          "the OTHER factor. Yours multiplies by the factor's own value.")


def _flawed(flaw: str):
    """A Value class with one named bug ('overwrite', 'order' or 'mul-self'), for the mistakes below."""
    import math

    def put(node, amount):
        if flaw == "overwrite":
            node.grad = amount
        else:
            node.grad += amount

    class Value:
        def __init__(self, data, children=()):
            self.data = float(data)
            self.grad = 0.0
            self._children = children
            self._backward = lambda: None

        def __add__(self, other):
            out = Value(self.data + other.data, (self, other))

            def backward():
                put(self, out.grad)
                put(other, out.grad)

            out._backward = backward
            return out

        def __mul__(self, other):
            out = Value(self.data * other.data, (self, other))

            def backward():
                if flaw == "mul-self":
                    put(self, out.grad * self.data)
                    put(other, out.grad * other.data)
                else:
                    put(self, out.grad * other.data)
                    put(other, out.grad * self.data)

            out._backward = backward
            return out

        def sigmoid(self):
            s = 1.0 / (1.0 + math.exp(-self.data))
            out = Value(s, (self,))
            out._backward = lambda: put(self, out.grad * s * (1.0 - s))
            return out

        def log(self):
            out = Value(math.log(self.data), (self,))
            out._backward = lambda: put(self, out.grad / self.data)
            return out

        def backward(self):
            self.grad = 1.0
            if flaw == "order":  # breadth first from the top: a node is reached before all its users are done
                queue, seen = [self], {id(self)}
                while queue:
                    v = queue.pop(0)
                    v._backward()
                    for c in v._children:
                        if id(c) not in seen:
                            seen.add(id(c))
                            queue.append(c)
                return
            order, seen = [], set()

            def visit(v):
                if id(v) not in seen:
                    seen.add(id(v))
                    for c in v._children:
                        visit(c)
                    order.append(v)

            visit(self)
            for v in reversed(order):
                v._backward()

    return Value


@mistake("value_gradients", "gradient-overwritten")
def value_gradients_overwritten(params, layer_sizes, X, y):
    return value_network_gradients(_flawed("overwrite"), params, layer_sizes, X, y)


@mistake("value_gradients", "backward-not-topological")
def value_gradients_breadth_first(params, layer_sizes, X, y):
    return value_network_gradients(_flawed("order"), params, layer_sizes, X, y)


@mistake("value_gradients", "mul-local-gradient")
def value_gradients_mul_self(params, layer_sizes, X, y):
    return value_network_gradients(_flawed("mul-self"), params, layer_sizes, X, y)
