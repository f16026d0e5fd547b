"""Class folders -> submissions: who handed in which file for which exercise.

A class folder holds one entry per student: `alice.py` (the student id is the
file name without .py), `alice/` (any .py files inside, up to MAX_DEPTH
folders down) or `alice.zip` (a zip of that student's files). Which exercise
a file answers comes from the functions it defines, read with `ast` (the file
is never imported), or from `--exercise`. When several exercises ask for the
same function, a file named after an exercise id (feedforward-cost.py)
settles it. Every entry gives at least one submission; one that cannot be
graded carries the reason. Nothing is dropped without a word but what is
never a student's: hidden entries, caches, and the tutor's own
`tutor_helpers.py` (which `tutor exercise start` writes beside a stub).

Names are read as the file system gives them: a name that is not valid UTF-8
gets a row saying so (its student id shown with \\x escapes); student ids
are NFC-normalised, so "José" typed either way is one student. A symbolic
link is followed only while it stays inside the class folder.

Each submission keeps the bytes of its student's Python files as they were
read here: the check runs on a private copy of those bytes, so nothing that
runs later (another submission, say) can change what is graded.
"""

from __future__ import annotations

import ast
import hashlib
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tutor.base.errors import TutorError
from tutor.base.pyparse import parse as parse_python
from tutor.exercises.stubs import HELPERS_MODULE

MAX_SOURCE = 1024 * 1024  # a submission larger than this is not a hand-written exercise
MAX_FILES_PER_STUDENT = 200
MAX_DEPTH = 3
SKIP_DIRS = frozenset({"__pycache__", "__MACOSX", ".git", ".ipynb_checkpoints"})
TUTOR_FILES = frozenset({HELPERS_MODULE + ".py"})  # written by the tutor, never a learner's answer


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


# -- names -------------------------------------------------------------------------------


def shown_name(raw: str) -> str:
    """A file system name as text: bytes that are not UTF-8 become \\xNN, the rest NFC."""
    text = os.fsencode(raw).decode("utf-8", errors="backslashreplace")
    return unicodedata.normalize("NFC", text)


def valid_name(raw: str) -> bool:
    """Is this name (as os.listdir gives it) valid UTF-8?"""
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decomposed_marks(raw: str) -> str:
    """raw with its combining marks shown as \\uXXXX (tells an NFD name from its NFC twin)."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.combining(c) else c for c in raw)


def _inside(path: Path, root: Path) -> bool:
    """Does the link `path`, followed all the way, end inside root (not at root itself)?"""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling, or a loop of links
        return False
    return root in target.parents


# -- what a file answers -----------------------------------------------------------------


def defined_functions(source: bytes) -> tuple[set[str] | None, str | None]:
    """(names of top-level functions, None) or (None, why the file cannot be read)."""
    if len(source) > MAX_SOURCE:
        return None, f"the file is larger than {MAX_SOURCE // 1024} KB"
    try:
        tree = parse_python(source)  # one at a time: see tutor.base.pyparse
    except SyntaxError as err:
        return None, f"Python cannot read it ({err.msg} at line {err.lineno})"
    except (ValueError, RecursionError, MemoryError) as err:
        return None, f"Python cannot read it ({type(err).__name__}: {err})"
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}, None


def _python_files(folder: Path, rel: str = "", depth: int = 0) -> tuple[list[tuple[str, Path]], list[tuple[str, str]]]:
    """([(relative name, path)], [(relative name, why it is left out)]) of a student's folder.

    Links inside a student's folder are never followed; names that are not
    UTF-8 cannot be staged by name; both are reported, not dropped.
    """
    found: list[tuple[str, Path]] = []
    left_out: list[tuple[str, str]] = []
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name.startswith(".") or name in SKIP_DIRS or name in TUTOR_FILES:
            continue
        here = rel + shown_name(name)
        looks_python = name.endswith(".py")
        if not valid_name(name):
            if looks_python or entry.is_dir():
                left_out.append((here, "its name is not valid UTF-8 (shown with \\x escapes); rename it"))
            continue
        if entry.is_symlink():
            if looks_python or entry.is_dir():
                left_out.append((here, "it is a symbolic link; links inside a student's folder are not followed"))
            continue
        if entry.is_dir():
            if depth < MAX_DEPTH:
                more, bad = _python_files(entry, here + "/", depth + 1)
                found += more
                left_out += bad
        elif entry.is_file() and looks_python:
            found.append((rel + name, entry))
    return found, left_out


def _which(name: str, source: bytes, pool: dict) -> tuple[list[str], str | None]:
    """(exercise ids the file clearly answers, why it cannot be read or None)."""
    stem = Path(name).stem
    functions, problem = defined_functions(source)
    if stem in pool:
        return [stem], None
    if functions is None:
        return [], problem
    return [i for i, ex in pool.items() if ex.function in functions], None


def refused(student: str, label: str, reason: str, wanted: list[str]) -> list[Submission]:
    """The rows of an entry that cannot be graded at all: one per --exercise (so it scores 0 for
    each, in the summary and in exports), or one row without an exercise."""
    return [Submission(student, label, exercise=ex, reason=reason) for ex in wanted] or [
        Submission(student, label, reason=reason)]


def _read(paths: list[tuple[str, Path]]) -> tuple[dict[str, bytes], set[str], str | None]:
    """(name -> bytes, names too big to read, why reading failed or None)."""
    files: dict[str, bytes] = {}
    too_big: set[str] = set()
    for rel, p in paths:
        try:
            if p.stat().st_size > MAX_SOURCE:
                too_big.add(rel)
                files[rel] = b""
                continue
            files[rel] = p.read_bytes()
        except OSError as err:
            return files, too_big, f"cannot read {rel}: {err.strerror or err}"
    return files, too_big, None


def student_submissions(student: str, entry: Path, catalog: dict, wanted: list[str], *,
                        label: str | None = None, scratch: Path | None = None) -> list[Submission]:
    """Every submission of one class-folder entry (a .py file, a folder, or a .zip).

    A file named after an exercise, or defining the function of exactly one
    exercise, answers it. A function several exercises ask for is ambiguous
    unless --exercise narrows it. With one --exercise and no file defining its
    function, a single file (or the files Python cannot read) is graded anyway,
    so that the check's own words say what is wrong; other files are helpers.

    label: the entry as the rows show it (default: its name); scratch: where a
    zip is unpacked (without it a zip gets a row saying it cannot be read).
    """
    label = label or shown_name(entry.name)
    left_out: list[tuple[str, str]] = []
    if entry.is_file() and entry.suffix.lower() == ".zip":
        if scratch is None:
            return refused(student, label, "a zip inside a zip or a submission is not unpacked", wanted)
        try:
            from tutor.grading.safezip import extract

            target = Path(_fresh(scratch))
            folder = extract(entry, target)
        except TutorError as err:
            return refused(student, label, err.message, wanted)
        paths, left_out = _python_files(folder)
        prefix = label + "/"
    elif entry.is_file() and entry.suffix == ".py":
        paths, prefix = [(entry.name, entry)], ""
    elif entry.is_dir():
        paths, left_out = _python_files(entry)
        prefix = label + "/"
    else:
        return refused(student, label, "not a Python file (.py), a folder of them or a zip of them", wanted)
    if len(paths) > MAX_FILES_PER_STUDENT:
        return refused(student, label, f"more than {MAX_FILES_PER_STUDENT} Python files", wanted)
    files, too_big, problem = _read(paths)
    if problem:
        return refused(student, label, problem, wanted)
    shown = {name: (label if not prefix else prefix + name) for name in files}
    pool = {i: catalog[i] for i in wanted} if wanted else catalog
    subs: list[Submission] = []
    unreadable: list[tuple[str, str]] = []
    for name, source in files.items():
        if name in too_big:  # with one exercise, its row is that exercise's (and answers it: no second row)
            subs.append(Submission(student, shown[name], exercise=next(iter(pool)) if len(pool) == 1 else None,
                                   reason=f"the file is larger than {MAX_SOURCE // 1024} KB"))
            continue
        ids, problem = _which(name, source, pool)
        if problem:
            unreadable.append((name, problem))
        elif len(ids) == 1:
            subs.append(Submission(student, shown[name], name, files, ids[0]))
        elif ids:
            fn = pool[ids[0]].function
            subs.append(Submission(student, shown[name], name, files, reason=(
                f"it defines {fn}, which {len(ids)} exercises ask for ({', '.join(ids)}); "
                f"name the file after the exercise (e.g. {ids[0]}.py) or pass --exercise")))
    answered = {s.exercise for s in subs if s.exercise}
    if len(pool) == 1 and not answered:
        only = next(iter(pool))
        graded_anyway = [n for n, _ in unreadable] or (list(files) if len(files) == 1 else [])
        for name in graded_anyway:
            subs.append(Submission(student, shown[name], name, files, only))
        unreadable = [u for u in unreadable if u[0] not in graded_anyway]
        answered = {only} if graded_anyway else answered
    for name, problem in unreadable:
        subs.append(Submission(student, shown[name], reason=(
            f"{problem}, so which exercise it answers is unknown; name it with --exercise")))
    for name, why in left_out:
        subs.append(Submission(student, prefix + name, reason=why))
    if wanted:
        for ex_id in wanted:
            if ex_id not in answered:
                fn = catalog[ex_id].function
                subs.append(Submission(student, prefix or label, exercise=ex_id,
                                       reason=f"no file defines {fn} (files: {', '.join(sorted(files)) or 'none'})"))
    if not subs:
        names = ", ".join(sorted(files)) or "no Python files"
        subs.append(Submission(student, label, reason=f"no file answers a known exercise ({names})"))
    return subs


def _fresh(scratch: Path) -> str:
    import tempfile

    scratch.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix="z", dir=scratch)


def _student_id(raw: str, entry: Path) -> str:
    """alice.py, alice.zip, alice.txt -> alice; a folder keeps its whole name."""
    stem = raw[:-len(entry.suffix)] if entry.suffix and not entry.is_dir() else raw
    return shown_name(stem)


def discover(folder: Path, catalog: dict, wanted: list[str], *, skip: Path | None = None,
             scratch: Path | None = None) -> list[Submission]:
    """Every submission in a class folder, sorted by student then file.

    skip: a folder not to read as a student (the output folder, when it lies
    inside the class); scratch: where per-student zips are unpacked.
    """
    subs: list[Submission] = []
    root = folder.resolve()
    skip = skip.resolve() if skip is not None else None
    entries = [e for e in sorted(folder.iterdir())
               if not (e.name.startswith(".") or e.name in SKIP_DIRS or e.name in TUTOR_FILES)]
    if skip is not None:
        entries = [e for e in entries if e.is_symlink() or e.resolve() != skip]
    ids = {e.name: _student_id(e.name, e) for e in entries}
    twins: dict[str, int] = {}
    for e in entries:
        key = unicodedata.normalize("NFC", e.name) if valid_name(e.name) else e.name
        twins[key] = twins.get(key, 0) + 1
    for entry in entries:
        raw = entry.name
        student = ids[raw]
        label = shown_name(raw)
        if valid_name(raw) and twins[unicodedata.normalize("NFC", raw)] > 1 and raw != unicodedata.normalize("NFC", raw):
            label = decomposed_marks(raw)  # its NFC twin is in the class too: keep the two rows apart
        if not valid_name(raw):
            subs.extend(refused(student, label, "its name is not valid UTF-8 (shown with \\x escapes), "
                                "so it cannot be graded by name; rename it", wanted))
            continue
        if entry.is_symlink():
            if not _inside(entry, root) or (skip is not None and entry.resolve() == skip):
                subs.extend(refused(student, label, "it is a symbolic link to a place outside the class folder "
                                    "(or to nothing); links are not followed out of the class", wanted))
                continue
            entry = entry.resolve()  # inside the class: graded as what it points at, under its own name
        subs.extend(student_submissions(student, entry, catalog, wanted, label=label, scratch=scratch))
    subs.sort(key=lambda s: s.student)  # stable: an entry's rows stay in their order
    return subs


def zip_is_one_student(folder: Path, catalog: dict, wanted: list[str]) -> bool:
    """Is an unpacked zip given on its own one student's files rather than a class?

    The rule (docs/grading.md): it is one student's when it holds only Python
    files at its top (no folders, no zips) and no exercise is answered by two
    of them (a sigmoid_gradient.py with its helpers.py); a zip where several
    files answer the same exercise, or with folders or zips, is a class.
    """
    pool = {i: catalog[i] for i in wanted} if wanted else catalog
    seen: set[str] = set()
    any_python = False
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name in SKIP_DIRS or entry.name in TUTOR_FILES:
            continue
        if entry.is_dir() or entry.suffix.lower() == ".zip":
            return False
        if entry.suffix != ".py" or entry.is_symlink() or not valid_name(entry.name):
            continue
        any_python = True
        try:
            source = entry.read_bytes()[:MAX_SOURCE + 1]
        except OSError:
            continue
        for ex_id in _which(entry.name, source, pool)[0]:
            if ex_id in seen:
                return False
            seen.add(ex_id)
    return any_python


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
