"""Exercises as data: exercises/<id>.yaml -> frozen `Exercise` objects.

Each exercise names the function the learner writes (same name and signature
as the core's public one), its docstring with shapes, hints, test cases
(visible and hidden, with points), the known mistakes to look for, and the
reference: a name a course plugin registered, or `references.py:function`
(a file beside the exercise file, loaded in the parent process only).

The format (every key is checked; errors name file, line and key):

    id: logistic-cost               # = the file name
    title: The logistic cost
    summary: One line for lists.    # optional
    lesson: cost                    # optional: the lesson it belongs to
    function: cost                  # the name the learner's file must define
    signature: cost(w, X, y)        # the stub's def line; arguments are passed in this order
    reference: references.py:cost   # a registered reference, or file.py:function beside this file
    helpers: [logistic]             # registered helpers the stub imports (from tutor_helpers import ...)
    imports: [import numpy as np]   # the stub's other import lines (default: numpy; never the tutor package)
    docstring: |                    # the stub's docstring: shapes and formulas
    placeholder: |                  # optional stub body (default: raise NotImplementedError)
    returns: [J, grad]              # names of the returned values (one name: the value itself)
    check: [J]                      # which of them are graded (default: all)
    checker: compare                # compare (with the reference) | a checker a plugin registered
    layout: parts                   # optional: a registered layout naming the cells of a flat vector
    order: 3                        # optional: position in `tutor exercises` (default: by id)
    gradient_check: 0               # optional: test index whose inputs feed a check of the learner's own cost
    tolerance: {rtol: 1e-6, atol: 1e-9}
    hints: [first, second, ...]     # shown one at a time by `tutor hint`
    diagnoses:                      # known mistakes to look for: a registered diagnosis by name,
      - labels-off-by-one
      - id: transposed              # or one declared here, with its words and a recipe or a wrong version
        title: The result is transposed
        message: One row per example, please.
        recipe: {output: transpose} # or: variant: references.py:wrong_function (see tutor.exercises.recipes)
    tests:
      - name: a small data set
        fixture: small-data         # optional: named inputs (a registered fixture)
        with: {seed: 5}             # optional: the fixture's options
        args: {lam: 3}              # literals; a list becomes a float array, {list: [...]} stays a list
        points: 2
        hidden: false               # hidden tests show only pass/fail to the learner
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tutor.base.pyparse import parse as parse_python
from tutor.exercises.lending import lends_of, record_lending, recorded_lending
from tutor.exercises.loader import ExerciseFormatError, check_keys, fail, load_node, plain
from tutor.exercises.plugins import ensure_loaded
from tutor.exercises.registry import Diagnosis

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEYS = {
    "id", "title", "summary", "lesson", "function", "signature", "reference", "imports", "docstring",
    "placeholder", "returns", "check", "checker", "gradient_check", "tolerance", "hints", "diagnoses", "tests",
    "helpers", "layout", "order",
}
REQUIRED = ("id", "title", "function", "signature", "reference", "docstring", "returns", "hints", "tests")
TEST_KEYS = {"name", "fixture", "with", "args", "points", "hidden"}


@dataclass(frozen=True)
class TestCase:
    """One graded call of the learner's function."""

    name: str
    fixture: str | None
    options: dict
    args: dict
    points: float
    hidden: bool
    builder: Callable | None = field(default=None, compare=False, repr=False)  # the registered fixture

    def arguments(self) -> dict:
        """Fixture values, then literal args on top (fresh copies each call)."""
        values = dict(self.builder(**self.options)) if self.builder is not None else {}
        values.update({k: _literal(v) for k, v in self.args.items()})
        return values


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    summary: str
    lesson: str | None
    function: str
    signature: str
    params: tuple[str, ...]
    reference_path: str
    imports: tuple[str, ...]
    docstring: str
    placeholder: str
    returns: tuple[str, ...]
    check: tuple[str, ...]
    checker: str
    gradient_check: int | None  # index of the test whose inputs feed the check
    rtol: float
    atol: float
    hints: tuple[str, ...]
    diagnoses: tuple[str, ...]
    tests: tuple[TestCase, ...]
    path: Path = field(compare=False)
    helpers: tuple[str, ...] = ()
    layout: str | None = None
    order: int | None = None
    declared: tuple = field(default=(), compare=False, repr=False)  # ((Diagnosis, wrong function), ...) from the file
    lends: tuple[str, ...] | None = field(default=None, compare=False)  # helpers a check lends (None: `helpers`)
    course: Any = field(default=None, compare=False, repr=False)  # the tutor.course.Course it belongs to
    vocab: Any = field(default=None, compare=False, repr=False)  # that course's vocabulary (tutor.base.registry)

    @property
    def max_score(self) -> float:
        return float(sum(t.points for t in self.tests))

    @property
    def reference(self):
        return resolve_reference(self.reference_path, self.path.parent, self.vocab)

    def diagnosis(self, diagnosis_id: str):
        """The words of a mistake this exercise names: declared in its file, else registered by its course."""
        for d, _ in self.declared:
            if d.id == diagnosis_id:
                return d
        return self.vocab.diagnoses[diagnosis_id]

    def mistakes(self) -> list[tuple[str, Callable]]:
        """(diagnosis id, wrong function) for every mistake to try: the file's own, then the course's."""
        mine = [(d.id, fn) for d, fn in self.declared]
        return mine + list(self.vocab.mistakes.get(self.function, []))

    def stub_helpers(self) -> dict:
        """{name: function} the stub imports from tutor_helpers (its `helpers:` list)."""
        return {name: self.vocab.helpers[name] for name in self.helpers}

    def helper_functions(self) -> dict:
        """{name: function} the checked code may import from tutor_helpers.

        Every helper of the course except this exercise's own answer and the
        answers of the exercises that build on it (see `lending`); the stub
        imports only `helpers`, but a learner who writes more in one file may
        import any of the rest.
        """
        names = self.helpers if self.lends is None else self.lends
        return {name: self.vocab.helpers[name] for name in names}

    def call_args(self, values: dict) -> list:
        """Positional arguments in signature order, stopping at the first absent one."""
        out = []
        for name in self.params:
            if name not in values:
                break
            out.append(values[name])
        return out


def _literal(value):
    """YAML literal -> argument: lists become float arrays, {list: [...]} stays a list."""
    if isinstance(value, dict) and set(value) == {"list"}:
        return list(value["list"])
    if isinstance(value, list):
        return np.array(value, dtype=float)
    return value


# Fixture options build the test inputs at load time: a stranger's file must
# not be able to ask for a billion-row matrix. Sizes in the course are tiny.
MAX_OPTION = 10_000
MAX_OPTION_ITEMS = 16

def _option_problem(value) -> str | None:
    """Why a fixture option is refused, or None when it is a small plain value."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, (int, float)):
        return None if abs(value) <= MAX_OPTION else f"is too large ({value}; at most {MAX_OPTION})"
    if isinstance(value, list):
        if len(value) > MAX_OPTION_ITEMS:
            return f"has {len(value)} items; at most {MAX_OPTION_ITEMS}"
        for item in value:
            problem = _option_problem(item)
            if problem:
                return problem
        return None
    return f"must be a number, a text or a short list, not {type(value).__name__}"


_FILE_REF = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.-]*\.py):([A-Za-z_][A-Za-z0-9_]*)$")


def resolve_reference(spec: str, folder: Path | None, vocab):
    """A registered reference by name (in the course's `vocab`), or `file.py:function` beside the exercise.

    The file is loaded by path in this (the parent) process only; the
    checked code never sees it.
    """
    if not isinstance(spec, str):
        raise ExerciseFormatError("reference must be a name or file.py:function")
    m = _FILE_REF.match(spec)
    if m is None:
        if spec in vocab.references:
            return vocab.references[spec]
        raise ExerciseFormatError(f"reference {spec!r} is neither a registered reference nor file.py:function")
    if folder is None:
        raise ExerciseFormatError(f"reference {spec!r} needs the exercise's folder")
    path = (Path(folder) / m.group(1)).resolve()
    if path.parent != Path(folder).resolve() or not path.is_file():
        raise ExerciseFormatError(f"reference {spec!r}: there is no file {m.group(1)} beside the exercise")
    module = _load_file(str(path), path.stat().st_mtime_ns)
    fn = getattr(module, m.group(2), None)
    if not callable(fn):
        raise ExerciseFormatError(f"reference {spec!r}: {m.group(1)} has no function {m.group(2)}")
    return fn


@lru_cache(maxsize=32)
def _load_file(path: str, _mtime: int):
    name = "tutor_course_references_" + hashlib.sha1(path.encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # noqa: BLE001 - a broken course file is a format error, not a crash
        raise ExerciseFormatError(f"{path} could not be loaded: {type(err).__name__}: {err}") from None
    return module


def _has_source(fn) -> bool:
    """Whether inspect.getsource(fn) would start with a def or a decorator (a def in a .py file).

    Its first line is the one findsource finds; getsource would go on to
    tokenize the whole block only to find where it ends (and compile the
    tokenizer's patterns first: a few ms of every check).
    """
    import inspect

    try:
        lines, lnum = inspect.findsource(inspect.unwrap(fn))
    except (OSError, TypeError):
        return False
    return lines[lnum].lstrip().startswith(("def ", "@"))


def _import_problem(line: str) -> str | None:
    """Why a stub import line is refused (it names the tutor package, or is not an import)."""
    try:
        tree = parse_python(line)
    except SyntaxError:
        return "is not a Python import line"
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.Import, ast.ImportFrom)):
        return "must be one import statement"
    node = tree.body[0]
    mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    for mod in mods:
        if mod == "tutor" or mod.startswith("tutor."):
            return ("imports the tutor package, which checked code cannot reach; list the functions under "
                    "helpers: and the stub imports them from tutor_helpers")
    return None


def _signature_params(sig: str, function: str, path, line) -> tuple[str, ...]:
    try:
        tree = parse_python(f"def {sig}: pass")
    except SyntaxError:
        fail(path, line, "signature", f"{sig!r} is not a Python function signature")
    fn = tree.body[0]
    if fn.name != function:
        fail(path, line, "signature", f"the signature names {fn.name!r} but function is {function!r}")
    return tuple(a.arg for a in fn.args.args)


def parse_exercise(data: dict, lines: dict[str, int], path: Path, course=None) -> Exercise:
    """Check one exercise document of `course` and freeze it; errors name file, line and key.

    course: the tutor.course.Course it belongs to; its vocabulary (the plugin's
    references, fixtures, helpers, diagnoses) is what the names are checked against.
    """
    vocab = ensure_loaded(course)
    def line(key):
        # A key with no line of its own (an item of a string mistaken for a
        # list, a missing key) points at its nearest parent, then line 1.
        while key and key not in lines:
            key = key[: max(key.rfind("."), key.rfind("["), 0)]
        return lines.get(key, 1)

    for key in REQUIRED:
        if key not in data:
            fail(path, 1, key, "is required")
    ex_id = data["id"]
    if not isinstance(ex_id, str) or not ID_RE.match(ex_id):
        fail(path, line("id"), "id", "must be lowercase words joined by '-'")
    if ex_id != path.stem:
        fail(path, line("id"), "id", f"must equal the file name ({path.stem!r})")
    for key in ("title", "function", "signature", "reference", "docstring"):
        if not isinstance(data[key], str) or not data[key].strip():
            fail(path, line(key), key, "must be a non-empty string")
    params = _signature_params(data["signature"], data["function"], path, line("signature"))
    try:
        reference = resolve_reference(data["reference"], path.parent, vocab)
    except ExerciseFormatError as err:
        fail(path, line("reference"), "reference", err.message)
    helpers = data.get("helpers", []) or []
    if not isinstance(helpers, list) or not all(isinstance(h, str) for h in helpers):
        fail(path, line("helpers"), "helpers", "must be a list of helper names")
    for i, h in enumerate(helpers):
        if h not in vocab.helpers:
            fail(path, line(f"helpers[{i}]"), f"helpers[{i}]",
                 f"unknown helper {h!r} (known: {', '.join(sorted(vocab.helpers)) or 'none'})")
        if not _has_source(vocab.helpers[h]):
            fail(path, line(f"helpers[{i}]"), f"helpers[{i}]",
                 f"helper {h!r} has no Python source to copy into the check (a def in a .py file is needed)")
    imports = data.get("imports", ["import numpy as np"])
    if not isinstance(imports, list) or not all(isinstance(i, str) for i in imports):
        fail(path, line("imports"), "imports", "must be a list of import lines")
    for i, imp in enumerate(imports):
        problem = _import_problem(imp)
        if problem:
            fail(path, line(f"imports[{i}]"), f"imports[{i}]", problem)
    lay = data.get("layout")
    if lay is not None and lay not in vocab.layouts:
        fail(path, line("layout"), "layout", f"unknown layout {lay!r}")
    order = data.get("order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        fail(path, line("order"), "order", "must be a whole number")
    returns = data["returns"]
    if not isinstance(returns, list) or not returns or not all(isinstance(r, str) for r in returns):
        fail(path, line("returns"), "returns", "must be a list of names")
    check = data.get("check", returns)
    if not isinstance(check, list) or any(c not in returns for c in check):
        fail(path, line("check"), "check", f"must list names from returns ({returns})")
    checker = data.get("checker", "compare")
    if checker != "compare" and checker not in vocab.checkers:
        fail(path, line("checker"), "checker",
             f"must be compare or a registered checker ({', '.join(sorted(vocab.checkers)) or 'none'})")
    hints = data["hints"]
    if not isinstance(hints, list) or not hints or not all(isinstance(h, str) for h in hints):
        fail(path, line("hints"), "hints", "must be a non-empty list of strings")
    diagnoses, declared = _parse_diagnoses(data.get("diagnoses", []) or [], params, tuple(returns), path, line, vocab,
                                           reference)
    tol = data.get("tolerance", {}) or {}
    if not isinstance(tol, dict) or set(tol) - {"rtol", "atol"}:
        fail(path, line("tolerance"), "tolerance", "must be a mapping with rtol and/or atol")
    tests = []
    if not isinstance(data["tests"], list) or not data["tests"]:
        fail(path, line("tests"), "tests", "must be a non-empty list")
    for i, t in enumerate(data["tests"]):
        key = f"tests[{i}]"
        if not isinstance(t, dict):
            fail(path, line(key), key, "must be a mapping")
        for k in t:
            if k not in TEST_KEYS:
                fail(path, line(f"{key}.{k}"), f"{key}.{k}", f"unknown key (known: {', '.join(sorted(TEST_KEYS))})")
        if not isinstance(t.get("name"), str):
            fail(path, line(key), f"{key}.name", "is required (a string)")
        fx = t.get("fixture")
        if fx is not None and fx not in vocab.fixtures:
            fail(path, line(f"{key}.fixture"), f"{key}.fixture",
                 f"unknown fixture {fx!r} (known: {', '.join(sorted(vocab.fixtures))})")
        points = t.get("points", 1)
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points < 0:
            fail(path, line(f"{key}.points"), f"{key}.points", "must be a number >= 0")
        args = t.get("args", {}) or {}
        for a in args:
            if a not in params:
                fail(path, line(f"{key}.args.{a}"), f"{key}.args.{a}", f"is not a parameter of {data['signature']}")
        options = t.get("with", {}) or {}
        if not isinstance(options, dict):
            fail(path, line(f"{key}.with"), f"{key}.with", "must be a mapping of fixture options")
        for name, value in options.items():
            problem = _option_problem(value)
            if problem:
                fail(path, line(f"{key}.with.{name}"), f"{key}.with.{name}", problem)
        case = TestCase(t["name"], fx, dict(options), dict(args), float(points), bool(t.get("hidden", False)),
                        vocab.fixtures[fx] if fx is not None else None)
        try:
            values = case.arguments()
        except TypeError as err:
            fail(path, line(key), key, f"the fixture does not accept these options ({err})")
        missing = [p for p in params if p not in values]
        present_after = [p for p in params[params.index(missing[0]) + 1:] if p in values] if missing else []
        if present_after:
            fail(path, line(key), key, f"argument {missing[0]!r} is missing but later ones are given")
        tests.append(case)
    gc = data.get("gradient_check")
    if gc is not None and (not isinstance(gc, int) or isinstance(gc, bool) or not 0 <= gc < len(tests)):
        fail(path, line("gradient_check"), "gradient_check", "must be the index of a test")
    return Exercise(
        id=ex_id,
        title=data["title"],
        summary=str(data.get("summary", "")),
        lesson=data.get("lesson"),
        function=data["function"],
        signature=data["signature"],
        params=params,
        reference_path=data["reference"],
        imports=tuple(imports),
        docstring=data["docstring"].rstrip(),
        placeholder=str(data.get("placeholder", "") or ""),
        returns=tuple(returns),
        check=tuple(check),
        checker=checker,
        gradient_check=gc,
        rtol=float(tol.get("rtol", 1e-6)),
        atol=float(tol.get("atol", 1e-9)),
        hints=tuple(hints),
        diagnoses=tuple(diagnoses),
        declared=tuple(declared),
        tests=tuple(tests),
        path=path,
        helpers=tuple(helpers),
        layout=lay,
        order=order,
        course=course,
        vocab=vocab,
    )


DIAGNOSIS_KEYS = ("id", "title", "message", "recipe", "variant")


def _parse_diagnoses(items, params, returns, path: Path, line, vocab, reference) -> tuple[list[str], list]:
    """(every diagnosis id, [(Diagnosis, wrong function)] of those declared in the file)."""
    if not isinstance(items, list):
        fail(path, line("diagnoses"), "diagnoses", "must be a list of diagnosis names or mappings")
    ids: list[str] = []
    declared: list = []
    for i, d in enumerate(items):
        key = f"diagnoses[{i}]"
        if isinstance(d, str):
            if d not in vocab.diagnoses:
                fail(path, line(key), key, f"unknown diagnosis {d!r} (a registered name, or a mapping with "
                                           f"{', '.join(DIAGNOSIS_KEYS)})")
            ids.append(d)
            continue
        if not isinstance(d, dict):
            fail(path, line(key), key, "must be a diagnosis name or a mapping with id, title, message and a recipe")
        for k in d:
            if k not in DIAGNOSIS_KEYS:
                fail(path, line(f"{key}.{k}"), f"{key}.{k}", f"unknown key (known: {', '.join(DIAGNOSIS_KEYS)})")
        for k in ("id", "title", "message"):
            if not isinstance(d.get(k), str) or not d[k].strip():
                fail(path, line(f"{key}.{k}"), f"{key}.{k}", "is required (a non-empty string)")
        if not ID_RE.match(d["id"]):
            fail(path, line(f"{key}.id"), f"{key}.id", "must be lowercase words joined by '-'")
        if d["id"] in ids:
            fail(path, line(f"{key}.id"), f"{key}.id", f"{d['id']!r} is named twice")
        if ("recipe" in d) == ("variant" in d):
            fail(path, line(key), key, "needs exactly one of recipe (a change of the reference) or variant "
                                       "(file.py:function, a wrong version beside the exercise)")
        if "variant" in d:
            try:
                wrong = resolve_reference(d["variant"], path.parent, vocab)
            except ExerciseFormatError as err:
                fail(path, line(f"{key}.variant"), f"{key}.variant", err.message.replace("reference", "variant", 1))
        else:
            from tutor.exercises.recipes import RecipeError, parse_recipe, variant_of  # only for a recipe

            try:
                recipe = parse_recipe(d["recipe"], params, returns)
            except RecipeError as err:
                fail(path, line(f"{key}.recipe"), f"{key}.recipe", str(err))
            wrong = variant_of(reference, recipe, params, returns)
        ids.append(d["id"])
        declared.append((Diagnosis(d["id"], d["title"].strip(), d["message"].strip()), wrong))
    return ids, declared


def load_exercise_file(path: Path | str, course=None) -> Exercise:
    """One exercise file of `course` (None: a loose file, the engine's vocabulary only)."""
    path = Path(path)
    root = load_node(path)
    check_keys(root, path, KEYS)
    data, lines = plain(root)
    try:
        return parse_exercise(data, lines, path, course)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError) as err:
        # A value of an unexpected type that a specific check above missed:
        # still one located sentence, never a traceback.
        problem = " ".join(str(err).split()) or type(err).__name__
        fail(path, 1, None, f"a value has the wrong type or size ({problem})")


def exercise_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.yaml") if not p.name.startswith("_"))


@lru_cache(maxsize=8)
def _load_catalog(course) -> dict[str, Exercise]:
    exercises = {}
    for path in exercise_files(course.exercises_dir):
        ex = load_exercise_file(path, course)
        exercises[ex.id] = ex
    record_lending(course, lending_rows(exercises))  # so that checking one exercise need not load them all
    return lending(exercises)


def lending_rows(exercises: dict[str, Exercise]) -> list[tuple[str, str, tuple[str, ...]]]:
    """What lending depends on, and all it depends on: (id, function, helpers) of every exercise, in file order."""
    return [(ex_id, ex.function, tuple(ex.helpers)) for ex_id, ex in exercises.items()]


def lending(exercises: dict[str, Exercise]) -> dict[str, Exercise]:
    """Each exercise with the helpers its check lends (`lends_of`)."""
    import dataclasses

    lends = lends_of(lending_rows(exercises))
    return {ex_id: dataclasses.replace(ex, lends=lends[ex_id]) for ex_id, ex in exercises.items()}


@lru_cache(maxsize=32)
def _load_one(exercise_id: str, course) -> Exercise | None:
    """The exercise alone, with the helpers it lends computed from what the last whole load recorded;
    None when that record is not known to hold (then the whole catalog is loaded, and checked).

    Lending depends on every exercise's function and helpers: the record
    (tutor.exercises.lending) holds them, valid while no exercise file, no
    file beside them and no file of the course's plugin has changed, which
    also means every exercise loaded cleanly then, so a broken one is still
    reported as a whole load reports it. tests/test_exercises_catalog.py
    checks that each exercise of each course comes out equal both ways.
    """
    if not isinstance(exercise_id, str) or not ID_RE.match(exercise_id):
        return None
    rows = recorded_lending(course)
    if rows is None:
        return None
    mine = [r for r in rows if r[0] == exercise_id]
    if len(mine) != 1:
        return None
    try:
        ex = load_exercise_file(course.exercises_dir / f"{exercise_id}.yaml", course)
    except ExerciseFormatError:
        return None  # the whole load says what is wrong, as it always did
    lends = lends_of(rows)[exercise_id]
    if mine[0] != lending_rows({ex.id: ex})[0] or any(n not in ex.vocab.helpers for n in lends):
        return None
    import dataclasses

    return dataclasses.replace(ex, lends=lends)


def forget() -> None:
    """Drop what this process remembers of exercise files (they changed on disk)."""
    _load_catalog.cache_clear()
    _load_one.cache_clear()


def load_catalog(course) -> dict[str, Exercise]:
    """Every exercise of `course` (a tutor.course.Course), id -> Exercise, in course order.

    The order is the course's (course.yaml's exercises list); otherwise each
    exercise's `order:` key, then its id.
    """
    found = _load_catalog(course)
    order = list(course.exercises)
    if order:
        rank = {i: n for n, i in enumerate(order)}
        key = lambda i: (rank.get(i, len(rank)), i)  # noqa: E731
    else:
        key = lambda i: (found[i].order if found[i].order is not None else 10**6, i)  # noqa: E731
    return {i: found[i] for i in sorted(found, key=key)}


def exercise_ids(course) -> list[str]:
    """The ids of `course`'s exercises in `load_catalog`'s order, from the lending record when it holds
    and the course lists its order (course.yaml's `exercises`); else from the whole catalog."""
    rows = recorded_lending(course) if course.exercises else None
    if rows is None:
        return list(load_catalog(course))
    rank = {i: n for n, i in enumerate(course.exercises)}
    return sorted((r[0] for r in rows), key=lambda i: (rank.get(i, len(rank)), i))


def get_exercise(exercise_id: str, course) -> Exercise:
    """One exercise of `course` by id; an unknown id is a usage error naming the nearest.

    Loaded alone while the catalog's record holds (`_load_one`): a check pays
    for its own exercise only, not for building every other exercise's tests.
    """
    one = _load_one(exercise_id, course)
    if one is not None:
        return one
    catalog = load_catalog(course)
    if exercise_id in catalog:
        return catalog[exercise_id]
    import difflib

    from tutor.course import course_flag
    from tutor.exercises.safetext import safe_text

    wanted = str(exercise_id).strip().lower().replace("_", "-").replace(" ", "-")
    close = [wanted] if wanted in catalog else difflib.get_close_matches(wanted, list(catalog), n=1)
    tip = f" Did you mean {close[0]!r}?" if close else ""
    raise ExerciseFormatError(f"there is no exercise {safe_text(exercise_id)!r}.{tip} (`tutor exercises{course_flag(course)}` lists them)")


def status(exercise_id: str, store=None, *, course: str | None = None) -> str:
    """'not started', 'failing' or 'passed', from the learner's progress (course: its id; None: bundled)."""
    from tutor.progress import exercise_state

    return exercise_state(exercise_id, store, course=course)


def record_check(store, result, *, course: str | None = None) -> dict:
    """Add one check's outcome to the learner's record of that exercise (course: its id; None: bundled).

    The one way a check is recorded, from `tutor check`, a notebook or any
    other front end, so `tutor exercises` shows the same thing for each.
    """

    def change(rec: dict) -> dict:
        rec = dict(rec)
        rec["started"] = True
        rec["checks"] = int(rec.get("checks", 0)) + 1
        rec["score"] = result.score
        rec["max_score"] = result.max_score
        rec["best_score"] = max(float(rec.get("best_score", 0.0)), result.score)
        rec["passed"] = bool(rec.get("passed")) or result.passed
        rec["last"] = "passed" if result.passed else "failing"
        return rec

    return store.update("exercises", result.exercise_id, change, course=course)
