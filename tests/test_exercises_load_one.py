"""Checking one exercise loads that exercise alone, and it comes out exactly as the whole catalog has it.

`get_exercise` reads one file once a whole load of the course has recorded
what lending needs (each exercise's function and helpers: tutor.exercises.headers),
and only while no exercise file, no file beside them and no file of the
course's plugin has changed since.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from tutor.course import bundled_course, load_course
from tutor.exercises import catalog
from tutor.exercises.loader import ExerciseFormatError
from tutor.exercises.registry import FunctionArg

REPO = Path(__file__).resolve().parent.parent


COURSES = {"backprop": bundled_course, "logistic-regression": lambda: load_course(REPO / "courses" / "logistic-regression")}


def _alone(exercise_id, course):
    """get_exercise with the whole-catalog load forbidden: it must come from the one file."""
    catalog._load_one.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalog, "load_catalog", lambda *a: pytest.fail("the whole catalog was loaded"))
        return catalog.get_exercise(exercise_id, course)


def _same(x, y) -> bool:
    """Equal values, arrays cell for cell with the same dtype, inside lists, tuples and dicts too."""
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return (isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.dtype == y.dtype
                and x.shape == y.shape and np.array_equal(x, y))
    if isinstance(x, (list, tuple)):
        return type(x) is type(y) and len(x) == len(y) and all(_same(a, b) for a, b in zip(x, y))
    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(_same(x[k], y[k]) for k in x)
    if isinstance(x, FunctionArg):  # a function passed as an argument: its name and its own arguments
        return isinstance(y, FunctionArg) and x.name == y.name and _same(x.kwargs, y.kwargs)
    return type(x) is type(y) and x == y


@pytest.mark.parametrize("course_id", sorted(COURSES))
def test_every_exercise_loaded_alone_equals_the_catalogs(course_id):
    course = COURSES[course_id]()
    assert course.id == course_id
    catalog.forget()
    whole = catalog.load_catalog(course)  # records what lending needs
    assert whole
    # The lends, computed here independently of the catalog's code: every helper some
    # stub imports, less the exercise's own answer and those of the exercises built on it.
    handed_out = {h for ex in whole.values() for h in ex.helpers}
    for exercise_id, full in whole.items():
        one = _alone(exercise_id, course)
        assert one is not full and one == full, exercise_id
        assert one.lends == full.lends, exercise_id  # lends does not take part in ==
        hidden = {full.function}
        while True:  # whatever imports a hidden answer is built on it: its answer is hidden too
            more = {ex.function for ex in whole.values() if ex.id != exercise_id and hidden & set(ex.helpers)}
            if more <= hidden:
                break
            hidden |= more
        assert set(one.lends) == set(full.helpers) | (handed_out - hidden), exercise_id
        assert list(one.lends[:len(full.helpers)]) == list(full.helpers)  # the stub's own first
        assert one.helper_functions() == full.helper_functions()
        assert list(one.helper_functions()) == list(full.helper_functions())  # the same module, in the same order
        assert [d.id for d, _ in one.declared] == [d.id for d, _ in full.declared]
        assert one.reference is full.reference
        assert one.course is full.course and one.vocab is full.vocab
        for t1, t2 in zip(one.tests, full.tests):
            assert _same(t1.arguments(), t2.arguments()), (exercise_id, t1.name)


@pytest.mark.parametrize("course_id", sorted(COURSES))
def test_the_ids_in_catalog_order_come_from_the_record(course_id):
    course = COURSES[course_id]()
    catalog.forget()
    whole = list(catalog.load_catalog(course))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalog, "load_catalog", lambda *a: pytest.fail("the whole catalog was loaded"))
        assert catalog.exercise_ids(course) == whole
    assert len(whole) == len(set(whole)) >= 1


def test_the_bundled_lends_hide_each_answer_and_what_builds_on_it():
    """The figures themselves, for two exercises whose answers others import."""
    course = bundled_course()
    catalog.forget()
    whole = catalog.load_catalog(course)
    sg = _alone("sigmoid-gradient", course)
    assert "sigmoid_gradient" not in sg.lends and "sigmoid" in sg.lends
    # an exercise whose stub imports sigmoid_gradient is lent it
    users = [ex for ex in whole.values() if "sigmoid_gradient" in ex.helpers]
    assert users
    for ex in users:
        assert "sigmoid_gradient" in _alone(ex.id, course).lends


def _course_copy(tmp_path) -> Path:
    folder = tmp_path / "course"
    shutil.copytree(REPO / "courses" / "logistic-regression", folder)
    return folder


def test_a_changed_file_beside_the_exercises_means_a_whole_load_again(tmp_path):
    folder = _course_copy(tmp_path)
    course = load_course(folder)
    catalog.forget()
    catalog.load_catalog(course)
    assert _alone("logistic-gradient", course).id == "logistic-gradient"
    # a broken second exercise beside it: the whole load reports it, as it always did
    text = (folder / "exercises" / "logistic-gradient.yaml").read_text()
    (folder / "exercises" / "broken-one.yaml").write_text(
        text.replace("id: logistic-gradient", "id: broken-one").replace("points: ", "points: lots #", 1))
    catalog.forget()
    with pytest.raises(ExerciseFormatError, match="broken-one.yaml"):
        catalog.get_exercise("logistic-gradient", course)
    (folder / "exercises" / "broken-one.yaml").unlink()
    catalog.forget()
    catalog.load_catalog(course)
    catalog._load_one.cache_clear()
    assert _alone("logistic-gradient", course).id == "logistic-gradient"
    # the references file changes (a new mtime): not known to hold any more
    ref = folder / "exercises" / "references.py"
    st = ref.stat()
    os.utime(ref, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    catalog.forget()  # as in a new process
    assert catalog._load_one("logistic-gradient", course) is None
    assert catalog.get_exercise("logistic-gradient", course).id == "logistic-gradient"  # through the whole load
    catalog._load_one.cache_clear()
    assert catalog._load_one("logistic-gradient", course) is not None  # recorded again


def test_an_unknown_id_still_names_the_nearest():
    course = bundled_course()
    catalog.forget()
    catalog.load_catalog(course)
    catalog._load_one.cache_clear()
    with pytest.raises(ExerciseFormatError, match="Did you mean 'sigmoid-gradient'"):
        catalog.get_exercise("sigmoid_gradient", course)
    for odd in ("../sigmoid-gradient", "_x", "", "Sigmoid-Gradient"):
        assert catalog._load_one(odd, course) is None
