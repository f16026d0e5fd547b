"""What a list needs from a lesson or a course manifest, without building steps.

`tutor`, `tutor lessons` and `tutor --help` need each lesson's id, title,
summary and step count, and the course's manifest (its plugin, its lesson
order). Loading a lesson properly checks every step against the course's
vocabulary (numpy and the plugin come with it); a header only reads the
YAML's top level.

Both are remembered in one small JSON file, `headers.json` in the cache
folder ($TUTOR_HOME/cache, else the platform's user cache folder), one entry
per file keyed by its absolute path and valid while the file's modification
time (ns) and size are the ones recorded. A cache that cannot be read, or
was written by another version, is ignored and rewritten; one that cannot
be written costs only the re-reading next time. Nothing here imports yaml
unless a file has to be read again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

FORMAT = 4  # bump when what an entry holds changes (2: lesson headers count questions, name exercises;
# 3: exercise headers carry the signature; 4: they no longer do, a lesson's step reads `exercise_card`)
CACHE_NAME = "headers.json"


def cache_dir() -> Path:
    """$TUTOR_HOME/cache, else the platform's user cache folder for 'tutor'."""
    env = os.environ.get("TUTOR_HOME")
    if env:
        return Path(env).expanduser() / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tutor", appauthor=False))


def _stamp() -> str:
    from tutor import __version__

    return f"{FORMAT}/{__version__}"


class HeaderCache:
    """{absolute path: {"key": [mtime_ns, size], kind: data}} read once, written when changed."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.entries: dict[str, dict] = {}
        self.dirty = False
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("stamp") == _stamp() and isinstance(doc.get("files"), dict):
                self.entries = {k: v for k, v in doc["files"].items() if isinstance(v, dict)}
        except (OSError, ValueError, UnicodeDecodeError):
            pass  # missing or damaged: start empty, rewrite on the next change

    def get(self, path: Path, kind: str, build: Callable[[Path], Any]) -> Any:
        """The cached `kind` data of `path`, or build(path) (cached when it returns)."""
        try:
            st = os.stat(path)
        except OSError:
            return build(path)  # let the builder say what is wrong with the file
        name = str(Path(path).absolute())
        key = [st.st_mtime_ns, st.st_size]
        entry = self.entries.get(name)
        if entry is not None and entry.get("key") == key and kind in entry:
            return entry[kind]
        data = build(path)
        if entry is None or entry.get("key") != key:
            entry = {"key": key}
            self.entries[name] = entry
        entry[kind] = data
        self.dirty = True
        self.save()
        return data

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"stamp": _stamp(), "files": self.entries}), encoding="utf-8")
            os.replace(tmp, self.file)
            self.dirty = False
        except OSError:
            pass  # a read-only home: read the files again next time


_CACHES: dict[str, HeaderCache] = {}


def cache() -> HeaderCache:
    """This process's cache for the current cache folder (tests change $TUTOR_HOME)."""
    file = cache_dir() / CACHE_NAME
    found = _CACHES.get(str(file))
    if found is None:
        found = _CACHES[str(file)] = HeaderCache(file)
    return found


# -- lesson headers ----------------------------------------------------------------------


@dataclass(frozen=True)
class LessonHeader:
    """A lesson's top level: enough to list it. `problem` is set when even that cannot be read."""

    id: str
    title: str
    summary: str
    steps: int
    problem: str | None = None
    questions: int = 0  # steps that ask the learner something (quiz, typed expression)
    exercises: tuple[str, ...] = ()  # the exercises its exercise steps send the learner to


# Step kinds that ask the learner for an answer (counted for the scores in the lists).
ASKING_KINDS = ("quiz", "expression")


def _step_facts(steps) -> tuple[int, list[str]]:
    """(questions, exercise ids) from a lesson's step nodes, without building the steps."""
    questions, exercises = 0, []
    for node in steps:
        fields = node.value if isinstance(node.value, dict) else {}
        fields = {getattr(k, "value", k): v for k, v in fields.items()}
        kind = getattr(fields.get("kind"), "value", None)
        if kind in ASKING_KINDS:
            questions += 1
        elif kind == "exercise":
            name = getattr(fields.get("exercise"), "value", None)
            if isinstance(name, str) and name not in exercises:
                exercises.append(name)
    return questions, exercises


def read_header(path: Path) -> dict:
    """The top level of one lesson file (yaml parsed, steps counted, not built)."""
    from tutor.lessons.errors import LessonError
    from tutor.lessons.loader import read_node
    from tutor.lessons.schema import Reader

    try:
        root = read_node(path)
        r = Reader(root, "", str(path), (), what="a lesson")
        steps = r.map.get("steps")
        if steps is None or not isinstance(steps.value, list):
            raise r.error("steps", "a lesson needs a list of steps")
        questions, exercises = _step_facts(steps.value)
        return {"id": r.str("id", required=True), "title": r.str("title", required=True),
                "summary": r.str("summary", required=True), "steps": len(steps.value), "problem": None,
                "questions": questions, "exercises": exercises}
    except LessonError as err:
        return {"id": Path(path).stem, "title": "", "summary": "", "steps": 0, "problem": err.message}


def lesson_header(path: str | Path) -> LessonHeader:
    """The header of the lesson file at `path`, from the cache when the file is unchanged."""
    data = cache().get(Path(path), "lesson", read_header)
    try:
        return LessonHeader(**{**data, "exercises": tuple(data.get("exercises", ()))})
    except TypeError:  # an entry edited by hand: read the file again and remember that
        c = cache()
        c.entries.pop(str(Path(path).absolute()), None)
        return LessonHeader(**c.get(Path(path), "lesson", read_header))


# -- course manifests ----------------------------------------------------------------------


def manifest_fields(path: Path, read: Callable[[Path], dict]) -> dict:
    """A course manifest's checked fields: read(path) once, then from the cache while unchanged."""
    return cache().get(path, "course", read)


# -- exercise lists --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseHeader:
    """What `tutor exercises` lists of one exercise."""

    id: str
    title: str
    max_score: float


def exercise_card(exercise_id: str, folder: Path | None = None) -> tuple[str, str] | None:
    """(title, signature) of one exercise, what a lesson's exercise step shows; None if unknown.

    Read from that exercise's own file (`<id>.yaml`: the catalog requires the
    id to be the file name) and cached like a lesson header while the file is
    unchanged. Not from the whole catalog: loading and checking it brings the
    course's fixture and reference modules, about 40 ms on a lesson's first
    run. The list (`exercise_headers`) still loads and checks every file, so
    `tutor exercises` and `tutor check` report a broken one as before.
    """
    from tutor.paths import exercises_dir

    folder = Path(folder) if folder is not None else exercises_dir()
    path = folder / f"{exercise_id}.yaml"
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


def exercise_headers(folder: Path | None = None, order: list[str] | None = None) -> list[ExerciseHeader]:
    """The exercises of `folder` (default: the bundled ones) in catalog order, for a list.

    order: the course's exercise order (course.yaml's `exercises`), as load_catalog takes it.

    While no exercise file of the folder has changed (same names, times and
    sizes), this comes from the cache; otherwise the whole catalog is loaded
    and checked (tutor.exercises.catalog: numpy and the fixtures come with
    it), so a broken exercise is reported exactly as before.
    """
    from tutor.paths import exercises_dir

    folder = Path(folder) if folder is not None else exercises_dir()
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
    getattr(getattr(catalog, "_load_catalog", None), "cache_clear", lambda: None)()
    load_catalog = catalog.load_catalog
    listed = [{"id": ex.id, "title": ex.title, "max_score": ex.max_score}
              for ex in load_catalog(folder, order).values()]
    c.entries[name] = {"key": stamp, "list": listed}
    c.dirty = True
    c.save()
    return [ExerciseHeader(**x) for x in listed]
