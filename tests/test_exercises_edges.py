"""The checker's small modules at their edges: compare, wire, intake, mutation, isolation.

Each test states a rule a plausible one-line bug would break (a mutation
spot-check found that a shorter list, a per-member npz budget and a 400-digit
JSON number went unnoticed): the numbers are worked out here, independently
of the code under test.
"""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from tutor.exercises import isolation as iso
from tutor.exercises.compare import close, compare, explain_shape, unrolled_cell
from tutor.exercises.intake import IntakeError, load_npz, parse_result, read_fd
from tutor.exercises.mutation import array_changed, changed_inputs
from tutor.exercises.registry import FunctionArg
from tutor.exercises.wire import (
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_STR,
    Other,
    WireError,
    decode,
    encode,
)

# -- compare ---------------------------------------------------------------------------


def test_a_list_of_the_wrong_length_is_wrong_even_when_its_items_match():
    exp = [np.ones(2), np.zeros(3)]
    assert compare("grads", [np.ones(2), np.zeros(3)], exp).ok
    shorter = compare("grads", [np.ones(2)], exp)
    assert not shorter.ok and "it should be a list of 2 arrays" in shorter.message
    longer = compare("grads", [np.ones(2), np.zeros(3), np.zeros(1)], exp)
    assert not longer.ok
    assert not close([np.ones(2)], exp) and close([np.ones(2), np.zeros(3)], exp)


def test_a_dict_needs_every_key_and_each_value_right():
    exp = {"A1": np.ones(2), "Z2": np.zeros(2)}
    missing = compare("cache", {"A1": np.ones(2)}, exp)
    assert not missing.ok and 'your cache has no key "Z2".' in missing.message
    wrong = compare("cache", {"A1": np.ones(2), "Z2": np.array([0.0, 1.0])}, exp)
    assert not wrong.ok and [c.ok for c in wrong.children] == [True, False]
    assert "1 of 2 cells of your cache[\"Z2\"] differ" in wrong.message
    assert not compare("cache", [np.ones(2)], exp).ok  # not a dict at all


def test_cells_differ_beyond_the_tolerance_only():
    exp = np.array([1.0, 2.0, 3.0])
    assert compare("a", exp * (1 + 5e-7), exp, rtol=1e-6, atol=0).ok
    off = compare("a", exp + np.array([0, 0, 1e-5]), exp, rtol=1e-6, atol=0)
    assert not off.ok and off.mask.tolist() == [False, False, True]
    assert "largest difference is at [2]: yours 3.00001, expected 3" in off.message


def test_integer_answers_must_be_equal_not_close():
    exp = np.array([1, 2, 3])
    assert not compare("p", np.array([1, 2, 4]), exp).ok
    assert compare("p", np.array([1, 2, 3]), exp).ok


def test_nan_and_inf_are_never_right_and_are_counted():
    c = compare("J", np.array([np.nan, 1.0, np.inf]), np.array([0.0, 1.0, 2.0]))
    assert not c.ok and "contains 2 NaN or infinite values" in c.message


@pytest.mark.parametrize("got, expected, words", [
    ((3, 2), (2, 3), "rows and columns are swapped"),
    ((5, 1), (5,), "return a flat vector"),
    ((6,), (2, 3), "reshape it to 2 x 3"),
    ((3, 4), (3, 5), "one column short"),
    ((4, 5), (3, 5), "one row too many"),
])
def test_shapes_are_explained_in_words(got, expected, words):
    assert words in explain_shape("X", got, expected)


def test_an_unrolled_index_names_its_matrix_cell():
    layout = [("Theta1", (2, 3)), ("Theta2", (1, 4))]
    assert unrolled_cell(0, layout) == "Theta1[0, 0]"
    assert unrolled_cell(5, layout) == "Theta1[1, 2]"
    assert unrolled_cell(6, layout) == "Theta2[0, 0]"
    assert unrolled_cell(10, layout) == "[10]"


def test_a_single_number_in_an_array_counts_as_the_number():
    assert compare("J", np.array([[0.25]]), 0.25).ok
    assert not compare("J", np.array([0.25, 0.25]), 0.25).ok
    assert not compare("J", (0.25, np.zeros(2)), 0.25).ok


# -- wire ------------------------------------------------------------------------------


def test_values_round_trip_exactly():
    value = {"a": [1, 2.5, None, True, "x"], "b": (np.arange(6.0).reshape(2, 3), np.array([1, 2], dtype=np.int32)),
             "c": float("nan"), "d": float("-inf")}
    arrays: dict = {}
    back = decode(json.loads(json.dumps(encode(value, arrays))), arrays)
    assert back["a"] == [1, 2.5, None, True, "x"] and isinstance(back["b"], tuple)
    np.testing.assert_array_equal(back["b"][0], value["b"][0])
    assert back["b"][1].dtype == np.int32
    assert np.isnan(back["c"]) and back["d"] == float("-inf")


def test_what_cannot_cross_is_named_by_type_only():
    arrays: dict = {}
    assert isinstance(decode(encode(object(), arrays), arrays), Other)
    assert encode(np.array(["a"]), arrays) == {"t": "other", "type": "numpy array of <U1"}
    assert encode(list(range(MAX_ITEMS + 1)), arrays)["t"] == "other"
    assert encode({1: 2}, arrays)["t"] == "other"
    assert len(encode("x" * 1000, arrays)["v"]) == MAX_STR
    deep: list = []
    for _ in range(MAX_DEPTH + 3):
        deep = [deep]
    assert "nested too deeply" in json.dumps(encode(deep, arrays))
    assert encode(2**70, arrays) == {"t": "float", "v": float(2**70)}


@pytest.mark.parametrize("desc, words", [
    ({"t": "int", "v": 1.5}, "int without an int"),
    ({"t": "int", "v": True}, "int without an int"),
    ({"t": "int", "v": 2**64}, "int without an int"),
    ({"t": "bool", "v": 1}, "bool without a bool"),
    ({"t": "float", "v": "1e5"}, "float with a bad text"),
    ({"t": "float", "v": 10**400}, "float out of range"),  # a 400-digit JSON number
    ({"t": "array", "key": "../x"}, "array with a bad key"),
    ({"t": "array", "key": "a7"}, "array a7 is missing"),
    ({"t": "func", "name": "f", "kwargs": {}}, "a function where none is expected"),
    ({"t": "list", "items": [{"t": "none"}] * (MAX_ITEMS + 1)}, "a list of bad items"),
    ({"t": "pickle"}, "unknown value kind"),
    ([], "must be an object"),
])
def test_decode_refuses_anything_off_the_rules(desc, words):
    with pytest.raises(WireError, match=words):
        decode(desc, {})


# -- intake ----------------------------------------------------------------------------


def _npz(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, arr in members.items():
            inner = io.BytesIO()
            np.lib.format.write_array(inner, arr)
            zf.writestr(name, inner.getvalue())
    return buf.getvalue()


def test_the_npz_budget_counts_all_members_together(tmp_path):
    # Two members of 800 bytes each: each fits a budget of 1000, together they do not.
    (tmp_path / "o.npz").write_bytes(_npz({"a0.npy": np.zeros(100), "a1.npy": np.zeros(100)}))
    with pytest.raises(IntakeError, match="would unpack to more than the 1000 bytes"):
        load_npz(tmp_path / "o.npz", 1000)
    assert set(load_npz(tmp_path / "o.npz", 1800)) == {"a0", "a1"}  # 800 + 800 bytes, headers checked with each


def test_the_npz_is_read_from_a_descriptor_too(tmp_path):
    fd = os.memfd_create("outputs.npz")
    try:
        os.write(fd, _npz({"a0.npy": np.arange(3.0)}))
        np.testing.assert_array_equal(load_npz(fd, 1000)["a0"], [0.0, 1.0, 2.0])
        with pytest.raises(IntakeError, match="more than the 10 allowed"):
            read_fd(fd, 10, "outputs.npz")
    finally:
        os.close(fd)


CASE = {"status": "ok", "value": {"t": "float", "v": 0.5}, "seconds": 0.01}


@pytest.mark.parametrize("field", ["seconds", "value", "gradient_check", "line"])
def test_a_400_digit_number_anywhere_is_bad_data_not_a_crash(field):
    huge = 10**400
    doc = {"status": "ok", "cases": [dict(CASE)]}
    if field == "seconds":
        doc["cases"][0]["seconds"] = huge
    elif field == "value":
        doc["cases"][0]["value"] = {"t": "float", "v": huge}
    elif field == "gradient_check":
        doc["gradient_check"] = {"relative_difference": huge, "n": 3}
    else:
        doc["cases"][0] = {"status": "error", "error": {"type": "E", "message": "m", "line": huge}}
    data = json.dumps(doc).encode()
    if field == "value":
        with pytest.raises(IntakeError, match="float out of range"):
            parse_result(data, 1, {})
        return
    out = parse_result(data, 1, {})
    if field == "seconds":
        assert out["cases"][0]["seconds"] is None
    elif field == "gradient_check":
        assert "gradient_check" not in out
    else:
        assert out["cases"][0]["error"]["line"] is None


def test_the_inputs_after_the_call_are_read_back_for_the_parent():
    doc = {"status": "ok", "cases": [{**CASE, "after": {"t": "list", "items": [{"t": "array", "key": "a0"}]}}]}
    out = parse_result(json.dumps(doc).encode(), 1, {"a0": np.ones(2)})
    np.testing.assert_array_equal(out["cases"][0]["after"][0], np.ones(2))
    assert parse_result(json.dumps({"status": "ok", "cases": [CASE]}).encode(), 1, {})["cases"][0]["after"] is None


# -- mutation: the parent's judgement of in-place changes --------------------------------


def test_changed_inputs_are_named_by_path():
    X = np.arange(6.0).reshape(2, 3)
    params = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    before = [X, params, 0.1, FunctionArg("cubic_cost", {})]
    after_same = [X.copy(), {"W1": np.ones((2, 2)), "b1": np.zeros(2)}, 0.1, Other("functools.partial")]
    assert changed_inputs(before, after_same, ["X", "parameters", "learning_rate", "J"]) == []
    moved = {"W1": np.ones((2, 2)) - 0.01, "b1": np.zeros(2)}
    assert changed_inputs(before, [X.copy(), moved, 0.1, None], ["X", "parameters"]) == ['parameters["W1"]']
    # A report that does not match the inputs at all: every array counts as changed.
    assert changed_inputs(before, None, ["X", "parameters"]) == ["X", 'parameters["W1"]', 'parameters["b1"]']
    assert changed_inputs(before, [X.T, params, 0.1, None], ["X"]) == ["X"]  # shape


def test_array_changed_tolerates_rounding_only():
    a = np.array([1e6, 1.0, np.nan])
    assert not array_changed(a.copy(), a)
    assert not array_changed(a + np.array([1e-7, 0, 0]), a)  # 1e-13 of the largest value
    assert array_changed(a + np.array([0, 1e-3, 0]), a)
    assert array_changed(np.array([1e6, 1.0, 0.0]), a)  # a NaN filled in
    assert array_changed(a.astype(np.float32), a)  # dtype
    assert array_changed(np.array([1, 2]), np.array([1, 3]))


# -- isolation: what bubblewrap is told ---------------------------------------------------


ROOTS = {"exe": "/opt/py/bin/python3.11", "prefix": "/opt/py", "stdlib": "/opt/py/lib/python3.11",
         "dynload": "/opt/py/lib/python3.11/lib-dynload", "site": "/srv/venv/lib/python3.11/site-packages",
         "packages": ["/srv/venv/lib/python3.11/site-packages/numpy"]}


def _pairs(cmd, flag):
    return [cmd[i + 1:i + 3] for i, a in enumerate(cmd) if a == flag]


def test_every_tmpfs_has_a_size_and_only_the_work_folder_stays_writable():
    cmd = iso.bwrap_args(ROOTS, [(7, "request.json"), (8, "lib/a.py")], in_bytes=5000, uid=1_600_000_000,
                         seccomp_fd=9, env={"A": "1"})
    tmpfs = [i for i, a in enumerate(cmd) if a == "--tmpfs"]
    for i in tmpfs:  # --size N [--perms P] --tmpfs DEST
        assert "--size" in cmd[i - 4:i], cmd[i + 1]
    dests = [cmd[i + 1] for i in tmpfs]
    assert dests == ["/dev/shm", iso.SANDBOX, f"{iso.SANDBOX}/in", f"{iso.SANDBOX}/work"]
    ro = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--remount-ro"]
    assert set(ro) == {"/dev/shm", "/dev", iso.SANDBOX, f"{iso.SANDBOX}/in", "/"}
    assert ro[-1] == "/" and cmd.index("--remount-ro") > cmd.index("--dev")
    # The check folder is never mounted: inputs are copied from descriptors.
    assert _pairs(cmd, "--file") == [["7", f"{iso.SANDBOX}/in/request.json"], ["8", f"{iso.SANDBOX}/in/lib/a.py"]]
    assert ["--ro-bind", "/opt/py", iso.PYTHON] == cmd[cmd.index("/opt/py") - 1:cmd.index("/opt/py") + 2]
    assert f"{iso.SITE}/numpy" in cmd and "--seccomp" in cmd and cmd[cmd.index("--seccomp") + 1] == "9"
    # Root: no user namespace, the child keeps only what it needs to become its own uid.
    assert "--unshare-user" not in cmd and _pairs(cmd, "--cap-add") == [["CAP_SETUID", "--cap-add"], ["CAP_SETGID", "--cap-add"],
                                                                     ["CAP_KILL", "--clearenv"]]
    user = iso.bwrap_args(ROOTS, [], in_bytes=0, uid=None, seccomp_fd=None, env={})
    assert "--unshare-user" in user and "--cap-add" not in user and "--seccomp" not in user


def test_inside_roots_hide_the_install_paths():
    inside = iso.inside_roots(ROOTS)
    assert inside["exe"] == f"{iso.PYTHON}/bin/python3.11" and inside["site"] == iso.SITE
    assert inside["packages"] == [f"{iso.SITE}/numpy"]
    assert not any("/opt/py" in p or "/srv" in p for p in iso.child_path(inside))


def test_a_fresh_uid_per_check_only_as_root(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    uids = {iso.sandbox_uid() for _ in range(20)}
    assert len(uids) > 15 and all(1_500_000_000 <= u < 1_900_000_000 for u in uids)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert iso.sandbox_uid() is None


def test_decide_follows_the_mode(monkeypatch):
    monkeypatch.setenv("TUTOR_BWRAP", "/nonexistent/bwrap")
    assert iso.decide("off") == (None, iso.NOT_ISOLATED.format(why="--isolation off"))
    bwrap, notice = iso.decide("auto")
    assert bwrap is None and "bubblewrap (bwrap) is not installed" in notice
    with pytest.raises(iso.IsolationRefused, match="apt install bubblewrap"):
        iso.decide("strict")
    with pytest.raises(Exception, match="--isolation must be one of"):
        iso.decide("sometimes")
    monkeypatch.setenv("TUTOR_ISOLATION", "STRICT ")
    assert iso.mode_from_env() == "strict"
    monkeypatch.setenv("TUTOR_ISOLATION", "bogus")
    assert iso.mode_from_env("off") == "off"
