"""Operations a notebook can spell as visible code, with their formula in LaTeX.

A compute step names a registered operation. Where the operation is one
short formula, the exported notebook shows that formula typeset and a line
of numpy the learner can change and re-run, instead of a call into the
lesson. `formula(op, code, latex)` registers one; code and latex are
templates over the operation's input names plus `out` (the bound name), or
functions of (exprs, values) -> str for a spelling that depends on the
values (a vector gets its bias differently from a matrix).

The templates below are the bundled course's (they name its operations);
at the course-pack merge they move to the course plugin, which registers
them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Template = str | Callable[[dict[str, str], dict[str, Any]], str]


@dataclass(frozen=True)
class Formula:
    code: Template
    latex: Template | None = None
    imports: tuple[str, ...] = ()  # lines the setup cell needs for this code

    def spell(self, template: Template | None, names: dict[str, str], values: dict[str, Any]) -> str | None:
        if template is None:
            return None
        if callable(template):
            return template(names, values)
        return template.format(**names)


FORMULAS: dict[str, Formula] = {}


def formula(op: str, code: Template, latex: Template | None = None, imports: tuple[str, ...] = ()) -> None:
    """Register how to write operation `op` in a notebook; a second registration is an error."""
    if op in FORMULAS:
        raise RuntimeError(f"a notebook formula for {op!r} is registered twice")
    FORMULAS[op] = Formula(code, latex, imports)


_GREEK = {"Theta": r"\Theta", "theta": r"\theta", "delta": r"\delta", "Delta": r"\Delta", "lambda": r"\lambda",
          "lam": r"\lambda", "alpha": r"\alpha", "epsilon": r"\epsilon", "sigma": r"\sigma"}
_NAME = re.compile(r"^(?P<base>[A-Za-z]+?)(?P<num>\d+)?(?:_(?P<sub>[A-Za-z0-9]+))?$")


def tex_name(name: str, transpose: bool = False) -> str:
    """A bound name in maths: a1 -> a^{(1)}, Theta1 with transpose -> \\Theta^{(1)\\top}."""
    m = _NAME.match(name)
    if not m:
        body, sup = r"\mathrm{" + name.replace("_", r"\_") + "}", ""
    else:
        base = m["base"]
        body = _GREEK.get(base) or (base if len(base) == 1 else r"\mathrm{" + base + "}")
        if m["sub"]:
            body += r"_{\mathrm{" + m["sub"] + "}}"
        sup = f"({m['num']})" if m["num"] else ""
    if transpose:
        sup += r"\top"
    return body + (f"^{{{sup}}}" if sup else "")


def _bias_code(n: dict[str, str], v: dict[str, Any]) -> str:
    import numpy as np

    if np.ndim(v.get("A")) == 1:
        return f"{n['out']} = np.concatenate(([1.0], {n['A']}))  # a 1 in front: the bias unit"
    return f"{n['out']} = np.hstack([np.ones(({n['A']}.shape[0], 1)), {n['A']}])  # a column of ones in front: the bias unit"


formula("add_bias", _bias_code, r"{out} = \left[\,\mathbf{{1}},\ {A}\,\right]")
formula("matmul", "{out} = {A} @ {B}", "{out} = {A}\\,{B}")
formula("sigmoid", "{out} = 1 / (1 + np.exp(-{z}))  # the sigmoid g, elementwise",
        r"{out} = g({z}) = \frac{{1}}{{1 + e^{{-{z}}}}}")
formula("sigmoid_gradient", "{out} = core.sigmoid({z}) * (1 - core.sigmoid({z}))  # g'(z) = g(z)(1 - g(z))",
        r"{out} = g'({z}) = g({z})\,\bigl(1 - g({z})\bigr)")
formula("row", "{out} = {A}[{index}]", None)
formula("column", "{out} = {A}[:, {index}]", None)
formula("transpose", "{out} = {A}.T", r"{out} = {A}^{{\top}}")
formula("argmax", "{out} = np.argmax({h}, axis=-1)", r"{out} = \arg\max_k {h}_{{k}}")
formula("sum_rows", "{out} = {A}.sum(axis=1)", None)
formula("one_hot", "{out} = np.eye({K})[{y}]  # row i is all zeros but a 1 in column y[i]", None)
formula("accuracy", "{out} = np.mean({p} == {y})  # the share of predictions equal to the labels", None)
formula("predict", "{out} = core.predict({thetas}, {X})", None)
formula("cost", "{out} = core.nn_cost({thetas}, {X}, {y}, {lam})", None)
formula("cross_entropy", "{out} = core.cross_entropy({h}, {Y})", None)
formula("unroll", "{out} = core.unroll({thetas})", None)
formula("n_params", "{out} = core.n_params({layer_sizes})", None)
