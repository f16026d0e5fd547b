"""The child process that runs a learner's file: `python -m tutor.exercises.sandbox DIR`.

DIR holds request.json (the learner's file, the function's name, the encoded
arguments of every test case) and inputs.npz. The child limits its own
memory, compiles the file (a syntax error is reported with its line), runs
it, calls the function once per case on fresh inputs, notes any input array
changed in place, and writes result.json and outputs.npz. It never writes
anywhere else, never touches the learner's file, and reports every failure
as data: the parent turns it into plain words.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
import traceback
from pathlib import Path


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimit; the time limit still holds
        return
    limit = int(megabytes) * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _learner_frame(tb, filename: str):
    """(line number, source line) of the deepest frame in the learner's file."""
    found = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == filename:
            found = (frame.lineno, (frame.line or "").strip())
    return found


def _error(err: BaseException, filename: str) -> dict:
    where = _learner_frame(err.__traceback__, filename)
    return {
        "type": type(err).__name__,
        "memory": isinstance(err, MemoryError),
        "message": str(err)[:500],
        "line": where[0] if where else None,
        "code": where[1] if where else None,
    }


def _arrays_in(value, path: str, out: list) -> None:
    """Every numpy array reachable in value, with a readable path (for change detection)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        out.append((path, value, value.copy()))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _arrays_in(v, f"{path}[{i}]", out)
    elif isinstance(value, dict):
        for k, v in value.items():
            _arrays_in(v, f'{path}["{k}"]', out)


def _check_finite(value) -> bool:
    import numpy as np

    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return bool(np.all(np.isfinite(value)))
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, (list, tuple)):
        return all(_check_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_check_finite(v) for v in value.values())
    return True


def _gradient_check(func, args, e=1e-4) -> dict:
    """Central differences on the learner's own cost, against the learner's own gradient."""
    import numpy as np

    from tutor.core.gradcheck import compute_numerical_gradient, relative_difference

    params = np.array(args[0], dtype=float)
    rest = args[1:]
    J, grad = func(params.copy(), *rest)[:2]
    grad = np.asarray(grad, dtype=float).ravel()
    if grad.size != params.size:
        return {"skipped": f"your gradient has {grad.size} numbers and params has {params.size}"}

    def cost(p):
        # a copy each time: the learner's function must not see the perturbed
        # vector change under it, nor change it
        out = func(p.copy(), *rest)
        return float(out[0] if isinstance(out, tuple) else out)

    numerical = compute_numerical_gradient(cost, params, e)
    rel = relative_difference(numerical, grad)
    return {"relative_difference": rel, "n": int(params.size)}


def run(folder: Path) -> dict:
    import numpy as np

    from tutor.exercises.codec import decode, encode

    request = json.loads((folder / "request.json").read_text())
    _limit_memory(request.get("memory_mb", 2048))
    filename = os.path.abspath(request["file"])
    # Helpers beside the learner's file may be imported, but never shadow
    # numpy or the tutor: their folder goes last on the path.
    sys.path.append(os.path.dirname(filename))
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path.pop(0)
    with np.load(folder / "inputs.npz", allow_pickle=False) as z:
        inputs = {k: z[k] for k in z.files}
    result: dict = {"status": "ok", "cases": [], "printed": ""}
    printed = io.StringIO()
    try:
        source = Path(filename).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return {"status": "unreadable", "message": str(err)}
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as err:
        return {"status": "syntax-error", "message": err.msg, "line": err.lineno,
                "code": (err.text or "").strip(), "type": type(err).__name__}
    module = {"__name__": "learner", "__file__": filename, "__builtins__": __builtins__}
    progress = folder / "progress.txt"
    try:
        with contextlib.redirect_stdout(printed):
            exec(code, module)
    except BaseException as err:  # noqa: BLE001 - anything the learner's top level raises
        if isinstance(err, KeyboardInterrupt):
            raise
        out = {"status": "load-error", "error": _error(err, filename)}
        out["printed"] = printed.getvalue()[-2000:]
        return out
    func = module.get(request["function"])
    if not callable(func):
        return {"status": "no-function", "function": request["function"],
                "names": sorted(k for k, v in module.items() if callable(v) and not k.startswith("_"))[:10]}

    arrays_out: dict = {}
    for i, case in enumerate(request["cases"]):
        progress.write_text(str(i))
        args = [decode(d, inputs, build_costs=True) for d in case["args"]]
        watched: list = []
        for j, a in enumerate(args):
            _arrays_in(a, case["names"][j], watched)
        entry: dict = {"status": "ok"}
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(printed):
                value = func(*args)
        except BaseException as err:  # noqa: BLE001
            if isinstance(err, KeyboardInterrupt):
                raise
            entry = {"status": "error", "error": _error(err, filename)}
        else:
            entry["value"] = encode(value, arrays_out, f"c{i}")
            entry["finite"] = _check_finite(value)
        entry["seconds"] = time.perf_counter() - start
        entry["changed"] = [p for p, arr, before in watched
                            if arr.shape != before.shape or not np.array_equal(arr, before, equal_nan=True)]
        result["cases"].append(entry)
    gc = request.get("gradient_check")
    if gc is not None:
        progress.write_text("gradient-check")
        args = [decode(d, inputs, build_costs=True) for d in request["cases"][gc]["args"]]
        try:
            with contextlib.redirect_stdout(printed):
                result["gradient_check"] = _gradient_check(func, args)
        except BaseException as err:  # noqa: BLE001
            if isinstance(err, KeyboardInterrupt):
                raise
            result["gradient_check"] = {"skipped": f"your function raised {type(err).__name__} during the check"}
    result["printed"] = printed.getvalue()[-2000:]
    np.savez(folder / "outputs.npz", **arrays_out)
    return result


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    try:
        result = run(folder)
    except MemoryError:
        result = {"status": "memory"}
    except Exception as err:  # noqa: BLE001 - the sandbox itself must report, not crash
        result = {"status": "internal", "message": f"{type(err).__name__}: {err}"}
    tmp = folder / "result.json.tmp"
    tmp.write_text(json.dumps(result))
    os.replace(tmp, folder / "result.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
