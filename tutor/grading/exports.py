"""Gradebooks an LMS imports as they are: Canvas and Moodle CSV, students mapped by a roster.

The folder and file names in a class are not an LMS's identities, so a
roster CSV maps them: a `submission` column (each student's id as
gradebook.csv's student column shows it: their file or folder name) and the
LMS's own identity columns. The easiest roster is the LMS's gradebook export
with a `submission` column added.

- Canvas matches a row by ID, SIS User ID or SIS Login ID; its import wants
  the columns Student, ID, SIS User ID, SIS Login ID, Section, then one
  column per assignment titled "Assignment name (assignment id)".
- Moodle's import maps one identity column (Email address, ID number or
  Username) to its users and a column to each grade item.

One grade per student and exercise: the best of their rows for it (a
student with two files for one exercise, as in the Gradescope autograder).
A student the roster lacks is not exported (the command says who); a
roster student with no submission gets an empty cell, which neither LMS
imports as a grade. Every cell is defused against spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tutor.base.errors import TutorError
from tutor.grading.writers import formula_safe

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = ["First name", "Last name", "ID number", "Email address", "Username"]
MOODLE_KEYS = ("Email address", "ID number", "Username")
FORMATS = ("canvas", "moodle")


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """student id -> {column: value} from a roster CSV with a `submission` column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise TutorError(f"cannot read the roster {path}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise TutorError(f"the roster {path} is not UTF-8 text; save it as CSV UTF-8") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = {(c or "").strip().lower(): c for c in (rows[0].keys() if rows else [])}
    if "submission" not in columns:
        raise TutorError(f"the roster {path} has no `submission` column (each student's id as gradebook.csv shows it)")
    key = columns["submission"]
    roster: dict[str, dict[str, str]] = {}
    for row in rows:
        sid = (row.get(key) or "").strip()
        if not sid:
            continue
        if sid in roster:
            raise TutorError(f"the roster {path} lists student {sid!r} twice")
        roster[sid] = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
    return roster


def best_scores(records: list[dict]) -> dict[str, dict[str, float]]:
    """student -> exercise -> the best score of their rows for it."""
    out: dict[str, dict[str, float]] = {}
    for r in records:
        ex = r.get("exercise")
        if not ex:
            continue
        scores = out.setdefault(r["student"], {})
        scores[ex] = max(scores.get(ex, float("-inf")), float(r["score"]))
    return out


def columns_for(exercises: list[str], catalog: dict, assignments: list[str]) -> dict[str, str]:
    """exercise -> its grade column's title: from `--assignment EXERCISE=TITLE` (or one bare TITLE), else the title."""
    named: dict[str, str] = {}
    for text in assignments:
        ex, sep, title = text.partition("=")
        if not sep:
            if len(exercises) != 1:
                raise TutorError(f"--assignment {text!r}: with several exercises write EXERCISE=TITLE")
            ex, title = exercises[0], text
        ex, title = ex.strip(), title.strip()
        if ex not in exercises:
            raise TutorError(f"--assignment {text!r}: {ex!r} is not an exercise of this gradebook "
                             f"({', '.join(exercises)})")
        named[ex] = title
    return {ex: named.get(ex) or (catalog[ex].title if ex in catalog else ex) for ex in exercises}


def export(records: list[dict], catalog: dict, kind: str, *, roster: dict | None,
           assignments: list[str] = ()) -> tuple[str, list[str]]:
    """(the CSV text, notes: students left out and why) for kind canvas or moodle."""
    if kind not in FORMATS:
        raise TutorError(f"--export {kind!r}: choose canvas or moodle")
    exercises = [e for e in catalog if any(r.get("exercise") == e for r in records)]
    titles = columns_for(exercises, catalog, list(assignments))
    scores = best_scores(records)
    students = sorted({r["student"] for r in records})
    notes: list[str] = []
    if kind == "canvas":
        if roster is None:
            raise TutorError("Canvas matches students by ID or SIS id: give --roster CSV with a `submission` column "
                             "and Canvas's ID (or SIS User ID / SIS Login ID) columns")
        identity = CANVAS_IDENTITY
        if not any(row.get(c) for row in roster.values() for c in ("ID", "SIS User ID", "SIS Login ID")):
            raise TutorError("the roster has no ID, SIS User ID or SIS Login ID values; Canvas cannot match anyone")
    else:
        identity = MOODLE_IDENTITY
        if roster is not None and not any(row.get(c) for row in roster.values() for c in MOODLE_KEYS):
            raise TutorError("the roster has no Email address, ID number or Username values; "
                             "Moodle cannot match anyone")
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    used = [c for c in identity if kind == "canvas" or roster is None or any(row.get(c) for row in roster.values())]
    if kind == "moodle" and roster is None:
        used = ["Username"]
    out.writerow(used + [titles[e] for e in exercises])
    order = list(roster) if roster is not None else students
    for sid in order:
        if roster is not None:
            who = dict(roster[sid])
            if kind == "canvas" and not who.get("Student"):
                who["Student"] = sid
        else:
            who = {"Username": sid}
        got = scores.get(sid, {})
        out.writerow([formula_safe(who.get(c, "")) for c in used] +
                     [f"{got[e]:g}" if e in got else "" for e in exercises])
    if roster is not None:
        for sid in students:
            if sid not in roster:
                notes.append(f"{sid} is not in the roster: left out of the {kind} export")
    return buffer.getvalue(), notes


def write_export(records: list[dict], catalog: dict, kind: str, out: Path, *, roster_path: Path | None,
                 assignments: list[str] = ()) -> tuple[Path, list[str]]:
    roster = read_roster(roster_path) if roster_path is not None else None
    text, notes = export(records, catalog, kind, roster=roster, assignments=assignments)
    path = out / f"{kind}.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path, notes
