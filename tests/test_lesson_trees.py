"""Parsed lesson files kept between runs (tutor.base.trees): the same tree as a
fresh parse, read again when the file changes, never kept for a refused file."""

from __future__ import annotations

import json
import os

import pytest

from tutor.base import trees
from tutor.base.errors import LessonError
from tutor.base.paths import lessons_dir
from tutor.base.yamlsafe import parse, read_text
from tutor.lessons.loader import read_node

LESSON = """\
id: tiny
title: A tiny lesson
summary: "Numbers: 1, 2.5, -3e-4, .inf, true, null, a date 2024-01-02"
setup: {kind: arrays, values: {x: [1, 2, 3]}}
steps:
  - id: one
    kind: text
    text: |
      Two lines,
      with a colon: here.
"""


def _kept(tmp_path):
    return list((tmp_path / "tutor-home" / "cache" / "trees").glob("*.json"))


def test_every_bundled_lesson_comes_back_as_the_tree_a_fresh_parse_gives(tutor_home):
    paths = sorted(lessons_dir().glob("*.yaml"))
    assert len(paths) >= 9
    for path in paths:
        fresh = parse(read_text(path))
        assert trees.read_tree(path) == fresh  # parsed and kept
        assert trees.read_tree(path) == fresh  # from the kept JSON: values, lines, columns, key marks
    assert len(list((tutor_home / "cache" / "trees").glob("*.json"))) == len(paths)


def test_scalars_of_every_kind_and_their_marks_survive(tmp_path, tutor_home):
    path = tmp_path / "tiny.yaml"
    path.write_text(LESSON)
    fresh = parse(LESSON)
    trees.read_tree(path)
    again = trees.read_tree(path)
    assert again == fresh
    assert again.value["summary"].value == fresh.value["summary"].value
    assert again.keys == fresh.keys and again.value["steps"].value[0].line == 6


def test_a_changed_file_is_read_again(tmp_path, tutor_home):
    path = tmp_path / "tiny.yaml"
    path.write_text(LESSON)
    assert trees.read_tree(path).value["title"].value == "A tiny lesson"
    path.write_text(LESSON.replace("A tiny lesson", "A changed lesson, longer"))
    assert trees.read_tree(path).value["title"].value == "A changed lesson, longer"
    # Same size, other bytes, other time: still read again.
    path.write_text(LESSON.replace("A tiny lesson", "A tidy lesson"))
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert trees.read_tree(path).value["title"].value == "A tidy lesson"


def test_a_refused_file_is_refused_every_time_and_never_kept(tmp_path, tutor_home):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nsteps: &a [1]\nmore: *a\n")
    for _ in range(2):
        with pytest.raises(LessonError) as err:
            read_node(path)
        assert "anchors" in str(err.value) and err.value.line == 2
    assert not (tutor_home / "cache" / "trees").exists() or not list((tutor_home / "cache" / "trees").iterdir())


@pytest.mark.parametrize("damage", ["not json", json.dumps({"stamp": "x"}), json.dumps(["m", 1, 1, 5])])
def test_a_damaged_or_foreign_kept_tree_is_ignored_and_written_again(tmp_path, tutor_home, damage):
    path = tmp_path / "tiny.yaml"
    path.write_text(LESSON)
    fresh = trees.read_tree(path)
    (kept,) = (tutor_home / "cache" / "trees").glob("*.json")
    kept.write_text(damage)
    assert trees.read_tree(path) == fresh
    assert json.loads(kept.read_text())["path"] == str(path.absolute())  # rewritten whole


def test_a_tree_with_a_forged_key_is_not_served(tmp_path, tutor_home):
    path = tmp_path / "tiny.yaml"
    path.write_text(LESSON)
    trees.read_tree(path)
    (kept,) = (tutor_home / "cache" / "trees").glob("*.json")
    doc = json.loads(kept.read_text())
    doc["key"][1] += 1  # recorded for a file of another size
    doc["tree"][3][1][3][3] = "forged"
    kept.write_text(json.dumps(doc))
    assert trees.read_tree(path).value["title"].value == "A tiny lesson"
