"""Checking one learner file against one exercise: results, score, diagnoses.

`check_file` reads the learner's file as Python would, builds every test case,
computes the expected outputs with the reference (in this process: it is our
code, and the child never sees it), runs the learner's function in the
sandbox on the same inputs, and `evaluate` turns the two into a
`CheckResult`. The count of tests and the points come from the exercise,
never from the child: a test the child did not answer is a failed test with
a plain reason.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tutor.core import verdict as gradient_verdict
from tutor.exercises import report as _report  # loaded before any child runs, like everything the parent uses
from tutor.exercises.compare import Comparison, compare, type_words
from tutor.exercises.diagnose import name_mistakes
from tutor.exercises.mutation import changed_inputs
from tutor.exercises.registry import Diagnosis, FunctionArg
from tutor.exercises.runner import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, MAX_OUTPUT, SandboxResult, run_sandbox
from tutor.exercises.safetext import safe_text
from tutor.exercises.sourcefile import read_source

# Below this many MB, a process that dies before reporting is more likely the limit's doing than the code's.
SMALL_MEMORY_MB = 256


@dataclass
class TestResult:
    name: str
    passed: bool
    score: float
    max_score: float
    hidden: bool
    message: str
    comparisons: list[Comparison] = field(default_factory=list)

    def public_message(self) -> str:
        """What any output may show: a hidden test says only passed or failed."""
        if self.hidden:
            return "passed." if self.passed else "failed (a hidden test: its inputs and expected values stay hidden)."
        return self.message


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
    isolated: bool = True
    notice: str | None = None  # "this check is not isolated", when it was not
    bounds: str = ""  # one line: which bounds held for the check (isolation.bounds_line)

    @property
    def score(self) -> float:
        return float(sum(t.score for t in self.tests))

    @property
    def max_score(self) -> float:
        return float(sum(t.max_score for t in self.tests))

    @property
    def passed(self) -> bool:
        return self.problem is None and bool(self.tests) and all(t.passed for t in self.tests)

    def to_dict(self) -> dict:
        """Plain data for any report (hidden tests reduced to name and pass/fail)."""
        return {
            "exercise_id": self.exercise_id, "title": self.title, "file": self.file,
            "passed": self.passed, "score": self.score, "max_score": self.max_score, "problem": self.problem,
            "tests": [{"name": t.name, "passed": t.passed, "score": t.score, "max_score": t.max_score,
                       "hidden": t.hidden, "message": t.public_message()} for t in self.tests],
            "diagnoses": [{"id": d.id, "title": d.title, "message": d.message} for d in self.diagnoses],
            "gradient_check": dict(self.gradient_check) if self.gradient_check else None,
            "printed": self.printed, "isolated": self.isolated, "notice": self.notice, "bounds": self.bounds,
        }


def materialize(args: list, helpers) -> list:
    """Function arguments -> real callables (from `helpers`, the course's helper registry), for calls
    made in this process; fresh copies of the rest."""
    return [a.build(helpers) if isinstance(a, FunctionArg) else copy.deepcopy(a) for a in args]


def build_cases(exercise) -> tuple[list[list], list]:
    """(positional args per test, the reference's output per test)."""
    cases_args = [exercise.call_args(t.arguments()) for t in exercise.tests]
    expected = [exercise.reference(*materialize(a, exercise.vocab.helpers)) for a in cases_args]
    return cases_args, expected


def _encode_function_arg(value, arrays, depth):
    if isinstance(value, FunctionArg):
        from tutor.exercises.wire import encode

        return {"t": "func", "name": value.name,
                "kwargs": {k: encode(v, arrays, depth + 1) for k, v in value.kwargs.items()}}
    return None


def _function_args(cases_args, helpers) -> dict:
    found = {}
    for args in cases_args:
        for a in args:
            if isinstance(a, FunctionArg):
                found[a.name] = helpers[a.name]
    return found


def _nbytes(value) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values())
    return 8


def check_file(exercise, file: Path | str, *, timeout: float = DEFAULT_TIMEOUT,
               memory_mb: int = DEFAULT_MEMORY_MB, isolation: str = "auto", siblings: bool = True,
               sandbox=None) -> CheckResult:
    """Run the learner's file through every test of the exercise.

    isolation: "auto" (bubblewrap when available, else a plain process and a
    notice), "strict" (refuse without bubblewrap: IsolationRefused), "off".
    siblings: stage the .py files beside the file too (a student's folder as
    `tutor grade` stages it); `tutor check` stages the learner's file alone.
    sandbox: a warm tutor.exercises.server.Server (its isolation applies), or
    None for a sandbox of this check's own.

    Hidden tests reach the child only after it has reported every visible
    one (on its stdin, in the same process): the hidden inputs are never where
    the code that reports words (load errors, printed text, visible messages)
    can read them, and of what comes back after them only values and
    pass/fail are used (printed text and whole-file messages are dropped; a
    hidden test's message is never shown).
    """
    file = Path(file)
    source = read_source(file, f"; start the exercise with `tutor exercise start {exercise.id}`")
    cases_args, expected = build_cases(exercise)
    hidden = [i for i, t in enumerate(exercise.tests) if t.hidden]
    visible = [i for i in range(len(exercise.tests)) if i not in hidden]
    gc = exercise.gradient_check

    def pick(indexes):
        return [cases_args[i] for i in indexes]

    if not _isolated(sandbox, isolation):
        # Unisolated, the learner's code runs as this user and could rewrite the tutor's own files:
        # everything this process will use is imported before it runs.
        _report.preload()
    first = run_sandbox(source, exercise.function, pick(visible), list(exercise.params), filename=file.name,
                        source_file=file, siblings=siblings, helpers=exercise.helper_functions(),
                        function_args=_function_args(cases_args, exercise.vocab.helpers), timeout=timeout,
                        memory_mb=memory_mb, gradient_check=visible.index(gc) if gc in visible else None,
                        isolation_mode=isolation, expected_bytes=_nbytes(expected) + _nbytes(cases_args),
                        encode_extra=_encode_function_arg, later_cases=pick(hidden) or None,
                        later_gradient_check=hidden.index(gc) if gc in hidden else None, server=sandbox)
    sandbox = _place(first, visible, len(exercise.tests))
    if hidden and first.status == "ok" and not first.blocked:
        second = first.later if first.later is not None else SandboxResult("crashed")
        sandbox = _with_hidden(sandbox, second, hidden, exercise, timeout, memory_mb)
    return evaluate(exercise, cases_args, expected, sandbox, file=str(file), timeout=timeout, memory_mb=memory_mb)


def _isolated(sandbox, mode: str) -> bool:
    """Whether the check will run under bubblewrap (a refusal is left for run_sandbox to raise)."""
    if sandbox is not None and sandbox.available:
        return sandbox.bwrap is not None
    from tutor.base.errors import TutorError
    from tutor.exercises.isolation import decide

    try:
        return decide(mode)[0] is not None
    except TutorError:
        return True


def _place(run: SandboxResult, indexes: list[int], n: int) -> SandboxResult:
    """A run over some of the tests, its cases put at their tests' places (None where not answered)."""
    cases = [None] * n
    for k, entry in enumerate(run.cases[:len(indexes)]):
        cases[indexes[k]] = entry
    running = indexes[run.running_case] if isinstance(run.running_case, int) and run.running_case < len(indexes) else None
    return replace(run, cases=cases, running_case=running)


def _with_hidden(sandbox: SandboxResult, second: SandboxResult, hidden: list[int], exercise, timeout: float,
                 memory_mb: int) -> SandboxResult:
    """The visible run, completed by the hidden run's values only (its words are never shown)."""
    cases = list(sandbox.cases)
    if second.status == "ok" and not second.blocked:
        for k, entry in enumerate(second.cases[:len(hidden)]):
            cases[hidden[k]] = entry  # a hidden test's message is never shown (TestResult.public_message)
        gc = sandbox.gradient_check if sandbox.gradient_check is not None else second.gradient_check
        stopped = None if len(second.cases) >= len(hidden) else hidden[len(second.cases)]
        problem = (f"your code ended the check during hidden test {stopped + 1} ('{exercise.tests[stopped].name}'); "
                   "every test must run to count.") if stopped is not None else None
        return replace(sandbox, cases=cases, gradient_check=gc, hidden_problem=problem)
    running = hidden[second.running_case] if isinstance(second.running_case, int) and second.running_case < len(hidden) else None
    which = f" hidden test {running + 1} ('{exercise.tests[running].name}')" if running is not None else " the hidden tests"
    if second.blocked:
        problem = _tutor_import([])
    elif second.status == "timeout":
        problem = f"your code did not finish within {timeout:g} s during{which} (an endless loop?). It was stopped."
    elif second.status in ("memory", "limit"):
        problem = f"your code tried to use more memory than allowed ({memory_mb} MB) during{which}."
    elif second.status == "output":
        problem = f"your code wrote more than {MAX_OUTPUT // 1024} KB to the terminal during{which}; it was stopped."
    else:
        problem = f"your code stopped during{which} without reporting; those tests get no points."
    return replace(sandbox, cases=cases, hidden_problem=problem)


# -- turning sandbox output into words ------------------------------------------------


def _where(err: dict) -> str:
    if err.get("line"):
        code = f": `{err['code']}`" if err.get("code") else ""
        return f" at line {err['line']}{code}"
    return ""


_MISMATCH = re.compile(r"size \d+ is different from \d+|\(dim \d+\) != \d+|could not be broadcast|not aligned")


def describe_error(err: dict, memory_mb: int, signature: str | None = None) -> str:
    if err.get("memory"):
        return (f"your code tried to use more memory than allowed ({memory_mb} MB){_where(err)}: {err['message']}. "
                "Is an array far bigger than the data (m x m, or a loop that keeps growing a list)?")
    if err["type"] == "NotImplementedError":
        return f"not written yet: the function still raises NotImplementedError{_where(err)}. Replace the TODO with your code."
    text = f"your function raised {err['type']}{_where(err)}: {err['message']}"
    if err["type"] == "TypeError" and "positional argument" in err.get("message", "") and signature:
        return text + f" -- keep the stub's signature {signature}: the tests call it with exactly those arguments."
    if _MISMATCH.search(err.get("message", "")):
        text += " -- the shapes of two operands do not fit; print their .shape just before that line."
    return text


def _tutor_import(names: list) -> str:
    shown = ", ".join(n for n in sorted(set(names))[:3] if n != "tutor")
    return (f"your file imports from the tutor package{f' ({shown})' if shown else ''}, which checked code cannot reach: the references, "
            "test builders and hidden tests are not available to it, and a check that tries gets no points. "
            "Import the helpers your stub offers from tutor_helpers instead (`from tutor_helpers import ...`; "
            "a fresh stub shows the line).")


def whole_file_problem(sandbox: SandboxResult, exercise, timeout: float, memory_mb: int) -> str:
    d = sandbox.detail

    def test_name(i):
        return f" ('{exercise.tests[i].name}')" if i is not None and 0 <= i < len(exercise.tests) else ""

    if sandbox.status == "syntax-error":
        code = f": `{d.get('code')}`" if d.get("code") else ""
        col = f", column {d['offset']}" if d.get("offset") else ""
        return f"Python cannot read your file: {d.get('message')} ({d.get('type', 'SyntaxError')}) at line {d.get('line')}{col}{code}."
    if sandbox.status == "load-error":
        err = d["error"]
        if err.get("type") == "ModuleNotFoundError" and (err.get("module") or "").split(".")[0] == "tutor":
            return _tutor_import([err["module"]])
        return f"your file stopped while loading (outside the function): {describe_error(err, memory_mb).removeprefix('your function ')}"
    if sandbox.status == "no-function":
        names = ", ".join(d.get("names", [])) or "none"
        return (f"your file has no function named {exercise.function} (functions found: {names}); "
                f"keep the name and signature {exercise.signature} from the stub.")
    if sandbox.status == "timeout":
        which = ""
        i = sandbox.running_case
        if i is not None and 0 <= i < len(exercise.tests):
            which = f" It was running test {i + 1}{test_name(i)}."
        return f"your code did not finish within {timeout:g} s (an endless loop?).{which} It was stopped."
    if sandbox.status == "memory":
        return f"your code tried to use more memory than allowed ({memory_mb} MB) and was stopped."
    if sandbox.status == "limit" or (sandbox.status == "crashed" and memory_mb < SMALL_MEMORY_MB
                                     and sandbox.running_case is None):
        return (f"the memory limit of {memory_mb} MB is too low for Python and numpy themselves to start, before your "
                f"code ran; raise --memory-mb (the default is {DEFAULT_MEMORY_MB}). This is the limit, not your code.")
    stderr = str(d.get("stderr", "")).lower()
    if sandbox.status == "crashed" and any(w in stderr for w in ("memory allocation", "memoryerror",
                                                                  "cannot allocate memory", "out of memory")):
        i = sandbox.running_case
        when = f"during test {i + 1}{test_name(i)}" if i is not None else "while your file was loading"
        return (f"the process ran out of memory {when}: the limit is {memory_mb} MB, and numpy itself could not "
                "get the memory it needs. If your arrays are small, the limit is too low: raise --memory-mb "
                f"(the default is {DEFAULT_MEMORY_MB}); otherwise look for an array far bigger than the data.")
    if sandbox.status == "crashed":
        rc = d.get("returncode")
        how = f"killed by signal {-rc}" if isinstance(rc, int) and rc < 0 else f"exit code {rc}"
        i = sandbox.running_case
        when = f"during test {i + 1}{test_name(i)}" if i is not None else "before test 1 ran (while your file was loading)"
        return (f"your code ended the check {when}: the process stopped ({how}) without reporting. "
                "Did it call os._exit or sys.exit, or crash Python?")
    if sandbox.status == "output":
        return (f"your code wrote more than {d.get('limit', 0) // 1024} KB straight to the terminal (os.write, or a "
                "process it started); it was stopped. print() inside your function is kept, up to its last lines.")
    if sandbox.status == "malformed":
        return (f"the check's results came back unreadable ({d.get('message')}); did your code write into the "
                "check's folder? No points for this run.")
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
        return {names[0]: value}, None  # a value-only exercise: a bare first value is fine
    return None, f"your function returned {type_words(value)}; it should return a tuple ({', '.join(names)})."


def _layout(exercise, args):
    if not exercise.layout:
        return None
    try:
        return exercise.vocab.layouts[exercise.layout](dict(zip(exercise.params, args)))
    except Exception:  # noqa: BLE001 - naming cells is a nicety; never let it break a check
        return None


def not_checked(exercise, file, reason: str) -> CheckResult:
    """A zero-point result for a file that could not be checked at all (unreadable, not a submission)."""
    result = CheckResult(exercise.id, exercise.title, safe_text(str(file)), tests=[])
    return _fail_all(result, exercise, safe_text(reason))


def _fail_all(result: CheckResult, exercise, problem: str) -> CheckResult:
    result.problem = problem
    result.tests = [TestResult(t.name, False, 0.0, t.points, t.hidden, problem) for t in exercise.tests]
    return result


def evaluate(exercise, cases_args, expected, sandbox: SandboxResult, *, file: str = "",
             timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB) -> CheckResult:
    result = CheckResult(exercise.id, exercise.title, safe_text(file), tests=[], printed=sandbox.printed,
                         isolated=sandbox.isolated, notice=sandbox.notice, bounds=sandbox.bounds)
    if sandbox.blocked:
        return _fail_all(result, exercise, _tutor_import(sandbox.blocked))
    if sandbox.status != "ok":
        return _fail_all(result, exercise, whole_file_problem(sandbox, exercise, timeout, memory_mb))

    n = len(exercise.tests)
    answered = list(sandbox.cases[:n]) + [None] * max(0, n - len(sandbox.cases))
    missing = [i for i, entry in enumerate(answered) if entry is None]
    if missing:
        k = missing[0]
        result.problem = sandbox.hidden_problem if exercise.tests[k].hidden and sandbox.hidden_problem else (
            f"your code ended the check before test {k + 1} ('{exercise.tests[k].name}') ran; "
            "every test must run to count.")
    elif sandbox.hidden_problem:
        result.problem = sandbox.hidden_problem
    checker = exercise.vocab.checkers.get(exercise.checker) if exercise.checker != "compare" else None
    learner_outputs, learner_errors = [], []
    for index, (test, args, exp) in enumerate(zip(exercise.tests, cases_args, expected)):
        if answered[index] is None:
            result.tests.append(TestResult(test.name, False, 0.0, test.points, test.hidden, result.problem or ""))
            learner_outputs.append(None)
            learner_errors.append(None)
            continue
        entry = answered[index]
        comparisons: list = []
        got, error = None, None
        if entry["status"] != "ok":
            error = entry["error"]
            ok, message = False, describe_error(error, memory_mb, exercise.signature)
        else:
            got = entry["value"]
            if checker is not None:
                ok, message, comparisons = checker.check(args, got)
            else:
                parts, problem = _split(got, exercise)
                if problem:
                    ok, message = False, problem
                else:
                    exp_parts = dict(zip(exercise.returns, exp)) if len(exercise.returns) > 1 else {exercise.returns[0]: exp}
                    layout = _layout(exercise, args)
                    comparisons = [compare(n_, parts.get(n_), exp_parts[n_], rtol=exercise.rtol, atol=exercise.atol,
                                           layout=layout if isinstance(exp_parts[n_], np.ndarray) and np.ndim(exp_parts[n_]) == 1 else None)
                                   for n_ in exercise.check]
                    ok = all(c.ok for c in comparisons)
                    message = "right." if ok else " ".join(c.message[0].upper() + c.message[1:] for c in comparisons if not c.ok)
        changed = changed_inputs(args, entry.get("after"), list(exercise.params)) if entry["status"] == "ok" else []
        if changed:
            ok = False
            paths = ", ".join(changed)
            message = (f"your function changed its input {paths} in place; the caller's arrays must stay as they were "
                       "(work on a copy, e.g. x = x.copy(), or build new arrays). " + ("" if message == "right." else message))
        learner_outputs.append(got)
        learner_errors.append(error)
        result.tests.append(TestResult(test.name, ok, test.points if ok else 0.0, test.points, test.hidden,
                                       message.strip(), comparisons))
    # A checker may also judge the tests together (random draws: different seeds, different weights).
    across = getattr(checker.check, "across", None) if checker is not None else None
    if across is not None:
        for index, why in across(cases_args, learner_outputs).items():
            if result.tests[index].passed:
                result.tests[index] = replace(result.tests[index], passed=False, score=0.0, message=why)
    if not result.passed:
        result.diagnoses = name_mistakes(exercise, [materialize(a, exercise.vocab.helpers) for a in cases_args],
                                         expected, learner_outputs, errors=learner_errors,
                                         matcher=checker.matcher if checker else None)
    gc = sandbox.gradient_check
    if gc is not None:
        if "relative_difference" in gc:
            gc = {**gc, "verdict": gradient_verdict(gc["relative_difference"])}
        result.gradient_check = gc
    return result
