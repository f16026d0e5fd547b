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

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from tests.conftest import REPO  # noqa: E402
from tutor.course import bundled_course

KERNEL = "tutor-notebook-test"

RIGHT = {
    "sigmoid-gradient": (
        "import numpy as np\n\n"
        "def sigmoid_gradient(z):\n"
        "    g = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))\n"
        "    return g * (1.0 - g)\n"
    ),
}
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
# (lesson whose notebook gets the solution, exercise)
REPLACE = {("sigmoid-gradient", "sigmoid-gradient"): RIGHT["sigmoid-gradient"], ("forward-pass", "predict"): WRONG["predict"]}


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
    NotebookClient(nb, timeout=180, kernel_name=KERNEL, resources={"metadata": {"path": str(root)}}).execute()
    return nb


@pytest.fixture(scope="module")
def executed(kernel):
    """{lesson id: executed notebook}, plus the kernel's TUTOR_HOME."""
    from tutor.course import bundled_course
    from tutor.notebook.build import export

    root, home = kernel
    result = export(None, all_lessons=True, output=root / "out", answers=True, course=bundled_course())
    assert [p.name for p in result.written] == [f"{lesson_id}.ipynb" for lesson_id in bundled_course().lesson_ids()]
    books, seconds = {}, {}
    for path in result.written:
        nb = nbformat.read(path, as_version=4)
        lesson = path.stem
        for i, c in enumerate(nb.cells):
            m = re.match(r"check\('([a-z-]+)', ", c.source) if c.cell_type == "code" else None
            if m and (lesson, m.group(1)) in REPLACE:
                nb.cells[i - 1].source = REPLACE[(lesson, m.group(1))]
        start = time.monotonic()
        _execute(nb, root)
        seconds[lesson] = time.monotonic() - start
        books[lesson] = nb
    print("executed in seconds:", {k: round(v, 1) for k, v in seconds.items()})
    return books, home


def test_every_notebook_runs_top_to_bottom_without_an_error(executed):
    books, _ = executed
    for lesson, nb in books.items():
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), lesson
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{lesson}: {errors[0]['ename']}: {errors[0]['evalue']}"
        failed = [c.source for c in code if "This step could not run" in _text(c)]
        assert not failed, f"{lesson}: {failed}"


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


def test_every_check_step_passes_in_the_notebook(executed):
    from tutor.notebook import open_lesson

    books, _ = executed
    seen = expected = 0
    for lesson_id, nb in books.items():
        # the check steps that run on the bundled data (those under `when: {dataset: course}` do not)
        checks = [s.id for s in open_lesson(lesson_id, record=False).session.steps if s.kind == "check"]
        expected += len(checks)
        for c in nb.cells:
            # a check of a typed value first reads it from the lesson (`x = lesson['x']`), then shows
            m = re.search(r"^lesson\.show\('([^']+)'", c.source, re.M) if c.cell_type == "code" else None
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
    cell = _cell(books["sigmoid-gradient"], "check('sigmoid-gradient', sigmoid_gradient)")
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


def test_the_magic_steps_through_a_lesson_in_a_real_kernel(kernel):
    root, home = kernel
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[v4.new_code_cell("%load_ext tutor"),
                                v4.new_code_cell("%tutor learn network --plain --restart"),
                                v4.new_code_cell("%tutor next"),
                                v4.new_code_cell("%tutor learn network")])
    _execute(nb, root)
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


def test_a_second_course_runs_as_a_notebook_and_its_check_counts_in_that_course(kernel):
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
    _execute(nb, root)
    assert "All tests passed: 5/5" in _text(_cell(nb, "check('logistic-gradient', logistic_gradient"))
    doc = json.loads((home / "progress.json").read_text())
    assert doc["exercises"]["logistic-regression/logistic-gradient"]["passed"] is True
    assert "logistic-gradient" not in doc["exercises"]
