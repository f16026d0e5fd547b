"""How the child is started: under bubblewrap when it can be, as a plain subprocess otherwise.

Under bubblewrap (Linux) the child sees: the interpreter's own prefix, the
system's /usr (libraries the interpreter links), numpy's and scipy's folders,
read-only; a 64 MB tmpfs at /sandbox as the only writable place (the inputs
read-only inside it, the three result files bound one by one); a fresh
/proc and a minimal /dev; no network, no other process (own pid namespace, so
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
    """The folders the child's interpreter needs: prefix (stdlib), and numpy/scipy's own folders."""
    import numpy

    exe = os.path.realpath(sys.executable)
    stdlib = sysconfig.get_paths()["stdlib"]
    dynload = os.path.join(stdlib, "lib-dynload")
    packages = []
    site = str(Path(numpy.__file__).resolve().parent.parent)
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


def bwrap_command(bwrap: str, roots: dict, folder: str, argv: list[str]) -> list[str]:
    """bwrap ... -- argv, with the private folder's parts under SANDBOX.

    SANDBOX is a size-limited tmpfs (the only writable place, gone with the
    process); folder/in appears read-only at SANDBOX/in; only the three files
    of folder/out the parent reads back are bound writable, one by one, so
    they cannot be replaced by a link or a FIFO.
    """
    binds: list[str] = []
    for root in ["/usr", roots["prefix"], *roots["packages"]]:
        if os.path.isdir(root) and root not in binds:
            binds.append(root)
    cmd = [bwrap, "--unshare-all", "--unshare-pid", "--die-with-parent", "--new-session",
           "--cap-drop", "ALL", "--clearenv"]
    for b in binds:
        cmd += ["--ro-bind", b, b]
    # Merged-/usr systems: /lib, /lib64 and /bin are links into /usr.
    for link in ("/lib", "/lib64", "/bin"):
        if os.path.islink(link):
            cmd += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            cmd += ["--ro-bind", link, link]
    if os.path.exists("/etc/ld.so.cache"):
        cmd += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for hidden in _hidden():
        if hidden != "/" and any(_under(hidden, b) for b in binds) and not any(_under(b, hidden) for b in binds):
            cmd += ["--tmpfs", hidden]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--size", str(WORK_BYTES), "--tmpfs", SANDBOX,
            "--ro-bind", os.path.join(folder, "in"), f"{SANDBOX}/in", "--dir", f"{SANDBOX}/work"]
    for name in OUTPUTS:
        cmd += ["--bind", os.path.join(folder, "out", name), f"{SANDBOX}/out/{name}"]
    cmd += ["--chdir", f"{SANDBOX}/work", "--setenv", "HOME", f"{SANDBOX}/work", "--setenv", "TMPDIR",
            f"{SANDBOX}/work", "--setenv", "PATH", "/usr/bin:/bin"]
    return cmd + ["--", *argv]


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
