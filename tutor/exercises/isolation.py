"""How the sandbox server is started: under bubblewrap when it can be, as a plain subprocess otherwise.

Under bubblewrap (Linux) a check sees: the interpreter's own prefix, the
system's /usr (libraries the interpreter links), numpy's and scipy's folders,
read-only; a 64 MB tmpfs at /sandbox/work as the only writable place (the
runner's own files read-only beside it); a minimal /dev and no /proc at
all (its mountinfo would name the host folders bound here); no network, no other process (own pid namespace, so
killing it kills everything it started), no $HOME, no $TUTOR_HOME, no tutor
package, no repository. Anything of those that lives under a bound folder is
covered with an empty tmpfs.

Modes: "auto" isolates when bubblewrap works and falls back with a notice;
"strict" refuses to run without it; "off" never isolates. TUTOR_ISOLATION
(auto|strict|off) overrides the default; TUTOR_BWRAP names the bwrap binary
(tests point it at a missing file to exercise the fallback).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

from tutor.base.errors import TutorError

MODES = ("auto", "strict", "off")
SANDBOX = "/sandbox"  # where the private folder appears inside bubblewrap
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `apt install bubblewrap`; Fedora: `dnf install bubblewrap`)"
NOT_ISOLATED = "note: this check is not isolated ({why}); your code ran as a plain process."


class IsolationRefused(TutorError):
    """--isolation strict, and bubblewrap cannot run here."""


def mode_from_env(default: str = "auto") -> str:
    value = os.environ.get("TUTOR_ISOLATION", "").strip().lower()
    return value if value in MODES else default


def bwrap_path() -> str | None:
    override = os.environ.get("TUTOR_BWRAP")
    if override is not None:
        return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
    return shutil.which("bwrap")


def python_roots() -> dict:
    """The folders the child's interpreter needs: prefix (stdlib), and numpy/scipy's own folders.

    numpy is found, not imported: a command starts its sandbox before it imports anything heavy.
    """
    import importlib.util

    exe = os.path.realpath(sys.executable)
    stdlib = sysconfig.get_paths()["stdlib"]
    dynload = os.path.join(stdlib, "lib-dynload")
    packages = []
    spec = importlib.util.find_spec("numpy")
    site = str(Path(spec.origin).resolve().parent.parent)
    for name in ("numpy", "numpy.libs", "scipy", "scipy.libs"):
        p = os.path.join(site, name)
        if os.path.isdir(p):
            packages.append(p)
    return {"exe": exe, "prefix": os.path.realpath(sys.base_prefix), "stdlib": stdlib, "dynload": dynload,
            "site": site, "packages": packages}


def child_path(roots: dict) -> list[str]:
    """sys.path of the child: the standard library, then the folder holding numpy (and nothing else)."""
    zipped = os.path.join(os.path.dirname(roots["stdlib"]), f"python{sys.version_info[0]}{sys.version_info[1]}.zip")
    return [zipped, roots["stdlib"], roots["dynload"], roots["site"]]


def _hidden() -> list[str]:
    """Folders that must not be visible even if they sit under a bound folder."""
    from tutor.base.paths import package_dir

    out = [str(package_dir()), str(package_dir().parent)]
    for var in ("HOME", "TUTOR_HOME"):
        if os.environ.get(var):
            out.append(os.path.realpath(os.environ[var]))
    return out


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


WORK_BYTES = 64 * 1024 * 1024  # the learner code's writable folder: a tmpfs of this size
OUTPUTS = ("result.json", "outputs.npz", "progress")
MAX_TASKS = 64  # processes and threads of one check together (RLIMIT_NPROC on a uid of its own)
MAX_FILES = 128  # open descriptors (RLIMIT_NOFILE): socket and pipe buffers are memory too
SMALL_TMPFS = 4096  # bytes: the size of every tmpfs that only hides or stands in for something
_UIDS = (1_500_000_000, 1_900_000_000)  # a fresh unprivileged uid per check when the tutor runs as root


def sandbox_uid() -> int | None:
    """An unused uid for one check when running as root, else None (the user's own uid applies).

    Root is exempt from RLIMIT_NPROC; a uid no account and no other check
    uses makes the limit count exactly this check's processes and threads.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    span = _UIDS[1] - _UIDS[0]  # 4e8: a 64-bit draw modulo it is uneven by less than 1e-10
    return _UIDS[0] + int.from_bytes(os.urandom(8), "big") % span


# Classic BPF for seccomp: (code, jt, jf, k) as struct sock_filter.
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38
_CLONE_THREAD = 0x10000
# (audit arch, clone, clone3, [refused]) per machine. Refused: fork, vfork, unshare, setns, memfd_create,
# memfd_secret, shmget; semget, msgget, mq_open; ptrace, process_vm_readv, process_vm_writev; kill, tkill,
# tgkill, pidfd_send_signal, pidfd_open, pidfd_getfd.
_SYSCALLS = {"x86_64": (0xC000003E, 56, 435, [57, 58, 272, 308, 319, 447, 29, 64, 68, 240, 101, 310, 311,
                                              62, 200, 234, 424, 434, 438]),
             "aarch64": (0xC00000B7, 220, 435, [97, 268, 279, 447, 194, 190, 186, 180, 117, 270, 271,
                                                129, 130, 131, 424, 434, 438])}


def no_fork_filter(machine: str | None = None) -> bytes | None:
    """A seccomp program that lets the check start threads but no process; None where unknown.

    With one process, the address-space limit bounds the memory of the whole
    check (threads share it): four forked children cannot each take the limit.
    fork/vfork and clone without CLONE_THREAD fail with EPERM; clone3 with
    ENOSYS, so the C library falls back to clone (whose flags can be read).
    unshare and setns fail with EPERM: a user namespace of its own would let
    the code mount a tmpfs that no size limit here covers. So do memfd_create,
    memfd_secret and shmget: memory files and System V segments hold memory
    outside the address space (a segment outlives its detachment).
    Semaphores, message queues and POSIX queues outlive the process too: the
    next check forked from the same server would find them. ptrace, the
    process_vm calls and every way to send a signal fail with EPERM: the check
    can neither read nor stop the server it was forked from (nor anything else).
    A system call of another ABI (32-bit, x32) fails with EPERM.
    """
    import struct

    spec = _SYSCALLS.get(machine or os.uname().machine)
    if spec is None:
        return None
    arch, clone, clone3, forks = spec
    # (code, jt, jf, k) with jt/jf as label names, resolved below.
    prog = [(_LD_W_ABS, 0, 0, 4), (_JEQ, 0, "deny", arch), (_LD_W_ABS, 0, 0, 0), (_JGE, "deny", 0, 0x40000000)]
    prog += [(_JEQ, "deny", 0, nr) for nr in forks]
    prog += [(_JEQ, "nosys", 0, clone3), (_JEQ, 0, "allow", clone),
             (_LD_W_ABS, 0, 0, 16),  # the low 32 bits of clone's flags (little-endian)
             (_JSET, "allow", "deny", _CLONE_THREAD)]
    labels = {"allow": len(prog), "deny": len(prog) + 1, "nosys": len(prog) + 2}
    prog += [(_RET, 0, 0, _ALLOW), (_RET, 0, 0, _ERRNO | _EPERM), (_RET, 0, 0, _ERRNO | _ENOSYS)]

    def jump(target, at):
        return labels[target] - at - 1 if isinstance(target, str) else target

    return b"".join(struct.pack("<HBBI", code, jump(jt, i), jump(jf, i), k) for i, (code, jt, jf, k) in enumerate(prog))


PYTHON = f"{SANDBOX}/python"  # the interpreter's prefix inside the sandbox
SITE = f"{SANDBOX}/site"  # numpy's and scipy's folders inside the sandbox


def inside_roots(roots: dict) -> dict:
    """The same roots at their neutral places in the sandbox: no host path reaches sys.path or a traceback."""
    prefix = roots["prefix"]
    if _under(prefix, "/usr"):
        return {**roots, "site": SITE, "packages": [f"{SITE}/{os.path.basename(p)}" for p in roots["packages"]]}

    def moved(path):
        return PYTHON + path[len(prefix):] if _under(path, prefix) else path

    return {**roots, "exe": moved(roots["exe"]), "stdlib": moved(roots["stdlib"]), "dynload": moved(roots["dynload"]),
            "prefix": PYTHON, "site": SITE, "packages": [f"{SITE}/{os.path.basename(p)}" for p in roots["packages"]]}


@lru_cache(maxsize=4)
def bwrap_version(bwrap: str) -> tuple:
    """(major, minor, patch) of bubblewrap, or () when it does not say."""
    try:
        out = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    words = out.split()
    try:
        return tuple(int(p) for p in words[-1].split(".")) if words else ()
    except ValueError:
        return ()


def bwrap_args(roots: dict, files: list, *, in_bytes: int, uid: int | None, seccomp_fd: int | None,
               env: dict, disable_userns: bool = True) -> list[str]:
    """bwrap's options (passed through --args, so no host path shows in /proc/1/cmdline outside either).

    files: [(fd, name)] copied into SANDBOX/in (a tmpfs of in_bytes, then
    read-only): the check folder itself is never mounted. Every writable
    place is a tmpfs of a set size: SANDBOX/work (WORK_BYTES) only; `/`,
    /dev, /dev/shm and SANDBOX are read-only. The interpreter's prefix
    appears at PYTHON, numpy and scipy under SITE. uid: when the tutor runs
    as root, the server keeps CAP_SETUID/CAP_SETGID, so that each fork can
    become a uid of its own (see child.py: RLIMIT_NPROC then counts that
    check alone, and the fork drops every capability as it does), and
    CAP_KILL, to stop a fork that runs under that other uid.
    """
    cmd = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session"]
    if uid is None:  # not root: a user namespace, in which RLIMIT_NPROC counts this check's tasks alone
        cmd += ["--unshare-user"] + (["--disable-userns"] if disable_userns else [])  # bubblewrap 0.8 and later
    cmd += ["--cap-drop", "ALL"]
    if uid is not None:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
    cmd += ["--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    if os.path.isdir("/usr"):
        cmd += ["--ro-bind", "/usr", "/usr"]
    # Merged-/usr systems: /lib, /lib64 and /bin are links into /usr.
    for link in ("/lib", "/lib64", "/bin"):
        if os.path.islink(link):
            cmd += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            cmd += ["--ro-bind", link, link]
    if os.path.exists("/etc/ld.so.cache"):
        cmd += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    # No /proc: its mountinfo would name the host folders bound below (the install's path).
    cmd += ["--dev", "/dev", "--size", str(SMALL_TMPFS), "--tmpfs", "/dev/shm",
            "--remount-ro", "/dev/shm", "--remount-ro", "/dev",
            "--size", str(SMALL_TMPFS), "--tmpfs", SANDBOX,
            "--size", str(max(in_bytes, SMALL_TMPFS)), "--tmpfs", f"{SANDBOX}/in"]
    folders = sorted({os.path.dirname(name) for _, name in files} - {""})
    for sub in folders:  # made by hand: folders bwrap makes on its own are 0700, closed to the check's uid
        cmd += ["--perms", "0755", "--dir", f"{SANDBOX}/in/{sub}"]
    for fd, name in files:
        cmd += ["--perms", "0444", "--file", str(fd), f"{SANDBOX}/in/{name}"]
    cmd += ["--remount-ro", f"{SANDBOX}/in"]
    prefix = roots["prefix"]
    if not _under(prefix, "/usr"):
        cmd += ["--ro-bind", prefix, PYTHON]
    for hidden in _hidden():
        # The tutor package or a home inside the interpreter's prefix (an install without a venv).
        if hidden != prefix and _under(hidden, prefix) and not _under(prefix, "/usr"):
            inner = PYTHON + hidden[len(prefix):]
            cmd += ["--size", str(SMALL_TMPFS), "--tmpfs", inner, "--remount-ro", inner]
    cmd += ["--perms", "0755", "--dir", SITE]
    for package in roots["packages"]:
        cmd += ["--ro-bind", package, f"{SITE}/{os.path.basename(package)}"]
    cmd += ["--size", str(WORK_BYTES), "--perms", "1777", "--tmpfs", f"{SANDBOX}/work",
            "--remount-ro", SANDBOX, "--remount-ro", "/", "--chdir", f"{SANDBOX}/work"]
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
    return cmd


def bounds_line(isolated: bool, *, memory_mb: int, timeout: float, max_output: int, one_process: bool,
                tasks_capped: bool) -> str:
    """One short line saying which bounds held for the check as a whole (under 80 columns)."""
    if not isolated:
        return f"bounds: per process only (not isolated): {memory_mb} MB, {timeout:g} s"
    files = f"{WORK_BYTES // (1024 * 1024)} MB of files"
    output = f"{max_output // (1024 * 1024)} MB of output" if max_output >= 1024 * 1024 else f"{max_output // 1024} KB of output"
    if one_process:
        tasks = f"1 process, {MAX_TASKS} threads" if tasks_capped else "1 process"
        return f"bounds: {tasks}, {memory_mb} MB, {files}, {timeout:g} s, {output}"
    tasks = f"{MAX_TASKS} tasks" if tasks_capped else "tasks not capped"
    return f"bounds: {tasks}, {memory_mb} MB each, {files}, {timeout:g} s, {output}"


@lru_cache(maxsize=4)
def _probe(bwrap: str) -> str | None:
    """None when bubblewrap can start a process here, else why not (one line)."""
    try:
        proc = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--", "/bin/true"],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap could not start ({err})"
    if proc.returncode != 0:
        text = proc.stderr.decode(errors="replace").strip().splitlines()
        return f"bubblewrap is refused here ({text[-1] if text else 'exit code ' + str(proc.returncode)})"
    return None


def decide(mode: str) -> tuple[str | None, str | None]:
    """(bwrap binary or None, notice or None); raises IsolationRefused in strict mode without it."""
    if mode not in MODES:
        raise TutorError(f"--isolation must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "off":
        return None, NOT_ISOLATED.format(why="--isolation off")
    bwrap = bwrap_path()
    why = "bubblewrap (bwrap) is not installed" if bwrap is None else _probe(bwrap)
    if why is None:
        return bwrap, None
    if mode == "strict":
        raise IsolationRefused(f"this check must run isolated (--isolation strict, the default for --format json "
                               f"and gradescope) but {why}; {INSTALL_HINT}, or pass --isolation auto to run it "
                               "unisolated")
    return None, NOT_ISOLATED.format(why=why)
