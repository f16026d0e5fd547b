"""Checking one learner file against one exercise: results, score, diagnoses.

`check_file` builds every test case, computes the expected outputs with the
reference (in this process: it is our code), runs the learner's function in
the sandbox on the same inputs, and `evaluate` turns the two into a
`CheckResult`: per test pass/fail with reasons, the score, named mistakes and
the gradient check on the learner's own cost.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tutor.errors import TutorError
from tutor.exercises.compare import Comparison, compare, explain_shape
from tutor.exercises.diagnose import DIAGNOSES, Diagnosis, find_diagnoses, init_matcher
from tutor.exercises.fixtures import CostFixture
from tutor.exercises.runner import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, SandboxResult, run_sandbox


@dataclass
class TestResult:
    name: str
    passed: bool
    score: float
    max_score: float
    hidden: bool
    message: str
    comparisons: list[Comparison] = field(default_factory=list)


@dataclass
class CheckResult:
    exercise_id: str
    title: str
    file: str
    tests: list[TestResult]
    diagnoses: list[Diagnosis] = field(default_factory=list)
    problem: str | None = None  # a whole-file problem (syntax error, timeout...)
    gradient_check: dict | None = None
    printed: str = ""

    @property
    def score(self) -> float:
        return float(sum(t.score for t in self.tests))

    @property
    def max_score(self) -> float:
        return float(sum(t.max_score for t in self.tests))

    @property
    def passed(self) -> bool:
        return self.problem is None and all(t.passed for t in self.tests)


def materialize(args: list) -> list:
    """Cost fixtures -> real callables, for calls made in this process."""
    return [a.build() if isinstance(a, CostFixture) else copy.deepcopy(a) for a in args]


def build_cases(exercise) -> tuple[list[list], list]:
    """(positional args per test, the reference's output per test)."""
    cases_args = [exercise.call_args(t.arguments()) for t in exercise.tests]
    expected = [exercise.reference(*materialize(a)) for a in cases_args]
    return cases_args, expected


def check_file(exercise, file: Path | str, *, timeout: float = DEFAULT_TIMEOUT,
               memory_mb: int = DEFAULT_MEMORY_MB) -> CheckResult:
    """Run the learner's file through every test of the exercise."""
    file = Path(file)
    if not file.is_file():
        raise TutorError(f"there is no file {file}; start the exercise with `tutor exercise start {exercise.id}`")
    cases_args, expected = build_cases(exercise)
    sandbox = run_sandbox(file, exercise.function, cases_args, list(exercise.params), timeout=timeout,
                          memory_mb=memory_mb, gradient_check=exercise.gradient_check)
    return evaluate(exercise, cases_args, expected, sandbox, file=str(file), timeout=timeout, memory_mb=memory_mb)


# -- turning sandbox output into words ------------------------------------------------

_SIZE_PAIR = re.compile(r"size (\d+) is different from (\d+)|\((\d+)\s*,?\)?\s*!=\s*(\d+)|(\d+) \(dim \d\) != (\d+)")


def _where(err: dict) -> str:
    if err.get("line"):
        code = f": `{err['code']}`" if err.get("code") else ""
        return f" at line {err['line']}{code}"
    return ""


_SHAPES = re.compile(r"\((\d+),\s*(\d+)\)")


def _broadcast_hint(message: str) -> str:
    """A hint for 'could not be broadcast' between two shapes that differ by one."""
    if "broadcast" not in message:
        return ""
    shapes = [(int(a), int(b)) for a, b in _SHAPES.findall(message)]
    for (r1, c1), (r2, c2) in zip(shapes, shapes[1:]):
        if c1 == c2 and abs(r1 - r2) == 1:
            return (" -- one matrix has one row more than the other: the delta of the bias unit was kept? "
                    "Drop it: delta2 = (delta3 @ Theta2)[:, 1:] * g'(z2).")
        if r1 == r2 and abs(c1 - c2) == 1:
            return " -- one matrix has one column more than the other: a bias column missing or added twice?"
    return ""


def describe_error(err: dict, memory_mb: int, signature: str | None = None) -> str:
    if err.get("memory"):
        return (f"your code tried to use more memory than allowed ({memory_mb} MB){_where(err)}: {err['message']}. "
                "Is an array far bigger than the data (m x m, or a loop that keeps growing a list)?")
    if err["type"] == "NotImplementedError":
        return f"not written yet: the function still raises NotImplementedError{_where(err)}. Replace the TODO with your code."
    text = f"your function raised {err['type']}{_where(err)}: {err['message']}"
    if err["type"] == "TypeError" and "positional argument" in err.get("message", "") and signature:
        return text + f" -- keep the stub's signature {signature}: the tests call it with exactly those arguments."
    m = _SIZE_PAIR.search(err.get("message", ""))
    if m:
        a, b = [int(x) for x in m.groups() if x is not None][:2]
        if abs(a - b) == 1:
            text += (" -- two sizes that differ by one usually mean a bias column is missing (or added twice): "
                     "a1 = [1, X] has n + 1 columns to match Theta1's n + 1.")
    elif _broadcast_hint(err.get("message", "")):
        text += _broadcast_hint(err.get("message", ""))
    elif "matmul" in err.get("message", "") or "not aligned" in err.get("message", ""):
        text += " -- check the shapes of the two operands (is one of them transposed?)."
    return text


def whole_file_problem(sandbox: SandboxResult, exercise, timeout: float, memory_mb: int) -> str:
    d = sandbox.detail
    if sandbox.status == "syntax-error":
        code = f": `{d.get('code')}`" if d.get("code") else ""
        return f"Python cannot read your file: {d.get('message')} ({d.get('type', 'SyntaxError')}) at line {d.get('line')}{code}."
    if sandbox.status == "load-error":
        return f"your file stopped while loading (outside the function): {describe_error(d['error'], memory_mb).removeprefix('your function ')}"
    if sandbox.status == "no-function":
        names = ", ".join(d.get("names", [])) or "none"
        return (f"your file has no function named {exercise.function} (functions found: {names}); "
                f"keep the name and signature {exercise.signature} from the stub.")
    if sandbox.status == "timeout":
        which = ""
        if sandbox.running_case is not None and sandbox.running_case < len(exercise.tests):
            which = f" It was running the test '{exercise.tests[sandbox.running_case].name}'."
        return f"your code did not finish within {timeout:g} s (an endless loop?).{which} It was stopped."
    if sandbox.status == "memory":
        return f"your code tried to use more memory than allowed ({memory_mb} MB) and was stopped."
    if sandbox.status == "crashed":
        rc = d.get("returncode")
        return f"the process running your code stopped abruptly (exit code {rc}) before reporting; did it call os._exit or crash Python?"
    if sandbox.status == "unreadable":
        return f"your file cannot be read: {d.get('message')}"
    return f"the checker could not run your file ({d.get('message', sandbox.status)})."


def _split(value, exercise):
    """The learner's return value -> {name: part}, or an error sentence."""
    names = exercise.returns
    if len(names) == 1:
        return {names[0]: value}, None
    if isinstance(value, (tuple, list)) and len(value) == len(names):
        return dict(zip(names, value)), None
    if set(exercise.check) == {names[0]} and not isinstance(value, (tuple, list, dict)):
        return {names[0]: value}, None  # a cost exercise: a bare J is fine
    from tutor.exercises.compare import _type_words

    return None, f"your function returned {_type_words(value)}; it should return a tuple ({', '.join(names)})."


def _init_check(exercise, args, value) -> tuple[bool, str, list]:
    L_in, L_out = int(args[0]), int(args[1])
    eps = float(args[2]) if len(args) > 2 else 0.12
    expected_shape = (L_out, 1 + L_in)
    if not isinstance(value, np.ndarray):
        c = compare("weights", value, np.zeros(expected_shape))
        return False, c.message, [c]
    if value.shape != expected_shape:
        return False, explain_shape("weights", value.shape, expected_shape), []
    if not np.all(np.isfinite(value)):
        return False, "your weights contain NaN or inf.", []
    if np.ptp(value) == 0:
        return False, f"every weight is {value.flat[0]:.6g}: they must differ from each other (drawn at random).", []
    if np.abs(value).max() > eps * (1 + 1e-9):
        return False, f"your weights reach {np.abs(value).max():.4g}; they must stay in [-{eps:g}, {eps:g}].", []
    # The thresholds below fail a correct uniform draw with odds under one in a million.
    if value.size >= 20 and value.min() >= 0:
        return False, f"all your weights are >= 0 (from {value.min():.4g} to {value.max():.4g}); uniform in [-{eps:g}, {eps:g}] takes both signs.", []
    if value.size >= 50 and (value.min() > -eps / 2 or value.max() < eps / 2):
        return False, (f"your weights span [{value.min():.4g}, {value.max():.4g}]; uniform in [-{eps:g}, {eps:g}] "
                       "should reach close to both ends."), []
    if value.size >= 500 and abs(value.mean()) > eps / 5:
        return False, f"your weights average {value.mean():.4g}; uniform weights around 0 average close to 0.", []
    return True, f"right: {L_out} x {1 + L_in}, uniform in [-{eps:g}, {eps:g}].", []


def _context(exercise, args) -> dict:
    values = dict(zip(exercise.params, args))
    ctx = {}
    if "layer_sizes" in values:
        from tutor.core import theta_shapes

        ctx["theta_shapes"] = theta_shapes(values["layer_sizes"])
    if isinstance(values.get("X"), np.ndarray):
        ctx["m"] = values["X"].shape[0]
    return ctx


def evaluate(exercise, cases_args, expected, sandbox: SandboxResult, *, file: str = "",
             timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB) -> CheckResult:
    result = CheckResult(exercise.id, exercise.title, file, tests=[], printed=sandbox.printed)
    if sandbox.status != "ok":
        result.problem = whole_file_problem(sandbox, exercise, timeout, memory_mb)
        result.tests = [TestResult(t.name, False, 0.0, t.points, t.hidden, result.problem) for t in exercise.tests]
        return result

    learner_outputs = []
    for test, args, exp, entry in zip(exercise.tests, cases_args, expected, sandbox.cases):
        comparisons: list = []
        got = None
        if entry["status"] != "ok":
            ok, message = False, describe_error(entry["error"], memory_mb, exercise.signature)
        else:
            got = entry["value"]
            if exercise.checker == "init":
                ok, message, comparisons = _init_check(exercise, args, got)
            else:
                parts, problem = _split(got, exercise)
                if problem:
                    ok, message = False, problem
                else:
                    exp_parts = dict(zip(exercise.returns, exp)) if len(exercise.returns) > 1 else {exercise.returns[0]: exp}
                    ctx = _context(exercise, args)
                    comparisons = [compare(n, parts.get(n), exp_parts[n], rtol=exercise.rtol, atol=exercise.atol,
                                           theta_shapes=ctx.get("theta_shapes") if n == "grad" else None, m=ctx.get("m"))
                                   for n in exercise.check]
                    ok = all(c.ok for c in comparisons)
                    message = "right." if ok else " ".join(c.message[0].upper() + c.message[1:] for c in comparisons if not c.ok)
        if entry.get("changed"):
            ok = False
            paths = ", ".join(entry["changed"])
            message = (f"your function changed its input {paths} in place; the caller's arrays must stay as they were "
                       "(work on a copy, e.g. theta = theta.copy(), or build new arrays). " + ("" if message == "right." else message))
        learner_outputs.append(got)
        result.tests.append(TestResult(test.name, ok, test.points if ok else 0.0, test.points, test.hidden,
                                       message.strip(), comparisons))
    if not result.passed:
        matcher = init_matcher if exercise.checker == "init" else None
        ids = find_diagnoses(exercise, [materialize(a) for a in cases_args], expected, learner_outputs, matcher=matcher)
        result.diagnoses = [DIAGNOSES[i] for i in ids]
    gc = sandbox.gradient_check
    if gc is not None:
        from tutor.core import verdict

        if "relative_difference" in gc:
            gc = {**gc, "verdict": verdict(gc["relative_difference"])}
        result.gradient_check = gc
    return result
