"""Start-up: what `tutor --help`, `tutor`, `tutor lessons` and the commands typed all day
import, the screens and commands that run without the typer app (and without typer and click),
and the lesson-header cache that lets them skip building steps.

Speed itself is measured in bench/startup.py (ratios against a minimal typer app);
these tests hold the causes: which heavy modules load, and that the shortcuts show
exactly what the full path shows.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.base import cache as headers
from tutor.commands import _common
from tutor.course import bundled_course, load_course
from tutor.exercises import headers as exercise_headers_mod
from tutor.lessons import headers as lesson_headers_mod
from tutor.lessons.loader import load_lesson

REPO = Path(__file__).resolve().parent.parent

HEAVY = ("numpy", "scipy", "yaml", "pydantic", "tutor.lessons.steps.basic", "tutor.courses.backprop.setups",
         "tutor.core")

_PROBE = """
import sys
from tutor.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
sys.stderr.write("\\nLOADED " + ",".join(m for m in {heavy!r} if m in sys.modules) + "\\n")
"""


def _loaded(argv: list[str], home: Path, extra: tuple[str, ...] = (), cwd: Path = REPO) -> set[str]:
    """The heavy modules (typer and click, and `extra` ones) a fresh `tutor ARGV` process has imported when it ends."""
    env = dict(os.environ, TUTOR_HOME=str(home), PYTHONPATH=str(REPO), COLUMNS="100", NO_COLOR="1")
    watched = HEAVY + ("typer", "click") + tuple(extra)
    done = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv, heavy=watched)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120, stdin=subprocess.DEVNULL)
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED ")]
    assert line, done.stderr
    return set(filter(None, line[-1][len("LOADED "):].split(",")))


def test_help_welcome_and_lessons_import_nothing_heavy(tmp_path):
    home = tmp_path / "home"
    _loaded(["lessons"], home)  # the first run reads every lesson's header (yaml) and caches it
    assert _loaded(["--help"], home) & set(HEAVY) == set()
    for argv in ([], ["lessons"], ["--plain", "lessons"]):
        # no typer nor click either: these screens run without building the app
        assert _loaded(argv, home) & (set(HEAVY) | {"typer", "click"}) == set(), argv


@pytest.mark.parametrize("columns,color", [("100", False), ("60", False), ("120", True)])
@pytest.mark.parametrize("spelling", ["--help", "-h"])
def test_the_root_help_prints_what_the_app_prints(spelling, columns, color, monkeypatch, capsys):
    """`tutor --help` skips converting the commands' signatures; the page must not change for it."""
    from tutor.cli import _fast_target, get_app

    monkeypatch.setenv("COLUMNS", columns)
    if color:
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("FORCE_COLOR", "1")
    else:
        monkeypatch.setenv("NO_COLOR", "1")
    _fast_target([spelling])()
    fast = capsys.readouterr().out
    get_app()(args=[spelling], standalone_mode=False)
    full = capsys.readouterr().out
    assert fast == full
    assert ("\x1b[" in fast) == color
    # every command of every panel is listed, the course plugin's included
    import re

    fast = re.sub(r"\x1b\[[0-9;]*m", "", fast)
    for name in ("learn", "lessons", "check", "train", "gradcheck", "demo", "export", "grade", "autograder", "new"):
        assert f" {name} " in fast, name


def test_exercises_list_imports_no_numpy_once_cached(tmp_path):
    home = tmp_path / "home"
    assert "numpy" in _loaded(["exercises"], home)  # the first run checks the whole catalog
    assert _loaded(["exercises"], home) & (set(HEAVY) | {"typer", "click"}) == set()


def test_the_commands_typed_all_day_import_neither_typer_nor_click(tmp_path):
    """Their options are tutor.base.options objects and they end with SystemExit: no typer, no click.

    Importing typer (with click, which typer 0.29 carries inside as typer._click)
    is about 30 ms of every such process, a tenth of a whole `tutor export`.
    """
    home = tmp_path / "home"
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "sigmoid-gradient.py").write_text(
        "import numpy as np\n\ndef sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n")
    out = str(tmp_path / "network.txt")
    for argv in (["export", "network", "-f", "txt", "-o", out], ["learn", "network"], ["demo", "cost", "--notes"],
                 ["exercises"], ["check", "sigmoid-gradient", "--dir", str(tmp_path / "work")],
                 ["check", "nosuch", "--dir", str(tmp_path / "work")],  # an error ends without typer too
                 ["export", "no-such-lesson", "-f", "txt", "-o", out]):
        loaded = _loaded(argv, home, ("tutor.commands.light",), cwd=tmp_path)
        assert "tutor.commands.light" in loaded, argv  # it did take the fast path
        assert not loaded & {"typer", "click"}, (argv, loaded)
    assert Path(out).read_text().startswith("The data and the network")
    # A command line that is not plain goes through the app, which does import it.
    assert "typer" in _loaded(["export", "network", "-ftxt", "-o", out], home, cwd=tmp_path)


def test_checking_one_exercise_loads_only_what_that_check_needs(tmp_path):
    """`tutor check ID` with a right answer: the one exercise, not the catalog (no other exercise's
    fixtures: the digits data set, numpy.random), and none of the report's failure views (rich's
    table, the Markdown prose of a diagnosis) nor rich's emoji table. Each is a few ms of a command
    a learner runs again and again (bench/check_command.py)."""
    home = tmp_path / "home"
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "sigmoid-gradient.py").write_text(
        "import numpy as np\n\ndef sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n")
    (tmp_path / "wrong").mkdir()
    (tmp_path / "wrong" / "sigmoid-gradient.py").write_text(  # the sigmoid itself: a named mistake
        "import numpy as np\n\ndef sigmoid_gradient(z):\n    return 1 / (1 + np.exp(-z))\n")
    unwanted = ("numpy.random", "tutor.courses.backprop.datasets", "rich.table", "rich._emoji_codes",
                "tutor.render.prose", "typer", "click")
    check = ["check", "sigmoid-gradient", "--dir", str(tmp_path / "work")]
    first = _loaded(check, home, unwanted, cwd=tmp_path)  # a first run loads (and records) the whole catalog
    assert "numpy.random" in first
    assert _loaded(check, home, unwanted, cwd=tmp_path) & set(unwanted) == set()
    # A wrong answer still draws its diagnosis (Markdown) and its cells (a table).
    wrong = _loaded(["check", "sigmoid-gradient", "--dir", str(tmp_path / "wrong")], home, unwanted, cwd=tmp_path)
    assert {"tutor.render.prose", "rich.table"} <= wrong and "numpy.random" not in wrong


def test_a_first_run_reads_headers_with_yaml_but_builds_no_step(tmp_path):
    loaded = _loaded(["lessons"], tmp_path / "fresh-home")
    assert "yaml" in loaded  # nothing cached yet
    assert not loaded & {"numpy", "tutor.lessons.steps.basic", "tutor.courses.backprop.setups"}


def _main(argv: list[str]) -> tuple[int, str, str]:
    from tutor.cli import main

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(argv))
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 0
    finally:
        _common.set_plain(False)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", [[], ["lessons"], ["--plain", "lessons"], ["--plain"], ["exercises"],
                                  ["exercises", "--course", "backprop"]])
def test_the_shortcut_shows_what_the_app_shows(argv, monkeypatch):
    from tutor.cli import app

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, err = _main(argv)
    full = CliRunner().invoke(app, argv, catch_exceptions=False)
    _common.set_plain(False)
    assert (code, out) == (full.exit_code, full.stdout)
    assert ("network" in out and "moons-from-scratch" in out) or "sigmoid-gradient" in out


def test_the_shortcut_takes_only_plain_command_lines():
    from pathlib import Path

    from tutor.cli import _FAST, _LIGHT, _fast_target
    from tutor.commands import light
    from tutor.commands.learn import learn

    assert set(_FAST) == {(), ("lessons",), ("--help",), ("-h",)}
    assert set(_LIGHT) == {"exercises", "learn", "demo", "export", "check"}
    for argv in (["exercises"], ["learn"], ["exercises", "--course", "backprop"], ["learn", "cost"], ["learn", "--restart"], ["learn", "cost", "--restart"],
                 ["learn", "--plain", "cost", "--restart"], ["learn", "cost", "--from", "2"],
                 ["learn", "cost", "--set", "lambda=3"], ["learn", "--course", "x"], ["learn", "--from=3", "cost"],
                 ["demo", "cost", "--notes"], ["export", "cost", "-f", "txt", "-o", "x.txt"], ["check", "sigmoid-gradient"]):
        assert _fast_target(argv) is not None, argv
    for argv in (["lessons", "--json"], ["learn", "cost", "--restart", "--restart"], ["learn", "cost", "--from"],
                 ["--help", "lessons"], ["lesson"], ["exercises", "x"], ["exercises", "--json"], ["learn", "-h"], ["learn", "--help"],
                 ["learn", "a", "b"], ["learn", "cost", "--from", "2", "--from", "3"], ["learn", "cost", "--from", "-1"],
                 ["learn", "cost", "--from="], ["learn", "--restart=1"], ["learn", "--", "cost"],
                 ["learn", "cost", "--frm", "2"], ["learn", "cost", "--set"],
                 ["demo"],  # its ID is required: the app says so
                 ["demo", "cost", "--auto", "2"],  # a range-checked value
                 ["export", "cost"],  # -o is required
                 ["export", "cost", "-ftxt", "-o", "x"],  # a short option glued to its value
                 ["check", "x", "--format", "json"],  # a choice
                 ["check", "x", "--timeout", "3"]):
        assert _fast_target(argv) is None, argv
    # Each option lands on the parameter the app would fill, --set repeating, paths as Path.
    assert light.parse(learn, ["cost", "--set", "lambda=3", "--data=d.npz", "--set=hidden=5", "--from", "two",
                               "--weights", "w.npz", "--course", "c", "--plain"]) == {
        "lesson_id": "cost", "settings": ["lambda=3", "hidden=5"], "data": Path("d.npz"), "from_step": "two",
        "weights": Path("w.npz"), "course": "c", "plain": True, "restart": False, "line": False}
    code, out, err = _main(["lessons", "--json"])  # through the app
    assert code == 0 and json.loads(out)["lessons"][0]["id"] == "network"


def test_each_shortcut_runs_the_function_the_app_runs_under_that_name():
    import importlib
    import inspect

    from typer.models import ParameterInfo

    from tutor.base import options as spec
    from tutor.cli import _LIGHT, get_app
    from tutor.commands import light

    registered = {info.name or info.callback.__name__: info.callback for info in get_app().registered_commands}
    for name, (module, attr) in _LIGHT.items():
        func = getattr(importlib.import_module(module), attr)
        assert registered[name] is func, name
        # typer sees its own objects; the function and the fast path keep the declared ones
        assert all(isinstance(p.default, ParameterInfo) for p in inspect.signature(func).parameters.values())
        assert all(isinstance(p.default, spec.Param) for p in spec.declared(func).parameters.values())
        assert all(isinstance(d, spec.Param) for d in func.__defaults__ or ())
    # with the app built, a plain command line still takes the fast path
    assert light.parse(registered["export"], ["cost", "-o", "x.txt"]) is not None


def _commands(app):
    """Every command function of a typer app and of its sub-apps."""
    for info in app.registered_commands:
        yield info.callback
    for group in app.registered_groups:
        yield from _commands(group.typer_instance)


def test_the_fast_path_judges_each_option_as_it_would_judge_typers_own():
    """What is plain is decided from the spec's keywords; typer's objects, built from them, agree.

    The rule it stands for: an attribute other than the cosmetic ones that
    differs from typer's default makes a parameter not plain; only min, max
    and clamp leave it safe while the option is absent.
    """
    import inspect

    from typer.models import ArgumentInfo, OptionInfo

    from tutor.base import options as spec
    from tutor.cli import get_app
    from tutor.commands import light

    cosmetic = {"default", "param_decls", "help", "metavar", "rich_help_panel", "show_default", "hidden",
                "show_choices", "show_envvar", "autocompletion", "shell_complete", "case_sensitive"}
    blank = {OptionInfo: OptionInfo(), ArgumentInfo: ArgumentInfo()}
    seen = 0
    for func in _commands(get_app()):
        declared = spec.declared(func).parameters
        for name, p in inspect.signature(func).parameters.items():
            if not isinstance(declared[name].default, spec.Param):
                continue
            info, empty = p.default, blank[type(p.default)]
            differs = {k for k in vars(empty) if k not in cosmetic and getattr(info, k) != getattr(empty, k)}
            judged = light._Param(name, declared[name].default, None)
            assert (judged.plain, judged.absent_safe) == (not differs, differs <= {"min", "max", "clamp"}), (func, name)
            assert info.default is declared[name].default.default and type(info) is {
                spec.Option: OptionInfo, spec.Argument: ArgumentInfo}[type(declared[name].default)]
            seen += 1
    assert seen > 60  # every command of every area, the course plugin's included


def test_a_command_with_a_callback_or_an_envvar_always_goes_through_the_app():
    """Those act even when their option is absent, so no command line of such a command is plain."""
    import typer

    from tutor.base.options import Argument, Option
    from tutor.commands import light

    def with_callback(name: str = Argument(...), loud: bool = Option(False, "--loud", callback=print)):
        pass

    def with_envvar(name: str = Argument(...), home: str = Option("x", "--home", envvar="HOME")):
        pass

    def with_range(name: str = Argument(...), n: int = Option(1, "--n", min=0)):
        pass

    def with_typers_own(name: str = typer.Argument(...), n: int = typer.Option(1, "--n")):
        pass  # a plugin's command may be written so: the app reads it

    assert light.parse(with_callback, ["a"]) is None and light.parse(with_envvar, ["a"]) is None
    assert light.parse(with_range, ["a"]) == {"name": "a", "n": 1}  # absent: its default, as the app
    assert light.parse(with_range, ["a", "--n", "3"]) is None  # given: the app checks the range
    assert light.parse(with_typers_own, ["a"]) is None


def test_spec_options_become_typers_own_in_the_app():
    """A command declared with tutor.base.options reads, checks and helps as with typer.Option."""
    import typer
    from typer.testing import CliRunner as Runner

    from tutor.base import options as spec

    def declared(name: str = spec.Argument(..., metavar="NAME", help="Who."),
                 n: int = spec.Option(1, "--n", "-n", min=0, max=5, help="How many."),
                 tags: list[str] = spec.Option([], "--tag")) -> None:
        typer.echo(f"{name} {n} {tags}")

    def written(name: str = typer.Argument(..., metavar="NAME", help="Who."),
                n: int = typer.Option(1, "--n", "-n", min=0, max=5, help="How many."),
                tags: list[str] = typer.Option([], "--tag")) -> None:
        typer.echo(f"{name} {n} {tags}")

    results = []
    for func in (declared, written):
        app = typer.Typer(add_completion=False)
        app.command("run")(func)
        app.command("other")(lambda: None)  # two commands, so each is named
        spec.for_typer_app(app)
        spec.for_typer_app(app)  # once is enough; again changes nothing
        results.append([(r.exit_code, r.output) for r in (Runner().invoke(app, argv) for argv in (
            ["run", "--help"], ["run", "x", "-n", "3", "--tag", "a", "--tag", "b"], ["run", "x", "-n", "9"], ["run"]))])
    assert results[0] == results[1]
    assert results[0][1] == (0, "x 3 ['a', 'b']\n") and results[0][2][0] == 2


@pytest.mark.parametrize("argv", [["learn", "sigmoid-gradient"], ["--plain", "learn", "nosuch"], ["learn"],
                                  ["learn", "--restart", "cost", "--plain"], ["learn", "cost", "--from", "3"],
                                  ["learn", "cost", "--from=no-such-step"], ["learn", "cost", "--set", "nosuch=1"],
                                  ["learn", "accuracy", "--from", "predictions", "--set", "lambda=2"],
                                  ["learn", "cost", "--course", "nosuch-course"],
                                  ["learn", "cost", "--data", "/nonexistent/x.npz"]])
def test_learn_through_the_shortcut_prints_what_the_app_prints(argv, monkeypatch):
    """Without a terminal every step is printed; an unknown lesson is one error line."""
    from tutor.cli import _fast_target, app

    assert _fast_target([a for a in argv if a != "--plain" or argv.index(a) > 0]) is not None
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, err = _main(argv)
    full = CliRunner().invoke(app, argv, catch_exceptions=False)
    _common.set_plain(False)
    assert (code, out) == (full.exit_code, full.stdout)
    assert err == full.stderr
    if "nosuch" in argv:
        assert code == 2 and err.startswith("error: there is no lesson 'nosuch'") and len(err.splitlines()) == 1
    elif code == 0:
        import re

        first = re.search(r"Step (\d+) of", out).group(1)
        assert first == ("3" if "3" in argv else "1"), first
    else:
        assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", [["demo", "cost", "--notes"], ["demo", "nosuch"], ["export", "cost", "-f", "txt", "-o", "OUT"],
                                  ["export", "cost", "--format=md", "--with-answers", "--set", "lambda=2", "-o", "OUT"],
                                  ["export", "cost", "-f", "pdf", "-o", "OUT"],
                                  ["check", "sigmoid-gradient", "--dir", "DIR"], ["check", "nosuch", "--dir", "DIR"],
                                  ["check", "sigmoid-gradient", "--dir", "BAD"], ["check", "--dir", "EMPTY"]])
def test_demo_export_and_check_through_the_shortcut_do_what_the_app_does(argv, tmp_path, monkeypatch):
    from tutor.cli import _fast_target, app

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    (tmp_path / "DIR").mkdir()
    (tmp_path / "DIR" / "sigmoid-gradient.py").write_text(
        "import numpy as np\n\ndef sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n")
    (tmp_path / "BAD").mkdir()
    (tmp_path / "BAD" / "sigmoid-gradient.py").write_text(
        "import numpy as np\n\ndef sigmoid_gradient(z):\n    return 1 / (1 + np.exp(-z))\n")
    (tmp_path / "EMPTY").mkdir()
    results = []
    for way in ("shortcut", "app"):
        args = [str(tmp_path / f"{a}-{way}") if a == "OUT" else str(tmp_path / a) if a in ("DIR", "BAD", "EMPTY") else a
                for a in argv]
        if way == "shortcut":
            assert _fast_target(args) is not None, args
            code, out, err = _main(args)
        else:
            full = CliRunner().invoke(app, args, catch_exceptions=False)
            _common.set_plain(False)
            code, out, err = full.exit_code, full.stdout, full.stderr
        written = tmp_path / f"OUT-{way}"
        results.append((code, out.replace(f"-{way}", "-X"), err.replace(f"-{way}", "-X"),
                        written.read_text() if written.exists() else None))
    assert results[0] == results[1]
    code, out, err, written = results[0]
    if "nosuch" in argv or "pdf" in argv or "EMPTY" in argv:
        assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1
    elif argv[0] == "export":
        assert code == 0 and "The cost" in written
    elif "BAD" in argv:
        assert code == 1 and "All tests passed" not in out  # a failing check: exit 1 either way
    elif argv[0] == "check":
        assert code == 0 and "All tests passed: 6/6" in out
    else:
        assert code == 0 and "Step 1 of" in out and "notes" in out.lower()


def test_ctrl_c_in_a_shortcut_command_ends_as_the_app_ends_it(tmp_path, monkeypatch):
    """Ctrl-C during an export: exit 130 and no traceback, either way."""
    from tutor.cli import _fast_target
    from tutor.handouts import write as exporting

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(exporting, "export", interrupted)
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    out = str(tmp_path / "out.txt")
    shortcut, app = ["export", "cost", "-f", "txt", "-o", out], ["export", "cost", "-ftxt", "-o", out]
    assert _fast_target(shortcut) is not None and _fast_target(app) is None
    results = [_main(argv) for argv in (shortcut, app)]
    assert results[0] == results[1]
    code, _, err = results[0]
    assert code == 130 and "Traceback" not in err


@pytest.mark.parametrize("argv", [["learn", "network"], ["learn", "network", "--from", "2", "--set", "hidden=4"]])
def test_learn_imports_no_pydantic(argv, tmp_path):
    loaded = _loaded(argv, tmp_path / "home")
    assert not loaded & {"pydantic", "typer", "click"} and "numpy" in loaded


def test_a_handout_imports_no_scipy_and_no_exercise_catalog(tmp_path):
    # scipy.special, scipy.linalg and scipy.optimize each cost 0.1 s or more to
    # import: more than most lessons' maths. The exercise step reads the cached
    # exercise headers instead of loading and checking every exercise, a page
    # shows the training lesson's kept runs, and the lesson's parsed tree is kept. (A fresh home first trains the
    # setup's weights and fills the caches: that run may import anything.) The prose is drawn by
    # tutor.render.prose, not rich's Markdown (markdown-it and pygments, about 30 ms); the timings
    # run on the command line's one BLAS thread without threadpoolctl.
    home = tmp_path / "home"
    out = tmp_path / "handout.txt"
    watch = ("scipy", "numpy.ma", "tutor.exercises.catalog", "yaml",  # yaml: the lesson's parsed tree is kept
             "rich.markdown", "markdown_it", "pygments", "threadpoolctl")
    for lesson in ("forward-pass", "backprop", "gradient-checking", "training"):
        first = _loaded(["export", lesson, "-f", "txt", "-o", str(out)], home, watch)
        page = out.read_text()
        if lesson == "training":
            assert "scipy" in first  # it trained: the run is kept from here on
        loaded = _loaded(["export", lesson, "-f", "txt", "-o", str(out)], home, watch)
        assert "numpy" in loaded and not loaded & set(watch), (lesson, loaded)
        # their timing steps measure afresh each time (training: the optimizer race's clock)
        if lesson not in ("backprop", "gradient-checking", "training"):
            assert out.read_text() == page


def test_a_first_handout_in_a_fresh_install_trains_nothing(tmp_path, monkeypatch):
    # The course ships its training results (data/kept): a fresh home's first
    # export of a lesson that trains reads them, so no scipy.optimize (0.25 s)
    # and no training run stand between an instructor and the page.
    monkeypatch.setenv("TUTOR_SHIPPED_RESULTS", "1")
    out = tmp_path / "handout.txt"
    for lesson in ("accuracy", "training"):
        home = tmp_path / f"fresh-{lesson}"
        loaded = _loaded(["export", lesson, "-f", "txt", "-o", str(out)], home, ("scipy",))
        assert "numpy" in loaded and "scipy" not in loaded, (lesson, loaded)
        assert not list((home / "cache").glob("trained-*")) and not list((home / "cache").glob("op-*"))


# -- the header cache ----------------------------------------------------------------------


def test_headers_match_a_full_load_of_every_bundled_lesson():
    course = bundled_course()
    for lesson_id in course.lesson_ids():
        path = course.lesson_path(lesson_id)
        full = load_lesson(path, course)
        for _ in range(2):  # the second answer comes from the cache
            h = lesson_headers_mod.lesson_header(path)
            assert (h.id, h.title, h.summary, h.steps, h.problem) == (full.id, full.title, full.summary,
                                                                      len(full.steps), None)
    cached = json.loads((headers.cache_dir() / headers.CACHE_NAME).read_text())
    assert len([e for e in cached["files"].values() if "lesson" in e]) == len(course.lesson_ids())


def _copy_course(tmp_path: Path) -> Path:
    src = bundled_course()
    dst = tmp_path / "course"
    (dst / "lessons").mkdir(parents=True)
    (dst / "course.yaml").write_text(Path(src.file).read_text().replace("id: backprop", "id: copied"))
    for lesson_id in src.lessons:
        shutil.copy(src.lesson_path(lesson_id), dst / "lessons" / f"{lesson_id}.yaml")
    return dst


def _titles(course_dir: Path) -> dict[str, str]:
    from tutor.commands.overview import lesson_rows

    rows, _ = lesson_rows(load_course(course_dir))
    return {r["id"]: (r["title"], r["steps"], r["status"]) for r in rows}


def test_a_changed_lesson_file_is_read_again(tmp_path):
    folder = _copy_course(tmp_path)
    before = _titles(folder)
    assert before["cost"][0] == "The cost, one number for how wrong"
    path = folder / "lessons" / "cost.yaml"
    text = path.read_text()
    path.write_text(text.replace("title: The cost, one number for how wrong", "title: What a wrong answer costs", 1))
    after = _titles(folder)
    assert after["cost"][0] == "What a wrong answer costs"
    assert {k: v for k, v in after.items() if k != "cost"} == {k: v for k, v in before.items() if k != "cost"}
    # same size, new time: still read again (a cached title is never trusted across a write)
    path.write_text(text.replace("how wrong", "how WRONG", 1))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    assert _titles(folder)["cost"][0] == "The cost, one number for how WRONG"


def test_a_lesson_whose_top_is_broken_is_listed_as_broken(tmp_path):
    folder = _copy_course(tmp_path)
    (folder / "lessons" / "cost.yaml").write_text("id: cost\ntitle: [unclosed\n")
    rows = _titles(folder)
    assert rows["cost"] == ("", None, "broken (tutor validate)")
    assert rows["network"][2] == "not started"


@pytest.mark.parametrize("damage", [b"{not json", b"\x00\xff\xfe", b'{"stamp": "0/0", "files": {}}',
                                    b'{"stamp": null, "files": []}', b"[]"])
def test_a_damaged_cache_is_ignored_and_rewritten(damage, monkeypatch):
    monkeypatch.setattr(headers, "_CACHES", {})
    headers.cache_dir().mkdir(parents=True, exist_ok=True)
    file = headers.cache_dir() / headers.CACHE_NAME
    file.write_bytes(damage)
    code, out, err = _main(["lessons"])
    assert code == 0 and "Traceback" not in err and "The forward pass" in out
    doc = json.loads(file.read_text())
    assert doc["stamp"] == headers.stamp() and len(doc["files"]) >= 9


def test_a_stale_entry_with_a_forged_title_is_not_trusted(monkeypatch):
    """An entry whose recorded size or time differs from the file's is read again."""
    course = bundled_course()
    path = course.lesson_path("cost")
    lesson_headers_mod.lesson_header(path)
    file = headers.cache_dir() / headers.CACHE_NAME
    doc = json.loads(file.read_text())
    entry = doc["files"][str(path.absolute())]
    entry["lesson"]["title"] = "forged"
    entry["key"][1] += 1  # another size
    file.write_text(json.dumps(doc))
    monkeypatch.setattr(headers, "_CACHES", {})
    assert lesson_headers_mod.lesson_header(path).title == "The cost, one number for how wrong"


def test_the_course_manifest_comes_from_the_cache_until_it_changes(tmp_path, monkeypatch):
    folder = _copy_course(tmp_path)
    first = load_course(folder)
    assert first.id == "copied" and first.plugin == "tutor.courses.backprop"
    import tutor.lessons.loader as loader

    def no_yaml(path):
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(loader, "read_node", no_yaml)
    assert load_course(folder) == first  # unchanged file: no parse
    monkeypatch.undo()
    manifest = folder / "course.yaml"
    manifest.write_text(manifest.read_text().replace("title: How a neural network learns", "title: Copied"))
    assert load_course(folder).title == "Copied"


def test_an_unwritable_cache_folder_costs_only_the_rereading(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setattr(headers, "cache_dir", lambda: blocker / "cache")
    monkeypatch.setattr(headers, "_CACHES", {})
    path = bundled_course().lesson_path("network")
    assert lesson_headers_mod.lesson_header(path).title == "The data and the network"
    assert lesson_headers_mod.lesson_header(path).title == "The data and the network"


def _course_copy(tmp_path):
    """The bundled course with its exercises copied to a folder of their own (to change one)."""
    import dataclasses

    from tutor.exercises.catalog import exercise_files

    folder = tmp_path / "copy" / "exercises"
    folder.mkdir(parents=True)
    for p in exercise_files(bundled_course().exercises_dir):
        shutil.copy(p, folder / p.name)
    return dataclasses.replace(bundled_course(), root=tmp_path / "copy"), folder


def test_exercise_headers_match_the_catalog_and_follow_a_changed_file(tmp_path):
    from tutor.exercises.catalog import load_catalog

    full = load_catalog(bundled_course())
    listed = exercise_headers_mod.exercise_headers(bundled_course())
    assert [(h.id, h.title, h.max_score) for h in listed] == [
        (e.id, e.title, e.max_score) for e in full.values()]  # a lesson's step reads title and signature: exercise_card
    assert exercise_headers_mod.exercise_headers(bundled_course()) == listed  # from the cache
    copy, folder = _course_copy(tmp_path)
    first = exercise_headers_mod.exercise_headers(copy)
    target = folder / "predict.yaml"
    text = target.read_text()
    old_title = next(h.title for h in first if h.id == "predict")
    target.write_text(text.replace(f"title: {old_title}", "title: Guessing the digit", 1))
    changed = {h.id: h.title for h in exercise_headers_mod.exercise_headers(copy)}
    assert changed["predict"] == "Guessing the digit"
    (folder / "predict.yaml").unlink()
    assert "predict" not in {h.id for h in exercise_headers_mod.exercise_headers(copy)}


def test_a_lessons_exercise_card_is_read_from_its_own_file_without_the_catalog(tmp_path):
    from tutor.exercises.catalog import load_catalog

    bundled = bundled_course()
    for ex in load_catalog(bundled).values():
        assert exercise_headers_mod.exercise_card(ex.id, bundled) == (ex.title, ex.signature)
    assert exercise_headers_mod.exercise_card("no-such-exercise", bundled) is None
    assert exercise_headers_mod.exercise_card("../lessons/cost", bundled) is None
    copy, folder = _course_copy(tmp_path)
    target = folder / "predict.yaml"
    title = exercise_headers_mod.exercise_card("predict", copy)[0]
    target.write_text(target.read_text().replace(f"title: {title}", "title: Guessing the digit", 1))
    assert exercise_headers_mod.exercise_card("predict", copy)[0] == "Guessing the digit"  # the cache follows the file
    (folder / "cost-of-nothing.yaml").write_text((folder / "predict.yaml").read_text())  # id and name differ
    assert exercise_headers_mod.exercise_card("cost-of-nothing", copy) is None
    # The catalog's fixture and reference modules stay out of a lesson's first run.
    probe = ("import sys; from tutor.course import bundled_course; from tutor.exercises.headers import exercise_card; "
             "print(exercise_card('predict', bundled_course()), 'tutor.exercises.catalog' in sys.modules)")
    env = dict(os.environ, TUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60).stdout
    assert out.strip().endswith("False") and "predict" not in out.split(")")[-1], out


# -- leaving -----------------------------------------------------------------------------------


class _Left(Exception):
    pass


def test_the_program_leaves_without_teardown_after_the_exit_handlers(monkeypatch, capsys):
    import atexit
    import threading

    from tutor import cli

    ended, handlers = [], []

    def fake_exit(code):
        ended.append(code)
        raise _Left

    monkeypatch.setattr(os, "_exit", fake_exit)
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: handlers.append(True))
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    for code, status in ((None, 0), (0, 0), (2, 2), (130, 130), ("stopped: the reason", 1)):
        with pytest.raises(_Left):
            cli._leave(code)
        assert ended[-1] == status
    assert len(handlers) == 5  # exit handlers (a class's scratch folder) still run first
    assert capsys.readouterr().err == "stopped: the reason\n"  # as Python prints SystemExit("...")
    # Another thread alive (a class being graded): Python's own exit, which joins it.
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    with pytest.raises(SystemExit) as done:
        cli._leave(3)
    assert done.value.code == 3 and ended == [0, 0, 2, 130, 1]


def test_the_script_keeps_its_exit_status_and_all_its_output(tmp_path):
    env = dict(os.environ, TUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO), COLUMNS="100", NO_COLOR="1")

    def tutor(*argv):
        return subprocess.run([sys.executable, "-m", "tutor", *argv], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=120, stdin=subprocess.DEVNULL)

    listed = tutor("lessons")
    assert listed.returncode == 0 and listed.stderr == ""
    assert "moons-from-scratch" in listed.stdout  # the last row reached the pipe
    wrong = tutor("export", "no-such-lesson", "-f", "txt", "-o", "x.txt")
    assert wrong.returncode != 0 and wrong.stderr.startswith("error:") and "no-such-lesson" in wrong.stderr
    usage = tutor("export", "--no-such-option")
    assert usage.returncode == 2 and "error:" in usage.stderr
    made = tutor("export", "cost", "-f", "txt", "-o", "cost.txt")
    assert made.returncode == 0 and "cost.txt" in made.stdout  # stdout flushed before leaving
    assert (tmp_path / "cost.txt").read_text().startswith("The cost")


def test_the_exercise_list_is_read_from_the_cache_while_no_file_changes(monkeypatch):
    # `tutor exercises` asks for the course's list: the catalog is loaded once, then the cache answers.
    from tutor.exercises import catalog

    loads = []
    real = catalog.load_catalog

    def counting(*args, **kwargs):
        loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(catalog, "load_catalog", counting)
    for _ in range(3):
        listed = exercise_headers_mod.exercise_headers(bundled_course())
    assert len(loads) <= 1
    assert [h.id for h in listed] == list(bundled_course().exercises)
