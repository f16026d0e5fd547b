"""Course packs: finding courses, plugins and their clashes, progress per course,
the generic vocabulary, `tutor ops`, `tutor new`, and the authoring guide's course."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tutor.base.errors import LessonError, TutorError
from tutor.cli import app
from tutor.course import bundled_course, course_vocabulary, load_course, resolve_course
from tutor.lessons.loader import load_lesson
from tutor.progress import ProgressStore

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _invoke(*args, env=None):
    return runner.invoke(app, list(map(str, args)), catch_exceptions=False, env=env)


def _course(folder: Path, manifest: str, lessons: dict[str, str] = {}, files: dict[str, str] = {}) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yaml").write_text(manifest, encoding="utf-8")
    (folder / "lessons").mkdir(exist_ok=True)
    for lesson_id, text in lessons.items():
        (folder / "lessons" / f"{lesson_id}.yaml").write_text(text, encoding="utf-8")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# -- the engine names no course ------------------------------------------------------------


def test_engine_modules_name_no_network_vocabulary():
    """Outside the shared maths (tutor/core), the bundled course's plugin and the exercise
    engine (moved separately), no module says Theta, backprop, delta, digits or ex4."""
    words = re.compile(r"theta|backprop|delta|digits|ex4", re.IGNORECASE)
    skip = ("core", "courses", "exercises")
    found = []
    for path in (REPO / "tutor").rglob("*.py"):
        rel = path.relative_to(REPO / "tutor")
        if rel.parts[0] in skip:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if words.search(line):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []


def test_views_and_steps_do_not_import_each_other():
    code = ("import sys; import tutor.lessons.views; "
            "print('tutor.lessons.steps.basic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_bundled_course_manifest_names_its_plugin_and_orders():
    course = bundled_course()
    assert course.id == "backprop" and course.plugin == "tutor.courses.backprop" and course.setup == "network"
    assert course.lessons[0] == "network" and "sigmoid-gradient" in course.exercises
    assert course.version


# -- finding courses -----------------------------------------------------------------------------


def test_unknown_course_is_one_line_with_a_suggestion(tmp_path):
    res = runner.invoke(app, ["lessons", "--course", "backprp"])
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and "did you mean 'backprop'" in res.stderr
    res = runner.invoke(app, ["lessons", "--course", str(tmp_path / "nothing")])
    assert res.exit_code == 2 and "no course folder" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(app, ["lessons"], env={"TUTOR_COURSE": str(tmp_path)})
    assert res.exit_code == 2 and "has no course.yaml" in res.stderr


def test_bundled_course_by_id_by_folder_and_by_default_is_the_same_course():
    by_id = resolve_course("backprop")
    assert by_id is bundled_course() and resolve_course(None) is by_id
    assert resolve_course(str(REPO / "lessons" / "course.yaml")) is by_id


def test_installed_course_through_an_entry_point(tmp_path, monkeypatch):
    folder = _course(tmp_path / "pkgcourse" / "content", "id: installed-one\ntitle: Installed\nlessons: [hello]\n",
                     {"hello": "id: hello\ntitle: Hello\nsummary: S\nsetup: {}\nsteps:\n  - {id: a, kind: text, text: hi}\n"})
    site = tmp_path / "site"
    (site / "pkgcourse_mod").mkdir(parents=True)
    (site / "pkgcourse_mod" / "__init__.py").write_text(f"FOLDER = {str(folder)!r}\n")
    dist = site / "pkgcourse-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: pkgcourse\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[tutor.courses]\ninstalled-one = pkgcourse_mod:FOLDER\n")
    monkeypatch.syspath_prepend(str(site))
    course = resolve_course("installed-one")
    assert course.root == folder.resolve() and course.origin == "entry point"
    res = _invoke("courses", "--json")
    ids = [c["id"] for c in json.loads(res.output)["courses"]]
    assert ids[0] == "backprop" and "installed-one" in ids
    res = _invoke("learn", "hello", "--course", "installed-one")
    assert res.exit_code == 0 and "hi" in res.output


# -- plugins -------------------------------------------------------------------------------------------

PLUGIN = '''
from dataclasses import dataclass

from rich.text import Text

from tutor.plugin import Built, SetupKind, Step, command, operation, setup, step_kind, view


@operation("{prefix}triple")
def triple(A):
    """3 A, elementwise."""
    import numpy as np

    return 3 * np.asarray(A, dtype=float)


@view("{prefix}stars", options={{"char": ("str", "*")}})
def stars(value, ctx, spec):
    """A number as a row of stars."""
    return Text(spec.option("char") * int(value))


@setup("{prefix}counter")
class Counter(SetupKind):
    """Binds n."""

    KEYS = ("start",)

    def parse(self, r, course):
        return r.int("start", 1)

    def names(self, options):
        return ["n"]

    def build(self, options, params, *, course, files):
        return Built(values={{"n": options}}, notes=[f"n starts at {{options}}"])


@step_kind("{prefix}shout")
@dataclass(frozen=True)
class Shout(Step):
    word: str = ""
    KEYS = ("word",)

    @classmethod
    def parse(cls, r, common, scope):
        return cls(common, r.str("word", required=True))

    def run(self, ctx):
        return [Text(self.word.upper() + "!")]


@command("{prefix}hello-cmd")
def hello_cmd():
    """Say hello."""
    print("hello from the plugin")
'''

LESSON = """id: use-it
title: Use it
summary: A lesson that uses a plugin's vocabulary.
setup:
  kind: {prefix}counter
  start: 4
steps:
  - {{id: loud, kind: {prefix}shout, word: ready}}
  - id: three-times
    kind: compute
    op: {prefix}triple
    inputs: {{A: n}}
    bind: t
  - {{id: draw, kind: show, value: t, view: {prefix}stars, char: "#"}}
"""


def test_a_file_plugin_adds_ops_views_setups_steps_and_commands(tmp_path):
    folder = _course(tmp_path / "plug", "id: plug\ntitle: P\nlessons: [use-it]\nplugin: plugin.py\n",
                     {"use-it": LESSON.format(prefix="p1_")}, {"plugin.py": PLUGIN.format(prefix="p1_")})
    res = _invoke("demo", "use-it", "--course", folder, "--plain")
    assert res.exit_code == 0, res.output
    assert "READY!" in res.output and "\n############\n" in res.output  # 3 x 4 stars of '#'

    from tutor.base.registry import ENGINE

    vocab = course_vocabulary(load_course(folder))
    assert "p1_triple" in vocab.operations and "p1_hello-cmd" in vocab.commands
    assert "p1_triple" not in ENGINE.operations  # the course's names are the course's alone
    assert "plugin.py of course 'plug'" in vocab.operations.owner("p1_triple")
    res = _invoke("ops", "--course", folder, "--json")
    listed = json.loads(res.output)
    assert listed["operations"]["p1_triple"] == {"signature": "p1_triple(A)", "outputs": [], "doc": "3 A, elementwise."}
    assert listed["views"]["p1_stars"]["signature"] == "p1_stars(value, char='*')"
    assert "p1_counter" in listed["setups"] and "p1_shout" in listed["steps"]


def test_two_courses_in_one_process_keep_their_names_apart(tmp_path):
    # Both plugins register the same names: each course sees its own, neither sees the other's.
    first = _course(tmp_path / "one", "id: one\ntitle: A\nlessons: []\nplugin: plugin.py\n", {},
                    {"plugin.py": PLUGIN.format(prefix="p2_")})
    second = _course(tmp_path / "two", "id: two\ntitle: B\nlessons: []\nplugin: plugin.py\n", {},
                     {"plugin.py": PLUGIN.format(prefix="p2_")})
    third = _course(tmp_path / "three", "id: three\ntitle: C\nlessons: []\nplugin: plugin.py\n", {},
                    {"plugin.py": PLUGIN.format(prefix="p3_")})
    one, two, three = (course_vocabulary(load_course(f)) for f in (first, second, third))
    assert one.operations["p2_triple"].func is not two.operations["p2_triple"].func
    assert "course 'one'" in one.operations.owner("p2_triple")
    assert "course 'two'" in two.operations.owner("p2_triple")
    assert "p3_triple" in three.operations and "p3_triple" not in one.operations
    assert "p2_triple" not in three.operations and "matmul" in three.operations  # the engine's names are shared
    res = runner.invoke(app, ["validate", "--course", str(second)])
    assert res.exit_code == 0, res.output


def test_one_name_twice_in_one_course_is_an_error_naming_both(tmp_path):
    plugin = ("from tutor.plugin import operation\n"
              "@operation('twice')\ndef a(A):\n    return A\n")
    folder = _course(tmp_path / "dup", "id: dup\ntitle: A\nlessons: []\nplugin: plugin.py\n", {},
                     {"plugin.py": plugin + "import helper_ops\n",
                      "helper_ops.py": plugin.replace("def a", "def b")})
    import sys

    sys.path.insert(0, str(folder))
    try:
        with pytest.raises(TutorError) as err:
            course_vocabulary(load_course(folder))
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("helper_ops", None)
    assert "'twice' is registered twice" in err.value.message


def test_a_plugin_cannot_take_an_engine_name(tmp_path):
    folder = _course(tmp_path / "bad", "id: bad-plugin\ntitle: A\nlessons: []\nplugin: plugin.py\n", {},
                     {"plugin.py": "from tutor.plugin import operation\n\n@operation('matmul')\ndef m(A, B):\n    return A\n"})
    with pytest.raises(TutorError, match="'matmul' is registered twice: by the engine and by the plugin plugin.py"):
        course_vocabulary(load_course(folder))


# -- progress per course ---------------------------------------------------------------------------------


def test_old_progress_files_read_as_the_bundled_course(tutor_home):
    tutor_home.mkdir(parents=True)
    (tutor_home / "progress.json").write_text(json.dumps(
        {"version": 1, "lessons": {"cost": {"step": 4, "steps": 20}}, "exercises": {"predict": {"passed": True}}}))
    store = ProgressStore()
    assert store.lesson("cost") == store.lesson("cost", course="backprop") == {"step": 4, "steps": 20}
    assert store.exercise("predict", course="backprop") == {"passed": True}
    assert store.lesson("cost", course="logistic-regression") == {}
    store.update_lesson("cost", course="logistic-regression", step=1)
    doc = json.loads((tutor_home / "progress.json").read_text())
    assert doc["lessons"]["cost"]["step"] == 4 and doc["lessons"]["logistic-regression/cost"]["step"] == 1
    assert set(store.records("lessons", course="backprop")) == {"cost"}
    assert set(store.records("lessons", course="logistic-regression")) == {"cost"}
    store.reset("lessons", course="logistic-regression")
    assert store.lesson("cost") == {"step": 4, "steps": 20}
    assert store.records("lessons", course="logistic-regression") == {}


def test_lessons_of_two_courses_with_one_id_keep_their_own_progress(tmp_path, tutor_home):
    folder = _course(tmp_path / "other", "id: other\ntitle: O\nlessons: [cost]\n",
                     {"cost": "id: cost\ntitle: Another cost\nsummary: S\nsetup: {}\nsteps:\n"
                              "  - {id: a, kind: text, text: one}\n  - {id: b, kind: text, text: two}\n"})
    from tutor.lessons.environment import build_environment
    from tutor.lessons.runner import Session

    lesson = load_lesson(folder / "lessons" / "cost.yaml")
    session = Session(lesson, build_environment(lesson), None, store=ProgressStore())
    session.ensure(1)
    session.save(1, completed=True)
    res = _invoke("lessons", "--json", "--course", folder)
    assert json.loads(res.output)["lessons"][0]["status"] == "done"
    res = _invoke("lessons", "--json")
    bundled = {r["id"]: r["status"] for r in json.loads(res.output)["lessons"]}
    assert bundled["cost"] == "not started"


# -- the generic vocabulary -------------------------------------------------------------------------------------


def test_tutor_ops_lists_every_registered_op_and_view_with_signature_and_doc():
    res = _invoke("ops", "--json")
    listed = json.loads(res.output)
    from tutor.base.registry import ENGINE
    from tutor.lessons.engine import lesson_vocabulary

    vocab = lesson_vocabulary(bundled_course())
    assert set(listed["operations"]) == set(vocab.operations) and set(listed["views"]) == set(vocab.views)
    assert set(ENGINE.operations) < set(listed["operations"])  # the engine's and the course's own
    assert "matmul" in ENGINE.operations and "forward" not in ENGINE.operations
    assert listed["operations"]["matmul"]["signature"] == "matmul(A, B)"
    assert listed["operations"]["mean"]["signature"] == "mean(A, axis=None, keepdims=False)"
    assert listed["operations"]["forward"]["outputs"][:2] == ["a1", "z2"]  # the bundled course's plugin
    assert all(v["doc"] for v in listed["operations"].values())
    assert {"repeat", "gradient-check", "compute", "train"} <= set(listed["steps"])
    text = _invoke("ops").output
    assert "relative_difference" in " ".join(text.split()) and "regions" in text


def _arrays_lesson(tmp_path, steps: str, arrays: str, files: dict[str, bytes] = {}) -> Path:
    folder = tmp_path / "c"
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / "data" / name).write_bytes(data)
    return _course(folder, "id: c\ntitle: C\nlessons: [l]\n",
                   {"l": f"id: l\ntitle: L\nsummary: S\nsetup:\n  arrays:\n{arrays}\nsteps:\n{steps}"}) / "lessons" / "l.yaml"


def test_arrays_setup_reads_npz_csv_and_generators(tmp_path):
    import io

    import scipy.io

    buf = io.BytesIO()
    np.savez(buf, W=np.arange(6.0).reshape(2, 3))
    mat = io.BytesIO()
    scipy.io.savemat(mat, {"K": np.array([[1, 2], [3, 4]], dtype=np.uint8)})
    path = _arrays_lesson(tmp_path, "  - {id: a, kind: text, text: hi}\n",
                          "    W: {file: w.npz}\n    Q: {file: t.csv, columns: [2, 0]}\n"
                          "    M: {file: k.mat, key: K}\n"
                          "    P: {generate: moons, samples: 50, noise: 0.1, seed: 3, part: X}\n"
                          "    L: {generate: moons, samples: 50, noise: 0.1, seed: 3, part: y}\n"
                          "    B: {generate: blobs, centers: [[0, 0], [5, 5]], spread: 0.5, samples: 9, seed: 1, part: y}\n"
                          "    R: {random: uniform, shape: [2, 2], scale: 0.5, seed: 0}\n",
                          {"w.npz": buf.getvalue(), "t.csv": b"a,b,c\n1,2,3\n4,5,6\n", "k.mat": mat.getvalue()})
    from tutor.lessons.environment import build_environment

    env = build_environment(load_lesson(path))
    v = env.values
    assert np.array_equal(v["W"], np.arange(6.0).reshape(2, 3))
    assert np.array_equal(v["Q"], [[3, 1], [6, 4]])
    assert v["M"].dtype == float and np.array_equal(v["M"], [[1, 2], [3, 4]])  # integers read as numbers
    assert v["P"].shape == (50, 2) and sorted(np.unique(v["L"])) == [0, 1] and v["L"].sum() == 25
    assert np.bincount(v["B"].astype(int)).tolist() == [5, 4]
    assert v["R"].shape == (2, 2) and np.all(np.abs(v["R"]) <= 0.5)
    again = build_environment(load_lesson(path)).values
    assert np.array_equal(again["P"], v["P"]) and np.array_equal(again["R"], v["R"])  # seeded


def test_bad_arrays_are_reported_with_file_line_and_key(tmp_path):
    path = _arrays_lesson(tmp_path, "  - {id: a, kind: text, text: hi}\n",
                          "    X: {file: t.csv, key: X}\n", {"t.csv": b"1,2\n"})
    with pytest.raises(LessonError) as err:
        load_lesson(path)
    assert err.value.path == "setup.arrays.X.key" and err.value.line == 6 and "columns" in err.value.message
    path = _arrays_lesson(tmp_path, "  - {id: a, kind: text, text: hi}\n",
                          "    X: {file: t.csv, column: 5}\n", {"t.csv": b"1,2\n"})
    from tutor.lessons.environment import build_environment

    with pytest.raises(LessonError) as err:
        build_environment(load_lesson(path))
    assert err.value.path == "setup.arrays.X" and "no column 5" in err.value.message


def test_ops_broadcast_reduce_and_compare_like_numpy(tmp_path):
    steps = """  - {id: s, kind: compute, op: subtract, inputs: {A: M, B: 1}, bind: s}
  - {id: p, kind: compute, op: power, inputs: {A: s, p: 2}, bind: p}
  - {id: c, kind: compute, op: mean, inputs: {A: p, axis: 0}, bind: c}
  - {id: t, kind: compute, op: sum, inputs: {A: M, axis: 1}, bind: t}
  - {id: n, kind: compute, op: norm, inputs: {A: M}, bind: n}
  - {id: o, kind: compute, op: one_hot, inputs: {y: k, K: 3}, bind: o}
  - {id: g, kind: compute, op: at_least, inputs: {A: M, threshold: 2.5}, bind: g}
  - {id: r, kind: compute, op: reshape, inputs: {A: M, shape: [3, 2]}, bind: r}
"""
    path = _arrays_lesson(tmp_path, steps, "    M: {value: [[1, 2, 3], [4, 5, 6]]}\n    k: {value: [2, 0]}\n")
    import io

    from rich.console import Console

    from tutor.lessons.runner import render_lesson

    session = render_lesson(load_lesson(path), Console(file=io.StringIO()))
    v = session.ctx.values
    M = np.array([[1, 2, 3], [4, 5, 6]], dtype=float)
    assert np.array_equal(v["c"], ((M - 1) ** 2).mean(axis=0)) and np.array_equal(v["t"], M.sum(axis=1))
    assert v["n"] == pytest.approx(np.sqrt((M ** 2).sum()))
    assert np.array_equal(v["o"], [[0, 0, 1], [1, 0, 0]]) and np.array_equal(v["g"], (M >= 2.5).astype(float))
    assert v["r"].shape == (3, 2) and session.problems == {}


def test_repeat_must_name_earlier_compute_steps(tmp_path):
    steps = """  - {id: a, kind: text, text: hi}
  - {id: loop, kind: repeat, run: [a], times: 3}
"""
    with pytest.raises(LessonError) as err:
        load_lesson(_arrays_lesson(tmp_path, steps, "    w: {zeros: [2]}\n"))
    assert err.value.path == "steps[1].run" and "only compute steps can be re-run" in err.value.message
    steps = """  - {id: loop, kind: repeat, run: [later], times: 3}
  - {id: later, kind: compute, op: negate, inputs: {A: w}, bind: v}
"""
    with pytest.raises(LessonError) as err:
        load_lesson(_arrays_lesson(tmp_path, steps, "    w: {zeros: [2]}\n"))
    assert "there is no earlier step 'later'" in err.value.message and err.value.line == 9


# -- authoring -----------------------------------------------------------------------------------------------


def test_new_course_and_new_lesson_validate_and_run(tmp_path):
    folder = tmp_path / "my course"
    res = _invoke("new", "course", folder)
    assert res.exit_code == 0 and load_course(folder).id == "my-course"
    res = _invoke("new", "lesson", "second-one", "--course", folder)
    assert res.exit_code == 0, res.output
    assert load_course(folder).lessons == ("first-steps", "second-one")
    res = _invoke("validate", "--course", folder)
    assert res.exit_code == 0 and "All valid." in res.output and res.output.count("ok ") == 3
    res = _invoke("learn", "--course", folder)
    assert res.exit_code == 0 and "y = 2 x + 1 fits every point" in res.output
    res = runner.invoke(app, ["new", "lesson", "second-one", "--course", str(folder)])
    assert res.exit_code == 2 and "already exists" in res.stderr
    res = runner.invoke(app, ["new", "course", str(folder)])
    assert res.exit_code == 2 and "not an empty folder" in res.stderr


def test_the_authoring_guides_course_validates_and_fits_its_line(tmp_path):
    guide = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    files = re.findall(r"```\w+ file=(\S+)\n(.*?)```", guide, re.S)
    assert {name for name, _ in files} == {"course.yaml", "data/points.csv", "lessons/fit-a-line.yaml"}
    for name, body in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    res = _invoke("validate", "--course", tmp_path)
    assert res.exit_code == 0, res.output
    from tutor.lessons.environment import build_environment
    from tutor.lessons.runner import Session

    lesson = load_lesson(tmp_path / "lessons" / "fit-a-line.yaml")
    session = Session(lesson, build_environment(lesson), None, mode="render")
    session.ensure(session.N - 1)
    x, y = np.loadtxt(tmp_path / "data" / "points.csv", delimiter=",", skiprows=1).T
    X = np.column_stack([np.ones_like(x), x])
    w = np.zeros(2)
    for _ in range(500):
        w = w - 0.05 * 2 / len(y) * X.T @ (X @ w - y)
    assert np.allclose(session.ctx.values["w"], w, rtol=1e-12)
    # and the least-squares line is what it converges to
    assert np.allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-3)


def test_when_on_a_declared_parameter_turns_steps_on_and_off(tmp_path):
    steps = """  - {id: always, kind: text, text: always}
  - {id: extra, kind: text, text: the extra step, when: {detail: true}}
  - {id: fast, kind: text, text: the fast step, when: {pace: [fast]}}
"""
    path = tmp_path / "c" / "lessons" / "l.yaml"
    _course(tmp_path / "c", "id: c\ntitle: C\nlessons: [l]\n",
            {"l": "id: l\ntitle: L\nsummary: S\nsetup:\n  params:\n"
                  "    detail: {type: bool, default: false}\n"
                  "    pace: {type: str, default: slow, choices: [slow, fast]}\n"
                  f"steps:\n{steps}"})
    from tutor.lessons.environment import build_environment
    from tutor.lessons.runner import active_steps

    lesson = load_lesson(path)
    assert [s.id for s in active_steps(lesson, build_environment(lesson))] == ["always"]
    env = build_environment(lesson, {"detail": "yes", "pace": "fast"})
    assert [s.id for s in active_steps(lesson, env)] == ["always", "extra", "fast"]
    bad = path.read_text().replace("pace: [fast]", "pace: [quick]")
    path.write_text(bad)
    with pytest.raises(LessonError) as err:
        load_lesson(path)
    assert "unknown pace 'quick'" in err.value.message and err.value.path == "steps[2].when.pace"


def test_the_second_course_is_offered_through_the_entry_point_group():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    value = project["entry-points"]["tutor.courses"]["logistic-regression"]
    module, _, attr = value.partition(":")
    import importlib

    folder = getattr(importlib.import_module(module), attr)
    course = load_course(folder)
    assert course.id == "logistic-regression" and Path(folder) == REPO / "courses" / "logistic-regression"
