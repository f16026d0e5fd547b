"""The child side of a check: a sandboxed server that forks one fresh child per check.

This file is not imported by the tutor. The parent copies it (as
`_tutor_child.py`, beside a copy of wire.py and config.json) into the
sandbox's read-only folder ROOT/in and runs `python -I -S -B
ROOT/in/_tutor_child.py ROOT FD`, under bubblewrap where it can. FD is a
control socket (SOCK_SEQPACKET) to the parent.

The server imports numpy once, then waits. For each check the parent sends
one short order over the socket with the check's descriptors attached (its
stdin, stdout and stderr pipes and the result files); the server forks, and
only the child reads the request itself, from its own stdin: no learner's
code or test input ever passes through the server's memory, so no later
child can find an earlier one's in what it inherits. The child leaves the
server's descriptors, becomes a uid of its own when the tutor runs as root,
sets its limits, installs the seccomp filter (no new process, no signal to
another, no shared memory), and only then reads the request and runs the
learner's code. The server waits for the child (the parent may ask it to
kill the child), empties the writable folder, and reports the exit.

Whatever the child writes (result.json, outputs.npz, progress) the parent
treats as untrusted data: learner code runs there too and could write
anything. The tutor package (its references, fixtures and hidden answers)
never has to be reachable: the child needs the standard library and numpy.
"""

import contextlib
import io
import json
import linecache
import os
import sys
import time
import traceback


def _write_fd(fd, data):
    """Replace the whole content of an inherited result file (the parent's folder is never mounted)."""
    os.ftruncate(fd, 0)
    view = memoryview(data)
    offset = 0
    while offset < len(view):
        offset += os.pwrite(fd, view[offset:], offset)


def _write_result(fds, result):
    _write_fd(fds[0], json.dumps(result).encode("utf-8"))


def _become(uid):
    """Leave root for a uid of this check's own (RLIMIT_NPROC does not bind root); no way back."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def _max_fds():
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        return soft if 0 < soft < (1 << 20) else 65536
    except (ImportError, ValueError, OSError):
        return 65536


def _close_other_fds(keep):
    """Descriptors the sandbox inherited (bwrap's argument and input files): none is the learner's business."""
    # The ranges between the kept descriptors (there is no /proc to list them in the sandbox).
    start = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, _max_fds())


def _limits(request):
    try:
        import resource
    except ImportError:  # no rlimits on this platform; the parent's timer still holds
        return
    def cap(which, value):
        with contextlib.suppress(ValueError, OSError, AttributeError):
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_AS, int(request["memory_mb"]) * 1024 * 1024)
    cap(resource.RLIMIT_FSIZE, int(request["fsize_mb"]) * 1024 * 1024)
    if request.get("nproc"):
        cap(resource.RLIMIT_NPROC, int(request["nproc"]))
    if request.get("nofile"):
        cap(resource.RLIMIT_NOFILE, int(request["nofile"]))


class _Tail(io.TextIOBase):
    """A stream that keeps only the last `limit` characters written to it."""

    def __init__(self, limit=4000):
        self.limit, self.parts, self.size = limit, [], 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        self.parts.append(s[-self.limit:])
        self.size += len(self.parts[-1])
        if self.size > 2 * self.limit:
            text = "".join(self.parts)[-self.limit:]
            self.parts, self.size = [text], len(text)
        return len(s)

    def getvalue(self):
        return "".join(self.parts)[-self.limit:]


class _Blocked:
    """Refuses imports of the tutor package, and notes each attempt for the parent."""

    def __init__(self):
        self.attempts = []

    def find_spec(self, name, path=None, target=None):
        if name == "tutor" or name.startswith("tutor."):
            if name not in self.attempts and len(self.attempts) < 10:
                self.attempts.append(name)
            raise ModuleNotFoundError(
                f"No module named {name!r}: checked code cannot import the tutor package "
                "(import helpers from tutor_helpers)", name=name)
        return None


def _learner_frame(tb, filename):
    found = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == filename:
            found = (frame.lineno, (frame.line or "").strip()[:200])
    return found


def _error(err, filename):
    where = _learner_frame(err.__traceback__, filename)
    try:
        message = str(err)[:500]
    except Exception:  # noqa: BLE001 - a learner's exception whose str() fails
        message = "(its message could not be shown)"
    return {"type": type(err).__name__[:80], "memory": isinstance(err, MemoryError), "message": message,
            "line": where[0] if where else None, "code": where[1] if where else None,
            "module": str(getattr(err, "name", "") or "")[:80] if isinstance(err, ImportError) else None}


def _finite(np, value, depth=0):
    if depth > 6:
        return True
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return bool(np.all(np.isfinite(value)))
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, (list, tuple)):
        return all(_finite(np, v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(_finite(np, v, depth + 1) for v in value.values())
    return True


def _gradient_check(np, func, args, e=1e-4):
    """Central differences on the learner's own cost, against the learner's own gradient."""
    params = np.array(args[0], dtype=float)
    rest = args[1:]
    out = func(params.copy(), *rest)
    grad = np.asarray(out[1], dtype=float).ravel()
    if grad.size != params.size:
        return {"skipped": f"your gradient has {grad.size} numbers and params has {params.size}"}

    def cost(p):
        value = func(p.copy(), *rest)
        return float(value[0] if isinstance(value, tuple) else value)

    num = np.zeros(params.size)
    for i in range(params.size):
        step = np.zeros(params.size)
        step[i] = e
        num[i] = (cost(params + step) - cost(params - step)) / (2 * e)
    if not np.any(num) and not np.any(grad):
        # 0 against 0 "agrees" perfectly, and says nothing: the unchanged stub
        # (J = 0, grad = zeros) would pass its own check while every test fails
        return {"skipped": "your cost does not change when a weight is nudged and your gradient is all "
                           "zeros, so there is nothing to compare yet"}
    denom = float(np.linalg.norm(num + grad))
    rel = float(np.linalg.norm(num - grad)) / denom if denom else 0.0
    return {"relative_difference": rel, "n": int(params.size)}


def run(fds, request, inputs, progress):
    import _tutor_wire as wire
    import numpy as np

    filename = request["filename"]
    source = request["source"]
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    printed = _Tail()
    blocked = _Blocked()
    sys.meta_path.insert(0, blocked)

    def funcs(name, kwargs):
        import functools

        import _tutor_args
        return functools.partial(getattr(_tutor_args, name), **kwargs)

    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as err:
        return {"status": "syntax-error", "message": str(getattr(err, "msg", err))[:300],
                "line": getattr(err, "lineno", None), "offset": getattr(err, "offset", None),
                "code": (getattr(err, "text", "") or "").strip()[:200], "type": type(err).__name__}
    module = {"__name__": "learner", "__file__": filename, "__builtins__": __builtins__}
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            exec(code, module)
    except BaseException as err:  # noqa: BLE001 - anything the learner's top level raises
        return {"status": "load-error", "error": _error(err, filename), "printed": printed.getvalue(),
                "blocked": blocked.attempts}
    func = module.get(request["function"])
    if not callable(func):
        names = sorted(str(k)[:60] for k, v in module.items() if callable(v) and not str(k).startswith("_"))[:10]
        return {"status": "no-function", "function": request["function"], "names": names,
                "blocked": blocked.attempts}

    arrays_out = {}
    result = {"status": "ok", "cases": [], "printed": "", "blocked": blocked.attempts}
    context = (np, wire, func, inputs, funcs, printed, filename)
    result["cases"] = _run_cases(context, request["cases"], arrays_out, progress, "")
    gc = request.get("gradient_check")
    if gc is not None:
        result["gradient_check"] = _run_gradient_check(context, request["cases"][gc], progress)
    result["printed"] = printed.getvalue()
    result["blocked"] = list(blocked.attempts)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays_out)
    _write_fd(fds[1], buffer.getvalue())
    later = request.get("later")
    if later is None:
        return result
    # The visible tests' report is complete: write it, tell the parent, and only then receive the
    # hidden tests' inputs (they were never in this process before). Of what follows, the parent
    # takes values only.
    _write_result(fds, result)
    marker, result_fd, npz_fd = (int(fd) for fd in later["fds"])
    os.write(marker, b"1")
    try:
        more, more_inputs = _receive()
        more_out = {}
        second = {"status": "ok", "cases": _run_cases((np, wire, func, more_inputs, funcs, printed, filename),
                                                       more["cases"], more_out, progress, "h")}
        gc = more.get("gradient_check")
        if gc is not None:
            second["gradient_check"] = _run_gradient_check((np, wire, func, more_inputs, funcs, printed, filename),
                                                           more["cases"][gc], progress)
        buffer = io.BytesIO()
        np.savez(buffer, **more_out)
        _write_fd(npz_fd, buffer.getvalue())
    except MemoryError:
        second = {"status": "memory"}
    except Exception as err:  # noqa: BLE001 - the runner itself must report, not crash
        second = {"status": "internal", "message": f"{type(err).__name__}"[:80]}
    _write_fd(result_fd, json.dumps(second).encode("utf-8"))
    return None


def _receive():
    """The hidden tests' request from stdin: two 8-byte lengths, then the JSON and the .npz."""
    import numpy as np

    def exactly(n):
        parts, left = [], n
        while left:
            chunk = os.read(0, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the parent closed the pipe early")
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    head = exactly(16)
    n_json, n_npz = int.from_bytes(head[:8], "big"), int.from_bytes(head[8:], "big")
    request = json.loads(exactly(n_json).decode("utf-8"))
    with np.load(io.BytesIO(exactly(n_npz)), allow_pickle=False) as z:
        inputs = {k: z[k] for k in z.files}
    return request, inputs


def _run_cases(context, cases, arrays_out, progress, tag):
    np, wire, func, inputs, funcs, printed, filename = context
    out = []
    for i, case in enumerate(cases):
        progress(f"{tag}{i}")
        # A tuple: code that reaches this frame cannot swap the objects it reports back after the call.
        args = tuple(wire.decode(d, inputs, funcs) for d in case["args"])
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                value = func(*args)
            entry = {"status": "ok", "value": wire.encode(value, arrays_out), "finite": _finite(np, value)}
        except BaseException as err:  # noqa: BLE001
            entry = {"status": "error", "error": _error(err, filename)}
        entry["seconds"] = time.perf_counter() - start
        # The inputs as they are now: the parent compares them with its own copies (this process can lie).
        entry["after"] = wire.encode(list(args), arrays_out)
        out.append(entry)
    return out


def _run_gradient_check(context, case, progress):
    np, wire, func, inputs, funcs, printed, _filename = context
    progress("gradient-check")
    args = [wire.decode(d, inputs, funcs) for d in case["args"]]
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            return _gradient_check(np, func, args)
    except BaseException as err:  # noqa: BLE001
        return {"skipped": f"your function raised {type(err).__name__[:80]} during the check"}


class _Modules:
    """Imports of the modules the parent sent with the request (tutor_helpers, the student's own files).

    They live in this process's memory only: nothing is written where the
    next check could find it.
    """

    def __init__(self, sources):
        self.sources = sources  # {module name: source bytes}

    def find_spec(self, name, path=None, target=None):
        if name not in self.sources:
            return None
        import importlib.util

        return importlib.util.spec_from_loader(name, self, origin=f"{name}.py")

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        name = module.__spec__.name
        module.__file__ = f"{name}.py"
        exec(compile(self.sources[name], module.__file__, "exec", dont_inherit=True), module.__dict__)


def _seccomp(program):
    """Install the seccomp program (bytes of struct sock_filter) on this process; no way back."""
    import ctypes

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = Prog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    # PR_SET_NO_NEW_PRIVS = 38, PR_SET_SECCOMP = 22, SECCOMP_MODE_FILTER = 2
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp could not be installed")


def _no_room():
    """True when the memory limit leaves no room at all: Python and numpy alone fill it.

    A 4 MB block needs a new mapping, which RLIMIT_AS refuses once the
    address space already held is at the limit (there is no /proc here to read it).
    """
    try:
        block = bytearray(4 << 20)
    except MemoryError:
        return True
    del block
    return False


def _check(order, fds, config):
    """One check, in the forked child: leave the server behind, bound this process, run the learner's code."""
    stdin, stdout, stderr, *outputs = fds
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
    _close_other_fds({0, 1, 2, *outputs})
    os.setsid()  # a group of its own: the server kills it as one
    if order.get("uid") is not None:
        _become(int(order["uid"]))
    _limits(order)
    if _no_room():
        # Python and numpy alone already hold what the limit allows: the limit's fault, not the code's.
        _write_result(outputs[:3], {"status": "limit", "message": "no memory left under the limit for the check"})
        return
    if config.get("seccomp") is not None:
        _seccomp(config["seccomp"])
    os.chdir(config["work"])
    results = outputs[:3]

    def progress(text):
        _write_fd(results[2], text.encode("ascii"))

    try:
        request, inputs = _receive()
    except MemoryError as err:  # the limit leaves no room even for the request: the limit's fault
        _write_result(results, {"status": "limit", "message": f"{type(err).__name__}: {err}"[:300]})
        return
    if len(outputs) > 3:
        request["later"] = {"fds": outputs[3:6]}
    import base64

    sys.meta_path.append(_Modules({name: base64.b64decode(text) for name, text in request.get("modules", {}).items()}))
    try:
        result = run(results, request, inputs, progress)
    except MemoryError:
        result = {"status": "memory"}
    except Exception as err:  # noqa: BLE001 - the runner itself must report, not crash
        result = {"status": "internal", "message": f"{type(err).__name__}: {err}"[:300]}
    if result is not None:  # None: written already, before the hidden tests' inputs arrived
        _write_result(results, result)


def _wait(pid, sock):
    """Wait for the child to end, killing it when the parent asks; (exit code, signal)."""
    import select
    import signal

    pidfd = None
    with contextlib.suppress(AttributeError, OSError):
        pidfd = os.pidfd_open(pid)
    try:
        while True:
            watched = [sock] + ([pidfd] if pidfd is not None else [])
            ready, _, _ = select.select(watched, [], [], 1.0 if pidfd is not None else 0.005)
            if sock in ready:
                message = sock.recv(64)
                if message in (b"", b"kill"):  # asked to, or the parent is gone
                    with contextlib.suppress(OSError):
                        os.killpg(pid, signal.SIGKILL)
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                if message == b"":
                    os.waitpid(pid, 0)
                    return None
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return (os.WEXITSTATUS(status), 0) if os.WIFEXITED(status) else (0, os.WTERMSIG(status))
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _empty(folder, uid):
    """Remove everything the check left in its writable folder, as the uid that wrote it."""
    try:
        if not os.listdir(folder):
            return
    except OSError:
        pass
    pid = os.fork() if uid is not None else 0
    if pid:
        os.waitpid(pid, 0)
        return
    try:
        if uid is not None:
            _become(int(uid))
        _wipe(folder)
    finally:
        if uid is not None:
            os._exit(0)


def _wipe(folder):
    """Empty `folder` whatever its content's modes (a folder of mode 0 included), without recursion."""
    for top, dirs, _files in os.walk(folder):  # first open every folder (walk descends after this)
        for name in dirs:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(top, name), 0o700, follow_symlinks=False)
    for top, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(top, name))
        for name in dirs:
            path = os.path.join(top, name)
            with contextlib.suppress(OSError):
                os.unlink(path) if os.path.islink(path) else os.rmdir(path)


def _warm_up():
    """Import, once in the server, everything a check imports: a fork then pays for none of it."""
    import base64  # noqa: F401
    import functools  # noqa: F401
    import importlib.util  # noqa: F401

    import _tutor_wire  # noqa: F401
    import numpy as np

    # np.savez and np.load import their zip and format modules on first use.
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.zeros(2))
    with np.load(io.BytesIO(buffer.getvalue()), allow_pickle=False) as z:
        z["a0"]
    np.allclose(np.zeros(2), np.zeros(2))
    json.loads(json.dumps({"a": [1.5]}))


def serve(root, control):
    """Import numpy once, then fork one child per order the parent sends, until it closes the socket."""
    import socket

    folder = os.path.join(root, "in")
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    sys.path[:] = list(config["path"]) + [folder]
    sys.dont_write_bytecode = True
    if config.get("seccomp"):
        with open(os.path.join(folder, config["seccomp"]), "rb") as f:
            config["seccomp"] = f.read()
        import ctypes  # noqa: F401 - loaded once here, not in every child
    sock = socket.socket(fileno=control)
    try:
        _warm_up()  # once, for every check this server runs
    except (MemoryError, ImportError, OSError) as err:
        sock.send(json.dumps({"failed": f"{type(err).__name__}: {err}"[:300]}).encode())
        return 0
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: a child cannot open this process's memory
    sock.send(b'{"ready": true}')
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(sock, 4096, 16)
        except OSError:
            return 0
        if not message:
            return 0
        if message == b"kill":  # for a check that had ended already when the parent asked: nothing to do
            for fd in fds:
                os.close(fd)
            continue
        order = json.loads(message.decode("utf-8"))
        pid = os.fork()
        if pid == 0:
            try:
                sock.close()
                _check(order, fds, config)
            except BaseException:  # noqa: BLE001 - said on the check's own stderr, which the parent reads
                with contextlib.suppress(Exception):
                    traceback.print_exc()
                    sys.stderr.flush()
            finally:
                os._exit(0)  # threads or atexit handlers of the learner's code must not hold the child
        for fd in fds:
            os.close(fd)
        ended = _wait(pid, sock)
        try:
            _empty(config["work"], order.get("uid"))
            clean = not os.listdir(config["work"])
        except (OSError, RecursionError):
            clean = False
        if ended is None:
            return 0
        # A folder that could not be emptied ends the server: the next check must not find what is left.
        sock.send(json.dumps({"exited": ended[0], "signal": ended[1], "retire": not clean}).encode())
        if not config.get("reuse") or not clean:
            return 0


if __name__ == "__main__":
    status = serve(sys.argv[1], int(sys.argv[2]))
    os._exit(status)
