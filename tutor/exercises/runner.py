"""The parent side of a check: send the request to a sandbox server, watch the fork, read it.

`run_sandbox` encodes the learner's source, the helpers the stub may import,
the student's own other files and the test inputs into one request; asks a
sandbox server (tutor.exercises.server: one given by the caller, warm, or a
fresh one of its own) for a fork with its own pipes and result files; sends
the request on the fork's stdin; reads its stdout and stderr with a cap;
kills it on timeout or too much output; and reads the result as untrusted
data. Nothing here trusts a number the child reports.
"""

from __future__ import annotations

import base64
import io
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tutor.exercises import isolation
from tutor.exercises.intake import IntakeError, load_npz, parse_result, read_fd, read_regular
from tutor.exercises.safetext import safe_text
from tutor.exercises.server import Server, ServerLost, nproc_limit, watch
from tutor.exercises.stubs import module_source
from tutor.exercises.wire import encode

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 2048
MAX_OUTPUT = 1024 * 1024  # bytes the child may write to its stdout and stderr together
MAX_SIBLINGS = 50  # .py files of the student's own folder sent along
SIBLING_BYTES = 256 * 1024  # the most of one such file
PIPE_BYTES = 65536  # what a pipe holds on Linux before a writer waits


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


def _siblings(source_file: Path | None) -> dict:
    """{module name: source bytes} of the plain .py files beside the learner's file (their own helpers)."""
    if source_file is None:
        return {}
    folder = source_file.resolve().parent
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return {}
    found: dict = {}
    for entry in entries:
        name = entry.name
        if len(found) >= MAX_SIBLINGS or not name.endswith(".py") or name.startswith("tutor") \
                or not name[:-3].isidentifier():
            continue
        try:
            data = read_regular(entry.path, SIBLING_BYTES)
        except IntakeError:
            continue
        if data is not None:
            found[name[:-3]] = data
    return found


def _expected_budget(expected_bytes: int) -> int:
    """Bytes of arrays the parent will read back: generous for wrong shapes, bounded for bombs."""
    return int(min(256 * 1024 * 1024, max(8 * 1024 * 1024, 64 * expected_bytes)))


def _output_fd(name: str) -> int:
    """A result file the fork inherits: an anonymous memory file where the system has them, else an unnamed one.

    No path names it (not even /proc/self/fd), nothing can swap it for a link
    or a FIFO, and the fork's RLIMIT_FSIZE caps what it writes into it.
    """
    if hasattr(os, "memfd_create"):
        return os.memfd_create(name, os.MFD_CLOEXEC)
    import tempfile

    with tempfile.TemporaryFile() as f:
        return os.dup(f.fileno())


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
    server: Server | None = None,
) -> SandboxResult:
    """Run function(*args) from the learner's source for each args list in cases.

    helpers: {name: function} sent as the module tutor_helpers (what the stub imports);
    function_args: {name: function} sent as _tutor_args (functions passed as arguments).
    siblings: also send the .py files beside source_file (a student's own
    folder, as `tutor grade` stages it); False sends the learner's code alone.
    later_cases: cases (hidden tests) the child receives on its stdin only once
    it has reported every case in `cases`, in the same process: the result's
    `later` is what came back for them (a SandboxResult of values, or why not).
    server: a warm sandbox to run in (its isolation was decided when it
    started; isolation_mode is then not used); None (or one that can take no
    more checks) starts one for this check alone and ends it after.
    """
    own = server is None or not server.available
    if own:
        server = Server(isolation_mode)
    try:
        return _run(server, source, function, cases, names, filename=filename,
                    siblings=_siblings(Path(source_file) if source_file and siblings else None),
                    helpers=helpers, function_args=function_args, timeout=timeout, memory_mb=memory_mb,
                    gradient_check=gradient_check, expected_bytes=expected_bytes, encode_extra=encode_extra,
                    later_cases=later_cases, later_gradient_check=later_gradient_check)
    finally:
        if own:
            server.close()


def _payload(doc: dict, arrays: dict) -> bytes:
    """What the fork reads on stdin: two 8-byte lengths, the JSON, the .npz."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    npz = buffer.getvalue()
    data = json.dumps(doc).encode("utf-8")
    return len(data).to_bytes(8, "big") + len(npz).to_bytes(8, "big") + data + npz


def _run(server: Server, source, function, cases, names, *, filename, siblings, helpers, function_args, timeout,
         memory_mb, gradient_check, expected_bytes, encode_extra, later_cases, later_gradient_check) -> SandboxResult:
    bwrap = server.bwrap
    arrays: dict = {}
    encoded = _encode_cases(cases, names, encode_extra, arrays)
    # The tutor's own modules come last: a student's file of the same name never replaces them.
    modules = {**siblings, "tutor_helpers": module_source(helpers or {}).encode("utf-8"),
               "_tutor_args": module_source(function_args or {}).encode("utf-8")}
    request = {"filename": filename, "source": source, "function": function, "cases": encoded,
               "gradient_check": gradient_check,
               "modules": {k: base64.b64encode(v).decode("ascii") for k, v in modules.items()}}
    payload = _payload(request, arrays)
    fsize_mb = max(16, _expected_budget(expected_bytes) // (1024 * 1024) + 8)
    order = {"memory_mb": memory_mb, "fsize_mb": fsize_mb, "uid": isolation.sandbox_uid() if bwrap else None,
             "nproc": isolation.MAX_TASKS if bwrap else nproc_limit(),
             "nofile": isolation.MAX_FILES if bwrap else None}
    ours: list[int] = []  # descriptors this side reads or writes
    theirs: list[int] = []  # descriptors only the fork uses (closed here once sent)
    kept: list[int] = []  # copies of the visible tests' result files, taken at the marker
    try:
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        ours += [stdin_w, stdout_r, stderr_r]
        theirs += [stdin_r, stdout_w, stderr_w]
        out_fds = [_output_fd(name) for name in isolation.OUTPUTS]
        ours += out_fds
        later_fds: list[int] = []  # marker (read end), result, outputs of the hidden tests
        sent = [stdin_r, stdout_w, stderr_w, *out_fds]
        if later_cases:
            marker_r, marker_w = os.pipe()
            later_fds = [marker_r, _output_fd("later.json"), _output_fd("later.npz")]
            ours += later_fds
            theirs.append(marker_w)
            sent += [marker_w, *later_fds[1:]]
        try:
            server.order(order, sent)
        except ServerLost as err:
            return SandboxResult("crashed", detail={"returncode": None, "stderr": safe_text(str(err)[-1000:])},
                                 isolated=bwrap is not None, notice=server.notice)
        for fd in theirs:
            os.close(fd)
        theirs = []
        started = time.monotonic()
        stdin = os.fdopen(stdin_w, "wb", buffering=0)
        ours.remove(stdin_w)
        if len(payload) <= PIPE_BYTES:  # fits in the empty pipe: written at once, no thread to wait for
            _send(stdin, payload, not later_cases)
        else:
            threading.Thread(target=_send, args=(stdin, payload, not later_cases), daemon=True).start()
        seen: dict = {}

        def on_marker(tail_now: bytes) -> None:
            # The visible tests' report is final now: keep a copy the child cannot touch, then send the
            # hidden inputs from a thread (a child that does not read must not hold up the timer).
            kept.extend(_copy_fd(fd) for fd in out_fds)
            seen["tail"] = tail_now
            hidden = _later_payload(later_cases, names, later_gradient_check, encode_extra)
            threading.Thread(target=_send, args=(stdin, hidden, True), daemon=True).start()

        try:
            outcome, tail, ended = watch(server, [stdout_r, stderr_r], timeout, MAX_OUTPUT,
                                         later_fds[0] if later_cases else None, on_marker)
        finally:
            if not kept:
                _close_quietly(stdin)
        returncode = ended.get("exited") if not ended.get("signal") else -int(ended["signal"])
        elapsed = time.monotonic() - started
        if kept:
            result = _read(kept, "exited", seen["tail"], 0, len(cases), expected_bytes, timeout, elapsed)
            later = _read([*later_fds[1:], out_fds[2]], outcome, tail, returncode, len(later_cases),
                          expected_bytes, timeout, elapsed)
            if later.status == "crashed":
                later.detail = {}  # its exit code and output are the hidden run's: no words of it are shown
            later.printed = ""
            result.later = later
        else:
            result = _read(out_fds, outcome, tail, returncode, len(cases), expected_bytes, timeout, elapsed)
        result.isolated = bwrap is not None
        result.notice = server.notice
        result.bounds = isolation.bounds_line(bwrap is not None, memory_mb=memory_mb, timeout=timeout,
                                              max_output=MAX_OUTPUT, one_process=server.seccomp is not None,
                                              tasks_capped=bwrap is not None or nproc_limit() is not None)
        return result
    finally:
        for fd in [*ours, *theirs, *kept]:
            _close_quietly(fd)


def _close_quietly(thing) -> None:
    try:
        thing.close() if hasattr(thing, "close") else os.close(thing)
    except OSError:
        pass


def _later_payload(cases: list[list], names: list[str], gradient_check: int | None, encode_extra) -> bytes:
    """The hidden tests, in the same framing as the request."""
    arrays: dict = {}
    return _payload({"cases": _encode_cases(cases, names, encode_extra, arrays), "gradient_check": gradient_check},
                    arrays)


def _encode_cases(cases: list[list], names: list[str], encode_extra, arrays: dict) -> list[dict]:
    """Each case's arguments as wire descriptions (their arrays go into `arrays`), with their names."""
    return [{"args": [encode(a, arrays, extra=encode_extra) for a in args], "names": names[: len(args)]}
            for args in cases]


def _send(stream, payload: bytes, close: bool) -> None:
    try:
        stream.write(payload)
        if close:
            stream.close()
    except (OSError, ValueError):  # the child is gone or stopped reading: the timer decides
        pass


def _copy_fd(fd: int) -> int:
    """A private copy of a result file as it is now."""
    data = os.pread(fd, max(os.fstat(fd).st_size, 0) + 1, 0)
    copy = _output_fd("kept")
    os.write(copy, data)
    return copy


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
