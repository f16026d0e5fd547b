"""A learner's file read the way Python reads it, or one line saying why it cannot be.

Python's own rules decide the text: a UTF-8 byte-order mark, a coding line
(`# -*- coding: latin-1 -*-`), CRLF or CR line ends (importlib's
decode_source). What Python would refuse, or what is not a file at all, gets
one sentence naming the problem and where: a folder, a device such as
/dev/null, a named pipe (checked without opening it for a blocking read), a
NUL byte (line and column), bytes that are not valid in the file's encoding.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tutor.base.errors import TutorError
from tutor.exercises.safetext import safe_text

MAX_BYTES = 1024 * 1024


class SourceProblem(TutorError):
    """The learner's file cannot be read as Python source."""


def _kind(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "a folder, not a Python file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device (like /dev/null), not a Python file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a Python file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a Python file"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def _line_col(data: bytes, index: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, index) + 1
    start = data.rfind(b"\n", 0, index) + 1
    return line, index - start + 1


def read_source(path: Path | str, start_hint: str = "") -> str:
    """The file's text as Python would decode it; SourceProblem (one line) otherwise."""
    path = Path(path)
    shown = safe_text(str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise SourceProblem(f"there is no file {shown}{start_hint}") from None
    except OSError as err:
        raise SourceProblem(f"{shown} cannot be read: {err.strerror}") from None
    kind = _kind(st.st_mode)
    if kind:
        raise SourceProblem(f"{shown} is {kind}; give the .py file with your function")
    if st.st_size > MAX_BYTES:
        raise SourceProblem(f"{shown} is {st.st_size // 1024} KB; a solution file is at most {MAX_BYTES // 1024} KB")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise SourceProblem(f"{shown} cannot be read: {err.strerror}") from None
    try:
        st = os.fstat(fd)  # the file may have been swapped since the first look
        kind = _kind(st.st_mode)
        if kind:
            raise SourceProblem(f"{shown} is {kind}; give the .py file with your function")
        data = os.read(fd, MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise SourceProblem(f"{shown} is larger than {MAX_BYTES // 1024} KB; a solution file is at most that")
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise SourceProblem(f"{shown} has a NUL byte at line {line}, column {col}: it looks like a binary file, "
                            "not Python source (was it saved in another format?)")
    from importlib.util import decode_source

    try:
        return decode_source(data)
    except SyntaxError as err:  # an unknown encoding in the coding line, or bytes invalid in it
        bad = _bad_byte(data)
        if bad:
            raise SourceProblem(f"{shown} {bad}") from None
        raise SourceProblem(f"{shown}: {safe_text(err.msg if hasattr(err, 'msg') else err)}") from None
    except UnicodeDecodeError as err:
        line, col = _line_col(data, err.start)
        raise SourceProblem(f"{shown} is not valid {err.encoding} text: byte 0x{data[err.start]:02x} at line {line}, "
                            f"column {col}; save it as UTF-8 (or declare its encoding with a coding line)") from None
    except LookupError as err:
        raise SourceProblem(f"{shown} declares an encoding Python does not know ({safe_text(err)})") from None


def _bad_byte(data: bytes) -> str | None:
    """Where the first byte invalid in the file's declared (or default UTF-8) encoding is."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:
        if "unknown encoding" in str(err):
            return None
        encoding = "utf-8"  # the first lines themselves are not UTF-8 and declare nothing
    try:
        data.decode(encoding)
    except UnicodeDecodeError as err:
        line, col = _line_col(data, err.start)
        return (f"is not valid {encoding} text: byte 0x{data[err.start]:02x} at line {line}, column {col}; "
                "save it as UTF-8 (or declare its encoding with a coding line such as # -*- coding: latin-1 -*-)")
    except LookupError:
        return None
    return None
