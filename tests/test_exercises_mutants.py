"""Tests written against the mutants mutmut left alive in the checker's modules.

Each one pins a rule whose breaking went unnoticed (docs/grading.md has the
command and the score): what each status of a result keeps, the exact size
caps, structure matching in `close`, values passed down through lists and
dicts, Fortran-ordered and complex arrays, and the depth and names of an
in-place change. Expected values are written out by hand.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from tutor.exercises.compare import close, compare
from tutor.exercises.intake import (
    IntakeError,
    clean_error,
    load_npz,
    parse_result,
    read_fd,
    read_regular,
)
from tutor.exercises.mutation import changed_inputs
from tutor.exercises.wire import MAX_DEPTH, MAX_ITEMS, WireError, decode, encode


def _parse(doc, n=1, outputs=None):
    return parse_result(json.dumps(doc).encode(), n, outputs or {})


# -- parse_result: what each status keeps ---------------------------------------------------


def test_a_syntax_error_keeps_its_place_and_words_cut_to_size():
    out = _parse({"status": "syntax-error", "message": "m" * 400, "line": 3, "offset": 7, "code": "c" * 300,
                  "type": "IndentationError", "blocked": ["tutor.core", 5, "x" * 100]})
    assert out["message"] == "m" * 300 and out["line"] == 3 and out["offset"] == 7
    assert out["code"] == "c" * 200 and out["type"] == "IndentationError"
    assert out["blocked"] == ["tutor.core", "x" * 80]  # strings only, 80 characters each
    assert _parse({"status": "syntax-error"})["type"] == "SyntaxError"


def test_a_load_error_and_a_case_error_are_cleaned_field_by_field():
    err = {"type": "T" * 100, "message": "bad\x1b", "line": 12, "code": "x = 1/0" + "y" * 300, "memory": True,
           "module": "tutor.core" + "z" * 100}
    clean = clean_error(err)
    assert clean == {"type": "T" * 80, "message": "bad\\x1b", "line": 12, "code": ("x = 1/0" + "y" * 300)[:200],
                     "memory": True, "module": ("tutor.core" + "z" * 100)[:80]}
    assert clean_error({"memory": "yes"}) == {"type": "Exception", "message": "", "line": None, "code": None,
                                              "memory": False, "module": None}
    with pytest.raises(IntakeError, match="not an object"):
        clean_error("boom")
    assert _parse({"status": "load-error", "error": err})["error"] == clean


def test_no_function_keeps_at_most_ten_names_of_sixty_characters():
    names = [f"f{i}" for i in range(15)] + ["n" * 100]
    out = _parse({"status": "no-function", "names": ["n" * 100, 7, *names]})
    assert out["names"] == ["n" * 60] + [f"f{i}" for i in range(8)]  # the first ten items, strings only
    assert _parse({"status": "no-function", "names": "f"})["names"] == []


@pytest.mark.parametrize("status", ["internal", "limit"])
def test_internal_and_limit_keep_a_message_of_300(status):
    assert _parse({"status": status, "message": "q" * 500})["message"] == "q" * 300


def test_a_case_entry_must_be_an_object_with_a_known_status():
    for entry in [[], "ok", {"status": "fine"}, {"value": 1}]:
        with pytest.raises(IntakeError, match="wrong structure"):
            _parse({"status": "ok", "cases": [entry]})


@pytest.mark.parametrize("value, kept", [(0, 0), (999_999_999, 999_999_999), (10**9, None), (-1, None),
                                         (True, None), (3.0, None)])
def test_line_numbers_are_small_non_negative_integers(value, kept):
    assert clean_error({"line": value})["line"] == kept


def test_gradient_check_keeps_a_number_or_a_reason_only():
    base = {"status": "ok", "cases": []}
    assert _parse({**base, "gradient_check": {"relative_difference": 1e-9, "n": 38}}, 0)["gradient_check"] == \
        {"relative_difference": 1e-9, "n": 38}
    assert "gradient_check" not in _parse({**base, "gradient_check": {"relative_difference": -1.0, "n": 3}}, 0)
    assert "gradient_check" not in _parse({**base, "gradient_check": {"relative_difference": 0.1, "n": -3}}, 0)
    assert _parse({**base, "gradient_check": {"skipped": "s" * 300}}, 0)["gradient_check"] == {"skipped": "s" * 200}


# -- exact size caps ------------------------------------------------------------------------


def test_a_file_of_exactly_the_cap_is_read_and_one_byte_more_is_not(tmp_path):
    (tmp_path / "f").write_bytes(b"x" * 100)
    assert read_regular(tmp_path / "f", 100) == b"x" * 100
    with pytest.raises(IntakeError, match="more than the 99 allowed"):
        read_regular(tmp_path / "f", 99)
    fd = os.memfd_create("f")
    try:
        os.write(fd, b"y" * (3 << 20))  # larger than one read of 1 MB: read to the end in pieces
        assert read_fd(fd, 3 << 20, "f") == b"y" * (3 << 20)
        with pytest.raises(IntakeError, match="more than the"):
            read_fd(fd, (3 << 20) - 1, "f")
    finally:
        os.close(fd)


def _npz_of(arrays: dict, version=None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, arr in arrays.items():
            inner = io.BytesIO()
            np.lib.format.write_array(inner, arr, version=version)
            zf.writestr(name, inner.getvalue())
    return buf.getvalue()


def test_fortran_ordered_arrays_come_back_as_they_were(tmp_path):
    a = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    (tmp_path / "o.npz").write_bytes(_npz_of({"a0.npy": a}))
    np.testing.assert_array_equal(load_npz(tmp_path / "o.npz", 1000)["a0"], [[0, 1, 2], [3, 4, 5]])


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_every_npy_header_version_is_read(tmp_path, version):
    (tmp_path / "o.npz").write_bytes(_npz_of({"a0.npy": np.array([1.5, 2.5])}, version=version))
    np.testing.assert_array_equal(load_npz(tmp_path / "o.npz", 1000)["a0"], [1.5, 2.5])


@pytest.mark.parametrize("arr", [np.array([1 + 2j]), np.array(["ab"]), np.array([b"ab"])], ids=["complex", "unicode", "bytes"])
def test_only_real_numbers_are_read(tmp_path, arr):
    (tmp_path / "o.npz").write_bytes(_npz_of({"a0.npy": arr}))
    with pytest.raises(IntakeError, match="not numbers"):
        load_npz(tmp_path / "o.npz", 1000)


def test_an_array_exactly_the_budget_fits(tmp_path):
    # 100 float64 = 800 bytes of data; the member (with its 128-byte header) is 928 bytes.
    (tmp_path / "o.npz").write_bytes(_npz_of({"a0.npy": np.zeros(100)}))
    assert load_npz(tmp_path / "o.npz", 928)["a0"].shape == (100,)
    with pytest.raises(IntakeError):
        load_npz(tmp_path / "o.npz", 927)


# -- close: the structural match behind every diagnosis -------------------------------------


def test_close_matches_dicts_by_their_expected_keys():
    assert close({"a": 1.0, "b": 2.0}, {"a": 1.0})  # extra keys in the answer are fine
    assert not close({"b": 2.0}, {"a": 1.0})
    assert not close({"a": 1.5}, {"a": 1.0})
    assert not close([1.0], {"a": 1.0}) and not close({"a": 1.0}, [1.0])


def test_close_passes_its_tolerance_down_into_lists_and_dicts():
    assert not close(1.01, 1.0) and close(1.01, 1.0, rtol=0.02)
    assert close([1.01], [1.0], rtol=0.02) and close({"a": [1.01]}, {"a": [1.0]}, rtol=0.02)
    assert close({"a": 0.005}, {"a": 0.0}, rtol=0.0, atol=0.01) and not close({"a": 0.005}, {"a": 0.0}, rtol=0.0)
    assert close((0.005,), (0.0,), rtol=0.0, atol=0.01)


def test_close_needs_equal_shapes_but_takes_a_one_cell_array_for_a_number():
    assert close(np.array([[0.5]]), 0.5) and not close(np.array([0.5, 0.5]), 0.5)
    assert not close(np.zeros((2, 3)), np.zeros((3, 2))) and not close("0.5", 0.5) and not close(None, 0.0)


def test_close_matches_nan_and_inf_only_in_the_same_places():
    nan, inf = np.nan, np.inf
    assert close(np.array([nan, 1.0, inf]), np.array([nan, 1.0, inf]))
    assert not close(np.array([nan, 1.0]), np.array([1.0, nan]))
    assert not close(np.array([inf, 1.0]), np.array([-inf, 1.0]))
    assert not close(np.array([nan, 1.0]), np.array([inf, 1.0]))
    assert not close(np.array([nan, 1.0]), np.array([nan, 2.0]))  # the finite cells still count
    assert not close(np.array([nan, 1.0]), np.array([1.0, 1.0]))
    assert close(np.array([1, 2]), np.array([1.0, 2.0]))


# -- wire: limits at their exact edges, and `extra` all the way down -------------------------


def test_decode_allows_exactly_its_depth_and_its_integer_range():
    nested: dict = {"t": "none"}
    for _ in range(MAX_DEPTH + 1):
        nested = {"t": "list", "items": [nested]}
    decode(nested, {})  # MAX_DEPTH + 1 levels of lists: allowed
    with pytest.raises(Exception, match="nested too deeply"):
        decode({"t": "list", "items": [nested]}, {})
    assert decode({"t": "int", "v": 2**63}, {}) == 2**63 and decode({"t": "int", "v": -(2**63)}, {}) == -(2**63)


def test_encode_keeps_integers_up_to_its_bound_and_names_non_finite_floats():
    assert encode(2**63, {}) == {"t": "int", "v": 2**63}
    assert encode(2**63 + 1, {}) == {"t": "float", "v": float(2**63 + 1)}
    assert encode(float("inf"), {}) == {"t": "float", "v": "inf"} and encode(1.5, {}) == {"t": "float", "v": 1.5}
    assert encode(list(range(MAX_ITEMS)), {})["t"] == "list"
    assert encode({str(i): i for i in range(MAX_ITEMS)}, {})["t"] == "dict"
    assert encode({str(i): i for i in range(MAX_ITEMS + 1)}, {})["t"] == "other"


def test_extra_describes_values_at_every_depth():
    seen = []

    def extra(value, arrays, depth):
        if value == "marker":
            seen.append(depth)
            return {"t": "func", "name": "f", "kwargs": {}}
        return None

    desc = encode({"a": ["marker", ("marker",)]}, {}, extra=extra)
    assert seen == [2, 3]
    assert desc["items"]["a"]["items"][0] == {"t": "func", "name": "f", "kwargs": {}}
    assert desc["items"]["a"]["items"][1]["items"][0]["t"] == "func"
    shallow: list = ["deep"]
    for _ in range(MAX_DEPTH - 1):
        shallow = [shallow]
    assert "nested too deeply" not in json.dumps(encode(shallow, {}))  # the string at depth MAX_DEPTH: kept
    assert "nested too deeply" in json.dumps(encode([shallow], {}))  # one level more: described by type


# -- mutation: depth and names --------------------------------------------------------------


def test_changes_are_found_down_to_the_depth_limit_and_named_by_position():
    inner = np.zeros(2)
    before = [[[[[[inner]]]]]]  # six levels below the argument
    after = [[[[[[np.ones(2)]]]]]]
    assert changed_inputs([before], [after], ["deep"]) == ["deep[0][0][0][0][0][0]"]
    assert changed_inputs([np.zeros(1), np.zeros(1)], [np.zeros(1), np.ones(1)], ["a"]) == ["argument 2"]
    assert changed_inputs([np.zeros(1)], [np.zeros(1), np.zeros(1)], ["a"]) == ["a"]  # a report of another length


# -- compare: structure, names, tolerances, and the words for a wrong kind of value ----------


def test_compare_passes_names_and_tolerances_down_and_says_ok_as_a_bool():
    dict_ok = compare("c", {"a": 1.01, "b": [0.005]}, {"a": 1.0, "b": [0.0]}, rtol=0.02, atol=0.01)
    assert dict_ok.ok is True and [c.name for c in dict_ok.children] == ['c["a"]', 'c["b"]']
    assert dict_ok.children[1].children[0].name == 'c["b"][0]' and dict_ok.children[1].children[0].ok is True
    assert compare("c", {"a": 1.01}, {"a": 1.0}).ok is False
    missing = compare("c", {}, {"a": np.ones(2)}).children[0]
    assert missing.name == 'c["a"]' and missing.ok is False and missing.got is None
    np.testing.assert_array_equal(missing.expected, np.ones(2))
    listed = compare("g", [1.01, 2.0], [1.0, 2.0], rtol=0.02)
    assert listed.ok is True and [c.name for c in listed.children] == ["g[0]", "g[1]"]
    wrong = compare("g", [1.5, 2.0], [1.0, 2.0])
    assert wrong.ok is False and wrong.message == "your g[0] is 1.5; expected 1."


def test_a_list_of_matrices_where_a_flat_vector_is_due_is_named_as_such():
    layout = [("Theta1", (2, 3)), ("Theta2", (1, 4))]
    c = compare("grad", [np.zeros((2, 3)), np.zeros((1, 4))], np.zeros(10), layout=layout)
    assert c.ok is False and c.name == "grad"
    assert c.message.startswith("your grad is a list of 2 matrices; it should be one flat vector")
    bad = compare("grad", [np.zeros((3, 2)), np.zeros((1, 4))], np.zeros(10), layout=layout)
    assert "your Theta1 part is 3 x 2, not 2 x 3" in bad.message
    plain = compare("grad", [np.zeros((2, 3)), np.zeros((1, 4))], np.zeros(10))  # no layout: just the wrong kind
    assert plain.message == "your grad is a list of 2; it should be a numpy array (a vector of 10) (wrap it in np.array, or build it with numpy operations)."


def test_the_wrong_kind_of_value_gets_the_right_advice():
    assert compare("J", (0.3, np.zeros(2)), 0.3).message == (
        "your J is a tuple of 2; it should be a number (return the cost J as the first item of the tuple, "
        "not a tuple inside it).")
    assert compare("J", None, 0.3).message == "your J is None (did the function forget to return?); it should be a number."
    assert compare("J", "0.3", 0.3).ok is False
    shape = compare("A", np.zeros((3, 2)), np.zeros((2, 3)))
    assert shape.ok is False and shape.name == "A" and shape.message == "your A is 3 x 2; it should be 2 x 3: rows and columns are swapped."


# -- wire: function arguments and the edges of decode -----------------------------------------


def test_a_function_argument_is_rebuilt_from_its_name_and_decoded_keywords():
    X = np.arange(3.0)
    desc = {"t": "func", "name": "network_cost", "kwargs": {"X": {"t": "array", "key": "a0"}, "lam": {"t": "float", "v": 3}}}
    seen = decode(desc, {"a0": X}, funcs=lambda name, kwargs: (name, kwargs))
    assert seen[0] == "network_cost" and seen[1]["lam"] == 3.0 and seen[1]["X"] is X
    inside = decode({"t": "list", "items": [desc]}, {"a0": X}, funcs=lambda n, k: n)
    assert inside == ["network_cost"]
    assert decode({"t": "dict", "items": {"J": desc}}, {"a0": X}, funcs=lambda n, k: n) == {"J": "network_cost"}
    for bad in [{"t": "func", "name": 3, "kwargs": {}}, {"t": "func", "name": "f", "kwargs": []}]:
        with pytest.raises(Exception, match="a bad function description"):
            decode(bad, {}, funcs=lambda n, k: n)


def test_decode_edges():
    assert decode({"t": "float", "v": "inf"}, {}) == float("inf") and decode({"t": "float", "v": "-inf"}, {}) == float("-inf")
    assert decode({"t": "array", "key": "a3"}, lambda key: key.upper()) == "A3"  # a loader instead of a mapping
    assert len(decode({"t": "list", "items": [{"t": "none"}] * MAX_ITEMS}, {})) == MAX_ITEMS
    many = {str(i): {"t": "none"} for i in range(MAX_ITEMS)}
    assert len(decode({"t": "dict", "items": many}, {})) == MAX_ITEMS
    for bad in [{"t": "dict", "items": [1]}, {"t": "dict", "items": {**many, "x": {"t": "none"}}},
                {"t": "str", "v": 3}, {"t": "other", "type": 3}]:
        with pytest.raises(WireError):
            decode(bad, {})
    assert decode({"t": "other", "type": "numpy.matrix"}, {}).type_name == "numpy.matrix"


def test_lists_of_arrays_are_compared_item_by_item():
    a, b = np.zeros(2), np.ones(2)
    assert changed_inputs([[a, b]], [[a.copy(), b.copy()]], ["p"]) == []
    assert changed_inputs([[a, b]], [[a.copy(), b + 1]], ["p"]) == ["p[1]"]
    assert changed_inputs([[a, b]], [[a.copy()]], ["p"]) == ["p[0]", "p[1]"]  # the report lost an item
    beyond = [[[[[[[a]]]]]]]  # seven levels down: past the depth the walk follows
    assert changed_inputs([beyond], [[[[[[[b]]]]]]], ["x"]) == []
