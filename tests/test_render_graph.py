"""The computational graph view: drawn from the output down, values and gradients, 80 columns and ASCII."""

from __future__ import annotations

import math
import textwrap

import pytest
from test_render_support import assert_fits, show

from tutor.lessons.graphspec import evaluate, parse_line
from tutor.render.graph import ComputationGraph, GraphNode

W1, X1, W2, X2, B, T = 0.5, 1.5, -2.0, 0.25, 0.1, 1.0


def unit_nodes(with_grads: bool = True) -> list[GraphNode]:
    """J = logloss(sigmoid(w1 x1 + w2 x2 + b), t), every value and gradient worked out by hand here."""
    z = W1 * X1 + W2 * X2 + B
    a = 1 / (1 + math.exp(-z))
    J = -(T * math.log(a) + (1 - T) * math.log(1 - a))
    dz = a - T
    g = (lambda v: v) if with_grads else (lambda v: None)
    return [
        GraphNode("w1", value=W1, grad=g(dz * X1)), GraphNode("x1", value=X1, grad=g(dz * W1)),
        GraphNode("w2", value=W2, grad=g(dz * X2)), GraphNode("x2", value=X2, grad=g(dz * W2)),
        GraphNode("b", value=B, grad=g(dz)), GraphNode("t", value=T),
        GraphNode("p1", "mul", ("w1", "x1"), W1 * X1, g(dz)), GraphNode("p2", "mul", ("w2", "x2"), W2 * X2, g(dz)),
        GraphNode("z", "add", ("p1", "p2", "b"), z, g(dz)), GraphNode("a", "sigmoid", ("z",), a, g(-T / a)),
        GraphNode("J", "logloss", ("a", "t"), J, g(1.0)),
    ]


def test_the_graph_reads_as_a_tree_from_the_cost_with_values_and_gradients_at_80_columns():
    text = show(ComputationGraph(unit_nodes(), title="One unit"), 80)
    assert_fits(text, 80)
    expected = textwrap.dedent("""\
        One unit
        node                    value  gradient of J
        J = logloss(a, t)      0.5334  ∂J/∂J = 1
        ├─ a = σ(z)            0.5866  ∂J/∂a = -1.705
        │  └─ z = p1 + p2 + b    0.35  ∂J/∂z = -0.4134
        │     ├─ p1 = w1 × x1    0.75  ∂J/∂p1 = -0.4134
        │     │  ├─ w1            0.5  ∂J/∂w1 = -0.6201
        │     │  └─ x1            1.5  ∂J/∂x1 = -0.2067
        │     ├─ p2 = w2 × x2    -0.5  ∂J/∂p2 = -0.4134
        │     │  ├─ w2             -2  ∂J/∂w2 = -0.1033
        │     │  └─ x2           0.25  ∂J/∂x2 = 0.8268
        │     └─ b                0.1  ∂J/∂b = -0.4134
        └─ t                        1
        """)
    assert [line.rstrip() for line in text.splitlines()] == expected.splitlines()


def test_plain_ascii_spells_every_symbol_and_keeps_the_shape():
    text = show(ComputationGraph(unit_nodes()), 80, ascii=True)
    assert text.isascii()
    assert "|- a = sigmoid(z)" in text and "|     |- p1 = w1 * x1" in text and "`- t" in text
    assert "dJ/dw1 = -0.6201" in text


def test_without_gradients_only_values_are_shown_and_a_fork_is_named():
    nodes = [GraphNode("h", value=0.5), GraphNode("v1", value=2.0), GraphNode("v2", value=-1.0),
             GraphNode("u1", "mul", ("v1", "h"), 1.0), GraphNode("u2", "mul", ("v2", "h"), -0.5),
             GraphNode("s", "add", ("u1", "u2"), 0.5)]
    text = show(ComputationGraph(nodes), 80)
    assert "gradient of" not in text and "∂" not in text
    assert "h feeds 2 nodes (u1, u2): its gradient is the sum of what they send back." in " ".join(text.split())


@pytest.mark.parametrize("nodes, words", [
    ([GraphNode("a", "add", ("b",))], "'b', which is not a node"),
    ([GraphNode("a", "add", ("b",)), GraphNode("b", "add", ("a",))], "name the output node"),
    ([GraphNode("a"), GraphNode("b")], "name the output node"),
])
def test_bad_graphs_say_what_is_wrong(nodes, words):
    with pytest.raises(ValueError, match=words):
        ComputationGraph(nodes)


def test_node_lines_parse_into_one_operation_each_and_refuse_the_rest():
    line = parse_line("z = p1 + p2 + b")
    assert (line.name, line.op, line.inputs) == ("z", "add", ("p1", "p2", "b"))
    assert parse_line("J = logloss(a, t)").op == "logloss"
    assert parse_line("d = a - b").inputs == ("a", "b")
    for bad, words in [("z = a * b + c", "one kind of operation"), ("z = a + b * c", "each input is a name"), ("z = open(a)", "unknown function"),
                       ("z = a + 1", "each input is a name"), ("z", "write one node")]:
        with pytest.raises(ValueError, match=words):
            parse_line(bad)


def test_backward_here_gives_the_hand_gradients_and_a_fork_sums():
    values = {"w1": W1, "x1": X1, "w2": W2, "x2": X2, "b": B, "t": T}
    lines = tuple(parse_line(s) for s in ["p1 = w1 * x1", "p2 = w2 * x2", "z = p1 + p2 + b", "a = sigmoid(z)",
                                          "J = logloss(a, t)"])
    rows = {name: (v, g) for name, op, ins, v, g in evaluate(lines, values, "J", backward=True)}
    hand = {n.name: (n.value, n.grad) for n in unit_nodes()}
    for name, (v, g) in hand.items():
        assert rows[name][0] == pytest.approx(v, abs=1e-12)
        assert (rows[name][1] is None) == (g is None)
        if g is not None:
            assert float(rows[name][1]) == pytest.approx(g, abs=1e-12)
    # h used twice: its gradient is v1 + v2 (each product sends back the other factor)
    fork = tuple(parse_line(s) for s in ["u1 = v1 * h", "u2 = v2 * h", "s = u1 + u2"])
    rows = {name: g for name, _, _, _, g in evaluate(fork, {"h": 0.5, "v1": 2.0, "v2": -1.0}, "s", backward=True)}
    assert float(rows["h"]) == pytest.approx(1.0)
