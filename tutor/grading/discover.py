"""Class folders -> submissions: who handed in which file for which exercise.

A class folder holds one entry per student: `alice.py` (the student id is the
file name without .py) or `alice/` (any .py files inside, up to MAX_DEPTH
folders down). Which exercise a file answers comes from the functions it
defines, read with `ast` (the file is never imported), or from `--exercise`.
When several exercises ask for the same function, a file named after an
exercise id (feedforward-cost.py) settles it. Every entry gives at least one
submission; one that cannot be graded carries the reason.

Each submission keeps the bytes of its student's Python files as they were
read here: the check runs on a private copy of those bytes, so nothing that
runs later (another submission, say) can change what is graded.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from tutor.base.errors import TutorError

MAX_SOURCE = 1024 * 1024  # a submission larger than this is not a hand-written exercise
MAX_FILES_PER_STUDENT = 200
MAX_DEPTH = 3
_SKIP_DIRS = {"__pycache__", "__MACOSX", ".git", ".ipynb_checkpoints"}


@dataclass
class Submission:
    """One file (or one missing file) of one student, for one exercise.

    name: the file's path inside the student's files (as staged for the check);
    files: every Python file of the student, name -> bytes (its helpers too).
    exercise: an exercise id or None; reason: why it cannot be graded, or None.
    """

    student: str
    display: str
    name: str | None = None
    files: dict = field(default_factory=dict)
    exercise: str | None = None
    reason: str | None = None

    @property
    def key(self) -> str:
        return f"{self.student}\x00{self.display}\x00{self.exercise or ''}"

    def content_hash(self, salt: str = "") -> str:
        """sha256 over the exercise, the salt (settings, versions) and every staged file."""
        h = hashlib.sha256()
        h.update(f"{self.exercise}\x00{self.name}\x00{salt}\x00".encode())
        for name in sorted(self.files):
            h.update(name.encode() + b"\x00" + hashlib.sha256(self.files[name]).digest())
        return h.hexdigest()


def defined_functions(source: bytes) -> tuple[set[str] | None, str | None]:
    """(names of top-level functions, None) or (None, why the file cannot be read)."""
    if len(source) > MAX_SOURCE:
        return None, f"the file is larger than {MAX_SOURCE // 1024} KB"
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        return None, f"Python cannot read it ({err.msg} at line {err.lineno})"
    except (ValueError, RecursionError, MemoryError) as err:
        return None, f"Python cannot read it ({type(err).__name__}: {err})"
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}, None


def _python_files(folder: Path, depth: int = 0) -> list[Path]:
    found: list[Path] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_dir() and entry.name not in _SKIP_DIRS and depth < MAX_DEPTH:
            found.extend(_python_files(entry, depth + 1))
        elif entry.is_file() and entry.suffix == ".py":
            found.append(entry)
    return found


def _which(name: str, source: bytes, pool: dict) -> tuple[list[str], str | None]:
    """(exercise ids the file clearly answers, why it cannot be read or None)."""
    stem = Path(name).stem
    functions, problem = defined_functions(source)
    if stem in pool:
        return [stem], None
    if functions is None:
        return [], problem
    return [i for i, ex in pool.items() if ex.function in functions], None


def student_submissions(student: str, entry: Path, catalog: dict, wanted: list[str]) -> list[Submission]:
    """Every submission of one class-folder entry (a file or a folder).

    A file named after an exercise, or defining the function of exactly one
    exercise, answers it. A function several exercises ask for is ambiguous
    unless --exercise narrows it. With one --exercise and no file defining its
    function, a single file (or the files Python cannot read) is graded anyway,
    so that the check's own words say what is wrong; other files are helpers.
    """
    if entry.is_file() and entry.suffix == ".py":
        paths, base = [entry], entry.parent
    elif entry.is_dir():
        paths, base = _python_files(entry), entry
    else:
        return [Submission(student, entry.name, reason="not a Python file (.py) or a folder of them")]
    if len(paths) > MAX_FILES_PER_STUDENT:
        return [Submission(student, entry.name, reason=f"more than {MAX_FILES_PER_STUDENT} Python files")]
    files: dict[str, bytes] = {}
    too_big: set[str] = set()
    for p in paths:
        rel = p.relative_to(base).as_posix()
        try:
            if p.stat().st_size > MAX_SOURCE:
                too_big.add(rel)
                files[rel] = b""
                continue
            files[rel] = p.read_bytes()
        except OSError as err:
            return [Submission(student, entry.name, reason=f"cannot read {p.name}: {err.strerror or err}")]
    prefix = "" if entry.is_file() else entry.name + "/"
    pool = {i: catalog[i] for i in wanted} if wanted else catalog
    subs: list[Submission] = []
    unreadable: list[tuple[str, str]] = []
    for name, source in files.items():
        if name in too_big:
            subs.append(Submission(student, prefix + name, reason=f"the file is larger than {MAX_SOURCE // 1024} KB"))
            continue
        ids, problem = _which(name, source, pool)
        if problem:
            unreadable.append((name, problem))
        elif len(ids) == 1:
            subs.append(Submission(student, prefix + name, name, files, ids[0]))
        elif ids:
            fn = pool[ids[0]].function
            subs.append(Submission(student, prefix + name, name, files, reason=(
                f"it defines {fn}, which {len(ids)} exercises ask for ({', '.join(ids)}); "
                f"name the file after the exercise (e.g. {ids[0]}.py) or pass --exercise")))
    answered = {s.exercise for s in subs if s.exercise}
    if len(pool) == 1 and not answered:
        only = next(iter(pool))
        graded_anyway = [n for n, _ in unreadable] or (list(files) if len(files) == 1 else [])
        for name in graded_anyway:
            subs.append(Submission(student, prefix + name, name, files, only))
        unreadable = [u for u in unreadable if u[0] not in graded_anyway]
        answered = {only} if graded_anyway else answered
    for name, problem in unreadable:
        subs.append(Submission(student, prefix + name, reason=(
            f"{problem}, so which exercise it answers is unknown; name it with --exercise")))
    if wanted:
        for ex_id in wanted:
            if ex_id not in answered:
                fn = catalog[ex_id].function
                subs.append(Submission(student, prefix or entry.name, exercise=ex_id,
                                       reason=f"no file defines {fn} (files: {', '.join(sorted(files)) or 'none'})"))
    if not subs:
        names = ", ".join(sorted(files)) or "no Python files"
        subs.append(Submission(student, entry.name, reason=f"no file answers a known exercise ({names})"))
    return subs


def discover(folder: Path, catalog: dict, wanted: list[str], *, skip: Path | None = None) -> list[Submission]:
    """Every submission in a class folder, sorted by student then file.

    skip: a folder not to read as a student (the output folder, when it lies inside the class).
    """
    subs: list[Submission] = []
    skip = skip.resolve() if skip is not None else None
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in _SKIP_DIRS or entry.is_symlink():
            continue
        if skip is not None and entry.resolve() == skip:
            continue
        student = entry.stem if entry.is_file() else entry.name
        subs.extend(student_submissions(student, entry, catalog, wanted))
    return subs


def check_ids(wanted: list[str], catalog: dict) -> list[str]:
    """The --exercise ids, each checked against the catalog (a typo is a usage error)."""
    import difflib

    out = []
    for ex_id in wanted:
        if ex_id not in catalog:
            close = difflib.get_close_matches(ex_id.lower(), list(catalog), n=1)
            tip = f" Did you mean {close[0]!r}?" if close else ""
            raise TutorError(f"there is no exercise {ex_id!r}.{tip} (`tutor exercises` lists them)")
        if ex_id not in out:
            out.append(ex_id)
    return out
