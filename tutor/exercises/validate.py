"""Is every exercise sound? Its stub fails, its reference passes, its mistakes are named.

`validate_exercises` is what `tutor validate` calls. The stub runs through
the real sandbox (so its helper imports are exercised too); the reference
and each known-wrong variant are fed to the checker in this process (they
are our own code, and the reference must never reach the child): the
reference must pass, each variant must fail and be named.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from tutor.base.errors import TutorError


def _paths(paths) -> list[Path]:
    from tutor.exercises.catalog import exercise_files

    out: list[Path] = []
    for p in paths:
        p = Path(p)
        out.extend(exercise_files(p) if p.is_dir() else [p])
    return out


def run_in_process(exercise, fn, cases_args) -> list[dict]:
    """Sandbox-shaped case results of fn (our own code) on every case."""
    from tutor.exercises.check import materialize

    cases = []
    for args in cases_args:
        call = materialize(copy.deepcopy(args), exercise.vocab.helpers)
        try:
            # "after": the arguments as the call left them, as the child reports them (the parent compares).
            cases.append({"status": "ok", "value": fn(*call), "after": call})
        except Exception as err:  # noqa: BLE001
            cases.append({"status": "error", "error": {"type": type(err).__name__, "message": str(err), "memory": False}})
    return cases


def validate_exercise(exercise) -> list[str]:
    from tutor.exercises.check import build_cases, check_file, evaluate
    from tutor.exercises.runner import SandboxResult
    from tutor.exercises.stubs import stub_source

    where = f"{exercise.path}"
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tutor-validate-") as tmp:
        stub = Path(tmp) / f"{exercise.id}.py"
        stub.write_text(stub_source(exercise))
        result = check_file(exercise, stub)
        if result.problem:
            problems.append(f"{where}: the stub does not run cleanly: {result.problem}")
        elif any(t.passed for t in result.tests):
            passed = ", ".join(t.name for t in result.tests if t.passed)
            problems.append(f"{where}: the stub passes tests it should fail ({passed})")

    cases_args, expected = build_cases(exercise)
    ref = evaluate(exercise, cases_args, expected,
                   SandboxResult("ok", cases=run_in_process(exercise, exercise.reference, cases_args)))
    if not ref.passed:
        bad = "; ".join(f"{t.name}: {t.message}" for t in ref.tests if not t.passed) or ref.problem
        problems.append(f"{where}: the reference fails its own tests ({bad})")
    variants = exercise.mistakes()
    for diag in exercise.diagnoses:
        mine = [v for d, v in variants if d == diag]
        if not mine:
            problems.append(f"{where}: diagnosis {diag!r} has no variant for {exercise.function}")
            continue
        recognised = False
        for variant in mine:
            res = evaluate(exercise, cases_args, expected,
                           SandboxResult("ok", cases=run_in_process(exercise, variant, cases_args)))
            if res.passed:
                continue  # this variant coincides with the answer on these inputs
            if diag in [d.id for d in res.diagnoses]:
                recognised = True
        if not recognised:
            problems.append(f"{where}: no variant of diagnosis {diag!r} is recognised on these tests")
    return problems


def validate_exercises(paths, course=None) -> list[str]:
    """Problems found in the exercise files of `course` (empty: all fine)."""
    from tutor.exercises.catalog import load_exercise_file

    problems: list[str] = []
    for path in _paths(paths):
        try:
            exercise = load_exercise_file(path, course)
        except TutorError as err:
            problems.append(err.message)
            continue
        problems.extend(validate_exercise(exercise))
    return problems
