"""Build a Gradescope autograder zip, and run one locally as Gradescope would.

The zip holds, at its root: `setup.sh` (installs Python >= 3.11 if needed,
makes a venv under $AUTOGRADER_ROOT, installs the pinned dependencies from
requirements.txt and then the bundled wheel of this very tutor with
--no-deps), `run_autograder` (runs `python -m tutor.grading.gradescope`), the
wheel, `requirements.txt` (every dependency pinned to the version installed
where the zip was built) and `autograder.json` (exercises and limits).

`test_zip` unpacks it into a temporary root and runs both scripts with
AUTOGRADER_ROOT pointing there. Locally, setup.sh is made cheap: the venv
sees this Python's installed packages instead of downloading them, and only
the bundled wheel is installed (TUTOR_AUTOGRADER_LOCAL). The rest (paths,
scripts, the wheel, the results) is what Gradescope runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

from tutor.base.errors import TutorError

DEFAULT_MEMORY_MB = 512  # per check; with the grader itself the run stays under Gradescope's 768 MB
DEFAULT_TIMEOUT = 10.0
GRADESCOPE_MEMORY_MB = 768

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
# It installs the exact tutor this zip was built with (the bundled wheel) and
# its dependencies at the versions pinned in requirements.txt.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
cd "$SOURCE"
if [ -n "${TUTOR_AUTOGRADER_LOCAL:-}" ]; then
  # `tutor autograder test`: reuse the packages already installed where the
  # test runs (no downloads); install only the bundled tutor, as below.
  "$TUTOR_AUTOGRADER_PYTHON" -m venv --without-pip "$ROOT/venv"
  SITE="$("$ROOT/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  echo "$TUTOR_AUTOGRADER_SITE" > "$SITE/_tutor_local_packages.pth"
  "$TUTOR_AUTOGRADER_PYTHON" -m pip --python "$ROOT/venv/bin/python" install -q --no-deps --no-index \
    --disable-pip-version-check "$SOURCE"/tutor-*.whl
  exit 0
fi
PY=""
for cand in python3.13 python3.12 python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    PY="$cand"; break
  fi
done
if [ -z "$PY" ]; then
  # Ubuntu 22.04 (Gradescope's default image) ships 3.10; 3.11 is in its archive.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv
  PY=python3.11
fi
if ! "$PY" -m venv "$ROOT/venv" 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(basename "$PY")-venv" || apt-get install -y -qq python3-venv
  "$PY" -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install -q --upgrade pip
"$ROOT/venv/bin/python" -m pip install -q -r "$SOURCE/requirements.txt"
"$ROOT/venv/bin/python" -m pip install -q --no-deps "$SOURCE"/tutor-*.whl
"$ROOT/venv/bin/python" -c "from tutor.base.version import __version__; print('installed tutor', __version__)"
# bubblewrap isolates each check inside the container where user namespaces are allowed;
# without it the checker runs each check as a plain process and says so in the log.
if command -v apt-get >/dev/null 2>&1 && ! command -v bwrap >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap || echo "bubblewrap not installed: checks run unisolated"
fi
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission: it checks the files in
# $AUTOGRADER_ROOT/submission and writes $AUTOGRADER_ROOT/results/results.json.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
export AUTOGRADER_ROOT="$ROOT"
export TUTOR_HOME="$(mktemp -d)"   # no learner progress is read or written
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$ROOT/results"
cd "$ROOT"
"$ROOT/venv/bin/python" -m tutor.grading.gradescope
"""


def source_root() -> Path:
    """The checkout this tutor runs from (the wheel is built from it)."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file() or 'name = "tutor"' not in pyproject.read_text(encoding="utf-8"):
        raise TutorError("the autograder bundles a wheel built from tutor's source; "
                         "run `tutor autograder build` from a source checkout (pip install -e .)")
    return root


def build_wheel(target: Path) -> Path:
    """A wheel of this tutor, built from the source tree into target."""
    root = source_root()
    code = ("import sys; from hatchling.build import build_wheel; "
            "print(build_wheel(sys.argv[1]))")
    proc = subprocess.run([sys.executable, "-c", code, str(target)], cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:  # no hatchling here: let pip fetch the build backend
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(target), str(root)],
                              capture_output=True, text=True)
    wheels = sorted(target.glob("tutor-*.whl"))
    if proc.returncode != 0 or not wheels:
        raise TutorError(f"could not build tutor's wheel: {(proc.stderr or proc.stdout).strip().splitlines()[-1:]}")
    return wheels[-1]


def pinned_requirements() -> list[str]:
    """tutor's dependencies and theirs, each pinned to the version installed here."""
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:
        raise TutorError("building an autograder needs the packaging library: pip install 'tutor[autograder]'") from None

    env = {"extra": ""}
    seen: dict[str, str] = {}
    todo = [Requirement(r) for r in (metadata.requires("tutor") or [])]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        key = req.name.lower().replace("_", "-")
        if key in seen:
            continue
        try:
            seen[key] = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            raise TutorError(f"tutor needs {req.name}, which is not installed here; install it and build again") from None
        todo += [Requirement(r) for r in (metadata.requires(req.name) or [])]
    return [f"{name}=={version}" for name, version in sorted(seen.items())]


COURSE_FOLDER = "course"  # where a course found by its folder travels inside the zip


def build(ids: list[str], output: Path, *, timeout: float = DEFAULT_TIMEOUT,
          memory_mb: int = DEFAULT_MEMORY_MB, course=None) -> dict:
    """Write the autograder zip; returns what went in (for the command to print).

    course: the tutor.course.Course the exercises belong to (None: the bundled one).
    The bundled course is inside the wheel; an installed course is named by its
    id (install its package in the image too); a course found by its folder
    travels in the zip, as `course/`, so the zip grades on Gradescope as it does here.
    """
    from tutor.base.version import __version__

    with tempfile.TemporaryDirectory(prefix="tutor-ag-build-") as tmp:
        wheel = build_wheel(Path(tmp))
        requirements = pinned_requirements()
        config = {"exercises": ids, "timeout": timeout, "memory_mb": memory_mb, "tutor_version": __version__}
        shipped = course is not None and not course.bundled and course.origin != "entry point"
        if course is not None and not course.bundled:
            config["course"] = COURSE_FOLDER if shipped else course.id
            config["course_id"] = course.id
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
                info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
                info.external_attr = (0o100755 << 16)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, text)
            z.writestr("requirements.txt", "\n".join(requirements) + "\n")
            z.writestr("autograder.json", json.dumps(config, indent=1) + "\n")
            z.write(wheel, wheel.name)
            if shipped:
                for path in course_files(course.root):
                    z.write(path, f"{COURSE_FOLDER}/{path.relative_to(course.root).as_posix()}")
    return {"wheel": wheel.name, "requirements": requirements, "config": config}


def course_files(root: Path) -> list[Path]:
    """The files of a course folder a grader needs: everything but caches, hidden files and compiled Python."""
    out = []
    for path in sorted(Path(root).rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in parts) and path.suffix != ".pyc":
            out.append(path)
    return out


def test_zip(archive: Path, submission: Path, *, keep: Path | None = None) -> dict:
    """Run the autograder in archive on submission (a file or folder) as Gradescope would.

    Returns {results, problems (schema), peak_mb, root, setup_seconds, run_seconds, log}.
    """
    from tutor.grading.gradescope import schema_problems
    from tutor.grading.memory import PeakRSS
    from tutor.grading.safezip import extract

    if not submission.exists():
        raise TutorError(f"there is no file or folder {submission}")
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="tutor-autograder-"))
    try:
        source = root / "source"
        source.mkdir(parents=True, exist_ok=False)
        extract(archive, source)
        for name in ("setup.sh", "run_autograder"):
            if not (source / name).is_file():
                raise TutorError(f"{archive} has no {name} at its root; Gradescope needs both there")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
        env.update(AUTOGRADER_ROOT=str(root), TUTOR_AUTOGRADER_LOCAL="1", TUTOR_AUTOGRADER_PYTHON=sys.executable,
                   TUTOR_AUTOGRADER_SITE=sysconfig.get_paths()["purelib"])
        env.pop("PYTHONPATH", None)  # the run must use the bundled wheel, not this checkout
        t0 = time.perf_counter()
        setup = subprocess.run(["bash", str(source / "setup.sh")], cwd=source, env=env, capture_output=True,
                               text=True, timeout=600)
        setup_seconds = time.perf_counter() - t0
        if setup.returncode != 0:
            raise TutorError(f"setup.sh failed: {(setup.stderr or setup.stdout).strip()[-500:]}")
        target = root / "submission"
        if submission.is_dir():
            shutil.copytree(submission, target)
        elif submission.suffix.lower() == ".zip":  # Gradescope unpacks an uploaded zip into submission/
            target.mkdir()
            extract(submission, target)
        else:
            target.mkdir()
            shutil.copy2(submission, target / submission.name)
        shutil.copy2(source / "run_autograder", root / "run_autograder")  # where Gradescope puts it
        for k in ("TUTOR_AUTOGRADER_LOCAL", "TUTOR_AUTOGRADER_PYTHON", "TUTOR_AUTOGRADER_SITE"):
            env.pop(k)
        t0 = time.perf_counter()
        proc = subprocess.Popen(["bash", str(root / "run_autograder")], cwd=root, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with PeakRSS(proc.pid) as peak:
            log, _ = proc.communicate(timeout=1800)
        run_seconds = time.perf_counter() - t0
        path = root / "results" / "results.json"
        if not path.is_file():
            raise TutorError(f"run_autograder wrote no results.json; its output: {log.strip()[-500:]}")
        doc = json.loads(path.read_text())
        return {"results": doc, "problems": schema_problems(doc), "peak_mb": peak.megabytes, "root": str(root),
                "setup_seconds": setup_seconds, "run_seconds": run_seconds, "log": log}
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
