"""The value-backward exercise: a learner's scalar Value class, run on the debug network, against tutor.core."""

from __future__ import annotations

import numpy as np
import pytest

from tutor import core
from tutor.course import bundled_course

LEARNER = '''\
import math
from tutor_helpers import value_network_gradients


class Value:
    def __init__(self, data, children=()):
        self.data, self.grad, self.prev, self.back = float(data), 0.0, children, lambda: None

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other))
        def back():
            self.grad {ASSIGN} out.grad
            other.grad {ASSIGN} out.grad
        out.back = back
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other))
        def back():
            self.grad {ASSIGN} out.grad * {MUL_SELF}.data
            other.grad {ASSIGN} out.grad * {MUL_OTHER}.data
        out.back = back
        return out

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = Value(s, (self,))
        def back():
            self.grad {ASSIGN} out.grad * s * (1 - s)
        out.back = back
        return out

    def log(self):
        out = Value(math.log(self.data), (self,))
        def back():
            self.grad {ASSIGN} out.grad / self.data
        out.back = back
        return out

    def backward(self):
{BACKWARD}


def value_gradients(params, layer_sizes, X, y):
    return value_network_gradients(Value, params, layer_sizes, X, y)
'''

TOPOLOGICAL = '''\
        order, seen = [], set()
        def visit(v):
            if v not in seen:
                seen.add(v)
                for c in v.prev:
                    visit(c)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v.back()'''

# Depth first from the top, each node's step run as soon as it is reached: a shared node passes its
# gradient on before all its users have added theirs (and is visited once per path).
NO_SORT = '''\
        self.grad = 1.0
        def visit(v):
            v.back()
            for c in v.prev:
                visit(c)
        visit(self)'''

RIGHT = {"ASSIGN": "+=", "MUL_SELF": "other", "MUL_OTHER": "self", "BACKWARD": TOPOLOGICAL}


def source(**changes) -> str:
    text = LEARNER
    for key, value in {**RIGHT, **changes}.items():
        text = text.replace("{" + key + "}", value)
    return text


def check(tmp_path, text):
    from tutor.exercises.catalog import get_exercise
    from tutor.exercises.check import check_file

    path = tmp_path / "value-backward.py"
    path.write_text(text)
    return check_file(get_exercise("value-backward", bundled_course()), path)


def test_the_reference_gives_tutor_cores_deltas_and_gradients_on_the_debug_network():
    from tutor.courses.backprop.exercises.value_graph import value_gradients

    thetas, X, y = core.debug_problem()
    got = value_gradients(core.unroll(thetas), [3, 5, 3], X, y)
    g = core.backprop(thetas, X, y, 0.0)
    np.testing.assert_allclose(got["delta3"], g.deltas[-1], atol=1e-13)
    np.testing.assert_allclose(got["delta2"], g.deltas[0], atol=1e-13)
    np.testing.assert_allclose(got["D1"], g.grads[0], atol=1e-13)
    np.testing.assert_allclose(got["D2"], g.grads[1], atol=1e-13)
    # and independently of backprop: central differences of the cost
    J = lambda p: core.nn_cost_function(p, [3, 5, 3], X, y, 0.0)[0]
    num = core.compute_numerical_gradient(J, core.unroll(thetas))
    assert np.max(np.abs(np.concatenate([got["D1"].ravel(), got["D2"].ravel()]) - num)) < 1e-9


def test_a_right_value_class_passes(tmp_path):
    result = check(tmp_path, source())
    assert result.passed, [t.message for t in result.tests]
    assert result.score == result.max_score and result.diagnoses == []


def test_the_fresh_stub_scores_nothing(tmp_path):
    from tutor.exercises.catalog import get_exercise
    from tutor.exercises.stubs import stub_source

    result = check(tmp_path, stub_source(get_exercise("value-backward", bundled_course())))
    assert not result.passed and result.score == 0


@pytest.mark.parametrize("changes, diagnosis", [
    ({"ASSIGN": "="}, "gradient-overwritten"),
    ({"BACKWARD": NO_SORT}, None),
    ({"MUL_SELF": "self", "MUL_OTHER": "other"}, "mul-local-gradient"),
])
def test_each_known_mistake_fails_and_the_confirmed_ones_are_named(tmp_path, changes, diagnosis):
    result = check(tmp_path, source(**changes))
    assert not result.passed
    ids = [d.id if hasattr(d, "id") else d for d in result.diagnoses]
    if diagnosis is not None:
        assert diagnosis in str(ids), ids


def test_breadth_first_backward_is_named_as_not_topological(tmp_path):
    bfs = '''\
        self.grad = 1.0
        queue, seen = [self], {id(self)}
        while queue:
            v = queue.pop(0)
            v.back()
            for c in v.prev:
                if id(c) not in seen:
                    seen.add(id(c))
                    queue.append(c)'''
    result = check(tmp_path, source(BACKWARD=bfs))
    assert not result.passed
    assert "backward-not-topological" in str(result.diagnoses)
