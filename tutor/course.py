"""Courses: a folder with a course.yaml, found by path, id, TUTOR_COURSE or entry point.

A course folder holds `course.yaml` (or `lessons/course.yaml`), `lessons/`,
`exercises/` and `data/`. Its manifest gives the id, title, version, the
lesson and exercise order, and optionally a Python `plugin` (a module name,
or a `.py` file in the course folder) that registers the course's own
operations, views, setups, step kinds and commands through tutor.plugin.

`resolve_course(ref)` finds one: a folder or manifest path, the id of the
bundled course, the id of an installed course (entry point group
`tutor.courses`, whose value gives the course folder), or, with no ref,
$TUTOR_COURSE, else the bundled course: only the command boundary asks for
that default; everything below it is handed the Course. `course_vocabulary`
imports a course's plugin once, into the course's own vocabulary
(tutor.base.registry). Nothing here imports numpy.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tutor.base.errors import TutorError

MANIFEST = "course.yaml"
MANIFEST_KEYS = ("id", "title", "summary", "version", "lessons", "exercises", "plugin", "setup")
ENTRY_POINT_GROUP = "tutor.courses"
ENV_VAR = "TUTOR_COURSE"


@dataclass(frozen=True)
class Course:
    """One course: its manifest and where its folders are."""

    id: str
    title: str
    summary: str
    version: str
    lessons: tuple[str, ...]
    exercises: tuple[str, ...]
    plugin: str | None
    setup: str | None  # the setup kind of lessons that do not name one
    root: Path
    file: str  # the manifest
    bundled: bool = False
    origin: str = ""  # how it was found: bundled, folder, entry point, TUTOR_COURSE

    @property
    def lessons_dir(self) -> Path:
        return self.root / "lessons"

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def lesson_path(self, lesson_id: str) -> Path:
        return self.lessons_dir / f"{lesson_id}.yaml"

    def lesson_ids(self) -> list[str]:
        """Lesson ids in course order: the manifest's, then any other lesson file in lessons/."""
        ids = list(self.lessons)
        extra = sorted(p.stem for p in self.lessons_dir.glob("*.yaml") if p.name != MANIFEST and p.stem not in ids)
        return ids + extra

    def progress_key(self, lesson_id: str) -> str:
        """The key of a lesson's record in progress.json (the bundled course keeps bare ids)."""
        return lesson_id if self.bundled else f"{self.id}/{lesson_id}"


# -- reading a manifest ------------------------------------------------------------------


def _manifest_in(folder: Path) -> Path | None:
    for candidate in (folder / MANIFEST, folder / "lessons" / MANIFEST):
        if candidate.is_file():
            return candidate
    return None


def _root_of(manifest: Path) -> Path:
    """The course folder: the manifest's folder, or its parent when it sits in lessons/."""
    folder = manifest.parent
    if folder.name == "lessons" and not (folder / "lessons").is_dir():
        return folder.parent
    return folder


def load_course(path: str | Path, *, bundled: bool = False, origin: str = "folder") -> Course:
    """Read a course from its folder (or its course.yaml). Raises LessonError / TutorError.

    The manifest's fields come from the header cache while the file is
    unchanged (tutor.lessons.headers), so finding a course costs no YAML.
    """
    from tutor.base.cache import manifest_fields

    p = Path(path)
    manifest = p if p.is_file() else _manifest_in(p)
    if manifest is None:
        raise TutorError(f"{path} is not a course: it has no {MANIFEST} (nor lessons/{MANIFEST})")
    root = _root_of(manifest)
    f = manifest_fields(manifest, _read_manifest)
    plugin = f["plugin"]
    if plugin and plugin.endswith(".py") and not (root / plugin).is_file():
        _plugin_missing(manifest, root / plugin)
    return Course(
        id=f["id"] or _slug(root.name), title=f["title"], summary=f["summary"], version=f["version"],
        lessons=tuple(f["lessons"]), exercises=tuple(f["exercises"]), plugin=plugin, setup=f["setup"],
        root=root.resolve() if not bundled else root, file=str(manifest), bundled=bundled, origin=origin,
    )


def _plugin_missing(manifest: Path, file: Path):
    """Raise the LessonError that points at the manifest's `plugin:` line."""
    from tutor.base.schema import Reader
    from tutor.base.trees import read_node

    r = Reader(read_node(manifest), "", str(manifest), MANIFEST_KEYS, what="the course manifest")
    raise r.error("plugin", f"the plugin file {file} does not exist")


def _read_manifest(manifest: Path) -> dict:
    """The checked fields of one course.yaml (LessonError at the first problem)."""
    from tutor.base.schema import ID_RE as LESSON_ID_RE
    from tutor.base.schema import Reader, Where
    from tutor.base.trees import read_node

    node = read_node(manifest)
    r = Reader(node, "", str(manifest), MANIFEST_KEYS, what="the course manifest")
    r.finish()
    ids = r.str_list("lessons", required=True, single_ok=False)
    seen: set[str] = set()
    for i, lesson_id in enumerate(ids):
        item = r.map["lessons"].value[i]
        where = Where(str(manifest), item.line, item.column, f"lessons[{i}]")
        if not LESSON_ID_RE.match(lesson_id):
            raise where.error(f"{lesson_id!r} is not a lesson id")
        if lesson_id in seen:
            raise where.error(f"{lesson_id!r} is listed twice")
        seen.add(lesson_id)
    course_id = r.str("id") or _slug(_root_of(manifest).name)
    if not LESSON_ID_RE.match(course_id):
        raise r.error("id", f"{course_id!r} is not a course id (lowercase letters, numbers and dashes)")
    return {"id": course_id, "title": r.str("title", default="The course"), "summary": r.str("summary", default=""),
            "version": str(r.str("version", default="0")), "lessons": list(ids),
            "exercises": list(r.str_list("exercises", single_ok=False) or ()), "plugin": r.str("plugin"),
            "setup": r.str("setup")}


def _slug(name: str) -> str:
    """A folder name as a course id: `My_Course 2` -> `my-course-2`."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "course"


# -- finding courses ---------------------------------------------------------------------

_BUNDLED: list[Course] = []


def bundled_course() -> Course:
    """The course that ships with tutor (its manifest is lessons/course.yaml)."""
    if not _BUNDLED:
        from tutor.base.paths import lessons_dir

        _BUNDLED.append(load_course(lessons_dir() / MANIFEST, bundled=True, origin="bundled"))
    return _BUNDLED[0]


def installed_courses() -> dict[str, Path]:
    """{id: folder} of courses installed through the `tutor.courses` entry point group.

    An entry point's object is the course folder (a str or Path), a module
    (its folder), or a function returning the folder.
    """
    from importlib.metadata import entry_points

    found: dict[str, Path] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception:  # noqa: BLE001 - one broken package must not hide the others
            continue
        if callable(obj) and not isinstance(obj, type):
            obj = obj()
        if hasattr(obj, "__file__"):
            obj = Path(obj.__file__).parent
        found[ep.name] = Path(obj)
    return found


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or os.sep in ref or ref.endswith((".yaml", ".yml")) or ref in (".", "..")


def resolve_course(ref: str | Path | None = None) -> Course:
    """The course named by `ref` (a folder, a manifest, an id), else $TUTOR_COURSE, else the bundled one."""
    origin = "folder"
    if ref is None or str(ref) == "":
        ref = os.environ.get(ENV_VAR) or None
        origin = ENV_VAR
        if ref is None:
            return bundled_course()
    text = str(ref)
    p = Path(text).expanduser()
    if p.exists() and (p.is_dir() or p.name == MANIFEST):
        return _same_as_bundled(load_course(p, origin=origin))
    if _looks_like_path(text):
        raise TutorError(f"there is no course folder {text}")
    bundled = bundled_course()
    if text == bundled.id:
        return bundled
    installed = installed_courses()
    if text in installed:
        return load_course(installed[text], origin="entry point")
    from tutor.base.errors import did_you_mean

    known = [bundled.id, *installed]
    hint = did_you_mean(text, known) or "."
    raise TutorError(f"there is no course {text!r}{hint} `tutor courses` lists them (or give a course folder).")


def _same_as_bundled(course: Course) -> Course:
    """A path that points at the bundled course is the bundled course (same progress keys)."""
    bundled = bundled_course()
    if Path(course.file).resolve() == Path(bundled.file).resolve():
        return bundled
    return course


def available_courses() -> list[Course]:
    """The bundled course, $TUTOR_COURSE's, and the installed ones (unreadable ones left out)."""
    from tutor.base.errors import LessonError

    out = [bundled_course()]
    refs: list[tuple[str | Path, str]] = []
    if os.environ.get(ENV_VAR):
        refs.append((os.environ[ENV_VAR], ENV_VAR))
    refs += [(folder, "entry point") for folder in installed_courses().values()]
    for ref, origin in refs:
        try:
            course = resolve_course(None) if origin == ENV_VAR else load_course(ref, origin=origin)
        except (TutorError, LessonError):
            continue
        if all(c.file != course.file for c in out):
            out.append(course)
    return out


def course_of_lesson(path: str | Path) -> Course | None:
    """The course a lesson file belongs to: the manifest beside it or one folder up; None if loose."""
    folder = Path(path).resolve().parent
    for candidate in (folder / MANIFEST, folder.parent / MANIFEST):
        if candidate.is_file():
            try:
                return _same_as_bundled(load_course(candidate))
            except TutorError:
                return None
    return None


# -- plugins -----------------------------------------------------------------------------


def _plugin_key(course: Course) -> str | None:
    if not course.plugin:
        return None
    if course.plugin.endswith(".py"):
        return str((course.root / course.plugin).resolve())
    return course.plugin


def _plugin_module_name(course: Course) -> str | None:
    """The name the plugin is imported under: its module name, or a name made for a file plugin."""
    if course is None or not course.plugin:
        return None
    if course.plugin.endswith(".py"):
        import hashlib

        digest = hashlib.sha1(_plugin_key(course).encode()).hexdigest()[:10]
        return f"tutor_course_plugin_{course.id.replace('-', '_')}_{digest}"
    return course.plugin


def course_vocabulary(course: Course):
    """The course's vocabulary (tutor.base.registry): the engine's plus what its plugin registers.

    The plugin is imported the first time (its registrations fill this
    vocabulary, and only this one); a course without a plugin uses the
    engine's, and so does a loose lesson file (course None). Its
    `@vocabulary` hooks run later, when a lesson loads (Vocabulary.load).
    """
    from tutor.base.registry import ENGINE, RegistryClash, Vocabulary, find_scope, importing, open_scope

    name = _plugin_module_name(course)
    if name is None:
        return ENGINE
    vocab = find_scope(name)
    if vocab is not None and name in sys.modules:
        return vocab
    if vocab is None:
        vocab = Vocabulary(f"the plugin {course.plugin} of course {course.id!r}", ENGINE)
        open_scope(name, vocab)
    try:
        with importing(vocab):
            if course.plugin.endswith(".py"):
                from importlib.util import module_from_spec, spec_from_file_location  # a file plugin only

                spec = spec_from_file_location(name, _plugin_key(course))
                module = module_from_spec(spec)
                sys.modules[name] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    sys.modules.pop(name, None)
                    raise
            else:
                importlib.import_module(name)
    except RegistryClash as err:
        raise TutorError(f"course {course.id!r} cannot load: {err}") from None
    except ModuleNotFoundError as err:
        raise TutorError(f"course {course.id!r}: its plugin {course.plugin!r} cannot be imported ({err})") from None
    except TutorError:
        raise
    except Exception as err:  # noqa: BLE001 - a broken plugin is the author's to fix: one line, not a traceback
        where = _where_in(err, course)
        raise TutorError(f"course {course.id!r}: its plugin {course.plugin!r} failed to import: "
                         f"{type(err).__name__}: {err}{where}") from None
    return vocab


def _where_in(err: BaseException, course: Course) -> str:
    """' (at FILE:LINE)' of the innermost frame of the traceback inside the course's folder or plugin."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    root = str(course.root.resolve())
    for frame in reversed(frames):
        if frame.filename.startswith(root) or (course.plugin and course.plugin.replace(".", "/") in frame.filename):
            return f" (at {frame.filename}:{frame.lineno})"
    return ""


def import_plugin(course: Course):
    """Import the course's plugin once (registering into its vocabulary); the module or None."""
    course_vocabulary(course)
    name = _plugin_module_name(course)
    return sys.modules.get(name) if name else None


def course_flag(course: Course | None) -> str:
    """` --course X` to add to a command for this course, or "" when it is the default one."""
    if course is None:
        return ""
    try:
        if resolve_course(None).file == course.file:
            return ""
    except TutorError:
        pass
    if course.origin == "entry point" or course.bundled:
        return f" --course {course.id}"
    folder = str(course.root)
    with contextlib.suppress(ValueError):
        folder = min(folder, os.path.relpath(course.root), key=len)
    return f" --course {folder}"
