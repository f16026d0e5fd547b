"""Learner code that attacks the checker: every trick must fail cleanly, with no side effect.

Each test writes a file the way a learner who wants the points without the
work would, runs the real checker, and asserts the concrete outcome: the
verdict, the words of the message, files left untouched, no process left
running (a /proc scan for a marker in the command line) and no temporary
folder left behind. Where the defence differs between the isolated path
(bubblewrap) and the fallback (a plain process), both run.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tutor.base.errors import TutorError
from tutor.course import bundled_course
from tutor.exercises import isolation as iso
from tutor.exercises.catalog import get_exercise
from tutor.exercises.check import check_file
from tutor.exercises.report import render_text, to_gradescope, to_json

# Where the child's runner writes what the parent reads back: descriptors it inherits. The learner's
# code can find them too, without /proc: the first three regular files among its descriptors, in the
# order the runner received them. `open` here reopens such a descriptor (a copy of it) for writing.
OUT = ("import os, stat, sys, builtins\n"
       "_regular = []\n"
       "for _fd in range(3, 256):\n    try:\n        if stat.S_ISREG(os.fstat(_fd).st_mode):\n"
       "            _regular.append(_fd)\n    except OSError:\n        pass\n"
       "OUT = dict(zip(('result.json', 'outputs.npz', 'progress'), _regular))\n"
       "assert len(OUT) == 3, OUT\n"
       "def open(path, mode='r', *args, **kwargs):\n"
       "    if isinstance(path, int):\n"
       "        copy = os.dup(path)\n"
       "        if 'w' in mode:\n            os.ftruncate(copy, 0)\n            os.lseek(copy, 0, 0)\n"
       "        return builtins.open(copy, mode, *args, **kwargs)\n"
       "    return builtins.open(path, mode, *args, **kwargs)\n")
RIGHT = "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"
PACKAGE = Path(__file__).resolve().parent.parent / "tutor"


def _bwrap_works() -> bool:
    try:
        iso.decide("strict")
    except iso.IsolationRefused:
        return False
    return True


BWRAP = _bwrap_works()
needs_bwrap = pytest.mark.skipif(not BWRAP, reason="bubblewrap cannot run here (apt install bubblewrap)")
MODES = [pytest.param("strict", marks=needs_bwrap, id="isolated"), pytest.param("off", id="fallback")]


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch):
    """Check folders go under the test's own temp folder, so leftovers can be counted."""
    folder = tmp_path / "checks"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert list(folder.iterdir()) == [], "a check left its temporary folder behind"


def run(tmp_path, source, mode, exercise="sigmoid-gradient", name="answer.py", **kw):
    path = tmp_path / name
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        path.write_text(source)
    return check_file(get_exercise(exercise, bundled_course()), path, isolation=mode, **kw)


def processes_with(marker: str) -> list[str]:
    """Command lines of running processes that contain marker."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmd and "pytest" not in cmd:
            found.append(cmd)
    return found


# -- forged, emptied and shortened results -------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_forged_result_file_cannot_pass(tmp_path, mode):
    forged = {"status": "ok", "printed": "", "cases": [
        {"status": "ok", "value": {"t": "float", "v": 0.25}, "changed": [], "finite": True} for _ in range(4)]}
    src = OUT + f"import json\njson.dump({forged!r}, open(OUT['result.json'], 'w'))\nos._exit(0)\n"
    result = run(tmp_path, src, mode)
    assert not result.passed and result.score < result.max_score == 6
    empty = OUT + "import json\njson.dump({'status': 'ok', 'cases': []}, open(OUT['result.json'], 'w'))\nos._exit(0)\n"
    result = run(tmp_path, empty, mode)
    assert not result.passed and result.score == 0 and result.max_score == 6
    assert "ended the check before test 1" in result.problem


CLEAR = """import gc
for o in gc.get_objects():
    if isinstance(o, dict) and "cases" in o and "function" in o:
        o["cases"]{how}
"""


@pytest.mark.parametrize("mode", MODES)
def test_clearing_the_cases_fails_and_names_the_first_test_that_did_not_run(tmp_path, mode):
    result = run(tmp_path, CLEAR.format(how=".clear()") + RIGHT, mode)
    # The hidden test's inputs arrive only after the visible ones are reported: clearing cannot reach
    # them, so that test runs and (the function being right) passes; the three cleared ones count 0.
    assert not result.passed and result.score == 1 and result.max_score == 6
    assert "your code ended the check before test 1" in result.problem
    assert [t.passed for t in result.tests] == [False, False, False, True]


@pytest.mark.parametrize("mode", MODES)
def test_dropping_the_last_case_fails_and_keeps_the_maximum(tmp_path, mode):
    # The hidden test's inputs arrive after the visible ones are reported, so the last case the code
    # can drop is test 3: it counts 0, the maximum stays 6, and the hidden test still runs.
    result = run(tmp_path, CLEAR.format(how=".pop()") + RIGHT, mode)
    assert not result.passed
    assert result.max_score == 6 and result.score == 4  # tests 1, 2 and the hidden 4 ran and were right
    assert "before test 3 ('a 2 x 3 matrix, elementwise') ran" in result.problem
    assert [t.passed for t in result.tests] == [True, True, False, True]


@pytest.mark.parametrize("mode", MODES)
def test_malformed_results_fail_cleanly(tmp_path, mode):
    R, H = "OUT['result.json']", "host"
    cases = {
        "not json": f"open({R}, 'w').write('{{not json')",
        "deep": f"open({R}, 'w').write('[' * 100000 + ']' * 100000)",
        "bad value": f"import json; json.dump({{'status': 'ok', 'cases': [{{'status': 'ok', 'value': {{'t': 'array', "
                     f"'key': '../../etc/passwd'}}}}]}}, open({R}, 'w'))",
        # The result files are descriptors of anonymous memory files: there is no path to swap for a
        # link or a FIFO, so the attempt fails in the learner's code, isolated or not.
        "a link": f"{H} = os.path.join(sys.argv[1], 'out', 'result.json'); os.remove({H}); os.symlink('/etc/hostname', {H})",
        "a fifo": f"{H} = os.path.join(sys.argv[1], 'out', 'result.json'); os.remove({H}); os.mkfifo({H})",
    }
    for what, code in cases.items():
        start = time.monotonic()
        result = run(tmp_path, OUT + f"{code}\nos._exit(0)\n", mode)
        assert time.monotonic() - start < 8, what  # a FIFO never blocks the parent
        assert not result.passed and result.score == 0, what
        if what not in ("a link", "a fifo"):
            assert "came back unreadable" in result.problem, (what, result.problem)
        else:
            assert "stopped while loading" in result.problem and "FileNotFoundError" in result.problem, (what, result.problem)


@pytest.mark.parametrize("mode", MODES)
def test_an_npz_bomb_is_refused_before_it_is_unpacked(tmp_path, mode):
    # 400 MB of zeros, a few hundred KB compressed, announced as the answer of test 1.
    src = OUT + ("import json\nimport numpy as np\n"
                 "np.savez_compressed(open(OUT['outputs.npz'], 'wb'), a0=np.zeros((50_000_000,)))\n"
                 "json.dump({'status': 'ok', 'cases': [{'status': 'ok', 'value': {'t': 'array', 'key': 'a0'}}] * 3},"
                 " open(OUT['result.json'], 'w'))\nos._exit(0)\n")
    result = run(tmp_path, src, mode, memory_mb=1536)
    assert not result.passed and result.score == 0
    assert "would unpack to more than" in result.problem


# -- the parent's code, the package, the progress store, files outside -------------------


@needs_bwrap
def test_isolated_code_cannot_write_into_the_package_or_the_progress_store_or_read_outside(tmp_path, tutor_home):
    from tutor.progress import ProgressStore

    ProgressStore().update_exercise("predict", started=True)
    store_files = sorted(p for p in tutor_home.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in store_files}
    target = PACKAGE / "exercises" / "diagnose.py"
    package_hash = hashlib.sha256(target.read_bytes()).hexdigest()
    secret = tmp_path / "secret.txt"
    secret.write_text("the instructor's answers")
    src = f"""import os
hits = []
for path in [{str(target)!r}, {str(store_files[0])!r}, {str(PACKAGE / 'new_module.py')!r}]:
    try:
        with open(path, "a") as f:
            f.write("\\nALL_PASS = True\\n")
        hits.append("wrote " + path)
    except OSError as err:
        hits.append("refused " + type(err).__name__)
for path in [{str(secret)!r}, os.path.expanduser("~/.bashrc"), {str(PACKAGE / 'core' / '__init__.py')!r}]:
    try:
        hits.append("read " + open(path).read()[:20])
    except OSError as err:
        hits.append("refused " + type(err).__name__)
print(hits)
""" + RIGHT
    result = run(tmp_path, src, "strict")
    assert result.passed  # the function itself is right; the attempts changed nothing
    assert "wrote" not in result.printed and "read" not in result.printed.replace("refused", "")
    assert "the instructor's answers" not in result.printed
    assert hashlib.sha256(target.read_bytes()).hexdigest() == package_hash
    assert not (PACKAGE / "new_module.py").exists()
    assert {p: p.read_bytes() for p in store_files} == before


@needs_bwrap
def test_isolated_code_has_no_network(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(3)
    port = server.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(_accept(server)), daemon=True)
    thread.start()
    src = (f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n    print('connected')\n"
           f"except OSError as err:\n    print('no network:', type(err).__name__)\n") + RIGHT
    result = run(tmp_path, src, "strict")
    thread.join()
    server.close()
    assert result.passed and "no network" in result.printed and "connected" not in result.printed
    assert accepted == [None]


def _accept(server):
    try:
        conn, _ = server.accept()
        conn.close()
        return "connection"
    except OSError:
        return None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("line", [
    "from tutor.core import sigmoid_gradient",
    "import importlib\nsigmoid_gradient = importlib.import_module('tutor.courses.backprop.exercises.references').core.sigmoid_gradient",
    "try:\n    from tutor.core import sigmoid_gradient\nexcept ImportError:\n    pass\n" + RIGHT,
], ids=["from-core", "importlib-references", "caught-and-hidden"])
def test_importing_the_references_gets_a_clear_message_and_no_points(tmp_path, mode, line):
    result = run(tmp_path, line + "\n", mode)
    assert not result.passed and result.score == 0
    assert "imports from the tutor package" in result.problem and "tutor_helpers" in result.problem


@needs_bwrap
def test_the_repository_is_not_reachable_even_by_path(tmp_path):
    repo = PACKAGE.parent
    src = (f"import sys, os\nsys.path.insert(0, {str(repo)!r})\nprint(os.path.exists({str(repo / 'tutor')!r}))\n"
           "try:\n    import tutor\n    print('imported')\nexcept ImportError:\n    print('no tutor')\n") + RIGHT
    result = run(tmp_path, src, "strict")
    assert "False" in result.printed and "no tutor" in result.printed and "imported" not in result.printed


# -- the parent cannot be hung or blown up ------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_flood_on_stdout_is_stopped_at_the_cap(tmp_path, mode):
    src = "import os\ndef sigmoid_gradient(z):\n    for _ in range(1024):\n        os.write(1, b'x' * (1 << 20))\n"
    start = time.monotonic()
    result = run(tmp_path, src, mode)
    assert time.monotonic() - start < 8
    assert not result.passed and "wrote more than 1024 KB straight to the terminal" in result.problem


@pytest.mark.parametrize("mode", MODES)
def test_a_grandchild_holding_the_pipe_neither_hangs_nor_survives(tmp_path, mode):
    src = "import subprocess\ntry:\n    subprocess.Popen(['sleep', '4321.5'])\nexcept OSError:\n    pass\n" + RIGHT
    start = time.monotonic()
    result = run(tmp_path, src, mode, timeout=20)
    assert time.monotonic() - start < 10, "reported as an endless loop"
    assert result.passed and result.problem is None
    assert processes_with("4321.5") == []


@pytest.mark.parametrize("mode", MODES)
def test_detached_and_forked_children_do_not_outlive_the_check(tmp_path, mode):
    src = ("import os\ntry:\n  if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
           "        os.execv('/bin/sleep', ['sleep', '4321.6'])\n    os._exit(0)\n"
           "  if os.fork() == 0:\n    os.execv('/bin/sleep', ['sleep', '4321.7'])\nexcept OSError:\n  pass\n") + RIGHT
    result = run(tmp_path, src, mode)
    assert result.passed
    time.sleep(0.2)
    assert processes_with("4321.6") == [] and processes_with("4321.7") == []


@pytest.mark.parametrize("mode", MODES)
def test_a_grandchild_writing_into_the_temp_folder_leaves_nothing(tmp_path, mode, private_tmp):
    src = ("import os, subprocess\ntry:\n    subprocess.Popen(['sh', '-c', 'while true; do date > left-behind-4321.8; "
           "mkdir -p d; chmod 000 d; sleep 0.01; done'])\nexcept OSError:\n    pass\n") + RIGHT
    result = run(tmp_path, src, mode)
    assert result.passed
    time.sleep(0.3)
    assert processes_with("4321.8") == []
    # the autouse fixture asserts that private_tmp is empty


@pytest.mark.parametrize("mode", MODES)
def test_an_endless_loop_is_killed_with_its_whole_tree(tmp_path, mode):
    src = ("import subprocess\ntry:\n    subprocess.Popen(['sleep', '4321.9'])\nexcept OSError:\n    pass\n"
           "def sigmoid_gradient(z):\n    while True:\n        pass\n")
    result = run(tmp_path, src, mode, timeout=1.5)
    assert "did not finish within 1.5 s" in result.problem and "running test 1" in result.problem
    assert processes_with("4321.9") == []


# -- what reaches the screen ---------------------------------------------------------------

ESCAPES = ("print('\\x1b[2J\\x1b]0;pwned\\x07\\rAll tests passed')\n"
           "def sigmoid_gradient(z):\n    raise ValueError('\\x1b[32mAll tests passed\\x1b[0m \\u202e')\n")


@pytest.mark.parametrize("mode", MODES)
def test_terminal_escapes_from_learner_code_are_shown_escaped_in_every_format(tmp_path, mode):
    from io import StringIO

    from rich.console import Console

    result = run(tmp_path, ESCAPES, mode)
    assert not result.passed
    buf = StringIO()
    Console(file=buf, width=200, color_system=None).print(render_text(result))
    text = buf.getvalue()
    for rendered in (text, json.dumps(to_json(result), ensure_ascii=False),
                     json.dumps(to_gradescope(result), ensure_ascii=False)):
        assert "\x1b" not in rendered and "\x07" not in rendered and "\r" not in rendered and "\u202e" not in rendered
    assert "\\x1b[32mAll tests passed" in text and "\\x1b]0;pwned\\x07\\x0dAll tests passed" in text


def test_hidden_tests_show_only_name_and_verdict_in_every_format(tmp_path):
    src = "from tutor_helpers import sigmoid\ndef sigmoid_gradient(z):\n    return sigmoid(z)\n"
    result = run(tmp_path, src, "off")
    hidden = [t for t in result.tests if t.hidden]
    assert hidden and not hidden[0].passed
    secret_bits = ["40", "yours", "should be", "differ", "0."]
    for doc in (to_json(result), to_gradescope(result), result.to_dict()):
        shown = [t for t in doc["tests"] if t["name"] == hidden[0].name][0]
        words = shown.get("message", shown.get("output"))
        assert words == "failed (a hidden test: its inputs and expected values stay hidden)."
        assert not any(b in words for b in secret_bits)
    visible = [t for t in to_json(result)["tests"] if t["name"] != hidden[0].name]
    assert any("differ" in t["message"] for t in visible)  # the visible ones do explain


# -- files as Python reads them --------------------------------------------------------------

BODY = "from tutor_helpers import sigmoid\ndef sigmoid_gradient(z):\n\ts = sigmoid(z)  # é\n\treturn s * (1 - s)\n"


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf" + BODY.encode(),
    b"# -*- coding: latin-1 -*-\n" + BODY.encode("latin-1"),
    BODY.replace("\n", "\r\n").encode(),
], ids=["bom", "latin-1", "crlf-and-tabs"])
def test_files_python_runs_are_checked_as_python_runs_them(tmp_path, data):
    assert run(tmp_path, data, "off").passed


@pytest.mark.parametrize("make, words", [
    (lambda p: p.mkdir(), "is a folder, not a Python file"),
    (lambda p: os.mkfifo(p), "is a named pipe (FIFO)"),
    (lambda p: p.write_bytes(b"import numpy\nx = 1\x00\n"), "has a NUL byte at line 2, column 6"),
    (lambda p: p.write_bytes(b"x = 1\ny = '\xe9'\n"), "is not valid utf-8 text: byte 0xe9 at line 2, column 6"),
], ids=["folder", "fifo", "nul", "latin-1-without-cookie"])
def test_files_python_cannot_read_get_one_line_naming_the_problem(tmp_path, make, words):
    path = tmp_path / "answer.py"
    make(path)
    with pytest.raises(TutorError) as info:
        check_file(get_exercise("sigmoid-gradient", bundled_course()), path, isolation="off")
    assert words in info.value.message and "\n" not in info.value.message


def test_dev_null_is_named_a_device():
    with pytest.raises(TutorError, match="is a device"):
        check_file(get_exercise("sigmoid-gradient", bundled_course()), "/dev/null", isolation="off")


# -- modes -------------------------------------------------------------------------------------


def test_without_bubblewrap_strict_refuses_and_auto_says_it_is_not_isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_BWRAP", str(tmp_path / "no-bwrap-here"))
    with pytest.raises(iso.IsolationRefused) as info:
        run(tmp_path, RIGHT, "strict")
    assert "apt install bubblewrap" in info.value.message
    result = run(tmp_path, RIGHT, "auto")
    assert result.passed and not result.isolated and "not isolated" in result.notice


@needs_bwrap
def test_auto_isolates_when_bubblewrap_works(tmp_path):
    src = "import os\nprint(sorted(os.listdir('/')))\n" + RIGHT
    result = run(tmp_path, src, "auto")
    assert result.passed and result.isolated and result.notice is None
    assert "'home'" not in result.printed and "'sandbox'" in result.printed


@pytest.mark.parametrize("mode", MODES)
def test_a_memory_limit_too_small_for_numpy_is_blamed_on_the_limit(tmp_path, mode):
    result = run(tmp_path, RIGHT, mode, memory_mb=64)
    assert not result.passed
    assert "the memory limit of 64 MB is too low for Python and numpy themselves" in result.problem
    assert "This is the limit, not your code." in result.problem


@needs_bwrap
def test_the_learners_writable_space_is_small_and_private(tmp_path):
    src = ("import os\nwritten = 0\ntry:\n    for i in range(40):\n        with open(f'fill{i}', 'wb') as f:\n"
           "            for _ in range(10):\n                f.write(b'x' * (1 << 20))\n                f.flush()\n"
           "                written += 1\nexcept OSError as err:\n    print('stopped', type(err).__name__)\n"
           "print('MB', written)\n"
           "for path in ['/tmp/x', '/usr/x', '/sandbox/in/x']:\n    try:\n        open(path, 'w')\n"
           "        print('wrote', path)\n    except OSError:\n        pass\n") + RIGHT
    result = run(tmp_path, src, "strict")
    assert result.passed
    assert "stopped OSError" in result.printed and "wrote" not in result.printed
    mb = int(result.printed.split("MB ")[1].split()[0])
    assert mb <= 64  # the tmpfs, not the host's disk, took the writes


@pytest.mark.parametrize("mode", MODES)
def test_threads_and_exit_handlers_left_behind_neither_hang_nor_change_the_result(tmp_path, mode):
    src = (OUT + "import atexit, threading, time\n"
           "threading.Thread(target=lambda: time.sleep(3600)).start()\n"
           "atexit.register(lambda: open(OUT['result.json'], 'w').write('{}'))\n") + RIGHT
    start = time.monotonic()
    result = run(tmp_path, src, mode, timeout=20)
    assert time.monotonic() - start < 8
    assert result.passed and result.problem is None
