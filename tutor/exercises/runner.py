"""The parent side of the sandbox: start it, limit it, read what it wrote.

The learner's code runs in `python -m tutor.exercises.sandbox` with a time
limit (the whole batch of test cases) and a memory limit (set by the child on
itself). Inputs and outputs go through a private temporary folder as JSON and
.npz; nothing the child made is unpickled here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tutor.exercises.codec import decode, encode

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 2048


@dataclass
class SandboxResult:
    """What happened in the child.

    status: ok | syntax-error | load-error | no-function | timeout | memory |
    crashed | unreadable | internal. cases: one dict per test case with
    'status' (ok | error), 'value' (decoded), 'error', 'changed', 'finite'.
    """

    status: str
    cases: list = field(default_factory=list)
    detail: dict = field(default_factory=dict)
    printed: str = ""
    gradient_check: dict | None = None
    running_case: int | None = None  # the case that was running when time ran out


def _child_env() -> dict:
    env = dict(os.environ)
    # One BLAS thread: predictable timing, and the address-space limit is not
    # eaten by per-thread buffers.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_sandbox(
    file: Path | str,
    function: str,
    cases: list[list],
    names: list[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    gradient_check: int | None = None,
) -> SandboxResult:
    """Run function(*args) from the learner's file for each args list in cases."""
    with tempfile.TemporaryDirectory(prefix="tutor-check-") as tmp:
        folder = Path(tmp)
        arrays: dict = {}
        encoded = [{"args": [encode(a, arrays, f"c{i}") for a in args], "names": names[: len(args)]}
                   for i, args in enumerate(cases)]
        np.savez(folder / "inputs.npz", **arrays)
        request = {"file": str(Path(file).resolve()), "function": function, "cases": encoded,
                   "memory_mb": memory_mb, "gradient_check": gradient_check}
        (folder / "request.json").write_text(json.dumps(request))
        cmd = [sys.executable, "-m", "tutor.exercises.sandbox", str(folder)]
        try:
            # The child works in the private folder, so files the learner's code
            # writes land there; their own folder is searched last for imports.
            proc = subprocess.run(cmd, cwd=str(folder), env=_child_env(),
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            running = None
            progress = folder / "progress.txt"
            if progress.exists():
                text = progress.read_text().strip()
                running = int(text) if text.isdigit() else None
            return SandboxResult("timeout", detail={"seconds": timeout}, running_case=running)
        result_path = folder / "result.json"
        if not result_path.exists():
            return SandboxResult("crashed", detail={"returncode": proc.returncode,
                                                    "stderr": proc.stderr.decode(errors="replace")[-1000:]})
        result = json.loads(result_path.read_text())
        status = result.get("status", "internal")
        if status != "ok":
            return SandboxResult(status, detail=result, printed=result.get("printed", ""))
        outputs = {}
        if (folder / "outputs.npz").exists():
            with np.load(folder / "outputs.npz", allow_pickle=False) as z:
                outputs = {k: z[k] for k in z.files}
        cases_out = []
        for entry in result["cases"]:
            if entry["status"] == "ok":
                entry["value"] = decode(entry["value"], outputs)
            cases_out.append(entry)
        return SandboxResult("ok", cases=cases_out, printed=result.get("printed", ""),
                             gradient_check=result.get("gradient_check"))
