"""The helpers' source a check sends (tutor_helpers) is kept between runs, and is always what the file says."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.course import bundled_course, load_course
from tutor.exercises import stubs
from tutor.exercises.plugins import ensure_loaded

REPO = Path(__file__).resolve().parent.parent


def test_every_helper_kept_equals_its_source_read_afresh():
    helpers = ensure_loaded(bundled_course()).helpers  # (the logistic-regression course has no helpers)
    assert len(helpers) >= 5
    assert not ensure_loaded(load_course(REPO / "courses" / "logistic-regression")).helpers
    for name, fn in helpers.items():
        stubs.function_source.cache_clear()
        first = stubs.function_source(name, fn)  # read, and kept
        stubs.function_source.cache_clear()
        assert stubs.function_source(name, fn) == first == stubs._function_source(name, fn), name
        assert f"def {name}(" in first


_PRINT = """
import sys
from tutor.course import bundled_course
from tutor.exercises.catalog import get_exercise
from tutor.exercises.stubs import module_source
sys.stdout.write(module_source(get_exercise("sigmoid-gradient", bundled_course()).helper_functions()))
"""


def test_a_later_run_sends_the_same_module(tmp_path):
    from tutor.exercises.catalog import get_exercise

    env = dict(os.environ, TUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
    runs = [subprocess.run([sys.executable, "-c", _PRINT], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    helpers = get_exercise("sigmoid-gradient", bundled_course()).helper_functions()
    fresh = "".join(['"""Helpers for the exercises, copied by the tutor (numpy only)."""\n', "import numpy as np\n",
                     *(stubs._function_source(n, f) for n, f in helpers.items())])
    assert runs[0].stdout == runs[1].stdout == fresh
    assert "source:sigmoid:" in (tmp_path / "home" / "cache" / "headers.json").read_text()  # it was kept


def test_a_changed_file_is_read_again(tmp_path, monkeypatch):
    folder = tmp_path / "mods"
    folder.mkdir()
    module = folder / "helper_mod_for_cache.py"
    module.write_text("def bump(x):\n    return x + 1\n")
    monkeypatch.syspath_prepend(str(folder))
    mod = importlib.import_module("helper_mod_for_cache")
    stubs.function_source.cache_clear()
    assert "return x + 1" in stubs.function_source("bump", mod.bump)
    module.write_text("def bump(x):\n    return x + 2\n")  # the same size: the time tells them apart
    st = module.stat()
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    mod = importlib.reload(mod)
    stubs.function_source.cache_clear()
    assert "return x + 2" in stubs.function_source("bump", mod.bump)
    # a function with no file (made by exec) is refused as before
    space: dict = {}
    exec("def nowhere(x):\n    return x\n", space)
    stubs.function_source.cache_clear()
    with pytest.raises(OSError):
        stubs.function_source("nowhere", space["nowhere"])
