"""The exercise engine as an engine: a course without a plugin, the registry's rules, no course words inside."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tutor.course import bundled_course
from tutor.exercises import registry
from tutor.exercises.catalog import get_exercise, load_catalog
from tutor.exercises.check import check_file

ENGINE = Path(__file__).resolve().parent.parent / "tutor" / "exercises"

EXERCISE = """\
id: squares
title: Squares
function: squares
signature: squares(v)
reference: references.py:squares
docstring: |
  v: (n,) numbers. Returns (n,) their squares.
returns: [s]
hints: ["v * v"]
tests:
  - name: three numbers
    args: {v: [1, -2, 3]}
  - name: hidden pair
    args: {v: [0.5, 4]}
    hidden: true
"""
REFERENCES = "import numpy as np\n\ndef squares(v):\n    return np.asarray(v, dtype=float) ** 2\n"


@pytest.fixture
def course(tmp_path):
    folder = tmp_path / "course" / "exercises"
    folder.mkdir(parents=True)
    (folder / "squares.yaml").write_text(EXERCISE)
    (folder / "references.py").write_text(REFERENCES)
    (tmp_path / "course" / "course.yaml").write_text("id: squares-course\ntitle: S\nlessons: []\nexercises: [squares]\n")
    from tutor.course import load_course

    return load_course(tmp_path / "course")


def test_a_course_without_a_plugin_grades_with_a_reference_file_beside_its_exercises(course, tmp_path):
    assert list(load_catalog(course)) == ["squares"]
    ex = get_exercise("squares", course)
    assert ex.reference(__import__("numpy").array([3.0])).tolist() == [9.0]
    right = tmp_path / "right.py"
    right.write_text("def squares(v):\n    return v * v\n")
    assert check_file(ex, right, isolation="off").passed
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def squares(v):\n    return v + v\n")
    result = check_file(ex, wrong, isolation="off")
    assert not result.passed and result.score == 0 and result.diagnoses == []


def test_the_reference_file_is_not_reachable_from_checked_code(course, tmp_path):
    ref = course.exercises_dir / "references.py"
    cheat = tmp_path / "cheat.py"
    cheat.write_text(textwrap.dedent(f"""\
        import importlib.util
        spec = importlib.util.spec_from_file_location("r", {str(ref)!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        squares = module.squares
        """))
    from tutor.exercises import isolation

    try:
        isolation.decide("strict")
    except isolation.IsolationRefused:
        pytest.skip("bubblewrap cannot run here")
    result = check_file(get_exercise("squares", course), cheat, isolation="strict")
    assert not result.passed and "No such file" in result.problem


def test_two_owners_registering_one_name_is_an_error_naming_both():
    from tutor.base.registry import ENGINE, Registry, RegistryClash

    engine = Registry("fixture")
    course = Registry("fixture", parent=engine)
    engine.add("shared", "first", "the engine")
    with pytest.raises(RegistryClash) as info:
        course.add("shared", "second", "the plugin course_b.plugin of course 'b'")
    assert "by the engine and by the plugin course_b.plugin" in info.value.message
    course.add("own", "mine", "course_b")
    course.add("own", "mine again", "course_b")  # the same owner again (a re-import) replaces
    assert course["own"] == "mine again" and "own" not in engine and course["shared"] == "first"
    assert isinstance(info.value, registry.TutorError) and "sigmoid" not in ENGINE.fixtures


def test_the_engine_names_nothing_of_the_bundled_course():
    words = re.compile(r"theta|backprop|delta|digits|ex4|sigmoid|bias", re.IGNORECASE)
    hits = []
    for path in sorted(ENGINE.glob("*.py")) + [ENGINE.parent / "commands" / "exercises.py"]:
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if words.search(line):
                hits.append(f"{path.name}:{n}: {line.strip()}")
    assert hits == []


def test_stubs_import_helpers_from_the_private_module_never_from_the_tutor():
    from tutor.exercises.stubs import stub_source

    for ex in load_catalog(bundled_course()).values():
        text = stub_source(ex)
        assert "import tutor" not in text and "from tutor." not in text and "from tutor " not in text
        if ex.helpers:
            assert f"from tutor_helpers import {', '.join(ex.helpers)}" in text
