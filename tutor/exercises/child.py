"""The child side of a check: run the learner's function on every test case.

This file is not imported by the tutor. The parent copies it (as
`_tutor_child.py`, beside a copy of wire.py) into the check's private folder
and runs `python -I -S -B ROOT/in/_tutor_child.py ROOT`, under bubblewrap where
it can. ROOT/in holds what the parent wrote (read-only under bubblewrap), ROOT/work
is the learner code's working folder; the three files the parent reads back
(result.json, outputs.npz, progress) are descriptors it inherits, named in
the request. When the tutor runs as root, the child becomes a uid of its own
before anything else (so the limit on processes and threads holds). It needs the
standard library and numpy only, so the tutor package (its
references, fixtures and hidden answers) never has to be reachable.

Order matters: the limits are set before numpy is imported (so "not enough
memory for numpy itself" is reported as the limit's fault), and the learner's
code runs last. Whatever this process writes (result.json, outputs.npz) the
parent treats as untrusted data: learner code runs here too and could write
anything.
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


def _close_other_fds(keep):
    """Descriptors the sandbox inherited (bwrap's argument and input files): none is the learner's business."""
    try:
        fds = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


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


def run(folder, fds, request, progress):
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

    with np.load(os.path.join(folder, "inputs.npz"), allow_pickle=False) as z:
        inputs = {k: z[k] for k in z.files}
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


def main(root):
    folder = os.path.join(root, "in")
    with open(os.path.join(folder, "request.json"), encoding="utf-8") as f:
        request = json.load(f)
    fds = [int(fd) for fd in request["outputs"]]
    _close_other_fds(set(fds) | {int(fd) for fd in (request.get("later") or {}).get("fds", [])})
    if request.get("uid") is not None:
        _become(int(request["uid"]))
    _limits(request)
    sys.path[:] = list(request["path"]) + [folder] + ([request["siblings"]] if request.get("siblings") else [])
    sys.dont_write_bytecode = True

    def progress(text):
        _write_fd(fds[2], text.encode("ascii"))

    try:
        import numpy  # noqa: F401 - measured against the limits before the learner's code
    except (MemoryError, ImportError, OSError) as err:
        _write_result(fds, {"status": "limit", "message": f"{type(err).__name__}: {err}"[:300]})
        return 0
    try:
        result = run(folder, fds, request, progress)
    except MemoryError:
        result = {"status": "memory"}
    except Exception as err:  # noqa: BLE001 - the runner itself must report, not crash
        result = {"status": "internal", "message": f"{type(err).__name__}: {err}"[:300]}
    if result is not None:  # None: written already, before the hidden tests' inputs arrived
        _write_result(fds, result)
    return 0


if __name__ == "__main__":
    os.chdir(os.path.join(sys.argv[1], "work"))
    status = main(sys.argv[1])
    # Leave at once: threads the learner's code started, or atexit handlers it
    # registered, must neither keep the check waiting nor touch the results.
    os._exit(status)
