"""The parent's reading of the child's files: only what it expects, of bounded size, made safe to show."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from tutor.exercises.intake import IntakeError, load_npz, parse_result, read_regular
from tutor.exercises.safetext import safe_text


def _npz(path, members: dict) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _npy(arr) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=True)
    return buf.getvalue()


def test_arrays_within_the_budget_are_read_exactly(tmp_path):
    a = np.arange(12.0).reshape(3, 4)
    _npz(tmp_path / "o.npz", {"a0.npy": _npy(a), "a1.npy": _npy(np.array([1, 2], dtype=np.int32))})
    out = load_npz(tmp_path / "o.npz", budget=1000)
    np.testing.assert_array_equal(out["a0"], a)
    assert out["a1"].dtype == np.int32


@pytest.mark.parametrize("members, words", [
    ({"a0.npy": _npy(np.zeros(200))}, "would unpack to more than"),  # 1600 bytes > 1000
    ({"../a0.npy": _npy(np.zeros(2))}, "unexpected member"),
    ({"a0.npy": _npy(np.array([{"x": 1}], dtype=object))}, "not numbers"),
    ({"a0.npy": _npy(np.zeros(2))[:-8]}, "does not match its header"),  # header says 16 bytes, 8 follow
    ({"a0.npy": b"not an array at all"}, "could not be read"),
])
def test_anything_unexpected_in_the_archive_is_refused_before_it_is_read(tmp_path, members, words):
    _npz(tmp_path / "o.npz", members)
    with pytest.raises(IntakeError, match=words):
        load_npz(tmp_path / "o.npz", budget=1000)


def test_a_header_promising_more_than_the_member_holds_is_refused(tmp_path):
    # A forged header: shape (10**9,) float64 followed by 16 bytes.
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(head, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)})
    _npz(tmp_path / "o.npz", {"a0.npy": head.getvalue() + b"\0" * 16})
    with pytest.raises(IntakeError, match="larger than its member"):
        load_npz(tmp_path / "o.npz", budget=10**10)


def test_only_regular_files_are_read_and_never_past_the_cap(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(IntakeError, match="more than the 100 allowed"):
        read_regular(tmp_path / "big", 100)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(IntakeError, match="not a regular file"):
        read_regular(tmp_path / "fifo", 100)  # returns at once: opened without blocking
    os.symlink(tmp_path / "big", tmp_path / "link")
    with pytest.raises(IntakeError, match="a link or a special file"):
        read_regular(tmp_path / "link", 1000)
    assert read_regular(tmp_path / "absent", 100) is None


def test_a_result_must_have_the_expected_structure():
    ok = {"status": "ok", "printed": "hi\x1b[2J\n", "cases": [
        {"status": "ok", "value": {"t": "float", "v": 0.5}, "changed": []},
        {"status": "error", "error": {"type": "ValueError", "message": "bad\x07", "line": 3, "code": "x = 1"}}]}
    doc = parse_result(json.dumps(ok).encode(), 2, {})
    assert doc["cases"][0]["value"] == 0.5
    assert doc["cases"][1]["error"]["message"] == "bad\\x07" and doc["printed"] == "hi\\x1b[2J\n"
    for bad, words in [
        ({**ok, "cases": ok["cases"] * 2}, "reports 4 tests; there are 2"),
        ({**ok, "status": "passed"}, "expected structure"),
        ({**ok, "cases": [{"status": "ok", "value": {"t": "pickle"}}]}, "cannot be read"),
        ({**ok, "cases": "all"}, "no list of cases"),
    ]:
        with pytest.raises(IntakeError, match=words):
            parse_result(json.dumps(bad).encode(), 2, {})
    with pytest.raises(IntakeError, match="not valid JSON"):
        parse_result(b"[" * 100000 + b"]" * 100000, 2, {})


def test_safe_text_escapes_every_control_and_format_character():
    assert safe_text("a\x1b[31mb\rc\x07\u202ed\x9b") == "a\\x1b[31mb\\x0dc\\x07\\u202ed\\x9b"
    assert safe_text("line 1\nline 2", newlines=True) == "line 1\nline 2"
    assert safe_text("line 1\nline 2") == "line 1\\x0aline 2"
    assert safe_text("[bold]x[/]", markup=True) == "\\[bold]x\\[/]"
    assert safe_text("π ≈ 3.14, é") == "π ≈ 3.14, é"
