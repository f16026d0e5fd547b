"""`kind: include`: a named run of steps from another lesson, or from a step library, read as if written here.

```yaml
- id: recap                 # the included steps get ids recap-<their id>
  kind: include
  from: forward-pass        # a lesson beside this one, or a library file: steps/recap (steps/recap.yaml)
  first: add-bias           # a run: from this step ...
  last: z2-typed            # ... to this one (both optional), or `steps: [add-bias, z2]` to pick,
                            # or `run: NAME` for a run a step library names (its `runs:`)
```

`from` names a file in this lesson's folder (or a folder below it), never
outside it: `forward-pass` is `forward-pass.yaml`, `steps/recap` is
`steps/recap.yaml`. A step library is a YAML file with a `steps:` list
(no id, title or setup: it is not a lesson, and `tutor validate` of the
lessons folder does not take it for one), and optionally `runs:`, names
for lists of its step ids (`runs: {forward: [bias, z2, a2]}`). The included steps are parsed in
this lesson's scope, in order, exactly as if they were written here: every
name they use must be bound by this lesson's setup or an earlier step, and
a problem in one points to its own file and line. An included step cannot
include again (no cycles, no surprises).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from tutor.base.schema import Reader
from tutor.base.trees import read_node
from tutor.base.yamlsafe import Node

INCLUDE_KEYS = ("id", "kind", "from", "steps", "first", "last", "run")
SOURCE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$")


@dataclasses.dataclass(frozen=True)
class Included:
    """One step brought in: its YAML (with its new id), where it sits in its own file."""

    node: Node
    path: str  # its key path in the source file, such as steps[4]
    file: str  # the source file


def is_include(node: Node) -> bool:
    """Whether a step's YAML is an include (`kind: include`)."""
    if not isinstance(node.value, dict):
        return False
    kind = node.value.get("kind")
    return kind is not None and kind.value == "include"


def source_file(source: str, lesson_file: str, r: Reader) -> Path:
    """The file `from:` names, inside the including lesson's folder; a LessonError when it is not there."""
    if not SOURCE_RE.match(source):
        raise r.error("from", f"{source!r} is not a lesson id or a library name such as steps/recap "
                              "(lowercase letters, numbers, - and _, folders with /)")
    folder = Path(lesson_file).parent
    path = folder / f"{source}.yaml"
    if not path.is_file():
        near = sorted(p.relative_to(folder).with_suffix("").as_posix()
                      for p in list(folder.glob("*.yaml")) + list(folder.glob("steps/*.yaml"))
                      if p.name != "course.yaml")
        raise r.error("from", f"there is no {path.name} in {folder} to include from"
                              + (f" (there are: {', '.join(near[:12])})" if near else ""))
    return path


def expand(node: Node, path: str, file: str) -> list[Included]:
    """The steps an include brings in, each with the id `<include id>-<its id>`; LessonError when it cannot."""
    r = Reader(node, path, file, INCLUDE_KEYS, what="an include step")
    r.finish()
    include_id = r.str("id", required=True)  # the new ids are checked as any step id is, by the loader
    src = source_file(r.str("from", required=True), file, r)
    if src.resolve() == Path(file).resolve():
        raise r.error("from", "a lesson cannot include its own steps")
    root = read_node(src)
    items = root.value.get("steps") if isinstance(root.value, dict) else None
    if items is None or not isinstance(items.value, list):
        raise r.error("from", f"{src.name} has no list of steps to include")
    ids = [(item.value.get("id").value if isinstance(item.value, dict) and item.value.get("id") is not None
            else None) for item in items.value]
    chosen = _choose(r, ids, src.name, _runs(root, src))
    out = []
    for k in chosen:
        item = items.value[k]
        where = f"steps[{k}]"
        if is_include(item):
            raise Reader(item, where, str(src), INCLUDE_KEYS).error(
                "kind", f"an included step cannot include again (included by {file}, {path})")
        renamed = dataclasses.replace(item.value["id"], value=f"{include_id}-{ids[k]}")
        out.append(Included(dataclasses.replace(item, value={**item.value, "id": renamed}), where, str(src)))
    return out


def _runs(root: Node, src: Path) -> dict[str, list[str]]:
    """A library's named runs, {name: [step ids]} (empty for a lesson, which names none)."""
    runs = root.value.get("runs") if isinstance(root.value, dict) else None
    if runs is None or not isinstance(runs.value, dict):
        return {}
    return {name: [i.value for i in node.value if isinstance(i.value, str)] if isinstance(node.value, list) else []
            for name, node in runs.value.items()}


def _choose(r: Reader, ids: list[str | None], source: str, runs: dict[str, list[str]]) -> list[int]:
    """Indices of the steps to include: `steps: [ids]`, a named `run`, the run `first`..`last`, or all."""
    from tutor.base.errors import did_you_mean

    def index(step_id: str, key: str) -> int:
        if step_id not in ids:
            known = [i for i in ids if i]
            raise r.error(key, f"{source} has no step {step_id!r}{did_you_mean(step_id, known) or ''} "
                               f"(its steps: {', '.join(known[:15])}{', ...' if len(known) > 15 else ''})")
        return ids.index(step_id)

    if sum(1 for k in ("steps", "run") if r.has(k)) + (r.has("first") or r.has("last")) > 1:
        raise r.error(None, "pick steps one way: `steps: [...]`, `run: NAME` or first/last")
    if r.has("run"):
        name = r.str("run")
        if name not in runs:
            raise r.error("run", f"{source} names no run {name!r}{did_you_mean(name, list(runs)) or ''}"
                                 + (f" (its runs: {', '.join(runs)})" if runs else " (it has no `runs:`)"))
        return [index(s, "run") for s in runs[name]]
    picked = r.str_list("steps")
    if picked is not None:
        return [index(s, "steps") for s in picked]
    lo = index(r.str("first"), "first") if r.has("first") else 0
    hi = index(r.str("last"), "last") if r.has("last") else len(ids) - 1
    if hi < lo:
        raise r.error("last", f"{ids[hi]!r} comes before {ids[lo]!r} in {source}: a run goes forward")
    return list(range(lo, hi + 1))
