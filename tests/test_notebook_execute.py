"""Every lesson exported to ipynb and executed top to bottom on a fresh kernel (nbclient).

The kernel is this interpreter (`sys.executable -m ipykernel_launcher`),
declared in a kernelspec written to a private JUPYTER_PATH, so nothing has
to be installed into the user's Jupyter and CI's clean venv works as is.
Quiz answers are filled from the lessons' own answers (`--with-answers`);
two exercise stubs are replaced, one by a right function and one by a known
mistake. The assertions read the outputs: the quiz verdicts, every check
step's verdict, values against independent computations, the check reports,
and the progress the terminal then shows.
"""

from __future__ import annotations

import json
import re
import sys
import time

import numpy as np
import pytest

pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

import nbformat
from nbclient import NotebookClient

from tests.conftest import REPO
from tutor.course import bundled_course

KERNEL = "tutor-notebook-test"

# The natural answer: the stub's own body filled in, calling the `sigmoid` its import line brings
# (`from tutor_helpers import sigmoid`); the check must send that import with it.
NATURAL = ('    # TODO: write sigmoid_gradient\n    raise NotImplementedError("sigmoid_gradient is not written yet")',
           "    s = sigmoid(z)\n    return s * (1 - s)")
WRONG = {
    "predict": (  # argmax down the columns instead of along each row
        "import numpy as np\n\n"
        "def predict(thetas, X):\n"
        "    a = np.asarray(X, dtype=float)\n"
        "    for T in thetas:\n"
        "        a = 1 / (1 + np.exp(-(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)))\n"
        "    return np.argmax(a, axis=0)\n"
    ),
}


def _fill(lesson: str, exercise: str, stub: str) -> str | None:
    """What the learner writes in an exercise's stub cell here (None: the stub is left as exported)."""
    if (lesson, exercise) == ("sigmoid-gradient", "sigmoid-gradient"):
        assert NATURAL[0] in stub, stub
        return stub.replace(*NATURAL)
    if (lesson, exercise) == ("forward-pass", "predict"):
        return WRONG["predict"]
    return None


def _kernelspec(root, home) -> None:
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "tutor tests", "language": "python",
        # the kernels' own progress store, whatever TUTOR_HOME a test sets for itself
        "env": {"PYTHONPATH": str(REPO), "TUTOR_HOME": str(home), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    }))


def _text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        else:
            parts.append(o.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _cell(nb, prefix: str):
    """The first code cell whose code (after any comment lines) starts with prefix."""
    def code(c):
        return "\n".join(line for line in c.source.splitlines() if not line.startswith("#"))

    found = [c for c in nb.cells if c.cell_type == "code" and code(c).startswith(prefix)]
    assert found, f"no code cell starts with {prefix!r}"
    return found[0]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """(a scratch folder, the kernels' TUTOR_HOME), with the test kernelspec found through JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("notebooks")
    home = root / "home"
    _kernelspec(root / "jupyter", home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(root / "jupyter"))
        mp.setenv("TUTOR_HOME", str(home))
        mp.setenv("PYTHONPATH", str(REPO))
        yield root, home


def _execute(nb, root):
    """Run nb on a kernel of its own (started and shut down here)."""
    NotebookClient(nb, timeout=180, kernel_name=KERNEL, resources={"metadata": {"path": str(root)}}).execute()
    return nb


# What a fresh kernel would not have: the previous notebook's variables, its `tutor_helpers`
# module and the lessons it opened. Imported modules stay (that is the time saved).
RESET = ("%reset -f\n"
         "import sys\n"
         "sys.modules.pop('tutor_helpers', None)\n"
         "sys.modules.get('tutor.notebook.session') and sys.modules['tutor.notebook.session']._OPEN.clear()\n"
         "del sys")


class SharedKernel:
    """One kernel for many notebooks: each starts on an emptied namespace (2 cores: a kernel start
    and numpy's import cost more than most notebooks)."""

    def __init__(self, root) -> None:
        self.root = root
        from jupyter_client import KernelManager

        self.km = KernelManager(kernel_name=KERNEL)
        self.km.start_kernel(cwd=str(root))

    def run(self, nb, cwd=None):
        """Execute nb (in place) after a reset; cwd: the folder the notebook lies in (its relative paths)."""
        folder = str(cwd or self.root)
        reset = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(RESET + f"\n%cd -q {folder!s}")])
        for book in (reset, nb):
            client = NotebookClient(book, km=self.km, timeout=180, kernel_name=KERNEL,
                                    resources={"metadata": {"path": folder}})
            try:
                client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
        return nb

    def close(self) -> None:
        self.km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def shared(kernel):
    k = SharedKernel(kernel[0])
    yield k
    k.close()


def _run_course(shared, course, folder):
    """Every lesson of `course` exported with its answers into `folder`, each run on the shared kernel
    after a reset: {lesson id: executed notebook}."""
    from tutor.notebook.build import export

    result = export(None, all_lessons=True, output=folder, answers=True, course=course)
    assert [p.stem for p in result.written] == list(course.lesson_ids())
    books, seconds = {}, {}
    for path in result.written:
        nb = nbformat.read(path, as_version=4)
        lesson = path.stem
        for i, c in enumerate(nb.cells):
            m = re.match(r"check\('([a-z-]+)', ", c.source) if c.cell_type == "code" else None
            filled = _fill(lesson, m.group(1), nb.cells[i - 1].source) if m else None
            if filled is not None:
                nb.cells[i - 1].source = filled
        start = time.monotonic()
        shared.run(nb, cwd=folder)
        seconds[lesson] = time.monotonic() - start
        books[lesson] = nb
    print(f"{course.id}: executed in seconds:", {k: round(v, 1) for k, v in seconds.items()})
    return books


@pytest.fixture(scope="module")
def executed(kernel, shared):
    """{lesson id: executed notebook} of the bundled course, plus the kernel's TUTOR_HOME."""
    root, home = kernel
    return _run_course(shared, bundled_course(), root / "out"), home


@pytest.fixture(scope="module")
def executed_logistic(kernel, shared):
    """{lesson id: executed notebook} of courses/logistic-regression, exported beside the bundled ones."""
    from tutor.course import resolve_course

    root, _ = kernel
    return _run_course(shared, resolve_course(str(REPO / "courses" / "logistic-regression")), root / "logistic")


@pytest.fixture(scope="module")
def every_book(executed, executed_logistic):
    """[(course, lesson id, executed notebook)] for every lesson of both courses."""
    return ([("backprop", k, nb) for k, nb in executed[0].items()]
            + [("logistic-regression", k, nb) for k, nb in executed_logistic.items()])


def test_every_notebook_runs_top_to_bottom_without_an_error(every_book):
    for _, lesson, nb in every_book:
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), lesson
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{lesson}: {errors[0]['ename']}: {errors[0]['evalue']}"
        failed = [c.source for c in code if "This step could not run" in _text(c)
                  or any(line.startswith("error: ") for line in _text(c).splitlines())]  # a call's one-line error
        assert not failed, f"{lesson}: {failed}"
        unprepared = [c.source for c in nb.cells if "could not be prepared" in c.source]
        assert not unprepared, f"{lesson}: {unprepared}"


def test_every_type_along_step_is_numpy_code_whose_value_is_graded_right(every_book):
    """`answer = a1 @ Theta1.T` as code (not a quoted string), graded by its value: right in every lesson
    of both courses; each cell's names were defined by the cells above it on a reset kernel."""
    count = 0
    for course, lesson, nb in every_book:
        for c in nb.cells:
            if c.cell_type == "code" and "lesson.answer(" in c.source:
                count += 1
                line = next(x for x in c.source.splitlines() if x.startswith("answer = "))
                assert not line.startswith(("answer = '", 'answer = "')), line  # the expression itself
                assert "# your numpy expression, as code" in line
                # graded by value: the verdict names an array by its shape, a number by itself
                assert re.search(r"✓ RIGHT (your value \(|-?[0-9])", _text(c)) and "characters long" not in _text(c), \
                    f"{course} {lesson}: {c.source!r} -> {_text(c)!r}"
    assert count >= 40  # about 30 in the bundled course and 15 in logistic-regression today


def test_the_setup_cell_defines_the_functions_the_prose_names(executed):
    books, _ = executed
    def setup(nb):
        return next(c for c in nb.cells if c.cell_type == "code").source

    assert "sigmoid, sigmoid_gradient = lesson.functions('sigmoid', 'sigmoid_gradient')" in setup(books["sigmoid-gradient"])
    assert "sigmoid = lesson.functions('sigmoid')" in setup(books["forward-pass"])
    assert "lesson.functions(" not in setup(books["accuracy"])  # a lesson that names no function gets none


def test_every_prediction_is_set_beside_the_real_value(every_book):
    per_lesson = {}
    for course, lesson, nb in every_book:
        for c in nb.cells:
            if c.cell_type == "code" and "lesson.predict(" in c.source:
                per_lesson[(course, lesson)] = per_lesson.get((course, lesson), 0) + 1
                text = _text(c)
                assert "You predicted" in text or "Your prediction" in text, f"{lesson}: {text!r}"
    assert len(per_lesson) >= 12, per_lesson  # issue 22: a predict step in (nearly) every lesson


def test_an_explore_step_draws_sliders_whose_output_holds_the_lessons_view(executed):
    pytest.importorskip("ipywidgets")
    books, _ = executed
    nb = books["nudge"]
    cell = _cell(nb, "lesson.explore('nudge-lab')")
    views = [o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1
    # a page that cannot draw widgets shows the default setting, not the widget's repr
    assert "With nudge = 0.1, row = 3, column = 22" in views[0]["data"]["text/plain"]
    assert "VBox(" not in views[0]["data"]["text/plain"] and "<pre" in views[0]["data"]["text/html"]
    state = json.dumps(nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"])
    # the Output widget under the sliders holds the drawing for the default setting (nudge 0.1, Theta2[3, 22])
    assert "With nudge = 0.1, row = 3, column = 22" in state and "Nudged by 0.1: J moves by" in state


def test_every_quiz_is_answered_right_from_the_lessons_answers(executed):
    books, _ = executed
    count = 0
    for lesson, nb in books.items():
        for c in nb.cells:
            if c.cell_type == "code" and "lesson.quiz(" in c.source:
                count += 1
                assert _text(c).startswith("✓ RIGHT"), f"{lesson}: {c.source!r} -> {_text(c)!r}"
                assert len(c.outputs) == 1  # the call's return value is not echoed under its report
    assert count >= 20  # the course has 23 questions; those under a `when` that does not hold are left out


def test_every_check_step_passes_in_the_notebook(every_book):
    from tutor.notebook import open_lesson

    seen = expected = 0
    for course, lesson_id, nb in every_book:
        # the check steps that run on the bundled data (those under `when: {dataset: course}` do not)
        where = None if course == "backprop" else str(REPO / "courses" / course)
        checks = [s.id for s in open_lesson(lesson_id, record=False, course=where).session.steps
                  if s.kind == "check"]
        expected += len(checks)
        for c in nb.cells:
            # a check of a typed value first reads it from the lesson (`x = lesson['x']`), then shows
            m = re.search(r"^lesson\.show\('([^']+)'", c.source, re.MULTILINE) if c.cell_type == "code" else None
            if m and m.group(1) in checks:
                seen += 1
                assert "✓ PASS" in _text(c) and "FAIL" not in _text(c), f"{lesson_id} {m.group(1)}: {_text(c)}"
    assert seen == expected >= 20


def test_matrix_views_are_html_and_values_match_an_independent_forward_pass(executed):
    from tutor.lessons.environment import build_environment
    from tutor.lessons.loader import find_lesson

    books, _ = executed
    nb = books["forward-pass"]
    env = build_environment(find_lesson("forward-pass", bundled_course()))
    X, y, (T1, T2) = env.values["X"], env.values["y"], env.values["thetas"]
    cell = _cell(nb, "a1 = np.hstack(")
    html = cell.outputs[0]["data"]["text/html"]
    assert html.lstrip().startswith("<pre") and "<span" in html
    assert f"{X.shape[0]} x {X.shape[1] + 1}" in html
    a2 = np.hstack([np.ones((len(X), 1)), 1 / (1 + np.exp(-(np.hstack([np.ones((len(X), 1)), X]) @ T1.T)))])
    h = 1 / (1 + np.exp(-(a2 @ T2.T)))
    acc = float(np.mean(np.argmax(h, axis=1) == y))
    shown = re.search(r"acc = ([0-9.]+)", _text(_cell(nb, "acc = np.mean(")))
    assert shown and float(shown.group(1)) == pytest.approx(acc, abs=5e-7)
    assert f"h = g(z3)  {len(X)} x 10" in _text(_cell(nb, "h = 1 / (1 + np.exp(-z3))"))


def test_check_cells_grade_like_tutor_check_and_the_terminal_sees_it(executed):
    from typer.testing import CliRunner

    from tutor.cli import app

    books, home = executed
    nb = books["sigmoid-gradient"]
    cell = _cell(nb, "check('sigmoid-gradient', sigmoid_gradient)")
    stub = nb.cells[nb.cells.index(cell) - 1].source  # the natural answer: the stub's helper, called
    assert "from tutor_helpers import sigmoid\n" in stub and "s = sigmoid(z)" in stub and "np.exp" not in stub
    assert len(cell.outputs) == 1 and "text/html" in cell.outputs[0]["data"]
    right = _text(cell)
    assert "All tests passed: 6/6" in right and "(hidden test)" in right
    wrong = _text(_cell(books["forward-pass"], "check('predict', predict)"))
    assert "Likely mistake: argmax over the wrong axis" in wrong and "Score 0/5" in wrong
    untouched = _text(_cell(books["cost"], "check('feedforward-cost', "))
    assert "FAIL" in untouched and "Score 0/" in untouched
    doc = json.loads((home / "progress.json").read_text())
    assert doc["exercises"]["sigmoid-gradient"]["passed"] is True
    assert doc["exercises"]["predict"]["last"] == "failing"
    listing = CliRunner().invoke(app, ["exercises"], env={"TUTOR_HOME": str(home), "COLUMNS": "200"})
    row = next(line for line in listing.output.splitlines() if "sigmoid-gradient" in line)
    assert "passed" in row and "6/6" in row


def test_the_magic_steps_through_a_lesson_in_a_real_kernel(kernel, shared):
    _, home = kernel
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[v4.new_code_cell("%load_ext tutor"),
                                v4.new_code_cell("%tutor learn network --plain --restart"),
                                v4.new_code_cell("%tutor next"),
                                v4.new_code_cell("%tutor learn network")])
    shared.run(nb)
    first, second, widget = (_text(c) for c in nb.cells[1:])
    assert "Step 1 of" in first and "Step 2 of" not in first
    assert "Step 2 of" in second
    try:
        import ipywidgets  # noqa: F401
    except ImportError:  # the kernel falls back to printing the step
        assert "Step 2 of" in widget
    else:
        views = [o for o in nb.cells[3].outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert len(views) == 1
    assert json.loads((home / "progress.json").read_text())["lessons"]["network"]["step"] == 1


def test_training_shows_its_progress_in_place_and_ends_at_the_optimizers_cost(executed):
    books, _ = executed
    cell = _cell(books["training"], "cg, cg_thetas, cg_history, cg_cost = lesson.run('train-cg'")
    progress = _text(cell).splitlines()[0]
    m = re.match(r"Training: conjugate gradient, 50 iterations, lambda = 1 +iteration (\d+) of 50 +cost ([0-9.]+)", progress)
    assert m, progress
    end = re.search(r"J after training = ([0-9.]+)", _text(_cell(books["training"], "cost_start, cost_end")))
    assert end and float(m.group(2)) == pytest.approx(float(end.group(1)), abs=2e-6)


def test_a_second_course_runs_as_a_notebook_and_its_check_counts_in_that_course(kernel, shared):
    """The logistic-regression course (no plugin, a references.py file): exported with its
    course, executed with a right answer in the stub cell, graded, and recorded under it."""
    from tutor.course import resolve_course
    from tutor.notebook.build import export

    root, home = kernel
    course = resolve_course(str(REPO / "courses" / "logistic-regression"))
    result = export("cost-and-gradient", output=root / "lr.ipynb", answers=True, course=course)
    nb = nbformat.read(result.written[0], as_version=4)
    assert nb.metadata["tutor"]["course"] == "logistic-regression"
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code" and c.source.startswith("check('logistic-gradient', "):
            nb.cells[i - 1].source = (
                "import numpy as np\n\n"
                "def logistic_gradient(w, X, y):\n"
                "    h = 1 / (1 + np.exp(-(X @ w)))\n"
                "    return X.T @ (h - y) / len(y)\n")
    shared.run(nb)
    assert "All tests passed: 5/5" in _text(_cell(nb, "check('logistic-gradient', logistic_gradient"))
    doc = json.loads((home / "progress.json").read_text())
    assert doc["exercises"]["logistic-regression/logistic-gradient"]["passed"] is True
    assert "logistic-gradient" not in doc["exercises"]


def test_a_gradient_check_cell_shows_central_differences_an_independent_loop_agrees_with(executed_logistic):
    from tutor.notebook import open_lesson

    nb = executed_logistic["cost-and-gradient"]
    cell = _cell(nb, "numerical_gradient, numerical_gradient_difference = lesson.run('check-gradient', w=w, grad=grad")
    md = nb.cells[nb.cells.index(cell) - 1].source
    assert r"\frac{\partial J}{\partial w_i} \approx \frac{J(w + \epsilon\, e_i) - J(w - \epsilon\, e_i)}{2\epsilon}" in md
    lesson = open_lesson("cost-and-gradient", record=False, course=str(REPO / "courses" / "logistic-regression"))
    lesson.run("check-gradient")
    X, y, w, eps = lesson.values("X", "y", "w", "epsilon")

    def J(v):
        h = 1 / (1 + np.exp(-(X @ v)))
        return float(np.mean(-y * np.log(h) - (1 - y) * np.log(1 - h)))

    numerical = [(J(w + eps * e) - J(w - eps * e)) / (2 * eps) for e in np.eye(len(w))]
    rows = re.findall(r"^\s+(\d+)│\s+(\S+)\s+(\S+)", _text(cell), re.MULTILINE)
    assert [int(r[0]) for r in rows] == list(range(len(w)))
    np.testing.assert_allclose([float(r[1]) for r in rows], numerical, rtol=1e-8)
    assert "✓ PASS" in _text(cell)


def test_a_course_found_by_its_folder_is_named_relative_to_the_notebook(kernel, executed_logistic):
    """The logistic notebooks ran from their own folder: each names its course by a relative path
    that leads from that folder to the course, never by this machine's absolute path."""
    import os

    root, _ = kernel
    for lesson, nb in executed_logistic.items():
        setup = next(c for c in nb.cells if c.cell_type == "code").source
        m = re.search(r"open_lesson\('[a-z-]+', course='([^']+)'\)", setup)
        assert m and not os.path.isabs(m.group(1)), setup
        assert (root / "logistic" / m.group(1)).resolve() == (REPO / "courses" / "logistic-regression").resolve()
        text = json.dumps(nb)
        assert f"'{REPO}" not in text and f'\\"{REPO}' not in text, lesson  # no absolute path anywhere


def test_without_answers_every_question_cell_says_what_to_write_and_nothing_fails(kernel, shared):
    """As a learner gets it: `answer = ...` left in place runs, and says where the answer goes."""
    from tutor.notebook.build import export

    root, _ = kernel
    path = export("forward-pass", output=root / "blank.ipynb", course=bundled_course()).written[0]
    nb = shared.run(nbformat.read(path, as_version=4))
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    asked = [c for c in code if re.search(r"^(answer|prediction) = \.\.\.", c.source, re.MULTILINE)]
    assert len(asked) >= 5
    for c in asked:
        assert "Write your answer in place of the ... in this cell" in _text(c), (c.source, _text(c))
        assert "RIGHT" not in _text(c) and "NOT YET" not in _text(c)
