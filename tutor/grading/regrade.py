"""What changed between two gradings of a class: `tutor grade diff OLD NEW`.

Each side is an output folder of `tutor grade` (its grades.json) or a
grades.json itself. Rows are matched by student, file and exercise; for each
whose score, result or reason changed it says why: the tests that went from
passed to failed or back, the named mistakes that appeared or went, the
reason as a whole. Rows only on one side are new or gone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tutor.base.errors import TutorError


@dataclass
class Change:
    student: str
    exercise: str
    file: str
    old: float | None  # None: not in the old run
    new: float | None  # None: not in the new run
    max_score: float
    why: list[str] = field(default_factory=list)


def read_grades(path: Path) -> list[dict]:
    file = path / "grades.json" if path.is_dir() else path
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        return list(doc["submissions"])
    except OSError:
        raise TutorError(f"there is no grades.json in {path}: give a folder `tutor grade` wrote") from None
    except (ValueError, KeyError, TypeError):
        raise TutorError(f"{file} is not a grades.json written by `tutor grade`") from None


def _key(r: dict) -> tuple[str, str, str]:
    return (r["student"], r.get("exercise") or "", r["file"])


def _reasons(old: dict, new: dict) -> list[str]:
    why = []
    if old["graded"] != new["graded"]:
        why.append("now graded" if new["graded"] else f"no longer graded: {new['reason']}")
    elif (old.get("reason") or "") != (new.get("reason") or ""):
        why.append(f"reason: {new['reason']}" if new.get("reason") else f"no longer: {old['reason']}")
    before = {t["name"]: t for t in old.get("tests", [])}
    after = {t["name"]: t for t in new.get("tests", [])}
    for name, t in after.items():
        b = before.get(name)
        if b is None:
            why.append(f"new test '{name}': {'passed' if t['passed'] else 'failed'}")
        elif b["passed"] != t["passed"] or b["score"] != t["score"]:
            why.append(f"test '{name}': {'passed' if b['passed'] else 'failed'} -> {'passed' if t['passed'] else 'failed'}"
                       + (f" ({b['score']:g} -> {t['score']:g} points)" if b["score"] != t["score"] else ""))
    for name in before:
        if name not in after:
            why.append(f"test '{name}' is gone")
    was = {m["id"] for m in old.get("mistakes", [])}
    now = {m["id"] for m in new.get("mistakes", [])}
    why += [f"mistake named: {m}" for m in sorted(now - was)]
    why += [f"mistake no longer named: {m}" for m in sorted(was - now)]
    if old.get("max_score") != new.get("max_score"):
        why.append(f"points possible {old['max_score']:g} -> {new['max_score']:g}")
    return why


def diff(old: list[dict], new: list[dict]) -> tuple[list[Change], int]:
    """(the rows that changed, in the new run's order then the gone ones; how many stayed the same)."""
    before = {_key(r): r for r in old}
    after = {_key(r): r for r in new}
    changes: list[Change] = []
    same = 0
    for key, r in after.items():
        o = before.get(key)
        if o is None:
            changes.append(Change(*key[:2], key[2], None, float(r["score"]), float(r["max_score"]),
                                  ["new in this run" + (f": {r['reason']}" if r.get("reason") else "")]))
            continue
        moved = (o["score"] != r["score"] or o["passed"] != r["passed"] or o["graded"] != r["graded"]
                 or (o.get("reason") or "") != (r.get("reason") or "")
                 or {m["id"] for m in o.get("mistakes", [])} != {m["id"] for m in r.get("mistakes", [])})
        if not moved:
            same += 1
            continue
        changes.append(Change(*key[:2], key[2], float(o["score"]), float(r["score"]), float(r["max_score"]),
                              _reasons(o, r) or ["the record changed"]))
    for key, o in before.items():
        if key not in after:
            changes.append(Change(*key[:2], key[2], float(o["score"]), None, float(o["max_score"]),
                                  ["not in this run (the file is gone or renamed)"]))
    return changes, same


def describe(changes: list[Change], same: int) -> list[str]:
    """The diff as plain lines (what the command prints)."""
    def score(v, m):
        return "-" if v is None else f"{v:g}/{m:g}"

    lines = []
    for c in changes:
        arrow = f"{score(c.old, c.max_score)} -> {score(c.new, c.max_score)}"
        lines.append(f"{c.student}  {c.exercise or '-'}  {c.file}  {arrow}")
        lines += [f"    {w}" for w in c.why]
    up = sum(1 for c in changes if c.old is not None and c.new is not None and c.new > c.old)
    down = sum(1 for c in changes if c.old is not None and c.new is not None and c.new < c.old)
    rows = "1 row" if len(changes) == 1 else f"{len(changes)} rows"
    lines.append(f"{rows} changed ({up} up, {down} down), {same} unchanged.")
    return lines
