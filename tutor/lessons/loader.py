"""Lesson files -> frozen Lesson objects, checked once, strictly.

`load_lesson(path)` reads a lesson YAML safely (see yamlsafe), checks every
key, type and name, and returns a `Lesson`, or raises one LessonError that
carries every problem found. `find_lesson(id_or_path)` looks a lesson up in
the bundled folder (or takes a path). `load_manifest()` reads the course
order from lessons/course.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from tutor.errors import TutorError
from tutor.lessons.errors import LessonError, did_you_mean
from tutor.lessons.model import ACTIVATIONS, BASE_NAMES, DATASETS, SETUP_KEYS, WEIGHTS, Lesson, Setup, When
from tutor.lessons.params import TYPES, ParamSpec
from tutor.lessons.schema import NAME_RE, Reader, Scope, Where, as_number
from tutor.lessons.steps import STEP_KINDS, Common
from tutor.lessons.steps.base import COMMON_KEYS
from tutor.yamlsafe import Node, YamlProblem, parse, read_text

TOP_KEYS = ("id", "title", "summary", "setup", "steps")
PARAM_KEYS = ("type", "default", "min", "max", "choices", "help")
STEP_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LESSON_ID_RE = STEP_ID_RE
MAX_STEPS = 40
MANIFEST = "course.yaml"
MANIFEST_KEYS = ("title", "summary", "lessons")


def _read(path: Path) -> Node:
    try:
        return parse(read_text(path))
    except YamlProblem as err:
        raise LessonError(err.what, file=str(path), line=err.line, column=err.column) from None


def load_lesson(path: str | Path) -> Lesson:
    """Read and check one lesson file. Raises LessonError with every problem found."""
    path = Path(path)
    root = _read(path)
    file = str(path)
    if not isinstance(root.value, dict):
        raise Where(file, root.line, root.column).error(
            "a lesson is a mapping with id, title, summary, setup and steps at the top level, "
            f"not {'a list' if isinstance(root.value, list) else 'a single value'}"
        )
    r = Reader(root, "", file, TOP_KEYS, what="a lesson")
    problems: list[LessonError] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except LessonError as err:
            problems.extend(err.problems)
            return None

    attempt(r.finish)
    lesson_id = attempt(r.str, "id", True)
    if lesson_id is not None:
        if not LESSON_ID_RE.match(lesson_id):
            problems.append(r.error("id", f"{lesson_id!r} is not a lesson id (lowercase letters, digits and dashes)"))
        elif path.suffix in (".yaml", ".yml") and lesson_id != path.stem:
            problems.append(r.error("id", f"the id {lesson_id!r} must equal the file name without .yaml ({path.stem!r})"))
    title = attempt(r.str, "title", True)
    summary = attempt(r.str, "summary", True)
    setup = attempt(_parse_setup, r)
    steps: list = []
    if setup is not None:
        steps = _parse_steps(r, setup, problems)
    else:
        attempt(r.list, "steps", True)
    if problems:
        raise LessonError.collect(problems)
    return Lesson(lesson_id, title, summary, setup, tuple(steps), file)


def _parse_setup(r: Reader) -> Setup:
    s = r.sub("setup", SETUP_KEYS, required=True)
    if s is None:  # pragma: no cover - required
        return Setup()
    params = _parse_params(s)
    hidden = s.int_list("hidden")
    if hidden is not None and (not hidden or any(h < 1 for h in hidden)):
        raise s.error("hidden", "hidden layer sizes must be whole numbers of at least 1")
    eps_node = s.node_of("epsilon")
    epsilon: float | str = 0.12
    if eps_node is not None:
        if eps_node.value == "sqrt6":
            epsilon = "sqrt6"
        else:
            epsilon = s.number("epsilon", min=0)
    setup = Setup(
        dataset=s.str("dataset", default="digits", choices=DATASETS),
        hidden=hidden,
        activation=s.str("activation", default="sigmoid", choices=ACTIVATIONS),
        weights=s.str("weights", default="trained", choices=WEIGHTS),
        seed=s.int("seed", 0, min=0),
        lam=s.number("lambda", 0.0, min=0),
        iterations=s.int("iterations", None, min=0),
        learning_rate=s.number("learning_rate", None, min=0),
        train_iterations=s.int("train_iterations", 50, min=0),
        train_lambda=s.number("train_lambda", 1.0, min=0),
        samples=s.int("samples", 200, min=2),
        noise=s.number("noise", 0.2, min=0),
        epsilon=epsilon,
        scale=s.number("scale", 0.01, min=0),
        params=MappingProxyType(params),
    )
    s.finish()
    return setup


def _parse_params(s: Reader) -> dict[str, ParamSpec]:
    node = s.node_of("params")
    if node is None:
        return {}
    pr = Reader(node, s.key_path("params"), s.file, (), what="params")
    out: dict[str, ParamSpec] = {}
    for name, pnode in pr.map.items():
        path = pr.key_path(name)
        if not NAME_RE.match(name):
            raise pr.where(name).error(f"{name!r} is not a parameter name (letters, digits and _)")
        p = Reader(pnode, path, s.file, PARAM_KEYS, what=f"the parameter {name!r}")
        type_ = p.str("type", required=True, choices=TYPES)
        if not p.has("default"):
            raise p.error(None, f"the parameter {name!r} needs a default")
        choices = p.str_list("choices") or ()
        spec = ParamSpec(name, type_, None, p.number("min"), p.number("max"), choices, p.str("help", default=""))
        try:
            default = spec.coerce(p.map["default"].value)
        except ValueError as err:
            raise p.error("default", f"the default {err} (the parameter is a {type_})") from None
        if name == "hidden" and type_ != "int":
            raise p.error("type", "the parameter hidden (one hidden layer's size) must be an int")
        out[name] = ParamSpec(name, type_, default, spec.min, spec.max, choices, spec.help)
        p.finish()
    return out


def _parse_when(node: Node, where: Where) -> When:
    r = Reader(node, where.path, where.file, ("dataset", "course"), what="when")
    datasets = r.str_list("dataset") or ()
    for d in datasets:
        if d not in DATASETS + ("course",):
            raise r.error("dataset", f"unknown data set {d!r}{did_you_mean(d, DATASETS + ('course',))} "
                                     f"(expected: {', '.join(DATASETS + ('course',))})")
    course = r.bool("course")
    r.finish()
    if not datasets and course is None:
        raise where.error("when needs `dataset:` or `course:`")
    return When(tuple(datasets), course)


def initial_names(setup: Setup) -> list[str]:
    hidden = setup.hidden
    layers = (len(hidden) if hidden else 1) + 1
    names = list(BASE_NAMES) + [f"Theta{i}" for i in range(1, layers + 1)]
    names += [k for k in ("iterations", "learning_rate") if getattr(setup, k) is not None]
    names += list(setup.params)
    return names


def _parse_steps(r: Reader, setup: Setup, problems: list[LessonError]) -> list:
    try:
        items = r.list("steps", required=True)
    except LessonError as err:
        problems.append(err)
        return []
    if not items:
        problems.append(r.error("steps", "a lesson needs at least one step"))
        return []
    if len(items) > MAX_STEPS:
        problems.append(r.error("steps", f"a lesson has at most {MAX_STEPS} steps, this one has {len(items)}"))
    scope = Scope(initial_names(setup))
    seen: dict[str, int] = {}
    steps = []
    for i, node in enumerate(items):
        path = f"steps[{i}]"
        try:
            step = _parse_step(node, path, r.file, scope, seen)
            steps.append(step)
        except LessonError as err:
            problems.extend(err.problems)
            scope.lenient = True  # what that step would have bound is unknown
    return steps


def _parse_step(node: Node, path: str, file: str, scope: Scope, seen: dict[str, int]):
    r = Reader(node, path, file, COMMON_KEYS, what="a step")
    kind = r.str("kind", required=True)
    if kind not in STEP_KINDS:
        raise r.error("kind", f"unknown step kind {kind!r}{did_you_mean(kind, STEP_KINDS)} "
                              f"(known kinds: {', '.join(sorted(STEP_KINDS))})")
    cls = STEP_KINDS[kind]
    r.allowed = COMMON_KEYS + cls.KEYS
    step_id = r.str("id", required=True)
    if not STEP_ID_RE.match(step_id):
        raise r.error("id", f"{step_id!r} is not a step id (lowercase letters, digits and dashes, like z2-shape)")
    if step_id in seen:
        raise r.error("id", f"the step id {step_id!r} is already used by steps[{seen[step_id]}]")
    seen[step_id] = int(path[6:-1])
    when_node = r.node_of("when")
    when = _parse_when(when_node, r.where("when")) if when_node is not None else None
    common = Common(step_id, r.str("title"), r.str("notes"), when, r.where())
    r.finish()
    return cls.parse(r, common, scope)


# -- finding lessons -------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """The course: its title and lesson ids in order."""

    title: str
    summary: str
    lessons: tuple[str, ...]
    file: str


def load_manifest(path: str | Path | None = None) -> Manifest:
    """lessons/course.yaml (or `path`): the course order."""
    from tutor.paths import lessons_dir

    path = Path(path) if path else lessons_dir() / MANIFEST
    root = _read(path)
    r = Reader(root, "", str(path), MANIFEST_KEYS, what="the course manifest")
    ids = r.str_list("lessons", required=True, single_ok=False)
    seen = set()
    for i, lesson_id in enumerate(ids):
        item = r.map["lessons"].value[i]
        where = Where(str(path), item.line, item.column, f"lessons[{i}]")
        if not LESSON_ID_RE.match(lesson_id):
            raise where.error(f"{lesson_id!r} is not a lesson id")
        if lesson_id in seen:
            raise where.error(f"{lesson_id!r} is listed twice")
        seen.add(lesson_id)
    manifest = Manifest(r.str("title", default="The course"), r.str("summary", default=""), ids, str(path))
    r.finish()
    return manifest


def course_ids() -> list[str]:
    """Lesson ids in course order: the manifest's, then any other bundled lesson files."""
    from tutor.paths import lessons_dir

    try:
        ids = list(load_manifest().lessons)
    except LessonError:
        ids = []
    folder = lessons_dir()
    extra = sorted(p.stem for p in folder.glob("*.yaml") if p.name != MANIFEST and p.stem not in ids)
    return ids + extra


def lesson_path(lesson_id: str) -> Path:
    from tutor.paths import lessons_dir

    return lessons_dir() / f"{lesson_id}.yaml"


def find_lesson(ref: str) -> Lesson:
    """A lesson by id (bundled) or by the path of a .yaml file.

    Unknown ids raise TutorError with the nearest id; broken files LessonError.
    """
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or "/" in ref or p.is_file():
        if not p.exists():
            raise TutorError(f"there is no lesson file {ref}")
        return load_lesson(p)
    path = lesson_path(ref)
    if path.is_file():
        return load_lesson(path)
    ids = course_ids()
    if ref in ids:
        raise TutorError(f"the lesson {ref!r} is in the course but not available yet (no file {path.name})")
    hint = did_you_mean(ref, ids)
    raise TutorError(f"there is no lesson {ref!r}{hint or '.'} `tutor lessons` lists them.".replace("? `", "? `"))
