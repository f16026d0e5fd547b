"""The warm sandbox: one server, many checks, and nothing of one check reaches the next.

Each test runs two or more checks on the same server and has the earlier one
try to leave something behind (a file, a message queue, a thread, its own
source in memory, a dead or stopped server) that the later one looks for.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from tutor.course import bundled_course
from tutor.exercises.catalog import get_exercise
from tutor.exercises.check import check_file
from tutor.exercises.isolation import bwrap_path
from tutor.exercises.runner import run_sandbox
from tutor.exercises.server import Pool, Server


def _bwrap_works() -> bool:
    from tutor.exercises.isolation import decide

    try:
        return bwrap_path() is not None and decide("auto")[0] is not None
    except Exception:  # noqa: BLE001
        return False


pytestmark = pytest.mark.skipif(not _bwrap_works(), reason="bubblewrap cannot run here: the warm server is reused "
                                                          "only under its seccomp filter")

DOUBLE = "def f(x):\n    return x * 2\n"


def run(server, source, *cases, timeout=5.0):
    return run_sandbox(source, "f", [list(c) for c in cases] or [[1.0]], ["x"], server=server, timeout=timeout)


@pytest.fixture
def server():
    with Server("strict") as s:
        s.wait_ready()
        yield s


def test_one_server_runs_many_checks_each_in_a_fresh_process(server):
    pids = set()
    for i in range(5):
        r = run(server, "import os\ndef f(x):\n    return [x * 2, os.getpid()]\n", [float(i)])
        assert r.status == "ok" and r.isolated
        value, pid = r.cases[0]["value"]
        assert value == 2.0 * i
        pids.add(pid)
    assert len(pids) == 5  # a fork per check
    assert server.available and server.reusable


def test_a_file_left_in_the_writable_folder_is_gone_for_the_next_check(server):
    leave = ("import os\nopen('note.txt', 'w').write('answer: 42')\nos.mkdir('d')\nopen('d/x', 'w').write('1')\n"
             "os.chmod('d', 0)\n" + DOUBLE)
    assert run(server, leave).status == "ok"
    look = "import os\ndef f(x):\n    return sorted(os.listdir('.'))\n"
    r = run(server, look)
    assert r.status == "ok" and r.cases[0]["value"] == []


def test_a_tree_too_deep_to_empty_is_never_seen_by_a_later_check(server):
    leave = "import os\nfor i in range(1500):\n    os.mkdir('d')\n    os.chdir('d')\n" + DOUBLE
    assert run(server, leave).status == "ok"
    look = "import os\ndef f(x):\n    return sorted(os.listdir('.'))\n"
    # Emptied, or the server retired and the next check got a fresh one: either way nothing is left.
    assert run(server, look).cases[0]["value"] == []


def test_queues_and_signals_are_refused_and_the_server_lives_on(server):
    attempts = ("import os, errno\nresults = {}\n"
                "def attempt(name, fn):\n    try:\n        fn()\n        results[name] = 'done'\n"
                "    except OSError as err:\n        results[name] = errno.errorcode.get(err.errno, str(err.errno))\n"
                "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                "def call(*args):\n    if libc.syscall(*args) == -1:\n"
                "        raise OSError(ctypes.get_errno(), 'refused')\n"
                "attempt('kill the server', lambda: os.kill(os.getppid(), 9))\n"
                "attempt('kill all', lambda: os.kill(-1, 9))\n"
                "attempt('msgget', lambda: call(68, 1234, 0o1666))\n"
                "attempt('semget', lambda: call(64, 1234, 1, 0o1666))\n"
                "attempt('ptrace', lambda: call(101, 16, os.getppid(), 0, 0))\n"
                "attempt('fork', os.fork)\n"
                "def f(x):\n    return results\n")
    r = run(server, attempts)
    assert r.status == "ok", r.detail
    assert r.cases[0]["value"] == {"kill the server": "EPERM", "kill all": "EPERM", "msgget": "EPERM",
                                   "semget": "EPERM", "ptrace": "EPERM", "fork": "EPERM"}
    assert server.available
    assert run(server, DOUBLE, [3.0]).cases[0]["value"] == 6.0


def _server_pid(server) -> int:
    """The host pid of the sandbox's server process (bubblewrap's descendant running _tutor_child.py)."""
    todo, found = [server.proc.pid], []
    while todo:
        pid = todo.pop()
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"_tutor_child.py" in cmdline and Path(f"/proc/{pid}/comm").read_text().strip() != "bwrap":
            found.append(pid)
        todo += [int(c) for c in children]
    assert len(found) == 1, found
    return found[0]


def _count_in_memory(pid: int, needle: bytes) -> int:
    """How often needle is in the readable memory of process pid (read from the host, as root)."""
    count = 0
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            where, perms = line.split()[:2]
            if not perms.startswith("r") or "[vvar]" in line or "[vsyscall]" in line:
                continue
            start, end = (int(v, 16) for v in where.split("-"))
            try:
                mem.seek(start)
                count += mem.read(end - start).count(needle)
            except (OSError, ValueError, OverflowError):
                pass
    return count


@pytest.mark.skipif(os.geteuid() != 0, reason="reading another process's memory needs root")
def test_no_check_leaves_its_source_in_the_server_every_later_check_is_forked_from(server):
    # Each check is a fork of the server: what the server's memory holds, every later check inherits.
    # So the learner's code must never reach it (there is no /proc in the sandbox from which a check
    # could read even its own maps; the test reads the server's memory from the host instead).
    secret = "ZEBRA-7f3a-" + "solution-of-alice"
    pid = _server_pid(server)
    assert run(server, f"SECRET = {secret!r}\n" + DOUBLE).status == "ok"  # alice's check, with the secret
    assert server.available and _server_pid(server) == pid
    assert _count_in_memory(pid, secret.encode()) == 0
    # The reading works: the source of a module the server itself imported is in its memory.
    assert _count_in_memory(pid, b"Import, once in the server, everything a check imports") >= 1


def test_an_endless_check_is_stopped_and_the_next_one_runs_at_once(server):
    started = time.monotonic()
    r = run(server, "def f(x):\n    while True:\n        pass\n", timeout=1.0)
    assert r.status == "timeout"
    assert time.monotonic() - started < 4
    assert server.available
    began = time.monotonic()
    assert run(server, DOUBLE, [2.5]).cases[0]["value"] == 5.0
    assert time.monotonic() - began < 2


def test_threads_a_check_leaves_running_end_with_it(server):
    leave = ("import threading, time\nthreading.Thread(target=lambda: time.sleep(3600), daemon=False).start()\n"
             + DOUBLE)
    assert run(server, leave).status == "ok"
    count = "import threading\ndef f(x):\n    return threading.active_count()\n"
    assert run(server, count).cases[0]["value"] == 1


def test_a_server_lost_mid_check_costs_that_check_only_and_a_pool_replaces_it():
    import threading

    pool = Pool(1, "strict")
    try:
        first = pool.take()
        first.wait_ready()
        threading.Timer(0.5, os.kill, (first.proc.pid, 9)).start()  # the sandbox goes while a check runs
        began = time.monotonic()
        r = run(first, "def f(x):\n    while True:\n        pass\n", timeout=8.0)
        assert r.status == "crashed" and time.monotonic() - began < 5
        assert not first.available
        # A lost server is never used again: a check handed it runs in a sandbox of its own.
        assert run(first, DOUBLE, [1.5]).cases[0]["value"] == 3.0
        pool.give(first)
        second = pool.take()
        assert second is not first and second.available
        assert run(second, DOUBLE, [4.0]).cases[0]["value"] == 8.0
        pool.give(second)
    finally:
        pool.close()


def test_warm_and_cold_checks_give_the_same_result(tmp_path):
    ex = get_exercise("sigmoid-gradient", bundled_course())
    answers = {
        "right": "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n",
        "wrong": "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    return sigmoid(z) * (1 + sigmoid(z))\n",
        "broken": "def sigmoid_gradient(z):\n    return z.nope\n",
        "loud": "import numpy as np\nprint('hello')\n\ndef sigmoid_gradient(z):\n    return np.zeros_like(z)\n",
    }
    with Server("strict") as warm:
        for name, text in answers.items():
            path = tmp_path / f"{name}.py"
            path.write_text(text)
            cold = check_file(ex, path, isolation="strict").to_dict()
            hot = check_file(ex, path, isolation="strict", sandbox=warm).to_dict()
            assert json.dumps(hot, sort_keys=True, default=str) == json.dumps(cold, sort_keys=True, default=str), name
    assert cold["score"] == 0 and not np.isnan(cold["max_score"])


def test_a_class_graded_warm_and_cold_gets_the_same_gradebook(tmp_path, monkeypatch):
    from tutor.exercises.catalog import load_catalog
    from tutor.grading.discover import discover
    from tutor.grading.run import grade_all
    from tutor.grading.synthetic import EXERCISE, make_class

    folder = tmp_path / "class"
    make_class(folder, {"right": 3, "right-in-folder": 2, "sigmoid": 2, "a-formula-on-z": 2, "wrong-constant": 1,
                        "syntax-error": 1, "stub": 1, "wrong-name": 1, "crash": 1, "escapes": 1, "endless": 1})
    catalog = load_catalog(bundled_course())
    subs = discover(folder, catalog, [EXERCISE])
    books = {}
    for warm in ("0", "1"):
        monkeypatch.setenv("TUTOR_WARM", warm)
        run = grade_all(subs, catalog, out=tmp_path / f"out{warm}", jobs=2, timeout=2.0, isolation="strict")
        books[warm] = [{k: v for k, v in r.items() if k != "seconds"} for r in run.records]
    assert len(books["1"]) == len(subs) == 16
    assert books["1"] == books["0"]
    scores = sorted(r["score"] for r in books["1"])
    assert scores[0] == 0 and scores[-1] == 6  # right and wrong answers both there
