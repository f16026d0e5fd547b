"""A warm sandbox: one sandboxed interpreter with numpy loaded, forking a fresh child per check.

Starting Python and importing numpy inside a new sandbox costs about 0.1 s,
most of a check. A `Server` pays it once: it starts child.py's server under
bubblewrap (or as a plain process when it cannot), and `run` sends it one
order per check over a control socket, with the check's own pipes and result
files attached. The server forks; only the fork reads the request, from its
own stdin, so no learner's code or test input passes through the server (a
later fork cannot find an earlier check in the memory it inherits). Between
checks the server empties the one writable folder; the seccomp filter keeps
each fork from starting processes, keeping System V or POSIX queues, and
reaching the server (ptrace, process_vm_*, signals), so nothing one check
does reaches the next.

A server is reused only when that filter holds (bubblewrap, a known
machine). Otherwise it serves one check and ends, and the check's whole
process tree is killed after it, as a cold check always was.

`start` may be called early (the `tutor check` command starts its server
before it loads the exercise) so that the sandbox warms up while the parent
prepares the tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from tutor.exercises import isolation

_HERE = Path(__file__).resolve().parent
# Read now, not when a check runs: nothing a child does can change what the next child gets.
_CHILD_SOURCE = (_HERE / "child.py").read_bytes()
_WIRE_SOURCE = (_HERE / "wire.py").read_bytes()
START_TIMEOUT = 30.0  # seconds for a server to import numpy and say it is ready
KILL_GRACE = 3.0  # seconds the server has to report a killed child before the whole sandbox goes


class ServerLost(Exception):
    """The server ended or stopped answering (a check broke it, or it could not start)."""


def child_env(token: str) -> dict:
    """A minimal environment: no HOME, no TUTOR_HOME, no PYTHONPATH pointing at the repository."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONIOENCODING": "utf-8", "TUTOR_CHECK_TOKEN": token}
    # One BLAS thread: predictable timing, no threads in the server (fork stays safe), and the
    # address-space limit is not eaten by thread stacks.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


def nproc_limit() -> int | None:
    """RLIMIT_NPROC for an unisolated child: the user's process count now plus room for a few helpers.

    The kernel counts every process of the user, so a fixed small number would
    fail for someone with many programs open. Root is exempt from the limit, so None.
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


def processes_with(token: str) -> list[int]:
    """Pids whose environment holds TUTOR_CHECK_TOKEN=token (the server's descendants, however detached)."""
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


class Server:
    """One sandboxed interpreter that runs checks, one at a time, each in a fresh fork.

    mode: auto | strict | off (see isolation.decide). Use as a context
    manager, or call close(). Not thread-safe: one check at a time (a Pool
    hands servers to threads).
    """

    def __init__(self, mode: str = "auto"):
        self.mode = mode
        self.bwrap, self.notice = isolation.decide(mode)
        self.seccomp = isolation.no_fork_filter() if self.bwrap else None
        self.reusable = self.seccomp is not None
        self.roots = isolation.python_roots()
        self.inside = isolation.inside_roots(self.roots) if self.bwrap else self.roots
        self.token = os.urandom(16).hex()  # the secrets module costs 4 ms to import, before the sandbox starts
        self.proc: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.folder: Path | None = None
        self.log: int | None = None  # the server's own stdout and stderr (a memory file)
        self.failure: str | None = None  # why the server could not start, in its own words
        self.used = False
        self.ready = False
        self._start()

    # -- starting -----------------------------------------------------------------------------

    def _start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tutor-check-"))
        os.chmod(self.folder, 0o700)
        inp, work = self.folder / "in", self.folder / "work"
        inp.mkdir()
        work.mkdir(mode=0o777)
        os.chmod(work, 0o1777)
        root = isolation.SANDBOX if self.bwrap else str(self.folder)
        config = {"path": isolation.child_path(self.inside), "work": os.path.join(root, "work"),
                  "reuse": self.reusable, "seccomp": "seccomp.bpf" if self.seccomp is not None else None}
        (inp / "_tutor_child.py").write_bytes(_CHILD_SOURCE)
        (inp / "_tutor_wire.py").write_bytes(_WIRE_SOURCE)
        (inp / "config.json").write_text(json.dumps(config), encoding="utf-8")
        if self.seccomp is not None:
            (inp / "seccomp.bpf").write_bytes(self.seccomp)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        log = os.memfd_create("server-log", os.MFD_CLOEXEC) if hasattr(os, "memfd_create") else None
        opened: list[int] = []
        try:
            argv = [self.inside["exe"], "-I", "-S", "-B", os.path.join(root, "in", "_tutor_child.py"), root,
                    str(theirs.fileno())]
            if self.bwrap:
                staged = sorted((p.name, p) for p in inp.iterdir())
                fds = [os.open(path, os.O_RDONLY | os.O_CLOEXEC) for _, path in staged]
                opened += fds
                in_bytes = sum(path.stat().st_size for _, path in staged) + 4096 * (len(staged) + 8)
                options = isolation.bwrap_args(self.roots, list(zip(fds, [n for n, _ in staged])), in_bytes=in_bytes,
                                               uid=0 if isolation.sandbox_uid() is not None else None,
                                               seccomp_fd=None, env=child_env(self.token),
                                               disable_userns=isolation.bwrap_version(self.bwrap) >= (0, 8))
                (self.folder / "args").write_bytes(b"".join(o.encode() + b"\0" for o in options))
                args_fd = os.open(self.folder / "args", os.O_RDONLY | os.O_CLOEXEC)
                opened.append(args_fd)
                cmd = [self.bwrap, "--args", str(args_fd), "--", *argv]
                env = {"TUTOR_CHECK_TOKEN": self.token}
            else:
                cmd, env = argv, child_env(self.token)
            self.proc = subprocess.Popen(cmd, cwd=str(work), env=env, stdin=subprocess.DEVNULL,
                                         stdout=log if log is not None else subprocess.DEVNULL,
                                         stderr=log if log is not None else subprocess.DEVNULL,
                                         start_new_session=True, close_fds=True,
                                         pass_fds=[theirs.fileno(), *opened])
        finally:
            theirs.close()
            for fd in opened:
                os.close(fd)
        self.log = log

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Block until the server has numpy loaded; raises ServerLost with its words when it cannot."""
        if self.ready:
            return
        if self.failure is not None:
            raise ServerLost(self.failure)
        message = self._receive(timeout)
        if message is None:
            self.failure = self._log_tail() or "the sandbox did not start"
            raise ServerLost(self.failure)
        doc = json.loads(message)
        if "failed" in doc:
            self.failure = str(doc["failed"])
            raise ServerLost(self.failure)
        self.ready = True

    def _log_tail(self) -> str:
        if self.log is None:
            return ""
        with contextlib.suppress(OSError):
            return os.pread(self.log, 4000, max(0, os.fstat(self.log).st_size - 4000)).decode("utf-8", "replace")
        return ""

    def _receive(self, timeout: float) -> bytes | None:
        """One message from the server, or None when it ended or said nothing for `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            message = self.sock.recv(4096)
        except (OSError, TimeoutError):
            return None
        return message or None

    # -- one check ----------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and self.failure is None

    @property
    def available(self) -> bool:
        """Whether it can take another check (a server that serves one check only has done it)."""
        return self.alive and (self.reusable or not self.used)

    def order(self, order: dict, fds: list[int]) -> None:
        """Ask for a fork that runs one check with these descriptors (stdin, stdout, stderr, results...)."""
        self.wait_ready()
        if self.used and not self.reusable:
            raise ServerLost("this server runs one check only")
        self.used = True
        try:
            socket.send_fds(self.sock, [json.dumps(order).encode("utf-8")], fds)
        except OSError as err:
            raise ServerLost(f"the sandbox is gone ({err})") from err

    def ended(self) -> dict | None:
        """The server's report on the fork ({"exited": code, "signal": n}) if it has come; never blocks."""
        self.sock.setblocking(False)
        try:
            message = self.sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            message = b""
        if not message:  # the server itself is gone
            self.failure = "the sandbox ended"
            return {"exited": None, "signal": signal.SIGKILL, "lost": True}
        return self._ended(message)

    def _ended(self, message: bytes) -> dict:
        doc = json.loads(message)
        if doc.get("retire"):  # it could not empty the writable folder, and ends: no check goes there again
            self.failure = "the sandbox retired"
        return doc

    def kill_check(self) -> dict:
        """Stop the running fork; returns how it ended. The whole sandbox goes when the server does not answer."""
        try:
            self.sock.setblocking(True)
            self.sock.send(b"kill")
        except OSError:
            pass
        message = self._receive(KILL_GRACE)
        if message is None:
            self.close()
            return {"exited": None, "signal": signal.SIGKILL, "lost": True}
        return self._ended(message)

    # -- ending -------------------------------------------------------------------------------

    def close(self) -> None:
        """End the server and everything it started; remove its folder."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
        if self.proc is not None:
            kill_tree(self.proc, self.token)
        if self.log is not None:
            with contextlib.suppress(OSError):
                os.close(self.log)
            self.log = None
        if self.folder is not None:
            remove(self.folder)
            self.folder = None
        self.failure = self.failure or "closed"

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def kill_tree(proc: subprocess.Popen, token: str) -> None:
    """SIGKILL the server's process group, then every process still carrying its token."""
    for _ in range(5):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        found = processes_with(token)
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if not found:
            break
        time.sleep(0.02)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def remove(folder: Path) -> None:
    import shutil

    def retry(func, path, _exc):
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            func(path)

    shutil.rmtree(folder, onerror=retry)


class Pool:
    """Servers for a class: `take()` lends one to a grading thread, `give()` takes it back.

    A server that broke or serves one check only is replaced by a fresh one
    (started in the background, so the next check rarely waits for numpy).
    """

    def __init__(self, size: int, mode: str = "auto"):
        self.mode = mode
        self.lock = threading.Lock()
        self.idle: list[Server] = [Server(mode) for _ in range(max(1, size))]
        self.closed = False

    def take(self) -> Server:
        with self.lock:
            server = self.idle.pop() if self.idle else None
        return server if server is not None else Server(self.mode)

    def give(self, server: Server) -> None:
        if server.available and not self.closed:
            with self.lock:
                self.idle.append(server)
            return
        server.close()
        if not self.closed:
            fresh = Server(self.mode)  # starts now, warms while the thread goes on
            with self.lock:
                self.idle.append(fresh)

    def close(self) -> None:
        self.closed = True
        with self.lock:
            idle, self.idle = self.idle, []
        for server in idle:
            server.close()


def watch(server: Server, streams: list, timeout: float, max_output: int, marker: int | None = None,
          on_marker=None) -> tuple[str, bytes, dict]:
    """(outcome, tail of stdout+stderr, how the fork ended) for the check running on `server`.

    outcome: exited | timeout | output. streams: the read ends of the fork's
    stdout and stderr. marker: a pipe the fork writes one byte to when its
    visible tests are done; on_marker(tail) is called once, then (it must not
    block). The fork is killed on timeout or too much output.
    """
    sel = selectors.DefaultSelector()
    for fd in streams:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ, "stream")
    if marker is not None:
        os.set_blocking(marker, False)
        sel.register(marker, selectors.EVENT_READ, "marker")
    server.sock.setblocking(False)
    sel.register(server.sock, selectors.EVENT_READ, "server")
    deadline = time.monotonic() + timeout
    tail, total, outcome, ended = b"", 0, None, None
    try:
        while outcome is None:
            now = time.monotonic()
            if now >= deadline:
                outcome = "timeout"
                break
            for key, _ in sel.select(timeout=min(0.25, deadline - now)):
                if key.data == "server":
                    ended = server.ended()
                    if ended is not None:
                        outcome = "exited"
                    continue
                fd = key.fileobj
                try:
                    chunk = os.read(fd, 65536)
                except (BlockingIOError, InterruptedError):
                    continue
                if key.data == "marker":
                    sel.unregister(fd)
                    if chunk and on_marker is not None:
                        on_marker(tail)
                    continue
                if not chunk:
                    sel.unregister(fd)
                    continue
                total += len(chunk)
                tail = (tail + chunk)[-4000:]
                if total > max_output:
                    outcome = "output"
                    break
                if outcome is not None:
                    break
        if ended is None:
            ended = server.kill_check()
        # What is already in the pipes (the fork is gone: nothing more comes).
        for key in list(sel.get_map().values()):
            if key.data != "stream":
                continue
            with contextlib.suppress(BlockingIOError, InterruptedError, OSError):
                tail = (tail + os.read(key.fileobj, 65536))[-4000:]
    finally:
        sel.close()
    return outcome, tail, ended
