"""Exercises as data: exercises/<id>.yaml -> frozen `Exercise` objects.

Each exercise names the function the learner writes (same name and signature
as the core's public one), its docstring with shapes, hints, test cases
(visible and hidden, with points), the known mistakes to look for, and the
reference: a function inside the `tutor` package, never arbitrary code.

The format (every key is checked; errors name file, line and key):

    id: sigmoid-gradient            # = the file name
    title: The sigmoid gradient
    summary: One line for lists.    # optional
    lesson: sigmoid-gradient        # optional: the lesson it belongs to
    function: sigmoid_gradient      # the name the learner's file must define
    signature: sigmoid_gradient(z)  # the stub's def line; arguments are passed in this order
    reference: tutor.core.sigmoid_gradient
    imports: [import numpy as np]   # the stub's import lines (default: numpy)
    docstring: |                    # the stub's docstring: shapes and formulas
    placeholder: |                  # optional stub body (default: raise NotImplementedError)
    returns: [J, grad]              # names of the returned values (one name: the value itself)
    check: [J]                      # which of them are graded (default: all)
    checker: compare                # compare (with the reference) | init (properties of random weights)
    gradient_check: 0               # optional: test index whose inputs feed a check of the learner's own cost
    tolerance: {rtol: 1e-6, atol: 1e-9}
    hints: [first, second, ...]     # shown one at a time by `tutor hint`
    diagnoses: [labels-off-by-one]  # known mistakes to look for (ids in diagnose.py)
    tests:
      - name: the debug network
        fixture: debug              # optional: named inputs (fixtures.py)
        with: {seed: 5}             # optional: the fixture's options
        args: {lam: 3}              # literals; a list becomes a float array, {list: [...]} stays a list
        points: 2
        hidden: false               # hidden tests show only pass/fail to the learner
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from tutor.exercises import fixtures
from tutor.exercises.loader import ExerciseFormatError, fail, load_yaml
from tutor.paths import exercises_dir

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEYS = {
    "id", "title", "summary", "lesson", "function", "signature", "reference", "imports", "docstring",
    "placeholder", "returns", "check", "checker", "gradient_check", "tolerance", "hints", "diagnoses", "tests",
}
REQUIRED = ("id", "title", "function", "signature", "reference", "docstring", "returns", "hints", "tests")
TEST_KEYS = {"name", "fixture", "with", "args", "points", "hidden"}
CHECKERS = ("compare", "init")


@dataclass(frozen=True)
class TestCase:
    """One graded call of the learner's function."""

    name: str
    fixture: str | None
    options: dict
    args: dict
    points: float
    hidden: bool

    def arguments(self) -> dict:
        """Fixture values, then literal args on top (fresh copies each call)."""
        values = fixtures.build(self.fixture, self.options)
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

    @property
    def max_score(self) -> float:
        return float(sum(t.points for t in self.tests))

    @property
    def reference(self):
        return resolve_reference(self.reference_path)

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

# Where references may live: the maths and the from-scratch references.
# Importing any other module (tutor.__main__, the CLI) could run it.
REFERENCE_MODULES = ("tutor.core", "tutor.exercises.reference_scratch")


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


def resolve_reference(dotted: str):
    """Import a reference function from the modules allowed to hold references."""
    module, _, name = dotted.rpartition(".")
    if not any(module == m or module.startswith(m + ".") for m in REFERENCE_MODULES):
        raise ExerciseFormatError(
            f"reference {dotted!r} must name a function in {' or '.join(REFERENCE_MODULES)}"
        )
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ExerciseFormatError(f"reference {dotted!r} does not exist") from None


def _signature_params(sig: str, function: str, path, line) -> tuple[str, ...]:
    try:
        tree = ast.parse(f"def {sig}: pass")
    except SyntaxError:
        fail(path, line, "signature", f"{sig!r} is not a Python function signature")
    fn = tree.body[0]
    if fn.name != function:
        fail(path, line, "signature", f"the signature names {fn.name!r} but function is {function!r}")
    return tuple(a.arg for a in fn.args.args)


def parse_exercise(data: dict, lines: dict[str, int], path: Path) -> Exercise:
    """Check one exercise document and freeze it; errors name file, line and key."""
    def line(key):
        # A key with no line of its own (an item of a string mistaken for a
        # list, a missing key) points at its nearest parent, then line 1.
        while key and key not in lines:
            key = key[: max(key.rfind("."), key.rfind("["), 0)]
        return lines.get(key, 1)

    for key in data:
        if key not in KEYS:
            fail(path, line(key), key, f"unknown key (known: {', '.join(sorted(KEYS))})")
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
        resolve_reference(data["reference"])
    except ExerciseFormatError as err:
        fail(path, line("reference"), "reference", err.message)
    returns = data["returns"]
    if not isinstance(returns, list) or not returns or not all(isinstance(r, str) for r in returns):
        fail(path, line("returns"), "returns", "must be a list of names")
    check = data.get("check", returns)
    if not isinstance(check, list) or any(c not in returns for c in check):
        fail(path, line("check"), "check", f"must list names from returns ({returns})")
    checker = data.get("checker", "compare")
    if checker not in CHECKERS:
        fail(path, line("checker"), "checker", f"must be one of {CHECKERS}")
    hints = data["hints"]
    if not isinstance(hints, list) or not hints or not all(isinstance(h, str) for h in hints):
        fail(path, line("hints"), "hints", "must be a non-empty list of strings")
    from tutor.exercises.diagnose import DIAGNOSES

    diagnoses = data.get("diagnoses", [])
    for i, d in enumerate(diagnoses):
        if d not in DIAGNOSES:
            fail(path, line(f"diagnoses[{i}]"), f"diagnoses[{i}]", f"unknown diagnosis {d!r}")
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
        if fx is not None and fx not in fixtures.FIXTURES:
            fail(path, line(f"{key}.fixture"), f"{key}.fixture", f"unknown fixture {fx!r} (known: {', '.join(fixtures.FIXTURES)})")
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
        case = TestCase(t["name"], fx, dict(options), dict(args), float(points), bool(t.get("hidden", False)))
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
        imports=tuple(data.get("imports", ["import numpy as np"])),
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
        tests=tuple(tests),
        path=path,
    )


def load_exercise_file(path: Path | str) -> Exercise:
    path = Path(path)
    data, lines = load_yaml(path)
    try:
        return parse_exercise(data, lines, path)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError) as err:
        # A value of an unexpected type that a specific check above missed:
        # still one located sentence, never a traceback.
        problem = " ".join(str(err).split()) or type(err).__name__
        fail(path, 1, None, f"a value has the wrong type or size ({problem})")


def exercise_files(folder: Path | None = None) -> list[Path]:
    folder = Path(folder) if folder is not None else exercises_dir()
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))


@lru_cache(maxsize=4)
def _load_catalog(folder: str) -> dict[str, Exercise]:
    exercises = {}
    for path in exercise_files(Path(folder)):
        ex = load_exercise_file(path)
        exercises[ex.id] = ex
    return exercises


ORDER = (
    "sigmoid-gradient", "rand-initialize-weights", "feedforward-cost", "regularized-cost",
    "backprop-gradient", "regularized-gradient", "numerical-gradient", "predict",
    "forward-propagation", "backward-propagation", "update-parameters",
)


def load_catalog(folder: Path | None = None) -> dict[str, Exercise]:
    """Every exercise, id -> Exercise, in course order."""
    found = _load_catalog(str(Path(folder) if folder is not None else exercises_dir()))
    ranked = sorted(found, key=lambda i: (ORDER.index(i) if i in ORDER else len(ORDER), i))
    return {i: found[i] for i in ranked}


def get_exercise(exercise_id: str) -> Exercise:
    """One exercise by id; an unknown id is a usage error naming the nearest."""
    catalog = load_catalog()
    if exercise_id in catalog:
        return catalog[exercise_id]
    import difflib

    close = difflib.get_close_matches(exercise_id, list(catalog), n=1)
    tip = f" Did you mean {close[0]!r}?" if close else ""
    raise ExerciseFormatError(f"there is no exercise {exercise_id!r}.{tip} (`tutor exercises` lists them)")


def status(exercise_id: str, store=None) -> str:
    """'not started', 'failing' or 'passed', from the learner's progress."""
    from tutor.progress import ProgressStore, exercise_status

    return exercise_status((store or ProgressStore()).exercise(exercise_id))
