"""The sandbox bounds the whole check: each bound, tried by code that sets out to break it.

Memory across processes, files in every place that looks writable, /dev/shm,
the number of threads and processes, the hidden tests' inputs and the host's
paths. Small limits keep the suite fast. All of it needs bubblewrap.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest

from tutor.course import bundled_course
from tutor.exercises import isolation as iso
from tutor.exercises.catalog import get_exercise
from tutor.exercises.check import check_file
from tutor.exercises.report import to_json

RIGHT = "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"
PACKAGE = Path(__file__).resolve().parent.parent / "tutor"


def _bwrap_works() -> bool:
    try:
        iso.decide("strict")
    except iso.IsolationRefused:
        return False
    return True


pytestmark = pytest.mark.skipif(not _bwrap_works(), reason="bubblewrap cannot run here (apt install bubblewrap)")


def run(tmp_path, source, exercise="sigmoid-gradient", **kw):
    path = tmp_path / "answer.py"
    path.write_text(source)
    return check_file(get_exercise(exercise, bundled_course()), path, isolation="strict", **kw)


def printed_json(result, marker="RESULT "):
    """What the learner's code printed after marker, as JSON (printed once: the visible run)."""
    line = next(line for line in result.printed.splitlines() if line.startswith(marker))
    return json.loads(line[len(marker):])


def test_four_forked_children_cannot_each_take_the_memory_limit(tmp_path):
    # The attack of the issue: fork four children, each under the limit, and hold memory in all of them.
    src = ("import json, os\nforks = []\nfor i in range(4):\n    try:\n        pid = os.fork()\n"
           "    except OSError as err:\n        forks.append(type(err).__name__)\n        continue\n"
           "    if pid == 0:\n        b = bytearray(150 << 20)\n        import time; time.sleep(5)\n        os._exit(0)\n"
           "    forks.append(pid)\n"
           "import subprocess\ntry:\n    subprocess.Popen(['true'])\n    spawned = 'yes'\nexcept OSError as err:\n"
           "    spawned = type(err).__name__\n"
           "print('RESULT ' + json.dumps({'forks': forks, 'spawned': spawned}))\n") + RIGHT
    result = run(tmp_path, src, memory_mb=256)
    seen = printed_json(result)
    assert seen == {"forks": ["PermissionError"] * 4, "spawned": "PermissionError"}
    assert result.passed  # refusing a fork is not a failure of the function


def test_no_namespace_of_its_own_where_a_tmpfs_could_escape_the_limits(tmp_path):
    # In a user namespace of its own the code could mount a tmpfs of any size: unshare and setns are refused.
    src = ("import ctypes, json\nlibc = ctypes.CDLL(None, use_errno=True)\n"
           "r = libc.unshare(0x10000000 | 0x00020000)\ne = ctypes.get_errno()\n"
           "s = libc.setns(0, 0)\n"
           "print('RESULT ' + json.dumps({'unshare': [r, e], 'setns': s}))\n") + RIGHT
    seen = printed_json(run(tmp_path, src))
    assert seen == {"unshare": [-1, 1], "setns": -1}  # EPERM


def test_memory_outside_the_address_space_is_refused(tmp_path):
    # Memory files and System V segments hold memory the address-space limit does not count.
    src = ("import ctypes, json, os, resource\nlibc = ctypes.CDLL(None, use_errno=True)\n"
           "fd = libc.memfd_create(b'x', 0)\nmemfd = [fd, ctypes.get_errno()]\n"
           "seg = libc.shmget(0, 1 << 20, 0o1000 | 0o600)\nshm = [seg, ctypes.get_errno()]\n"
           "files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]\n"
           "print('RESULT ' + json.dumps({'memfd': memfd, 'shm': shm, 'files': files}))\n") + RIGHT
    seen = printed_json(run(tmp_path, src))
    assert seen == {"memfd": [-1, 1], "shm": [-1, 1], "files": iso.MAX_FILES}


def test_threads_share_one_memory_limit(tmp_path):
    # Four threads each try to hold 100 MB under a limit of 256 MB: they cannot all have it.
    src = ("import json, threading\nheld, refused = [], []\n"
           "def grab():\n    try:\n        held.append(bytearray(100 << 20))\n    except MemoryError:\n"
           "        refused.append(1)\n"
           "ts = [threading.Thread(target=grab) for _ in range(4)]\n[t.start() for t in ts]\n[t.join() for t in ts]\n"
           "print('RESULT ' + json.dumps({'held': len(held), 'refused': len(refused)}))\nheld.clear()\n") + RIGHT
    seen = printed_json(run(tmp_path, src, memory_mb=256))
    assert seen["held"] + seen["refused"] == 4
    assert seen["held"] <= 1 and seen["refused"] >= 3  # numpy and Python already hold part of the 256 MB


def test_threads_and_processes_are_capped_for_the_whole_check(tmp_path):
    src = ("import json, threading, time\nimport threading as th\nth.stack_size(64 * 1024)\nstarted = 0\n"
           "stop = threading.Event()\ntry:\n    for i in range(3000):\n"
           "        threading.Thread(target=stop.wait, daemon=True).start()\n        started += 1\n"
           "except RuntimeError as err:\n    error = str(err)\nelse:\n    error = None\nstop.set()\n"
           "print('RESULT ' + json.dumps({'started': started, 'error': error}))\n") + RIGHT
    seen = printed_json(run(tmp_path, src))
    assert seen["error"] == "can't start new thread"
    assert 0 < seen["started"] < iso.MAX_TASKS  # the main thread and bwrap's own process count too


PROBE = """import json, os
# Every folder down to four levels (every mount point of the sandbox is within three; there is no
# /proc/self/mountinfo to list them), and the usual places.
candidates = set()
for top, dirs, _files in os.walk('/'):
    candidates.add(top)
    if top.count('/') >= 4 or top.startswith(('/proc', '/sys')):
        dirs[:] = []
candidates |= {'/', '/tmp', '/var/tmp', '/dev/shm', '/dev', '/run', '/home', '/root', os.getcwd(), os.environ.get('HOME', '/')}
writable = []
for d in sorted(candidates):
    if not os.path.isdir(d) or d.startswith('/proc') or d.startswith('/sys'):
        continue
    try:
        with open(os.path.join(d, 'probe-x'), 'w') as f:
            f.write('x')
        writable.append(d)
    except OSError:
        pass
print('RESULT ' + json.dumps({'writable': writable, 'probed': len(candidates)}))
"""


def test_nothing_is_writable_but_the_private_folder(tmp_path):
    # Every mount point the sandbox has, every parent of one, and the usual suspects (/, /tmp, /dev/shm).
    seen = printed_json(run(tmp_path, PROBE + RIGHT))
    assert seen["writable"] == [iso.SANDBOX + "/work"]
    assert seen["probed"] > 10


def test_dev_shm_cannot_be_filled(tmp_path):
    src = ("import json\nwritten = 0\ntry:\n    with open('/dev/shm/fill', 'wb') as f:\n        for _ in range(100):\n"
           "            f.write(b'x' * (1 << 20)); f.flush(); written += 1\n"
           "except OSError as err:\n    error = type(err).__name__\n"
           "print('RESULT ' + json.dumps({'written': written, 'error': error}))\n") + RIGHT
    assert printed_json(run(tmp_path, src)) == {"written": 0, "error": "OSError"}


def test_the_private_folder_holds_at_most_its_size(tmp_path):
    # Ten files of up to 10 MB each (one file is also capped by RLIMIT_FSIZE): 100 MB asked, 64 MB there.
    src = ("import json, os\nwritten = 0\ntry:\n    for i in range(10):\n        with open(f'fill{i}', 'wb') as f:\n"
           "            for _ in range(10):\n                f.write(b'x' * (1 << 20)); f.flush(); written += 1\n"
           "except OSError as err:\n    pass\n"
           "print('RESULT ' + json.dumps({'written': written}))\n") + RIGHT
    written = printed_json(run(tmp_path, src))["written"]
    assert iso.WORK_BYTES // (1 << 20) - 2 <= written <= iso.WORK_BYTES // (1 << 20)


def test_hidden_inputs_never_reach_the_learners_code_or_any_message(tmp_path):
    ex = get_exercise("sigmoid-gradient", bundled_course())
    hidden = [t for t in ex.tests if t.hidden]
    assert hidden
    # Every number of every hidden input, as Python prints it.
    import numpy as np

    numbers = {repr(float(x)) for t in hidden for v in t.arguments().values() for x in np.ravel(v)}
    numbers -= {repr(float(x)) for t in ex.tests if not t.hidden for v in t.arguments().values() for x in np.ravel(v)}
    assert numbers
    src = ("import os, sys\nfolder = os.path.join(sys.argv[1], 'in')\ntext = ''\n"
           "for name in sorted(os.listdir(folder)):\n    p = os.path.join(folder, name)\n"
           "    if os.path.isfile(p):\n        text += name + ': ' + open(p, 'rb').read().decode('latin-1')\n"
           "os.set_blocking(0, False)\n"
           "try:\n    text += ' STDIN ' + repr(os.read(0, 1 << 20))\nexcept OSError:\n    pass\n"
           "text += ' FILES ' + ' '.join(sorted(os.listdir(folder)))\n"
           "def sigmoid_gradient(z):\n    raise ValueError(text[-400:] + ' ' + repr(z.tolist()))\n")
    result = run(tmp_path, src)
    # Everything a learner or a grader is shown: the JSON document, the text report, the gradebook record.
    from rich.console import Console

    from tutor.exercises.report import render_text, to_gradescope

    console = Console(record=True, width=200, file=io.StringIO())
    console.print(render_text(result))
    doc = json.dumps(to_json(result)) + json.dumps(to_gradescope(result)) + console.export_text() + result.printed
    assert "ValueError" in doc and "config.json" in doc  # the visible tests show the message...
    leaked = sorted(n for n in numbers if n in doc)
    assert leaked == []  # ...and none of it holds a hidden input


def test_no_host_path_in_what_the_code_can_read_about_its_sandbox(tmp_path, monkeypatch):
    checks = tmp_path / "checks"
    checks.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(checks))
    secrets = {"check folder": str(checks), "tutor package": str(PACKAGE), "learner's folder": str(tmp_path),
               "install": str(PACKAGE.parent)}
    # The code looks for the host's paths itself (what it reads is longer than the printed tail).
    src = (f"import os, sys, json\nsecrets = {secrets!r}\nseen = {{}}\n"
           "def read(name):\n    try:\n        return open(name, 'rb').read().decode('latin-1')\n"
           "    except OSError as err:\n        return type(err).__name__\n"
           "for name in ('/proc/1/cmdline', '/proc/self/cmdline', '/proc/self/mountinfo', '/proc/self/mounts',\n"
           "             '/proc/self/environ', '/proc/self/maps'):\n"
           "    seen[name] = read(name)\n"
           "seen['environ'] = repr(dict(os.environ))\n"
           "import numpy\nseen['paths'] = ' '.join(sys.path) + ' ' + numpy.__file__ + ' ' + __file__\n"
           "seen['cwd'] = os.getcwd()\n"
           "def link(fd):\n    try:\n        return os.readlink('/dev/fd/' + str(fd))\n    except OSError:\n        return ''\n"
           "seen['fds'] = ' '.join(link(fd) for fd in range(64))\n"
           "found = sorted([what, name] for name, text in seen.items() for what, path in secrets.items() if path in text)\n"
           "print('RESULT ' + json.dumps(found))\nprint('MOUNTINFO ' + json.dumps(seen['/proc/self/mountinfo']))\n") + RIGHT
    result = run(tmp_path, src)
    assert result.passed, result.problem
    found = printed_json(result)
    # The sandbox has no /proc: its mountinfo named the host folders the interpreter and numpy are
    # bound from (the install's path). Nothing the code can read names a host path.
    assert found == []
    assert printed_json(result, "MOUNTINFO ") == "FileNotFoundError"


def test_the_bounds_line_says_which_bounds_hold(tmp_path):
    result = run(tmp_path, RIGHT, memory_mb=512, timeout=5)
    assert result.bounds == "bounds: 1 process, 64 threads, 512 MB, 64 MB of files, 5 s, 1 MB of output"
    off = check_file(get_exercise("sigmoid-gradient", bundled_course()), tmp_path / "answer.py", isolation="off")
    assert off.bounds == "bounds: per process only (not isolated): 2048 MB, 10 s"
    line = iso.bounds_line(True, memory_mb=2048, timeout=10, max_output=1 << 20, one_process=False, tasks_capped=True)
    assert line == "bounds: 64 tasks, 2048 MB each, 64 MB of files, 10 s, 1 MB of output"
    assert len(line) < 80


def test_the_no_fork_filter_is_a_valid_program_for_each_known_machine():
    import struct

    for machine in ("x86_64", "aarch64"):
        prog = iso.no_fork_filter(machine)
        ins = [struct.unpack("<HBBI", prog[i:i + 8]) for i in range(0, len(prog), 8)]
        # Every jump lands inside the program, and it ends in returns only.
        for at, (code, jt, jf, _k) in enumerate(ins):
            if code & 0x07 == 0x05:  # BPF_JMP
                assert at + 1 + max(jt, jf) < len(ins)
        assert all(code == 0x06 for code, *_ in ins[-3:])
    assert iso.no_fork_filter("sparc") is None


# -- the parent decides: in-place changes the child tries to hide ---------------------------

UPDATE_IN_PLACE = ("def update_parameters(parameters, grads, learning_rate):\n"
                   "    for k in parameters:\n        parameters[k] -= learning_rate * grads['d' + k]\n"
                   "    return {k: v.copy() for k, v in parameters.items()}\n")


@pytest.mark.parametrize("hide", [
    # numpy's judges replaced at import: every comparison in this process says "unchanged".
    ("import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
     "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n"),
    # The attack on the old checker: walk up to the runner's frames and make its copies of the inputs
    # match the changed ones (and clear any list of changes), so a comparison there finds nothing.
    ("import sys, numpy as np\n"
     "def _scrub():\n    f = sys._getframe(1)\n    while f is not None:\n"
    "        for v in list(f.f_locals.values()):\n"
    "            if isinstance(v, list) and v and all(isinstance(x, tuple) and len(x) == 3 for x in v):\n"
    "                for _, arr, before in v:\n                    if isinstance(before, np.ndarray):\n"
    "                        before[...] = arr\n"
    "            if isinstance(v, dict) and isinstance(v.get('changed'), list):\n                v['changed'].clear()\n"
     "        f = f.f_back\n"),
    # In the runner's frame, swap the argument it will report back for an untouched copy.
    ("import sys, copy\n_saved = {}\n"
    "def _scrub():\n    f = sys._getframe(1)\n    mine = f.f_locals['parameters']\n    f = f.f_back\n"
    "    while f is not None:\n        for v in list(f.f_locals.values()):\n"
    "            if isinstance(v, list) and any(x is mine for x in v):\n"
    "                v[[i for i, x in enumerate(v) if x is mine][0]] = _saved['p']\n"
    "        f = f.f_back\n"),
], ids=["numpy-judges-replaced", "frames-scrubbed", "argument-swapped"])
def test_an_in_place_change_cannot_be_hidden_from_the_parent(tmp_path, hide):
    src = hide + UPDATE_IN_PLACE.replace("    return {k:", "    _scrub() if '_scrub' in globals() else None\n    return {k:")
    src = src.replace("    for k in parameters:", "    if '_saved' in globals():\n        _saved['p'] = copy.deepcopy(parameters)\n"
                      "    for k in parameters:")
    result = run(tmp_path, src, exercise="update-parameters")
    assert not result.passed and result.score == 0
    changed = [t for t in result.tests if not t.hidden]
    assert changed and all("changed its input parameters[" in t.message for t in changed)


def test_a_copy_that_leaves_the_inputs_alone_passes(tmp_path):
    src = ("def update_parameters(parameters, grads, learning_rate):\n"
           "    return {k: v - learning_rate * grads['d' + k] for k, v in parameters.items()}\n")
    assert run(tmp_path, src, exercise="update-parameters").passed


# -- the hidden tests arrive last, in the same process ----------------------------------------

ON_HIDDEN = ("import numpy as np\nfrom tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n"
             "    if np.max(np.abs(z)) > 10:  # only the hidden test's inputs are this large\n{what}\n"
             "    s = sigmoid(z)\n    return s * (1 - s)\n")


def test_an_endless_loop_on_a_hidden_test_keeps_the_visible_results(tmp_path):
    result = run(tmp_path, ON_HIDDEN.format(what="        while True:\n            pass"), timeout=3)
    assert [t.passed for t in result.tests] == [True, True, True, False]
    assert result.problem == ("your code did not finish within 3 s during hidden test 4 ('large |z| stays finite "
                              "and near 0') (an endless loop?). It was stopped.")


def test_a_crash_on_a_hidden_test_says_so_in_the_parents_words(tmp_path):
    result = run(tmp_path, ON_HIDDEN.format(what="        print('SECRET', z.tolist())\n        import os\n"
                                                  "        os._exit(3)"))
    assert [t.passed for t in result.tests] == [True, True, True, False]
    assert "stopped during hidden test 4" in result.problem and "SECRET" not in result.problem
    assert "SECRET" not in result.printed  # what it printed after the hidden inputs arrived is dropped


def test_code_that_reads_the_hidden_inputs_off_stdin_only_loses_them(tmp_path):
    # A thread waits on stdin from import on; whatever it gets arrives after the visible report is final.
    src = ("import os, threading\nstolen = []\n"
           "threading.Thread(target=lambda: stolen.append(os.read(0, 1 << 20)), daemon=True).start()\n") + RIGHT
    result = run(tmp_path, src)
    assert [t.passed for t in result.tests][:3] == [True, True, True]
    assert result.tests[3].hidden and result.tests[3].public_message().startswith(("passed", "failed"))
