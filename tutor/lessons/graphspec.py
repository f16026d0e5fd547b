"""The `nodes:` of a `view: graph`: one line per node, read at load, valued at run time.

```yaml
- id: unit-graph
  kind: show
  view: graph
  value: J                       # the output node, drawn at the top
  nodes:
    - p1 = w1 * x1               # one operation per line, over names
    - z = p1 + p2 + b
    - a = sigmoid(z)
    - J = logloss(a, y)
  grads: dJ_d                    # optional: node n shows its gradient when dJ_dn is bound
  backward: false                # optional: true computes every gradient here instead
```

A name no line defines is a leaf and must be bound; a node's value is the
bound value of its name when there is one, else computed from its inputs.
The lines are parsed with Python's `ast` (never evaluated): only `+`, `-`,
`*`, `@`, `/`, unary minus and the functions in FUNCTIONS are accepted.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from tutor.base.pyparse import parse as parse_python
from tutor.base.schema import Reader, Scope

_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.MatMult: "matmul", ast.Div: "div"}
FUNCTIONS = {"sigmoid": 1, "tanh": 1, "log": 1, "exp": 1, "square": 1, "relu": 1, "logloss": 2, "xent": 2}


@dataclass(frozen=True)
class NodeLine:
    """`z = p1 + p2 + b` as (name, op, inputs)."""

    name: str
    op: str
    inputs: tuple[str, ...]


def parse_line(text: str) -> NodeLine:
    """One node line; ValueError saying what is wrong."""
    try:
        tree = parse_python(text.strip(), mode="exec")
    except SyntaxError:
        raise ValueError(f"{text!r} is not a node line such as `z = p1 + p2` or `a = sigmoid(z)`") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign) or len(tree.body[0].targets) != 1 \
            or not isinstance(tree.body[0].targets[0], ast.Name):
        raise ValueError(f"{text!r}: write one node as `name = operation of names`")
    name = tree.body[0].targets[0].id
    expr = tree.body[0].value

    def leaf(node: ast.AST) -> str:
        if isinstance(node, ast.Name):
            return node.id
        raise ValueError(f"{text!r}: each input is a name (one operation a line; give a sub-result its own line)")

    if isinstance(expr, ast.BinOp) and type(expr.op) in _BINOPS:
        op = _BINOPS[type(expr.op)]
        inputs: list[str] = []
        node: ast.AST = expr
        # a + b + c reads as one sum of three inputs (the same for *): flatten a left-leaning chain
        while isinstance(node, ast.BinOp) and _BINOPS.get(type(node.op)) == op and op in ("add", "mul"):
            inputs.insert(0, leaf(node.right))
            node = node.left
        if isinstance(node, ast.BinOp) and op in ("add", "mul"):
            raise ValueError(f"{text!r}: one kind of operation a line")
        if op in ("add", "mul"):
            inputs.insert(0, leaf(node))
        else:
            inputs = [leaf(expr.left), leaf(expr.right)]
        return NodeLine(name, op, tuple(inputs))
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        return NodeLine(name, "neg", (leaf(expr.operand),))
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and not expr.keywords:
        fn = expr.func.id
        if fn not in FUNCTIONS:
            raise ValueError(f"{text!r}: unknown function {fn!r} (one of: {', '.join(sorted(FUNCTIONS))})")
        if len(expr.args) != FUNCTIONS[fn]:
            raise ValueError(f"{text!r}: {fn} takes {FUNCTIONS[fn]} input{'s' if FUNCTIONS[fn] > 1 else ''}")
        return NodeLine(name, fn, tuple(leaf(a) for a in expr.args))
    raise ValueError(f"{text!r}: a node is `a + b`, `a - b`, `a * b`, `a @ b`, `a / b`, `-a` or a function "
                     f"({', '.join(sorted(FUNCTIONS))}) of names")


def read_nodes(r: Reader, key: str, scope: Scope, condition: str | None) -> tuple[NodeLine, ...]:
    """The `nodes:` list, each line parsed and every leaf required to be bound (load-time errors name the line)."""
    texts = r.str_list(key, single_ok=False) or ()
    items = r.map[key].value if key in r.map else []
    lines: list[NodeLine] = []
    defined: set[str] = set()
    for i, text in enumerate(texts):
        where = r.where(key)
        item = items[i] if i < len(items) else None
        if item is not None:
            from tutor.base.schema import Where

            where = Where(r.file, item.line, item.column, f"{r.key_path(key)}[{i}]")
        try:
            line = parse_line(text)
        except ValueError as err:
            raise where.error(str(err)) from None
        if line.name in defined:
            raise where.error(f"the node {line.name!r} is defined twice")
        for inp in line.inputs:
            if inp not in defined:
                scope.require(inp, where, condition)  # a leaf: the lesson's own value
        defined.add(line.name)
        lines.append(line)
    if not lines:
        raise r.error(key, "a graph needs at least one node line, such as `z = w * x`")
    return tuple(lines)


# -- values ------------------------------------------------------------------------------


def _sigmoid(z):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def forward(line: NodeLine, args: list[Any]) -> Any:
    """The node's value from its inputs' values."""
    import numpy as np

    op = line.op
    if op == "add":
        return sum(args[1:], start=args[0])
    if op == "mul":
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if op == "sub":
        return args[0] - args[1]
    if op == "div":
        return args[0] / args[1]
    if op == "matmul":
        return np.asarray(args[0]) @ np.asarray(args[1])
    if op == "neg":
        return -args[0]
    if op == "sigmoid":
        return _sigmoid(args[0])
    if op == "tanh":
        return np.tanh(args[0])
    if op == "log":
        return np.log(args[0])
    if op == "exp":
        return np.exp(args[0])
    if op == "square":
        return np.square(args[0])
    if op == "relu":
        return np.maximum(args[0], 0)
    if op == "logloss":
        a, y = np.asarray(args[0], dtype=float), np.asarray(args[1], dtype=float)
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)))
    if op == "xent":  # logloss(sigmoid(z), y) in one node
        a, y = _sigmoid(args[0]), np.asarray(args[1], dtype=float)
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)))
    raise ValueError(f"unknown operation {op!r}")


def local_gradients(line: NodeLine, args: list[Any], out: Any, g: Any) -> list[Any]:
    """What the node sends back to each input, given g = the gradient of the output w.r.t. this node."""
    import numpy as np

    op = line.op
    if op == "add":
        return [g for _ in args]
    if op == "mul":
        sent = []
        for k in range(len(args)):
            rest = 1.0
            for j, a in enumerate(args):
                if j != k:
                    rest = rest * a
            sent.append(g * rest)  # multiply swaps: each input gets the product of the others
        return sent
    if op == "sub":
        return [g, -g]
    if op == "div":
        return [g / args[1], -g * args[0] / np.square(args[1])]
    if op == "matmul":
        A, B = np.asarray(args[0]), np.asarray(args[1])
        return [g @ B.T, A.T @ g]  # the shapes decide where the transposes go
    if op == "neg":
        return [-g]
    if op == "sigmoid":
        return [g * out * (1 - out)]
    if op == "tanh":
        return [g * (1 - np.square(out))]
    if op == "log":
        return [g / args[0]]
    if op == "exp":
        return [g * out]
    if op == "square":
        return [g * 2 * args[0]]
    if op == "relu":
        return [g * (np.asarray(args[0]) > 0)]
    if op == "logloss":
        a, y = np.asarray(args[0], dtype=float), np.asarray(args[1], dtype=float)
        return [g * ((1 - y) / (1 - a) - y / a), None]  # the label is data: no gradient
    if op == "xent":
        return [g * (_sigmoid(args[0]) - np.asarray(args[1], dtype=float)), None]
    raise ValueError(f"unknown operation {op!r}")


def evaluate(lines: tuple[NodeLine, ...], values: dict[str, Any], output: str, *, grads_prefix: str | None = None,
             backward: bool = False) -> list[tuple[str, str, tuple[str, ...], Any, Any]]:
    """(name, op, inputs, value, gradient or None) for every node, leaves included.

    values: the lesson's bound values (a node's bound value wins over the
    computed one). grads_prefix: node n's gradient is values[prefix + n]
    when bound. backward: compute every gradient of `output` here instead.
    """
    import numpy as np

    val: dict[str, Any] = {}
    order: list[str] = []
    for line in lines:
        for inp in line.inputs:
            if inp not in val:
                if inp not in values:
                    raise ValueError(f"{inp!r} has no value here")
                val[inp] = values[inp]
                order.append(inp)
        val[line.name] = values[line.name] if line.name in values else forward(line, [val[i] for i in line.inputs])
        order.append(line.name)
    if output not in val:
        raise ValueError(f"the output {output!r} is not one of the graph's nodes")
    grad: dict[str, Any] = {}
    if backward:
        grad[output] = 1.0
        defined = {line.name: line for line in lines}
        for name in reversed(order):
            line = defined.get(name)
            if line is None or name not in grad:
                continue
            sent = local_gradients(line, [val[i] for i in line.inputs], val[name], grad[name])
            for inp, s in zip(line.inputs, sent):
                if s is not None:
                    grad[inp] = grad[inp] + s if inp in grad else s  # a fork sums what its users send back
    elif grads_prefix:
        for name in order:
            if grads_prefix + name in values:
                grad[name] = values[grads_prefix + name]
    ops = {line.name: line for line in lines}
    out = []
    for name in order:
        line = ops.get(name)
        g = grad.get(name)
        out.append((name, line.op if line else "input", line.inputs if line else (), val[name],
                    None if g is None else np.asarray(g)))
    return out
