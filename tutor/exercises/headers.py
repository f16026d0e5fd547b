"""What a list needs from the exercises, without loading the whole catalog.

Cached in the header cache (tutor.base.cache) while the files are unchanged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from tutor.base.cache import cache


@dataclass(frozen=True)
class ExerciseHeader:
    """What `tutor exercises` lists of one exercise."""

    id: str
    title: str
    max_score: float


def exercise_card(exercise_id: str, course) -> tuple[str, str] | None:
    """(title, signature) of one exercise of `course`, what a lesson's exercise step shows; None if unknown.

    Read from that exercise's own file (`<id>.yaml`: the catalog requires the
    id to be the file name) and cached like a lesson header while the file is
    unchanged. Not from the whole catalog: loading and checking it brings the
    course's fixture and reference modules, about 40 ms on a lesson's first
    run. The list (`exercise_headers`) still loads and checks every file, so
    `tutor exercises` and `tutor check` report a broken one as before.
    """
    path = course.exercises_dir / f"{exercise_id}.yaml"
    if exercise_id.startswith(("_", ".")) or "/" in exercise_id or not path.is_file():
        return None

    def build(p: Path):
        from tutor.exercises.loader import load_yaml

        data, _ = load_yaml(p)
        title, signature = data.get("title"), data.get("signature")
        if data.get("id") != exercise_id or not isinstance(title, str) or not isinstance(signature, str):
            return None
        return [title, signature]

    card = cache().get(path, "card", build)
    return (card[0], card[1]) if isinstance(card, list) and len(card) == 2 else None


def exercise_headers(course) -> list[ExerciseHeader]:
    """The exercises of `course` in catalog order (course.yaml's `exercises`), for a list.

    While no exercise file of the folder has changed (same names, times and
    sizes), this comes from the cache; otherwise the whole catalog is loaded
    and checked (tutor.exercises.catalog: numpy and the fixtures come with
    it), so a broken exercise is reported exactly as before.
    """
    folder = course.exercises_dir
    order = list(course.exercises)
    files = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))  # as catalog.exercise_files
    stamp: list = [list(order or [])]
    for p in files:
        try:
            st = os.stat(p)
        except OSError:
            continue
        stamp.append([p.name, st.st_mtime_ns, st.st_size])
    c = cache()
    # One entry per order asked for (`tutor exercises` asks in the course's
    # order): callers asking in different orders must not rebuild each other's.
    name = f"exercises:{folder.absolute()}:{json.dumps(list(order or []))}"
    entry = c.entries.get(name)
    if entry is not None and entry.get("key") == stamp and isinstance(entry.get("list"), list):
        try:
            return [ExerciseHeader(**x) for x in entry["list"]]
        except TypeError:
            pass  # an entry edited by hand: load the catalog again
    from tutor.exercises import catalog

    # The catalog also remembers what it read, per process; a miss here means
    # the files differ from what was recorded, so that memory may be stale too.
    catalog.forget()
    listed = [{"id": ex.id, "title": ex.title, "max_score": ex.max_score}
              for ex in catalog.load_catalog(course).values()]
    c.entries[name] = {"key": stamp, "list": listed}
    c.dirty = True
    c.save()
    return [ExerciseHeader(**x) for x in listed]
