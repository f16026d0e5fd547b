"""The parent side of a check: prepare the private folder, start the child, stop it, read it.

`run_sandbox` writes the child runner, the helpers the stub may import, the
learner's source (already decoded by the parent) and the inputs into a fresh
private folder; starts the child (under bubblewrap when it can); reads its
stdout and stderr in a loop with a cap; on exit, timeout or too much output
kills the child's whole tree (process group, pid namespace, and any process
carrying this check's token); reads the result as untrusted data; and
removes the folder. Nothing here trusts a number the child reports.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tutor.exercises import isolation
from tutor.exercises.intake import IntakeError, load_npz, parse_result, read_fd, read_regular
from tutor.exercises.safetext import safe_text
from tutor.exercises.stubs import module_source
from tutor.exercises.wire import encode

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 2048
MAX_OUTPUT = 1024 * 1024  # bytes the child may write to its stdout and stderr together
MAX_SIBLINGS = 50  # .py files copied from beside the learner's file
_HERE = Path(__file__).resolve().parent
# Read now, not when a check runs: nothing a child does can change what the next child gets.
_CHILD_SOURCE = (_HERE / "child.py").read_text(encoding="utf-8")
_WIRE_SOURCE = (_HERE / "wire.py").read_text(encoding="utf-8")


@dataclass
class SandboxResult:
    """What happened in the child.

    status: ok | syntax-error | load-error | no-function | timeout | memory |
    crashed | output | malformed | limit | internal. cases: one dict per test
    case that reported, with 'status' (ok | error), 'value' (decoded),
    'error', 'changed', 'finite'. isolated: whether bubblewrap was used.
    """

    status: str
    cases: list = field(default_factory=list)
    detail: dict = field(default_factory=dict)
    printed: str = ""
    gradient_check: dict | None = None
    running_case: int | None = None  # the case that was running when the child stopped
    isolated: bool = False
    notice: str | None = None
    blocked: list = field(default_factory=list)  # tutor modules the code tried to import
    bounds: str = ""  # one line: which bounds held (isolation.bounds_line)
    later: SandboxResult | None = None  # the hidden tests' values, when they were sent (run_sandbox later_cases)
    hidden_problem: str | None = None  # why the hidden tests' run gave no values (words of the parent's own)


def _child_env(token: str) -> dict:
    # A minimal environment: no HOME, no TUTOR_HOME, no PYTHONPATH pointing at the repository.
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONIOENCODING": "utf-8", "TUTOR_CHECK_TOKEN": token}
    # One BLAS thread: predictable timing, and the address-space limit is not eaten by thread stacks.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


def _copy_siblings(source_file: Path | None, target: Path) -> None:
    """Plain .py files beside the learner's file (their own helpers), copied, never linked."""
    target.mkdir()
    if source_file is None:
        return
    folder = source_file.resolve().parent
    count = 0
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if count >= MAX_SIBLINGS or not entry.name.endswith(".py") or entry.name.startswith("tutor"):
            continue
        try:
            data = read_regular(entry.path, 256 * 1024)
        except IntakeError:
            continue
        if data is not None:
            (target / entry.name).write_bytes(data)
            count += 1


def _kill_tree(proc: subprocess.Popen, token: str) -> None:
    """SIGKILL the child's process group, then every process still carrying this check's token."""
    if not hasattr(os, "killpg"):  # Windows: no process groups to kill; the child itself at least
        proc.kill()
        proc.wait()
        return
    for _ in range(5):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        found = _processes_with(token)
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if not found:
            break
        time.sleep(0.02)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _processes_with(token: str) -> list[int]:
    """Pids whose environment holds TUTOR_CHECK_TOKEN=token (the child's descendants, however detached)."""
    needle = f"TUTOR_CHECK_TOKEN={token}".encode()
    pids = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return pids
    for name in names:
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if needle in f.read(1 << 20):
                    pids.append(int(name))
        except OSError:
            continue
    return pids


def _communicate(proc: subprocess.Popen, timeout: float, marker: int | None = None,
                 on_marker=None) -> tuple[str, bytes]:
    """('exited' | 'timeout' | 'output', the tail of stdout+stderr); reads with a cap, never blocks past timeout.

    marker: a pipe the child writes one byte to when its visible tests are done;
    on_marker(tail) is called once, at that moment (it must not block)."""
    if os.name == "nt":  # select() cannot wait on pipes there: the plain way, unbounded (no isolation there anyway)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", b""
        return ("output" if len(out) + len(err) > MAX_OUTPUT else "exited"), (out + err)[-4000:]
    sel = selectors.DefaultSelector()
    for stream in (proc.stdout, proc.stderr):
        os.set_blocking(stream.fileno(), False)
        sel.register(stream, selectors.EVENT_READ)
    if marker is not None:
        os.set_blocking(marker, False)
        sel.register(marker, selectors.EVENT_READ, "marker")
    deadline = time.monotonic() + timeout
    tail, total, outcome = b"", 0, None
    while outcome is None:
        now = time.monotonic()
        if proc.poll() is not None:
            outcome = "exited"
            break
        if now >= deadline:
            outcome = "timeout"
            break
        for key, _ in sel.select(timeout=min(0.05, deadline - now)):
            fd = key.fileobj if isinstance(key.fileobj, int) else key.fileobj.fileno()
            try:
                chunk = os.read(fd, 65536)
            except (BlockingIOError, InterruptedError):
                continue
            if key.data == "marker":
                sel.unregister(key.fileobj)
                if chunk and on_marker is not None:
                    on_marker(tail)
                continue
            if not chunk:
                sel.unregister(key.fileobj)
                continue
            total += len(chunk)
            tail = (tail + chunk)[-4000:]
            if total > MAX_OUTPUT:
                outcome = "output"
                break
    # What is already in the pipes (a grandchild may hold them open: do not wait for their end).
    for key in list(sel.get_map().values()):
        if key.data == "marker":
            continue
        try:
            chunk = os.read(key.fileobj.fileno(), 65536)
            tail = (tail + chunk)[-4000:]
        except (BlockingIOError, InterruptedError, OSError):
            pass
    sel.close()
    return outcome, tail


def _remove(folder: Path) -> None:
    def retry(func, path, _exc):
        try:
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            func(path)
        except OSError:
            pass

    shutil.rmtree(folder, onerror=retry)


def _expected_budget(expected_bytes: int) -> int:
    """Bytes of arrays the parent will read back: generous for wrong shapes, bounded for bombs."""
    return int(min(256 * 1024 * 1024, max(8 * 1024 * 1024, 64 * expected_bytes)))


def _staged_files(inp: Path) -> list[tuple[str, Path]]:
    """(name inside SANDBOX/in, host path) for every file the parent wrote into the folder `in`."""
    return sorted((p.relative_to(inp).as_posix(), p) for p in inp.rglob("*") if p.is_file())


def _output_fds(out: Path) -> list[int]:
    """Descriptors of the three result files, made here and inherited by the child.

    Anonymous memory files where the system has them: no path names them (not
    even /proc/self/fd), nothing can swap them for a link or a FIFO, and the
    child's RLIMIT_FSIZE caps what it writes into them. Elsewhere, files in
    the check's folder.
    """
    fds = []
    for name in isolation.OUTPUTS:
        if hasattr(os, "memfd_create"):
            fd = os.memfd_create(name, os.MFD_CLOEXEC)
        else:
            fd = os.open(out / name, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        fds.append(fd)
    return fds


def run_sandbox(
    source: str,
    function: str,
    cases: list[list],
    names: list[str],
    *,
    filename: str = "answer.py",
    source_file: Path | str | None = None,
    siblings: bool = True,
    helpers: dict | None = None,
    function_args: dict | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    gradient_check: int | None = None,
    isolation_mode: str = "auto",
    expected_bytes: int = 0,
    encode_extra=None,
    later_cases: list[list] | None = None,
    later_gradient_check: int | None = None,
) -> SandboxResult:
    """Run function(*args) from the learner's source for each args list in cases.

    helpers: {name: function} written as tutor_helpers.py (what the stub imports);
    function_args: {name: function} written as _tutor_args.py (functions passed as arguments).
    siblings: also stage the .py files beside source_file (a student's own
    folder, as `tutor grade` stages it); False stages the learner's code alone.
    later_cases: cases (hidden tests) the child receives on its stdin only once
    it has reported every case in `cases`, in the same process: the result's
    `later` is what came back for them (a SandboxResult of values, or why not).
    """
    bwrap, notice = isolation.decide(isolation_mode)
    roots = isolation.python_roots()
    inside_roots = isolation.inside_roots(roots) if bwrap else roots
    folder = Path(tempfile.mkdtemp(prefix="tutor-check-"))
    token = secrets.token_hex(16)
    opened: list[int] = []
    out_fds: list[int] = []
    later_fds: list[int] = []  # marker (read end), result, outputs of the hidden tests
    kept: list[int] = []  # copies of the visible tests' result files, taken at the marker
    try:
        os.chmod(folder, 0o700)
        inp, out, work = folder / "in", folder / "out", folder / "work"
        for d in (inp, out, work):
            d.mkdir()
        out_fds = _output_fds(out)
        arrays: dict = {}
        encoded = [{"args": [encode(a, arrays, extra=encode_extra) for a in args], "names": names[: len(args)]}
                   for args in cases]
        np.savez(inp / "inputs.npz", **arrays)
        (inp / "_tutor_child.py").write_text(_CHILD_SOURCE, encoding="utf-8")
        (inp / "_tutor_wire.py").write_text(_WIRE_SOURCE, encoding="utf-8")
        (inp / "tutor_helpers.py").write_text(module_source(helpers or {}), encoding="utf-8")
        (inp / "_tutor_args.py").write_text(module_source(function_args or {}), encoding="utf-8")
        _copy_siblings(Path(source_file) if source_file and siblings else None, inp / "lib")
        inside = isolation.SANDBOX if bwrap else str(folder)
        uid = isolation.sandbox_uid() if bwrap else None
        seccomp = isolation.no_fork_filter() if bwrap else None
        fsize_mb = max(16, _expected_budget(expected_bytes) // (1024 * 1024) + 8)
        request = {"filename": filename, "source": source, "function": function, "cases": encoded,
                   "memory_mb": memory_mb, "fsize_mb": fsize_mb, "gradient_check": gradient_check,
                   "path": isolation.child_path(inside_roots), "siblings": os.path.join(inside, "in", "lib"),
                   "nproc": isolation.MAX_TASKS if bwrap else _nproc_limit(), "uid": uid, "outputs": out_fds,
                   "nofile": isolation.MAX_FILES if bwrap else None}
        payload = b""
        if later_cases:
            marker_r, marker_w = os.pipe()
            later_fds = [marker_r, *_output_fds(out)[:2]]
            opened.append(marker_w)
            request["later"] = {"fds": [marker_w, *later_fds[1:]]}
            payload = _later_payload(later_cases, names, later_gradient_check, encode_extra)
        (inp / "request.json").write_text(json.dumps(request), encoding="utf-8")
        argv = [inside_roots["exe"], "-I", "-S", "-B", os.path.join(inside, "in", "_tutor_child.py"), inside]
        if bwrap:
            staged = _staged_files(inp)
            file_fds = [os.open(path, os.O_RDONLY | os.O_CLOEXEC) for _, path in staged]
            opened += file_fds
            in_bytes = sum(path.stat().st_size for _, path in staged) + 4096 * (len(staged) + 8)
            seccomp_fd = None
            if seccomp is not None:
                (folder / "seccomp.bpf").write_bytes(seccomp)
                seccomp_fd = os.open(folder / "seccomp.bpf", os.O_RDONLY | os.O_CLOEXEC)
                opened.append(seccomp_fd)
            options = isolation.bwrap_args(roots, list(zip(file_fds, [n for n, _ in staged])), in_bytes=in_bytes,
                                           uid=uid, seccomp_fd=seccomp_fd, env=_child_env(token),
                                           disable_userns=isolation.bwrap_version(bwrap) >= (0, 8))
            (folder / "args").write_bytes(b"".join(o.encode() + b"\0" for o in options))
            args_fd = os.open(folder / "args", os.O_RDONLY | os.O_CLOEXEC)
            opened.append(args_fd)
            cmd = [bwrap, "--args", str(args_fd), "--", *argv]
        else:
            cmd = argv
        env = {"TUTOR_CHECK_TOKEN": token} if bwrap else _child_env(token)
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=str(work), env=env,
                                stdin=subprocess.PIPE if later_cases else subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True, close_fds=True,
                                pass_fds=[*out_fds, *later_fds[1:], *opened])
        for fd in opened:
            os.close(fd)
        opened = []
        seen: dict = {}

        def on_marker(tail_now: bytes) -> None:
            # The visible tests' report is final now: keep a copy the child cannot touch, then send the
            # hidden inputs from a thread (a child that does not read must not hold up the timer).
            kept.extend(_copy_fd(fd, out / f"kept-{i}") for i, fd in enumerate(out_fds))
            seen["tail"] = tail_now
            threading.Thread(target=_send, args=(proc.stdin, payload), daemon=True).start()

        try:
            outcome, tail = _communicate(proc, timeout, later_fds[0] if later_cases else None, on_marker)
        finally:
            _kill_tree(proc, token)
            proc.stdout.close()
            proc.stderr.close()
            if proc.stdin is not None and not kept:
                proc.stdin.close()
        elapsed = time.monotonic() - started
        if kept:
            result = _read(kept, "exited", seen["tail"], 0, len(cases), expected_bytes, timeout, elapsed)
            later = _read([*later_fds[1:], out_fds[2]], outcome, tail, proc.returncode, len(later_cases),
                          expected_bytes, timeout, elapsed)
            if later.status == "crashed":
                later.detail = {}  # its exit code and output are the hidden run's: no words of it are shown
            later.printed = ""
            result.later = later
        else:
            result = _read(out_fds, outcome, tail, proc.returncode, len(cases), expected_bytes, timeout, elapsed)
        result.isolated = bwrap is not None
        result.notice = notice
        result.bounds = isolation.bounds_line(bwrap is not None, memory_mb=memory_mb, timeout=timeout,
                                              max_output=MAX_OUTPUT, one_process=seccomp is not None,
                                              tasks_capped=bwrap is not None or _nproc_limit() is not None)
        return result
    finally:
        for fd in [*opened, *out_fds, *later_fds, *kept]:
            os.close(fd)
        _remove(folder)


def _later_payload(cases: list[list], names: list[str], gradient_check: int | None, encode_extra) -> bytes:
    """What the child reads on stdin for the hidden tests: two 8-byte lengths, the JSON, the .npz."""
    import io

    arrays: dict = {}
    encoded = [{"args": [encode(a, arrays, extra=encode_extra) for a in args], "names": names[: len(args)]}
               for args in cases]
    doc = json.dumps({"cases": encoded, "gradient_check": gradient_check}).encode("utf-8")
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    npz = buffer.getvalue()
    return len(doc).to_bytes(8, "big") + len(npz).to_bytes(8, "big") + doc + npz


def _send(stream, payload: bytes) -> None:
    try:
        stream.write(payload)
        stream.close()
    except (OSError, ValueError):  # the child is gone or stopped reading: the timer decides
        pass


def _copy_fd(fd: int, spare: Path) -> int:
    """A private copy of a result file as it is now (a memory file where the system has them, else `spare`)."""
    data = os.pread(fd, max(os.fstat(fd).st_size, 0) + 1, 0)
    if hasattr(os, "memfd_create"):
        copy = os.memfd_create("kept", os.MFD_CLOEXEC)
    else:
        copy = os.open(spare, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(copy, data)
    return copy


def _nproc_limit() -> int | None:
    """RLIMIT_NPROC for the child: the user's current process count plus room for a few helpers.

    The kernel counts every process of the user, so a fixed small number would
    fail for someone with many programs open. Root is exempt from the limit
    (the pid namespace and the timeout bound a fork bomb there), so None.
    """
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return None
    uid, count = str(os.getuid()), 0
    try:
        names = [n for n in os.listdir("/proc") if n.isdigit()]
    except OSError:
        return None
    for name in names:
        try:
            with open(f"/proc/{name}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        count += line.split()[1] == uid
                        break
        except OSError:
            continue
    return count + 128


def _running(fds: list[int]) -> int | None:
    try:
        text = read_fd(fds[2], 64, "progress").decode("ascii", "replace").strip()
    except IntakeError:
        return None
    text = text.removeprefix("h")  # "h3": the hidden tests' fourth case
    return int(text) if text.isdigit() else None


def _read(fds: list[int], outcome: str, tail: bytes, returncode, n_cases: int, expected_bytes: int,
          timeout: float, elapsed: float) -> SandboxResult:
    running = _running(fds)
    if outcome == "timeout":
        return SandboxResult("timeout", detail={"seconds": timeout}, running_case=running)
    if outcome == "output":
        return SandboxResult("output", detail={"limit": MAX_OUTPUT}, running_case=running)
    stderr = safe_text(tail.decode("utf-8", "replace")[-1000:], newlines=True)
    try:
        data = read_fd(fds[0], 4 * 1024 * 1024, "result.json")
    except IntakeError as err:
        return SandboxResult("malformed", detail={"message": str(err)})
    if not data:  # absent (fallback) or still empty: the child never reported
        return SandboxResult("crashed", detail={"returncode": returncode, "stderr": stderr}, running_case=running)
    budget = _expected_budget(expected_bytes)
    loaded: dict = {}

    def outputs(key):
        if "arrays" not in loaded:
            loaded["arrays"] = load_npz(fds[1], budget)
        return loaded["arrays"][key]

    try:
        doc = parse_result(data, n_cases, outputs)
    except IntakeError as err:
        return SandboxResult("malformed", detail={"message": str(err)})
    except (ValueError, TypeError, OverflowError, KeyError, RecursionError) as err:  # forged data of a kind not foreseen
        return SandboxResult("malformed", detail={"message": f"result.json could not be read ({type(err).__name__})"})
    status = doc["status"]
    if status != "ok":
        return SandboxResult(status, detail=doc, printed=doc.get("printed", ""), blocked=doc.get("blocked", []))
    return SandboxResult("ok", cases=doc["cases"], printed=doc.get("printed", ""),
                         gradient_check=doc.get("gradient_check"), running_case=running,
                         blocked=doc.get("blocked", []), detail={"returncode": returncode, "stderr": stderr})
