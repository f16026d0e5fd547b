"""Lesson files -> frozen Lesson objects, checked once, strictly.

`load_lesson(path)` reads a lesson YAML safely (see yamlsafe), checks every
key, type and name against the vocabulary of the lesson's course (the
engine's plus its plugin's), and returns a `Lesson`, or raises one
LessonError that carries every problem found. `find_lesson(id_or_path)`
looks a lesson up in a course (default: the default course) or takes a
path. Courses themselves are found by tutor.course.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from tutor.base.errors import LessonError, TutorError, did_you_mean
from tutor.base.schema import ID_RE, NAME_RE, Reader, Scope, Where
from tutor.base.trees import read_node
from tutor.base.yamlsafe import Node
from tutor.lessons.includes import expand as expand_include
from tutor.lessons.includes import is_include
from tutor.lessons.model import Lesson, Setup, When
from tutor.lessons.params import TYPES, ParamSpec
from tutor.lessons.steps.base import COMMON_KEYS, Common

TOP_KEYS = ("id", "title", "summary", "setup", "steps")
PARAM_KEYS = ("type", "default", "min", "max", "choices", "help")
STEP_ID_RE = LESSON_ID_RE = ID_RE
# Past this many steps `tutor validate` warns (a long sitting); nothing refuses a longer lesson.
ADVISED_STEPS = 40
MANIFEST = "course.yaml"
DEFAULT_SETUP = "arrays"


_read = read_node


def load_lesson(path: str | Path, course=None) -> Lesson:
    """Read and check one lesson file. Raises LessonError with every problem found.

    course: the tutor.course.Course it belongs to; by default the course whose
    manifest is beside the file (or one folder up). A loose file outside any
    course, given no course, may use the engine's vocabulary only. The
    course's vocabulary (its plugin) is loaded first.
    """
    from tutor.course import course_of_lesson
    from tutor.lessons.engine import lesson_vocabulary

    path = Path(path)
    if course is None:
        course = course_of_lesson(path)
    vocab = lesson_vocabulary(course)
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
            problems.append(r.error("id", f"{lesson_id!r} is not a lesson id (lowercase letters, numbers and dashes)"))
        elif path.suffix in (".yaml", ".yml") and lesson_id != path.stem:
            problems.append(r.error("id", f"the id {lesson_id!r} must equal the file name without .yaml ({path.stem!r})"))
    title = attempt(r.str, "title", True)
    summary = attempt(r.str, "summary", True)
    setup = attempt(_parse_setup, r, course, vocab)
    steps: list = []
    if setup is not None:
        steps = _parse_steps(r, setup, problems, vocab)
    else:
        attempt(r.list, "steps", True)
    if problems:
        raise LessonError.collect(problems)
    return Lesson(lesson_id, title, summary, setup, tuple(steps), file, course, vocab)


def _parse_setup(r: Reader, course, vocab) -> Setup:
    setups = vocab.setups
    node = r.node_of("setup")
    if node is None:
        raise r.where().error("the key 'setup' is missing (write `setup: {}` when the lesson needs nothing)")
    s = Reader(node, "setup", r.file, (), what="'setup'")
    default = (course.setup if course is not None and course.setup else None) or _infer_kind(s, setups)
    kind_name = s.str("kind", default=default)
    if kind_name not in setups:
        raise s.error("kind", f"unknown setup kind {kind_name!r}{did_you_mean(kind_name, setups)} "
                              f"(known: {', '.join(sorted(setups))})")
    kind = setups[kind_name]
    s.allowed = ("kind", "params") + tuple(kind.KEYS)
    s.finish()
    params = _parse_params(s)
    kind.check_params(params, lambda name: s.sub("params", ()).sub(name, PARAM_KEYS).where("type"))
    options = kind.parse(s, course)
    return Setup(kind=kind_name, options=options, params=MappingProxyType(params))


def _infer_kind(s: Reader, setups) -> str:
    """The setup kind of a lesson whose course names none: `arrays`, or the one kind whose keys fit."""
    keys = set(s.map) - {"kind", "params"}
    fitting = [n for n, k in setups.items() if keys <= set(k.KEYS)]
    if DEFAULT_SETUP in fitting or not keys:
        return DEFAULT_SETUP
    if len(fitting) == 1:
        return fitting[0]
    return DEFAULT_SETUP


def _parse_params(s: Reader) -> dict[str, ParamSpec]:
    node = s.node_of("params")
    if node is None:
        return {}
    pr = Reader(node, s.key_path("params"), s.file, (), what="params")
    out: dict[str, ParamSpec] = {}
    for name, pnode in pr.map.items():
        path = pr.key_path(name)
        if not NAME_RE.match(name):
            raise pr.where(name).error(f"{name!r} is not a parameter name (letters, numbers and _)")
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
        out[name] = ParamSpec(name, type_, default, spec.min, spec.max, choices, spec.help)
        p.finish()
    return out


def _parse_when(node: Node, where: Where, conditions: dict) -> When:
    """`when: {fact: value or [values]}`, checked against the facts the setup kind reports."""
    if not conditions:
        raise where.error("`when` tests a declared parameter (setup.params) or a fact of the setup, "
                          "and this lesson has neither")
    r = Reader(node, where.path, where.file, tuple(conditions), what="when")
    r.finish()
    out = []
    for key, allowed in conditions.items():
        if not r.has(key):
            continue
        sub = r.map[key]
        if isinstance(sub.value, bool):
            values: tuple = (sub.value,)
        else:
            values = r.str_list(key) or ()
            for v in values:
                if allowed is not None and v not in allowed:
                    raise r.error(key, f"unknown {key} {v!r}{did_you_mean(v, allowed)} (expected: {', '.join(allowed)})")
        out.append((key, values))
    if not out:
        raise where.error(f"when needs one of: {', '.join(f'`{k}:`' for k in conditions)}")
    return When(tuple(out))


def initial_names(setup: Setup, vocab) -> list[str]:
    """The names bound before the first step: the setup kind's, then the declared params."""
    return list(vocab.setups[setup.kind].names(setup.options)) + list(setup.params)


def _parse_steps(r: Reader, setup: Setup, problems: list[LessonError], vocab) -> list:
    try:
        items = r.list("steps", required=True)
    except LessonError as err:
        problems.append(err)
        return []
    if not items:
        problems.append(r.error("steps", "a lesson needs at least one step"))
        return []
    scope = Scope(initial_names(setup, vocab))
    scope.vocab = vocab
    # `when` may test the setup kind's facts and any declared parameter (`--set` turns steps on and off)
    conditions = {**{name: (spec.choices or None) for name, spec in setup.params.items()},
                  **vocab.setups[setup.kind].CONDITIONS}
    seen: dict[str, int] = {}
    steps = []
    entries = []  # (YAML, key path, file) of every step, an include's run expanded in its place
    for i, node in enumerate(items):
        if is_include(node):
            try:
                entries.extend((inc.node, inc.path, inc.file) for inc in expand_include(node, f"steps[{i}]", r.file))
            except LessonError as err:
                problems.extend(err.problems)
                scope.lenient = True  # what the run would have bound is unknown
            continue
        entries.append((node, f"steps[{i}]", r.file))
    for node, path, file in entries:
        try:
            step = _parse_step(node, path, file, scope, seen, conditions)
            steps.append(step)
            scope.steps[step.id] = step
        except LessonError as err:
            problems.extend(err.problems)
            # Go on checking the later steps with the names this one declares it binds, so that every problem
            # of the lesson is reported at once; only when they cannot be told is the rest checked leniently.
            declared = declared_names(node, getattr(scope, "vocab", None))
            if declared is None:
                scope.lenient = True
            else:
                for name in declared:
                    scope.bind(name)
    return steps


# Step kinds that bind nothing unless they say so with `bind:`.
BINDS_ONLY_WITH_BIND = ("text", "show", "check", "quiz", "expression", "shapes", "figure", "exercise", "predict",
                        "explore")


def declared_names(node: Node, vocab) -> set[str] | None:
    """The names a step binds, read from its YAML alone (for a step that failed to load); None when unknown."""
    if not isinstance(node.value, dict):
        return set()
    fields = node.value
    bind = fields.get("bind")
    if bind is not None:
        value = bind.value
        if isinstance(value, str):
            return {value}
        if isinstance(value, dict):
            return {n.value for n in value.values() if isinstance(n.value, str)}
        return None
    kind = fields.get("kind")
    kind = kind.value if kind is not None else None
    if kind in BINDS_ONLY_WITH_BIND:
        return set()
    if kind == "compute":
        op = fields.get("op")
        known = getattr(vocab, "operations", None) or {}
        if op is not None and isinstance(op.value, str) and op.value in known:
            return set(known[op.value].outputs)
    return None


def _parse_step(node: Node, path: str, file: str, scope: Scope, seen: dict[str, int], conditions: dict):
    r = Reader(node, path, file, COMMON_KEYS, what="a step")
    kind = r.str("kind", required=True)
    kinds = scope.vocab.step_kinds
    if kind not in kinds:
        raise r.error("kind", f"unknown step kind {kind!r}{did_you_mean(kind, kinds)} "
                              f"(known kinds: {', '.join(sorted(kinds))})")
    cls = kinds[kind]
    r.allowed = COMMON_KEYS + tuple(cls.allowed_keys(r, scope))
    step_id = r.str("id", required=True)
    if not STEP_ID_RE.match(step_id):
        raise r.error("id", f"{step_id!r} is not a step id (lowercase letters, numbers and dashes, like z2-shape)")
    if step_id in seen:
        raise r.error("id", f"the step id {step_id!r} is already used by steps[{seen[step_id]}]")
    seen[step_id] = int(path[6:-1])
    when_node = r.node_of("when")
    when = _parse_when(when_node, r.where("when"), conditions) if when_node is not None else None
    common = Common(step_id, r.str("title"), r.str("notes"), when, r.where())
    r.finish()
    step = cls.parse(r, common, scope)
    # the title is drawn after the step ran: its placeholders may quote what the step itself bound
    from tutor.lessons.texts import require_text_names

    require_text_names(common.title, r.where("title"), scope, common.condition)
    return step


def lesson_warnings(lesson) -> list[str]:
    """What `tutor validate` advises about a lesson that loads: not problems, nothing refuses it."""
    n = len(lesson.steps)
    if n > ADVISED_STEPS:
        return [f"{n} steps: more than {ADVISED_STEPS} make a long sitting for a learner (about {n} minutes at a "
                "minute a step); consider splitting the lesson, or moving a run of steps into a group that "
                "lessons include (`kind: include`)"]
    return []


# -- finding lessons -------------------------------------------------------------


def find_lesson(ref: str, course=None) -> Lesson:
    """A lesson by id (in `course`) or by the path of a .yaml file (in `course`, else its own).

    Unknown ids raise TutorError with the nearest id; broken files LessonError.
    """
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or "/" in ref or p.is_file():
        if not p.exists():
            raise TutorError(f"there is no lesson file {ref}")
        from tutor.course import course_of_lesson

        return load_lesson(p, course_of_lesson(p) or course)  # a file inside a course folder is that course's
    if course is None:
        raise TypeError("find_lesson needs the course to look a lesson id up in")
    path = course.lesson_path(ref)
    if path.is_file():
        return load_lesson(path, course)
    ids = course.lesson_ids()
    if ref in ids:
        raise TutorError(f"the lesson {ref!r} is in the course but not available yet (no file {path.name})")
    hint = did_you_mean(ref, ids)
    where = "" if course.bundled else f" in the course {course.id!r}"
    raise TutorError(f"there is no lesson {ref!r}{where}{hint or '.'} `tutor lessons` lists them.")
