"""Operations a notebook can spell as visible code, with their formula in LaTeX.

A compute step names a registered operation. Where the operation is one
short formula, the exported notebook shows that formula typeset and a line
of numpy the learner can change and re-run, instead of a call into the
lesson. `formula(op, code, latex)` registers one; code and latex are
templates over the operation's input names plus `out` (the bound name), or
functions of (exprs, values) -> str for a spelling that depends on the
values (a vector gets its bias differently from a matrix).

A course registers its own from its plugin with `tutor.plugin.formula` (the
bundled course's are in the `notebook` module of its plugin), into its own
vocabulary; an operation without one is called by name in the notebook.
This module holds what the notebook needs to typeset them.
"""

from __future__ import annotations

import re

# The capitals LaTeX typesets as Greek (the others look like Latin letters), by their names.
_LATEX_CAPITALS = {__import__("unicodedata").name(c).rsplit(" ", 1)[-1].capitalize().replace("Lamda", "Lambda")
                   for c in "ΓΔΘΛΞΠΣΥΦΨΩ"}


def _greek_letters() -> dict[str, str]:
    """{'alpha': '\\alpha', 'Gamma': '\\Gamma', ...}: every Greek letter's name, as LaTeX spells it."""
    import unicodedata

    out = {"lam": r"\lambda"}  # `lambda` is a Python keyword, so lessons write lam
    for code in range(0x391, 0x3CA):
        name = unicodedata.name(chr(code), "")
        if name.startswith(("GREEK CAPITAL LETTER ", "GREEK SMALL LETTER ")) and "FINAL" not in name:
            word = name.rsplit(" ", 1)[-1].lower()
            word = "lambda" if word == "lamda" else word
            if word == "omicron":
                continue  # LaTeX has no \omicron: it is the Latin o
            if "CAPITAL" in name:
                word = word.capitalize()
                if word not in _LATEX_CAPITALS:
                    continue  # a capital alpha is a Latin A in LaTeX
            out[word] = "\\" + word
    return out


_GREEK = _greek_letters()
_NAME = re.compile(r"^(?P<base>[A-Za-z]+?)(?P<num>\d+)?(?:_(?P<sub>[A-Za-z0-9]+))?$")


def tex_name(name: str, transpose: bool = False) -> str:
    """A bound name in maths: a1 -> a^{(1)}, W1 with transpose -> W^{(1)\\top}, sigma -> \\sigma."""
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


