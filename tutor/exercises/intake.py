"""Reading what the child left behind, as untrusted data.

Every file is opened without following links and without blocking (a FIFO
named result.json cannot hang the parent), must be a regular file, and is
read only up to a size cap. An .npz is checked member by member before any
array is read: its name, its declared uncompressed size, and the dtype and
shape in its header against the bytes left in the budget (so a small file
cannot inflate to gigabytes). A result is accepted only when it has exactly
the structure the child is meant to write; anything else is an IntakeError
whose message says, in plain words, what was wrong.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import stat
import zipfile

from tutor.exercises.safetext import safe_text
from tutor.exercises.wire import WireError, decode

MAX_RESULT_BYTES = 4 * 1024 * 1024
_MEMBER = re.compile(r"^a[0-9]{1,6}\.npy$")
STATUSES = {"ok", "syntax-error", "load-error", "no-function", "memory", "internal", "limit"}


class IntakeError(Exception):
    """The child's files are missing, not regular, too large or malformed."""


def read_regular(path, cap: int) -> bytes | None:
    """The bytes of a regular file of at most cap bytes; None when there is no such file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise IntakeError(f"{os.path.basename(path)} could not be opened ({err.strerror}); a link or a special file?") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise IntakeError(f"{os.path.basename(path)} is not a regular file")
        if st.st_size > cap:
            raise IntakeError(f"{os.path.basename(path)} is {st.st_size} bytes, more than the {cap} allowed")
        chunks, left = [], cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > cap:
            raise IntakeError(f"{os.path.basename(path)} grew past the {cap} bytes allowed")
        return data
    finally:
        os.close(fd)


def read_fd(fd: int, cap: int, name: str) -> bytes:
    """The whole content of an open regular file (from its start), at most cap bytes."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise IntakeError(f"{name} is not a regular file")
    if st.st_size > cap:
        raise IntakeError(f"{name} is {st.st_size} bytes, more than the {cap} allowed")
    chunks, offset = [], 0
    while offset <= cap:
        chunk = os.pread(fd, min(cap + 1 - offset, 1 << 20), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    data = b"".join(chunks)
    if len(data) > cap:
        raise IntakeError(f"{name} grew past the {cap} bytes allowed")
    return data


def load_npz(source, budget: int) -> dict:
    """{name: array} from an .npz (a path, or an open descriptor) of at most `budget` bytes of array
    data in all, every member checked before it is read."""
    import numpy as np

    cap = budget + 1024 * 1024
    data = read_fd(source, cap, "outputs.npz") if isinstance(source, int) else read_regular(source, cap)
    if not data:
        return {}
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise IntakeError(f"outputs.npz is not a valid archive ({err})") from None
    if len(infos) > 10_000:
        raise IntakeError("outputs.npz holds too many arrays")
    left = budget
    out = {}
    for info in infos:
        if not _MEMBER.match(info.filename) or info.is_dir():
            raise IntakeError(f"outputs.npz holds an unexpected member {safe_text(info.filename[:40])!r}")
        if info.file_size > left:
            raise IntakeError(f"outputs.npz would unpack to more than the {budget} bytes the answers can need")
        try:
            with zf.open(info) as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
                elif version in ((2, 0), (3, 0)):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
                else:
                    raise IntakeError("outputs.npz has an array of an unknown format")
                if dtype.hasobject or dtype.kind not in "biuf":
                    raise IntakeError(f"outputs.npz has an array of dtype {dtype}, not numbers")
                count = 1
                for s in shape:
                    count *= int(s)
                nbytes = count * dtype.itemsize
                if nbytes > info.file_size or nbytes > left:
                    raise IntakeError("outputs.npz declares an array larger than its member")
                raw = f.read(nbytes + 1)
                if len(raw) != nbytes:
                    raise IntakeError("outputs.npz has an array whose data does not match its header")
                arr = np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran else "C").copy()
        except IntakeError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as err:
            raise IntakeError(f"outputs.npz could not be read ({type(err).__name__})") from None
        left -= nbytes
        out[info.filename[:-4]] = arr
    return out


def _str(value, limit: int = 500) -> str:
    return safe_text(str(value)[:limit]) if isinstance(value, str) else ""


def _int(value):
    return value if type(value) is int and 0 <= value < 10**9 else None


def _float(value) -> float | None:
    """A JSON number as a finite float, or None (a 400-digit integer is not an error, just not a number here)."""
    if type(value) not in (int, float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def clean_error(err) -> dict:
    """A child-reported error, with only the expected keys, of the expected types, text made safe."""
    if not isinstance(err, dict):
        raise IntakeError("an error report is not an object")
    return {"type": _str(err.get("type"), 80) or "Exception", "message": _str(err.get("message")),
            "line": _int(err.get("line")), "code": _str(err.get("code"), 200) or None,
            "memory": err.get("memory") is True, "module": _str(err.get("module"), 80) or None}


def parse_result(data: bytes, n_cases: int, outputs) -> dict:
    """result.json -> a validated dict; cases decoded. outputs: {key: array} or a loader."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise IntakeError("result.json is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("status") not in STATUSES:
        raise IntakeError("result.json does not have the expected structure")
    status = doc["status"]
    printed = doc.get("printed")
    out = {"status": status, "printed": safe_text(printed[-4000:], newlines=True) if isinstance(printed, str) else "",
           "blocked": [_str(b, 80) for b in doc.get("blocked", [])[:10] if isinstance(b, str)]
           if isinstance(doc.get("blocked"), list) else []}
    if status == "syntax-error":
        out.update(message=_str(doc.get("message"), 300), line=_int(doc.get("line")), offset=_int(doc.get("offset")),
                   code=_str(doc.get("code"), 200), type=_str(doc.get("type"), 40) or "SyntaxError")
    elif status == "load-error":
        out["error"] = clean_error(doc.get("error"))
    elif status == "no-function":
        names = doc.get("names")
        out["names"] = [_str(n, 60) for n in names[:10] if isinstance(n, str)] if isinstance(names, list) else []
    elif status in ("internal", "limit"):
        out["message"] = _str(doc.get("message"), 300)
    if status != "ok":
        return out
    cases = doc.get("cases")
    if not isinstance(cases, list):
        raise IntakeError("result.json has no list of cases")
    if len(cases) > n_cases:
        raise IntakeError(f"result.json reports {len(cases)} tests; there are {n_cases}")
    out["cases"] = []
    for entry in cases:
        if not isinstance(entry, dict) or entry.get("status") not in ("ok", "error"):
            raise IntakeError("result.json has a test result of the wrong structure")
        clean = {"status": entry["status"],
                 "seconds": _float(entry.get("seconds"))}
        if entry["status"] == "ok":
            try:
                clean["value"] = decode(entry.get("value"), outputs)
                clean["after"] = decode(entry["after"], outputs) if "after" in entry else None
            except (WireError, RecursionError) as err:
                raise IntakeError(f"result.json has a value that cannot be read ({err})") from None
            clean["finite"] = entry.get("finite") is not False
        else:
            clean["error"] = clean_error(entry.get("error"))
        out["cases"].append(clean)
    gc = doc.get("gradient_check")
    if isinstance(gc, dict):
        rel = _float(gc.get("relative_difference"))
        if rel is not None and rel >= 0 and _int(gc.get("n")) is not None:
            out["gradient_check"] = {"relative_difference": rel, "n": gc["n"]}
        elif isinstance(gc.get("skipped"), str):
            out["gradient_check"] = {"skipped": _str(gc["skipped"], 200)}
    return out
