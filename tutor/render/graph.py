"""A small computational graph (an expression DAG) drawn as a tree from its output.

    J = logloss(a, y)                       0.3133   ∂J/∂J  = 1
    └─ a = σ(z)                              0.7311   ∂J/∂a  = -1.368
       └─ z = p1 + p2 + b                    1        ∂J/∂z  = -0.2689
          ├─ p1 = w1 × x1                    0.5      ∂J/∂p1 = -0.2689
          │  ├─ w1                           1        ∂J/∂w1 = -0.1345
          ...

Values flow up the tree (forward), gradients come back down it. A node used
by more than one other node (a fork) is drawn in full the first time and
then named "(again)"; a line under the drawing says that its gradient is the
sum of what each of its users sends back. Data in, renderable out: the
values and gradients are given, never computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from tutor.render.symbols import plain, wants_ascii

# op -> how a node reads, from its inputs' names (unicode form; plain() spells it in ASCII).
_INFIX = {"add": " + ", "sub": " - ", "mul": " × ", "matmul": " @ ", "div": " / "}
_PREFIX = {"sigmoid": "σ", "tanh": "tanh", "log": "log", "exp": "exp", "neg": "-", "square": "square",
           "logloss": "logloss", "relu": "relu", "xent": "logloss∘σ"}
_ASCII_NAMES = {"logloss∘σ": "logloss_of_sigmoid", "σ": "sigmoid", "×": "*"}


@dataclass(frozen=True)
class GraphNode:
    """One node: its name, its operation over the named inputs, its value and (once known) its gradient.

    op: "input" for a leaf; "add", "sub", "mul", "matmul", "div" (inputs
    joined by the sign) or a function name ("sigmoid", "tanh", "log",
    "logloss", ...). value and grad: a number, or an array (drawn by shape).
    """

    name: str
    op: str = "input"
    inputs: tuple[str, ...] = ()
    value: object = None
    grad: object = None


def formula(node: GraphNode) -> str:
    """`z = p1 + p2 + b`, `a = σ(z)`, or just the name for a leaf (unicode; plain() makes it ASCII)."""
    if node.op == "input" or not node.inputs:
        return node.name
    if node.op in _INFIX:
        return f"{node.name} = {_INFIX[node.op].join(node.inputs)}"
    if node.op == "neg":
        return f"{node.name} = -{node.inputs[0]}"
    fn = _PREFIX.get(node.op, node.op)
    return f"{node.name} = {fn}({', '.join(node.inputs)})"


def number_text(value: object) -> str:
    """A value as the drawing shows it: 6 significant figures, or an array's shape."""
    if value is None:
        return ""
    a = np.asarray(value)
    if a.size == 1:
        x = float(a.ravel()[0])
        return f"{x:.4g}" if abs(x) >= 1e-4 or x == 0 else f"{x:.3e}"
    return f"({' x '.join(map(str, a.shape))})"


class ComputationGraph:
    """nodes: GraphNode list (any order); output: the node drawn at the top (default: the one no node uses).

    wrt: the name gradients are taken of (the output's name by default), for
    the heading `∂J/∂z`. hide: leaves not drawn (their values still appear in
    their users' formulas), to keep a wide graph on one screen. After construction: `.forks` lists (name, users) of
    every node used by more than one node.
    """

    def __init__(self, nodes: Sequence[GraphNode], output: str | None = None, *, wrt: str | None = None,
                 title: str | None = None, hide: Sequence[str] = ()) -> None:
        self.nodes = {n.name: n for n in nodes}
        if len(self.nodes) != len(nodes):
            raise ValueError("two nodes of the graph have the same name")
        users: dict[str, list[str]] = {name: [] for name in self.nodes}
        for n in nodes:
            for i in n.inputs:
                if i not in self.nodes:
                    raise ValueError(f"node {n.name!r} uses {i!r}, which is not a node of the graph")
                users[i].append(n.name)
        self.users = users
        if output is None:
            tops = [n.name for n in nodes if not users[n.name]]
            if len(tops) != 1:
                raise ValueError(f"name the output node: {len(tops)} nodes are used by no other node")
            output = tops[0]
        if output not in self.nodes:
            raise ValueError(f"the output {output!r} is not a node of the graph")
        self.output = output
        self.wrt = wrt or output
        self.title = title
        self.hide = frozenset(hide)
        self.forks = [(name, tuple(u)) for name, u in users.items() if len(u) > 1]
        self._check_acyclic()

    def _check_acyclic(self) -> None:
        state: dict[str, int] = {}

        def visit(name: str) -> None:
            if state.get(name) == 1:
                raise ValueError(f"the graph has a cycle through {name!r}")
            if state.get(name) == 2:
                return
            state[name] = 1
            for i in self.nodes[name].inputs:
                visit(i)
            state[name] = 2

        visit(self.output)

    def rows(self, ascii_only: bool) -> list[tuple[str, str, str, GraphNode]]:
        """(guide + formula, value, gradient, node) for each line, the output first."""
        tee, last, bar, blank = ("|- ", "`- ", "|  ", "   ") if ascii_only else ("├─ ", "└─ ", "│  ", "   ")
        d = "d" if ascii_only else "∂"
        out: list[tuple[str, str, str, GraphNode]] = []
        drawn: set[str] = set()

        def walk(name: str, prefix: str, guide: str) -> None:
            node = self.nodes[name]
            if name in self.hide and not node.inputs:
                return
            again = name in drawn and node.inputs
            text = f"{name} (again, drawn above)" if again else formula(node)
            grad = "" if node.grad is None else f"{d}{self.wrt}/{d}{name} = {number_text(node.grad)}"
            out.append((prefix + guide + text, number_text(node.value), grad, node))
            if again:
                return
            drawn.add(name)
            child_prefix = "" if not guide else prefix + (blank if guide == last else bar)
            shown = [i for i in node.inputs if not (i in self.hide and not self.nodes[i].inputs)]
            for k, i in enumerate(shown):
                walk(i, child_prefix, last if k == len(shown) - 1 else tee)

        walk(self.output, "", "")
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii_only = wants_ascii(console, options)

        def spell(s: str) -> str:
            if not ascii_only:
                return s
            for k, v in _ASCII_NAMES.items():
                s = s.replace(k, v)
            return plain(s)

        if self.title:
            yield Text(spell(self.title), style="bold")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(overflow="fold")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(Text("node", style="dim"), Text("value", style="dim"),
                     Text(spell(f"gradient of {self.wrt}") if any(n.grad is not None for n in self.nodes.values())
                          else "", style="dim"))
        for text, value, grad, node in self.rows(ascii_only):
            style = "bold" if node.name == self.output else ("cyan" if node.op != "input" else None)
            grid.add_row(Text(spell(text), style=style), Text(value), Text(spell(grad), style="magenta"))
        yield grid
        for name, users in self.forks:
            node = self.nodes[name]
            if node.inputs or len(users) > 1:
                yield Text(spell(f"{name} feeds {len(users)} nodes ({', '.join(users)}): its gradient is the sum "
                                 f"of what they send back."), style="dim")
