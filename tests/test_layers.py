"""The import walk: every import inside tutor/ (at top level and inside functions) runs down the layers.

Layers, bottom to top (DESIGN.md section 3): base; core (with blas and
datafiles); render; course and progress; exercises; lessons; grading and
handouts; the plugin door; notebook, commands and cli; the package's own
`__init__` (`%load_ext tutor`) and `__main__`. A course plugin (tutor/courses/
<id>/, or a course folder's Python) imports only tutor.plugin, tutor.core,
tutor.render and its own modules. No import circle, no import up a layer,
and no name with a leading underscore taken from another module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "tutor"

LAYERS = [  # (module prefix, layer): the longest matching prefix wins
    ("tutor.base", 0), ("tutor.core", 1), ("tutor.blas", 1), ("tutor.datafiles", 1), ("tutor.render", 2),
    ("tutor.course", 3), ("tutor.progress", 3), ("tutor.exercises", 4), ("tutor.lessons", 5),
    ("tutor.grading", 6), ("tutor.handouts", 6), ("tutor.plugin", 7),
    ("tutor.notebook", 8), ("tutor.commands", 8), ("tutor.cli", 8),
    ("tutor.courses", 9), ("tutor.__main__", 10), ("tutor", 10),
]
PLUGIN_DOOR = ("tutor.plugin", "tutor.core", "tutor.render")


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(name: str) -> int:
    best = max((p for p, _ in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return dict(LAYERS)[best]


def imports(path: Path, name: str) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) for every import in the file, functions included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, [a.name for a in node.names], node.lineno))
    return found


def resolve(target: str, names: list[str], known: dict[str, Path]) -> list[str]:
    """The tutor modules an import reaches: a submodule named in `from pkg import sub`, else the module."""
    if not target.startswith("tutor"):
        return []
    out = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
    if len(out) < len(names) or not names:
        t = target
        while t and t not in known:
            t = t.rpartition(".")[0]
        if t:
            out.append(t)
    return out


def edges() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    for name, path in known.items():
        for target, names, _ in imports(path, name):
            graph[name] |= {t for t in resolve(target, names, known) if t != name}
    return graph


def test_no_import_runs_up_a_layer():
    up = sorted(f"{a} ({layer(a)}) imports {b} ({layer(b)})"
                for a, targets in edges().items() for b in targets if layer(b) > layer(a))
    assert up == []


def test_no_import_circle():
    graph = edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert circles == []


def test_nothing_imports_the_package_root():
    # `tutor/__init__.py` is the top of the house (it holds %load_ext tutor): the version is tutor.base.version.
    known = modules()
    bare = sorted(f"{name}:{line}" for name, path in known.items() if name != "tutor"
                  for target, names, line in imports(path, name)
                  if target == "tutor" and not all(f"tutor.{n}" in known for n in names))
    assert bare == []


def test_no_private_name_crosses_a_module():
    known = modules()
    crossing = sorted(f"{name}:{line} takes {target}.{n}" for name, path in known.items()
                      for target, names, line in imports(path, name) if target.startswith("tutor") and target != name
                      for n in names if n.startswith("_") and not n.startswith("__") and f"{target}.{n}" not in known)
    assert crossing == []


def plugin_files() -> list[tuple[Path, str]]:
    """(file, its own package prefix) of every course plugin's Python: the bundled one and the course folders'."""
    out = [(p, "tutor.courses") for p in (PACKAGE / "courses").rglob("*.py")]
    out += [(p, "") for p in (REPO / "courses").rglob("*.py") if "data" not in p.parts]
    return out


@pytest.mark.parametrize("path,own", plugin_files(), ids=lambda v: str(v).rpartition("/")[2] if isinstance(v, Path) else "")
def test_a_course_plugin_imports_only_through_the_plugin_door(path, own):
    name = module_name(path) if own else path.stem
    reached = [(f"{target}.{n}" if target == "tutor" else target, line)
               for target, names, line in imports(path, name) for n in (names if target == "tutor" else [None])]
    past = [f"{path.relative_to(REPO)}:{line}: {target}" for target, line in reached
            if target.startswith("tutor") and not target.startswith(own or "tutor.courses")
            and not any(target == d or target.startswith(d + ".") for d in PLUGIN_DOOR)]
    assert past == []


def test_the_walk_sees_imports_inside_functions(tmp_path):
    # The walk itself must see an import hidden in a function (as the circles once hid there).
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from tutor.cli import main\n    return main\n")
    assert ("tutor.cli", ["main"], 2) in imports(f, "tutor.base.m")
    assert layer("tutor.cli") > layer("tutor.base.m")
