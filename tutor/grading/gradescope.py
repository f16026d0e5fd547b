"""Inside Gradescope: check /autograder/submission, write /autograder/results/results.json.

Run by the zip's `run_autograder` as `python -m tutor.grading.gradescope`.
Every absolute path starts at $AUTOGRADER_ROOT (default /autograder), so the
same code runs locally under a temporary root. The config
(source/autograder.json) names the exercises and the limits.

What students see: per test its name, points and our message (control
characters escaped); a hidden test shows only passed/failed, and only
`after_published`. Named mistakes are the failing tests' `tags` and are
explained in their `output` and in the top-level `output`. Text the learner's
code printed is never put in the results; exception messages are, escaped.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

STATUSES = ("passed", "failed")
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def root() -> Path:
    return Path(os.environ.get("AUTOGRADER_ROOT") or "/autograder")


def _mistake_lines(mistakes: list[dict]) -> list[str]:
    return [f"Likely mistake: {m['title']} [{m['id']}]. {m['message']}" for m in mistakes]


def exercise_tests(record: dict, exercise, number: int) -> list[dict]:
    """One Gradescope test per exercise test, from a grading record."""
    tags = [m["id"] for m in record["mistakes"]]
    by_name = {t["name"]: t for t in record["tests"]}
    out = []
    for j, test in enumerate(exercise.tests, start=1):
        got = by_name.get(test.name)
        passed = bool(got and got["passed"])
        entry = {"name": f"{exercise.id}: {test.name}", "number": f"{number}.{j}",
                 "score": float(got["score"]) if got else 0.0, "max_score": float(test.points),
                 "status": "passed" if passed else "failed", "output_format": "text"}
        if test.hidden:
            entry["visibility"] = "after_published"
            entry["output"] = "Hidden test: passed." if passed else "Hidden test: failed."
        else:
            entry["visibility"] = "visible"
            if got is None:
                text = record["reason"] or "not graded"
            else:
                text = got["message"] or ""
                if not passed and record["reason"] and record["reason"] not in text:
                    text = f"{record['reason']} {text}".strip()
            lines = [text] + ([] if passed else _mistake_lines(record["mistakes"]))
            entry["output"] = "\n\n".join(line for line in lines if line)
        if tags and not passed:
            entry["tags"] = tags
        out.append(entry)
    return out


def results(records: dict, catalog: dict, ids: list[str], seconds: float) -> dict:
    """results.json for the exercises in ids; records maps exercise id -> record (or is missing)."""
    from tutor.grading.checker import not_graded

    tests, summary = [], []
    for n, ex_id in enumerate(ids, start=1):
        ex = catalog[ex_id]
        record = records.get(ex_id) or not_graded(
            ex, "-", f"no file for {ex_id} was found: submit {ex_id}.py defining {ex.function}")
        tests += exercise_tests(record, ex, n)
        line = f"{ex_id}: {record['score']:g}/{ex.max_score:g}"
        if record["passed"]:
            line += " - all tests passed."
        elif record["reason"]:
            line += f" - {record['reason']}"
        summary.append(line)
        summary += ["  " + m for m in _mistake_lines(record["mistakes"])]
    total = sum(t["score"] for t in tests)
    maximum = sum(t["max_score"] for t in tests)
    summary.insert(0, f"Score {total:g}/{maximum:g} (hidden tests count, and show after the grades are published).")
    return {"score": total, "execution_time": round(seconds, 2), "output": "\n".join(summary),
            "output_format": "text", "stdout_visibility": "hidden", "visibility": "visible", "tests": tests}


def schema_problems(doc) -> list[str]:
    """What in doc breaks Gradescope's documented results.json schema (empty: valid)."""
    problems = []
    if not isinstance(doc, dict):
        return ["the top level is not an object"]
    num = (int, float)
    if "score" in doc and (not isinstance(doc["score"], num) or isinstance(doc["score"], bool)):
        problems.append("score is not a number")
    for key in ("output", "output_format", "visibility", "stdout_visibility"):
        if key in doc and not isinstance(doc[key], str):
            problems.append(f"{key} is not a string")
    if doc.get("visibility", "visible") not in VISIBILITIES:
        problems.append("visibility is not one of " + ", ".join(VISIBILITIES))
    tests = doc.get("tests")
    if "score" not in doc and not tests:
        problems.append("neither score nor tests")
    if tests is not None and not isinstance(tests, list):
        return problems + ["tests is not a list"]
    for i, t in enumerate(tests or []):
        where = f"tests[{i}]"
        if not isinstance(t, dict):
            problems.append(f"{where} is not an object")
            continue
        for key in ("score", "max_score"):
            if key in t and (not isinstance(t[key], num) or isinstance(t[key], bool)):
                problems.append(f"{where}.{key} is not a number")
        for key in ("name", "output", "number", "output_format"):
            if key in t and not isinstance(t[key], str):
                problems.append(f"{where}.{key} is not a string")
        if "status" in t and t["status"] not in STATUSES:
            problems.append(f"{where}.status is not passed or failed")
        if t.get("visibility", "visible") not in VISIBILITIES:
            problems.append(f"{where}.visibility is not one of " + ", ".join(VISIBILITIES))
        if "tags" in t and not (isinstance(t["tags"], list) and all(isinstance(x, str) for x in t["tags"])):
            problems.append(f"{where}.tags is not a list of strings")
        unknown = set(t) - {"score", "max_score", "status", "name", "name_format", "number", "output",
                            "output_format", "tags", "visibility", "extra_data"}
        if unknown:
            problems.append(f"{where} has unknown keys {sorted(unknown)}")
    return problems


def grade_submission(config: dict, course) -> dict:
    """results.json for the files in ROOT/submission, graded against `course`'s exercises."""
    import tempfile
    from functools import partial

    from tutor.exercises.catalog import load_catalog
    from tutor.grading.checker import grade_one
    from tutor.grading.discover import student_submissions
    from tutor.grading.run import grade_all

    started = time.perf_counter()
    catalog = load_catalog(course)
    ids = [i for i in config["exercises"] if i in catalog]
    folder = root() / "submission"
    records: dict = {}
    if folder.is_dir():
        subs = student_submissions("submission", folder, catalog, ids)
        with tempfile.TemporaryDirectory(prefix="tutor-ag-") as scratch:
            # Gradescope's container is the outer wall; bubblewrap is used inside it where the
            # container allows user namespaces (setup.sh installs it), else the checker says so.
            run = grade_all(subs, catalog, out=Path(scratch), jobs=1, timeout=float(config["timeout"]),
                            memory_mb=int(config["memory_mb"]),
                            grade=partial(grade_one, isolation=config.get("isolation", "auto")),
                            isolation=config.get("isolation", "auto"))
        for record in run.records:
            ex_id = record.get("exercise")
            # Several files for one exercise: the best one counts (the student sees each in the log).
            if ex_id in ids and (ex_id not in records or record["score"] > records[ex_id]["score"]):
                records[ex_id] = record
    return results(records, catalog, ids, time.perf_counter() - started)


def main() -> int:
    out = root() / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        config = json.loads((root() / "source" / "autograder.json").read_text())
        from tutor.course import resolve_course

        # The course the zip was built for, resolved here, at the front door: a folder the zip
        # carries (`course/`), an installed course's id, or none (the bundled one).
        ref = config.get("course")
        if ref and (root() / "source" / ref).is_dir():
            ref = str(root() / "source" / ref)
        doc = grade_submission(config, resolve_course(ref))
    except Exception as err:  # whatever happens, Gradescope gets a results.json that says so
        doc = {"score": 0.0, "output": f"The autograder failed ({type(err).__name__}: {err}); "
                                      "please tell your instructor.", "tests": []}
    out.write_text(json.dumps(doc, indent=1))
    from tutor.base.paths import package_dir
    from tutor.base.version import __version__

    print(f"tutor {__version__} from {package_dir()}: wrote {out} ({doc['score']:g} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
