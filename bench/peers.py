"""Grading one exercise with the tutor, otter-grader and nbgrader, side by side.

    python bench/peers.py --peers-venv /tmp/peers [--otter-venv /tmp/peers-otter] [--rounds 5]
        [--class-rounds 3] [--size 40] [--markdown PATH]

The peers live in virtualenvs of their own, never in the project's (CI does
not run bench/, and pyproject does not name them):

    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install otter-grader nbgrader jupyter nbconvert numpy
    # otter-grader at its fastest, alone (see below):
    python3 -m venv /tmp/peers-otter
    /tmp/peers-otter/bin/pip install otter-grader numpy ipykernel

--peers-venv serves both peers; --otter-venv or --nbgrader-venv gives one its
own. Why otter alone: nbgrader (through jupyter_server and jupyter-events)
installs jsonschema's format extras, among them rfc3987-syntax, which builds
its grammars with lark whenever nbformat's validator is imported (`import
rfc3987_syntax` alone: 1.4 s at load 3.8). In a shared virtualenv
`otter run` took 6.9 s against 3.3 s alone (medians of three interleaved runs, load 1.5). A peer whose command is
not in its virtualenv is skipped with a line saying so.

The exercise is the bundled course's `sigmoid-gradient`, with the course's own
tests (their inputs, points and the hidden one, expected values from the
course's reference, compared with the exercise's rtol and atol). For the peers
the same four tests are written once as a notebook assignment: an otter
autograder zip (`otter generate`, one OK-format test file, one case per test,
the same points, the last case hidden) and an nbgrader assignment (one graded
test cell per test, the last one inside a hidden-tests block, released with
`nbgrader generate_assignment`). The learner's notebook gives `sigmoid` in a
cell (the tutor's stub imports the same helper) and holds the answer in the
next one. The class (--size, 40 by default) is made deterministically from
right and wrong answers (no endless loop, no hostile code: the peers have no
time limit to compare and no sandbox to test) and written once per tool.

Measured, each contender a fresh process, interleaved round by round so that
load from other work falls on all alike (medians, [min-max], ratios taken
within a round):

(a) one learner's command on a right answer: `tutor check sigmoid-gradient`
    (the console script, in a folder holding tutor-exercises/, wall time), `otter run -a autograder.zip
    F.ipynb`, `nbgrader autograde ps1 --student S --force`. The tutor's command
    is also run under a wrapper that marks when the check function is entered
    and left, which splits it into interpreter start + imports + argument
    parsing (until the check), the check itself (sandbox, the child's Python
    and numpy, the tests), and what follows (report, progress record, exit);
    and the check function alone is timed in this warm process, as
    bench/isolation.py does.
(b) the class: `tutor grade CLASS -e sigmoid-gradient -j 2` (and -j 1, one
    submission at a time as the peers grade here) against otter's
    command line (`otter run` per notebook, in sequence), otter's Python API
    (`otter.api.grade_submission` per notebook in one process) and `nbgrader
    autograde ps1` (every student in sequence, in one process), each from a
    fresh output folder, gradebook or database.
(c) the peak memory of one check: the largest single process's resident set
    (ru_maxrss of a waiting parent's children, so the sandboxed child and the
    notebook kernel count), one run each.

Then every tool's verdicts are compared: right answers must get full marks
and wrong ones must not, in every tool. BLAS threads are one for every
contender (OPENBLAS_NUM_THREADS and friends), Jupyter's and IPython's folders
private, TUTOR_HOME private.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    interleaved,
    loadavg,
    machine_lines,
    markdown_table,
    median,
    ratio_text,
    round_ratios,
    spread,
)

EXERCISE = "sigmoid-gradient"
ASSIGNMENT = "ps1"  # nbgrader's assignment name
NOTEBOOK = "sigmoid_gradient.ipynb"

# The learner's answer, as the body after the stub's imports. Each kind is
# right (full marks everywhere) or wrong (less than full marks everywhere).
ANSWERS = {
    "right": (True, "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"),
    "right-exp": (True, ("def sigmoid_gradient(z):\n    z = np.asarray(z, dtype=float)\n"
                        "    return np.exp(-z) / (1 + np.exp(-z)) ** 2\n")),
    "right-two-calls": (True, "def sigmoid_gradient(z):\n    return sigmoid(z) * (1 - sigmoid(z))\n"),
    "sigmoid": (False, "def sigmoid_gradient(z):\n    return sigmoid(z)\n"),
    "a-formula-on-z": (False, ("def sigmoid_gradient(z):\n    z = np.asarray(z, dtype=float)\n"
                              "    return z * (1 - z)\n")),
    "constant": (False, "def sigmoid_gradient(z):\n    return np.zeros_like(np.asarray(z, dtype=float)) + 0.25\n"),
    "sign": (False, "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 + s)\n"),
    "stub": (False, "def sigmoid_gradient(z):\n    raise NotImplementedError\n"),
}
# 40 submissions: 24 right, 16 wrong; scaled for other sizes.
MIX = {"right": 12, "right-exp": 6, "right-two-calls": 6, "sigmoid": 4, "a-formula-on-z": 3, "constant": 3,
       "sign": 3, "stub": 3}

TUTOR_HEAD = "import numpy as np\nfrom tutor_helpers import sigmoid  # as the stub imports it\n\n\n"
GIVEN_CELL = ("import numpy as np\n\n\ndef sigmoid(z):\n    \"\"\"g(z) = 1 / (1 + e^-z), elementwise.\"\"\"\n"
              "    z = np.asarray(z, dtype=float)\n    return np.exp(-np.logaddexp(0.0, -z))\n")

ENV_THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# -- the exercise and the class ------------------------------------------------

def course_tests() -> tuple[list[dict], float, float]:
    """The exercise's tests as [{name, points, hidden, z, expected}], with its rtol and atol.

    z is the argument as the tutor passes it (a list becomes a float array);
    expected is the course reference's answer, as plain nested floats.
    """
    import numpy as np

    from tutor.course import bundled_course
    from tutor.exercises.catalog import get_exercise

    ex = get_exercise(EXERCISE, bundled_course())
    tests = []
    for t in ex.tests:
        (z,) = ex.call_args(t.args)
        z = np.array(z, dtype=float) if isinstance(z, list) else z
        expected = np.asarray(ex.reference(z), dtype=float)
        tests.append({"name": t.name, "points": float(t.points), "hidden": bool(t.hidden),
                      "z": np.asarray(z, dtype=float).tolist(), "expected": expected.tolist(),
                      "shape": tuple(expected.shape)})
    return tests, ex.rtol, ex.atol


def make_class(size: int, seed: int = 23) -> list[tuple[str, str]]:
    """[(student id, answer kind)] for `size` students: MIX scaled, shuffled by a fixed seed."""
    total = sum(MIX.values())
    if size < len(MIX):
        kinds = list(MIX)[:size]
    else:
        counts = {k: max(1, round(n * size / total)) for k, n in MIX.items()}
        counts["right"] += size - sum(counts.values())
        kinds = [k for k, n in counts.items() for _ in range(n)]
    random.Random(seed).shuffle(kinds)
    return [(f"s{i + 1:03d}", k) for i, k in enumerate(kinds)]


def call_line(t: dict) -> str:
    """The learner's function on one test's input, as a line of Python."""
    z = f"np.array({t['z']!r}, dtype=float)" if isinstance(t["z"], list) else repr(t["z"])
    return f"_got = np.asarray(sigmoid_gradient({z}), dtype=float)"


def truth(t: dict, rtol: float, atol: float) -> str:
    """True when _got is right: the expected shape, and every cell within the exercise's tolerance."""
    return (f"_got.shape == {t['shape']!r} and bool(np.allclose(_got, np.array({t['expected']!r}), "
            f"rtol={rtol!r}, atol={atol!r}))")


def assertion(t: dict, rtol: float, atol: float) -> str:
    """One test as Python that raises unless the learner's sigmoid_gradient gets it right (nbgrader)."""
    return f"{call_line(t)}\nassert {truth(t, rtol, atol)}, {t['name']!r}\n"


def _cell(source: str, meta: dict | None = None, kind: str = "code") -> dict:
    cell = {"cell_type": kind, "metadata": meta or {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def notebook(answer: str, tests: list[dict] | None, rtol: float, atol: float) -> dict:
    """The assignment notebook: the given sigmoid, the answer cell, and (for nbgrader) its test cells."""
    def nbg(grade_id: str, **kw) -> dict:
        flags = {"grade": False, "solution": False, "locked": False, "task": False}
        flags.update(kw)
        return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, **flags}}

    with_meta = tests is not None
    cells = [_cell("Write `sigmoid_gradient(z)`: g'(z) = g(z) (1 - g(z)), elementwise.", kind="markdown"),
             _cell(GIVEN_CELL, nbg("given", locked=True) if with_meta else None),
             _cell(answer, nbg("answer", solution=True) if with_meta else None)]
    for i, t in enumerate(tests or []):
        body = assertion(t, rtol, atol)
        if t["hidden"]:
            body = "### BEGIN HIDDEN TESTS\n" + body + "### END HIDDEN TESTS\n"
        cells.append(_cell("import numpy as np\n" + body,
                           nbg(f"test_{i + 1}", grade=True, locked=True, points=t["points"])))
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                         "name": "python3"},
                                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def otter_test_file(tests: list[dict], rtol: float, atol: float) -> str:
    """One OK-format test file: a doctest case per course test, its points, the hidden one hidden."""
    cases = [{"code": "\n".join([">>> import numpy as np", ">>> " + call_line(t), ">>> " + truth(t, rtol, atol),
                                  "True"]),
              "hidden": t["hidden"], "locked": False, "points": t["points"]} for t in tests]
    spec = {"name": "sigmoid_gradient", "points": None,
            "suites": [{"cases": cases, "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}
    return "OK_FORMAT = True\n\ntest = " + repr(spec) + "\n"


# -- running things -------------------------------------------------------------

def peer_env(tmp: Path, venv: Path | None) -> dict:
    env = dict(os.environ, **ENV_THREADS, NO_COLOR="1", COLUMNS="100", TUTOR_HOME=str(tmp / "tutor-home"),
               JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"), JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"), IPYTHONDIR=str(tmp / "ipython"),
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    if venv is not None:
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    env.pop("PYTHONPATH", None)
    return env


def run(cmd: list[str], env: dict, cwd: Path | None = None, ok=(0,), timeout: float = 600) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, check=False, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode not in ok:
        raise SystemExit(f"`{' '.join(str(c) for c in cmd)}` exited {p.returncode}:\n{(p.stderr or p.stdout)[-1500:]}")
    return p


MAXRSS = ("import resource, subprocess, sys\n"
          "subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, "
          "stderr=subprocess.DEVNULL)\n"
          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def peak_mib(cmd: list[str], env: dict, cwd: Path | None = None) -> float:
    """The largest resident set of any process the command started (waited for), MiB."""
    p = run([sys.executable, "-c", MAXRSS, *cmd], env, cwd)
    return int(p.stdout.split()[-1]) / 1024


# Runs `tutor` in this process with the check function wrapped, and writes when
# Python reached this code, when the check was entered and left, and when the
# command finished. perf_counter is CLOCK_MONOTONIC, shared by every process.
SPLIT = r"""
import atexit, json, os, sys, time
marks = {"main": time.perf_counter()}
import tutor.exercises.check as checker
real = checker.check_file
def timed(*a, **k):
    marks["enter"] = time.perf_counter()
    try:
        return real(*a, **k)
    finally:
        marks["leave"] = time.perf_counter()
checker.check_file = timed
def done():
    marks["exit"] = time.perf_counter()
    with open(os.environ["PEERS_SPLIT_OUT"], "w") as f:
        json.dump(marks, f)
atexit.register(done)
sys.argv = ["tutor", *sys.argv[1:]]
from tutor.cli import main
main()
"""

# otter's Python API over a class, in one process: writes {student: [score, max]}.
OTTER_API = r"""
import json, sys
from pathlib import Path
from otter.api import grade_submission
ag, folder, out = sys.argv[1:4]
scores = {}
for nb in sorted(Path(folder).glob("*.ipynb")):
    r = grade_submission(str(nb), ag, quiet=True)
    scores[nb.stem] = [r.total, r.possible]
Path(out).write_text(json.dumps(scores))
"""

# nbgrader's gradebook, read after a run: {student: [score, max]}.
NBGRADER_SCORES = r"""
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///" + sys.argv[1]) as gb:
    print(json.dumps({s.student_id: [s.score, s.max_score] for s in gb.assignment_submissions(sys.argv[2])}))
"""


class Setup:
    """Every tool's copy of the exercise and the class, under one temporary folder."""

    def __init__(self, tmp: Path, otter_venv: Path | None, nbgrader_venv: Path | None, size: int):
        self.tmp, self.otter_venv, self.nbgrader_venv = tmp, otter_venv, nbgrader_venv
        self.tests, self.rtol, self.atol = course_tests()
        self.students = make_class(size)
        self.kind = dict(self.students)
        self.otter_env = peer_env(tmp, otter_venv)
        self.nbgrader_env = peer_env(tmp, nbgrader_venv)
        self.tutor_env = dict(peer_env(tmp, None), PYTHONPATH=str(Path(__file__).resolve().parent.parent))
        for d in ("jupyter-config", "jupyter-data", "jupyter-runtime", "ipython", "tutor-home"):
            (tmp / d).mkdir()
        self.learner = tmp / "learner"
        self.learner.mkdir()
        right = ANSWERS["right"][1]
        # the tutor's class and the learner's file
        self.tutor_class = tmp / "tutor-class"
        self.tutor_class.mkdir()
        for sid, kind in self.students:
            (self.tutor_class / f"{sid}.py").write_text(f"# {sid}\n" + TUTOR_HEAD + ANSWERS[kind][1])
        # where `tutor exercise start` puts it, so that the command is exactly what a learner types
        self.learner_file = self.learner / "tutor-exercises" / f"{EXERCISE}.py"
        self.learner_file.parent.mkdir()
        self.learner_file.write_text(TUTOR_HEAD + right)
        here = Path(sys.executable).parent / "tutor"
        self.tutor_cmd = [str(here)] if here.exists() else [sys.executable, "-m", "tutor"]
        self.have_otter = otter_venv is not None and (otter_venv / "bin" / "otter").exists()
        self.have_nbgrader = nbgrader_venv is not None and (nbgrader_venv / "bin" / "nbgrader").exists()
        if self.have_otter:
            self._otter(right)
        if self.have_nbgrader:
            self._nbgrader(right)

    def _otter(self, right: str) -> None:
        root = self.tmp / "otter"
        (root / "tests").mkdir(parents=True)
        (root / "tests" / "sigmoid_gradient.py").write_text(otter_test_file(self.tests, self.rtol, self.atol))
        (root / "requirements.txt").write_text("numpy\n")
        self.otter_zip = root / "autograder.zip"
        run([str(self.otter_venv / "bin" / "otter"), "generate", "-t", "tests", "-o", str(self.otter_zip)],
            self.otter_env, root)
        self.otter_class = root / "class"
        self.otter_class.mkdir()
        for sid, kind in self.students:
            nb = notebook(f"# {sid}\n" + ANSWERS[kind][1], None, self.rtol, self.atol)
            (self.otter_class / f"{sid}.ipynb").write_text(json.dumps(nb, indent=1))
        self.otter_learner = self.learner / NOTEBOOK
        self.otter_learner.write_text(json.dumps(notebook(right, None, self.rtol, self.atol), indent=1))

    def _nbgrader(self, right: str) -> None:
        """A course folder with the released assignment and every submission, kept pristine;
        each class run grades a fresh copy of it."""
        root = self.tmp / "nbgrader-pristine"
        (root / "source" / ASSIGNMENT).mkdir(parents=True)
        (root / "nbgrader_config.py").write_text(
            "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
            "c.CourseDirectory.db_url = 'sqlite:///gradebook.db'\n"
            "c.Execute.timeout = 60\n")
        master = notebook(ANSWERS["right"][1], self.tests, self.rtol, self.atol)
        master["cells"][2]["source"] = ("def sigmoid_gradient(z):\n    ### BEGIN SOLUTION\n    s = sigmoid(z)\n"
                                        "    return s * (1 - s)\n    ### END SOLUTION\n")
        (root / "source" / ASSIGNMENT / NOTEBOOK).write_text(json.dumps(master, indent=1))
        run([str(self.nbgrader_venv / "bin" / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"],
            self.nbgrader_env, root)
        released = json.loads((root / "release" / ASSIGNMENT / NOTEBOOK).read_text())
        self.nbgrader_learner = self.tmp / "nbgrader-learner"
        shutil.copytree(root, self.nbgrader_learner)
        for course, sid, answer in [(root, sid, f"# {sid}\n" + ANSWERS[kind][1]) for sid, kind in self.students] + [
                (self.nbgrader_learner, "learner", right)]:
            nb = json.loads(json.dumps(released))
            nb["cells"][2]["source"] = answer
            folder = course / "submitted" / sid / ASSIGNMENT
            folder.mkdir(parents=True)
            (folder / NOTEBOOK).write_text(json.dumps(nb, indent=1))
        self.nbgrader_pristine = root

    def nbgrader_copy(self, tag: str) -> Path:
        dest = self.tmp / f"nbgrader-{tag}"
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(self.nbgrader_pristine, dest)
        return dest


# -- contenders ---------------------------------------------------------------------

def learner_contenders(s: Setup) -> dict:
    def tutor_check():
        run(s.tutor_cmd + ["check", EXERCISE], s.tutor_env, s.learner)

    fs = {"tutor check": tutor_check}
    if s.have_otter:
        out = s.tmp / "otter-learner-out"
        out.mkdir()

        def otter_run():
            run([str(s.otter_venv / "bin" / "otter"), "run", "-a", str(s.otter_zip), "-o", str(out), "--no-logo",
                 str(s.otter_learner)], s.otter_env, s.learner)
        fs["otter run"] = otter_run
    if s.have_nbgrader:
        def nbgrader_one():
            run([str(s.nbgrader_venv / "bin" / "nbgrader"), "autograde", ASSIGNMENT, "--student", "learner",
                 "--force"], s.nbgrader_env, s.nbgrader_learner)
        fs["nbgrader autograde"] = nbgrader_one
    return fs


def split_once(s: Setup, splits: list[dict]):
    """The tutor's command under the SPLIT wrapper: appends {start, check, after} seconds."""
    marks_file = s.tmp / "split.json"

    def f():
        env = dict(s.tutor_env, PEERS_SPLIT_OUT=str(marks_file))
        t0 = time.perf_counter()
        run([sys.executable, "-c", SPLIT, "check", EXERCISE], env, s.learner)
        t1 = time.perf_counter()
        m = json.loads(marks_file.read_text())
        if "enter" in m:
            splits.append({"interpreter start (to the first line)": m["main"] - t0,
                           "start + imports + parsing (to the check)": m["enter"] - t0,
                           "the check (check_file)": m["leave"] - m["enter"],
                           "after the check (report, record, exit)": t1 - m["leave"], "whole": t1 - t0})
    return f


def warm_check(s: Setup):
    """check_file in this (warm) process, as bench/isolation.py times it, or None if it cannot run."""
    try:
        from tutor.course import bundled_course
        from tutor.exercises.catalog import get_exercise
        from tutor.exercises.check import check_file
        from tutor.exercises.isolation import mode_from_env
    except ImportError as err:
        print(f"the in-process check is not measured: {err}")
        return None
    ex = get_exercise(EXERCISE, bundled_course())
    path = s.learner_file
    mode = mode_from_env("auto")

    def f():
        r = check_file(ex, path, isolation=mode)
        assert r.passed, r
        return {"isolated": bool(r.isolated)}
    return f


class Contender:
    """One way of grading the class: prepare (untimed: a fresh output folder or course copy),
    grade (timed: the tool's own command or process), collect (untimed: {student: [score, max]})."""

    def __init__(self, prepare, grade, collect):
        self.prepare, self.grade, self.collect = prepare, grade, collect


def class_contenders(s: Setup) -> dict[str, Contender]:
    state: dict = {}
    counter = iter(range(1, 10**6))

    def fresh(name: str) -> None:
        state[name] = s.tmp / f"{name}-out-{next(counter)}"

    def tutor_scores() -> dict:
        doc = json.loads((state["tutor"] / "grades.json").read_text())
        return {Path(sub["file"]).stem: [sub["score"], sub["max_score"]] for sub in doc["submissions"]}

    def tutor_grade(jobs: int) -> Contender:
        return Contender(
            lambda: fresh("tutor"),
            lambda: run(s.tutor_cmd + ["grade", str(s.tutor_class), "-e", EXERCISE, "-j", str(jobs), "-o",
                                       str(state["tutor"])], s.tutor_env, s.tmp, ok=(0, 1)),
            tutor_scores)

    # -j 1 too: the peers grade one notebook at a time (otter's parallel grading needs Docker)
    out = {"tutor grade -j 2": tutor_grade(2), "tutor grade -j 1": tutor_grade(1)}
    if s.have_otter:
        otter = str(s.otter_venv / "bin" / "otter")

        def otter_cli():
            for sid, _ in s.students:
                run([otter, "run", "-a", str(s.otter_zip), "-o", str(state["otter-cli"] / sid), "--no-logo",
                     str(s.otter_class / f"{sid}.ipynb")], s.otter_env, s.tmp)

        def otter_cli_prepare():
            fresh("otter-cli")
            for sid, _ in s.students:
                (state["otter-cli"] / sid).mkdir(parents=True)

        def otter_cli_scores() -> dict:
            got = {}
            for sid, _ in s.students:
                doc = json.loads((state["otter-cli"] / sid / "results.json").read_text())
                top = sum(t.get("max_score") or 0 for t in doc["tests"])
                got[sid] = [doc.get("score", sum(t.get("score") or 0 for t in doc["tests"])), top]
            return got

        out["otter run, in sequence"] = Contender(otter_cli_prepare, otter_cli, otter_cli_scores)
        out["otter Python API"] = Contender(
            lambda: fresh("otter-api"),
            lambda: run([str(s.otter_venv / "bin" / "python"), "-c", OTTER_API, str(s.otter_zip),
                         str(s.otter_class), str(state["otter-api"])], s.otter_env, s.tmp),
            lambda: json.loads(state["otter-api"].read_text()))
    if s.have_nbgrader:
        def nbgrader_prepare():
            state["nbgrader"] = s.nbgrader_copy("class")

        def nbgrader_scores() -> dict:
            p = run([str(s.nbgrader_venv / "bin" / "python"), "-c", NBGRADER_SCORES,
                     str(state["nbgrader"] / "gradebook.db"), ASSIGNMENT], s.nbgrader_env, state["nbgrader"])
            return json.loads(p.stdout)

        out["nbgrader autograde"] = Contender(
            nbgrader_prepare,
            lambda: run([str(s.nbgrader_venv / "bin" / "nbgrader"), "autograde", ASSIGNMENT], s.nbgrader_env,
                        state["nbgrader"]),
            nbgrader_scores)
    return out


def grade_rounds(cs: dict[str, Contender], rounds: int) -> tuple[dict, dict, set]:
    """Wall seconds per round for each contender (order rotated each round, only `grade` timed),
    each one's verdicts from its last run, and the contenders whose runs gave different verdicts."""
    names = list(cs)
    times: dict[str, list[float]] = {k: [] for k in names}
    verdicts: dict[str, dict] = {}
    unsteady: set[str] = set()
    for r in range(rounds):
        for k in names[r % len(names):] + names[:r % len(names)]:
            c = cs[k]
            c.prepare()
            t0 = time.perf_counter()
            c.grade()
            times[k].append(time.perf_counter() - t0)
            got = c.collect()
            if k in verdicts and got != verdicts[k]:
                print(f"  {k}: verdicts differ from its previous run", flush=True)
                unsteady.add(k)
            verdicts[k] = got
        print(f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items())
              + f"; load {loadavg()}", flush=True)
    return times, verdicts, unsteady


# -- the report -----------------------------------------------------------------------

def verdict_lines(s: Setup, verdicts: dict, unsteady: set) -> tuple[list[str], bool]:
    """A table of scores by answer kind and tool, and whether every tool agreed with the truth."""
    tools = list(verdicts)
    ok = not unsteady
    problems = [f"{tool}: its runs gave different verdicts" for tool in sorted(unsteady)]
    rows = []
    by_kind: dict[str, dict[str, set]] = {}
    for sid, kind in s.students:
        right = ANSWERS[kind][0]
        for tool in tools:
            got = verdicts[tool].get(sid)
            if got is None:
                ok = False
                problems.append(f"{tool}: no result for {sid} ({kind})")
                continue
            score, top = float(got[0]), float(got[1])
            full = top > 0 and abs(score - top) < 1e-9
            if full != right:
                ok = False
                problems.append(f"{tool}: {sid} ({kind}) got {score:g}/{top:g}")
            by_kind.setdefault(kind, {}).setdefault(tool, set()).add(f"{score:g}/{top:g}")
    for kind in ANSWERS:
        if kind not in by_kind:
            continue
        n = sum(1 for _, k in s.students if k == kind)
        rows.append([f"{kind} ({'right' if ANSWERS[kind][0] else 'wrong'}, {n})"]
                    + [", ".join(sorted(by_kind[kind].get(t, {"-"}))) for t in tools])
    lines = [markdown_table(["answer (kind, students)"] + tools, rows), ""]
    lines.append("- verdicts: " + ("in every run, every tool gave every right answer full marks and every wrong one less."
                                   if ok else "DISAGREE: " + "; ".join(problems[:10])))
    return lines, ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peers-venv", type=Path, help="virtualenv holding otter-grader and nbgrader (see the docstring)")
    ap.add_argument("--otter-venv", type=Path, help="otter-grader's own virtualenv (default: --peers-venv)")
    ap.add_argument("--nbgrader-venv", type=Path, help="nbgrader's own virtualenv (default: --peers-venv)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the one-learner commands")
    ap.add_argument("--class-rounds", type=int, default=3, help="rounds of grading the class")
    ap.add_argument("--size", type=int, default=40, help="students in the class")
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args(argv)
    venvs = {name: (v or args.peers_venv).resolve() if (v or args.peers_venv) else None
             for name, v in (("otter-grader", args.otter_venv), ("nbgrader", args.nbgrader_venv))}
    os.environ.update(ENV_THREADS)  # the in-process check, like the contenders

    out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()]
    out.append(f"- command: `python bench/peers.py {' '.join(argv if argv is not None else sys.argv[1:])}`")
    tmp = Path(tempfile.mkdtemp(prefix="tutor-bench-peers-"))
    try:
        t0 = time.perf_counter()
        s = Setup(tmp, venvs["otter-grader"], venvs["nbgrader"], args.size)
        versions = _versions(s)
        out.append("- tools: " + "; ".join(versions))
        for name, have in (("otter-grader", s.have_otter), ("nbgrader", s.have_nbgrader)):
            if not have:
                where = f"not found in {venvs[name]}" if venvs[name] else "no virtualenv given (--peers-venv)"
                out.append(f"- {name}: SKIPPED, {where}; see the docstring for the install commands.")
        n_right = sum(1 for _, k in s.students if ANSWERS[k][0])
        out.append(f"- exercise {EXERCISE}: {len(s.tests)} tests ({', '.join(format(t['points'], 'g') for t in s.tests)} "
                   f"points, {sum(t['hidden'] for t in s.tests)} hidden), rtol {s.rtol:g}, atol {s.atol:g}; "
                   f"class of {len(s.students)} ({n_right} right, {len(s.students) - n_right} wrong); "
                   f"set up in {time.perf_counter() - t0:.1f} s")
        print("\n".join(out), flush=True)

        # (a) one learner's command
        splits: list[dict] = []
        fs = learner_contenders(s)
        fs["tutor check, split (wrapper)"] = split_once(s, splits)
        warm = warm_check(s)
        if warm is not None:
            fs["check_file in a warm process"] = warm
        print(f"(a) one learner's command, {args.rounds} rounds; load {loadavg()}", flush=True)
        times, extras = interleaved(fs, args.rounds, on_round=lambda r, t: print(
            f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in t.items()), flush=True))
        splits = splits[-args.rounds:]  # drop the warm-up run
        mark = len(out)
        out += ["", (f"#### (a) one learner's command on a right answer, {args.rounds} rounds interleaved "
                    f"(load average after: {loadavg()})"), ""]
        rows = []
        for k, v in times.items():
            if k == "tutor check, split (wrapper)":
                continue
            vs = ratio_text(round_ratios(times, k, "tutor check")) if k != "tutor check" else "1.00x"
            rows.append([k, spread(v, fmt="{:.2f}") + " s", vs])
        out.append(markdown_table(["command", "wall time: median [min-max]", "vs tutor check (per round)"], rows))
        if splits:
            out += ["", ("The tutor's command, split (the same command under a wrapper that marks the check function; "
                        f"{len(splits)} runs):"), ""]
            out.append(markdown_table(["part", "median [min-max]"],
                                      [[k, spread([x[k] for x in splits], fmt="{:.3f}") + " s"] for k in splits[0]]))
        else:
            out.append("\n- the split is not measured: the command did not call tutor.exercises.check.check_file.")
        print("\n".join(out[mark:]), flush=True)

        # (c) peak memory of one check
        mem = {"tutor check": peak_mib(s.tutor_cmd + ["check", EXERCISE], s.tutor_env, s.learner)}
        if s.have_otter:
            mem["otter run"] = peak_mib([str(s.otter_venv / "bin" / "otter"), "run", "-a", str(s.otter_zip), "-o",
                                         str(tmp / "otter-learner-out"), "--no-logo", str(s.otter_learner)],
                                        s.otter_env)
        if s.have_nbgrader:
            mem["nbgrader autograde"] = peak_mib([str(s.nbgrader_venv / "bin" / "nbgrader"), "autograde", ASSIGNMENT,
                                                  "--student", "learner", "--force"], s.nbgrader_env,
                                                 s.nbgrader_learner)

        # (b) the class
        print(f"(b) the class of {len(s.students)}, {args.class_rounds} rounds; load {loadavg()}", flush=True)
        ctimes, verdicts, unsteady = grade_rounds(class_contenders(s), args.class_rounds)
        n = len(s.students)
        out += ["", (f"#### (b) the class of {n}, {args.class_rounds} rounds interleaved "
                    f"(load average after: {loadavg()})"), ""]
        rows = [[k, spread(v, fmt="{:.1f}") + " s", f"{n / median(v):.2f}",
                 ratio_text(round_ratios(ctimes, k, "tutor grade -j 2")) if k != "tutor grade -j 2" else "1.00x"]
                for k, v in ctimes.items()]
        out.append(markdown_table(["grading the class", "wall time: median [min-max]", "submissions/s",
                                   "vs tutor grade (per round)"], rows))
        out += ["", "#### (c) peak memory of one check (the largest single process, ru_maxrss; one run each)", ""]
        out.append(markdown_table(["command", "peak resident set"], [[k, f"{v:.0f} MiB"] for k, v in mem.items()]))
        out += ["", "#### verdicts, by answer kind (score/max as each tool gave it, from its last run)", ""]
        vlines, agreed = verdict_lines(s, verdicts, unsteady)
        out += vlines
        isolated = extras.get("check_file in a warm process", {}).get("isolated")
        out.append("- isolation: the tutor's checks ran "
                   + {True: "sandboxed (bubblewrap)", False: "NOT sandboxed (no bubblewrap here)",
                      None: "as `tutor check` decides (not recorded)"}[isolated]
                   + "; otter run and nbgrader execute the learner's notebook in a plain Jupyter kernel with the "
                     "grader's own rights and files.")
        out.append(f"- load average at the end: {loadavg()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0 if agreed else 1


def _versions(s: Setup) -> list[str]:
    out = []
    p = subprocess.run(s.tutor_cmd + ["--version"], check=False, env=s.tutor_env, capture_output=True, text=True)
    out.append(f"tutor {(p.stdout or p.stderr).strip().split()[-1] if p.returncode == 0 else '?'}")
    code = ("import sys\nfrom importlib.metadata import version as v\n"
            "for n in sys.argv[1:]:\n"
            "    try: print(n, v(n))\n    except Exception: pass\n")
    for venv, names in ((s.otter_venv, ["otter-grader"]), (s.nbgrader_venv, ["nbgrader"])):
        if venv is None or not (venv / "bin" / "python").exists():
            continue
        p = subprocess.run([str(venv / "bin" / "python"), "-c", code, *names, "nbconvert", "ipykernel", "numpy",
                            "rfc3987-syntax"], check=False, capture_output=True, text=True)
        out.append(", ".join(line.strip() for line in p.stdout.splitlines()) + f" (in {venv})")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
