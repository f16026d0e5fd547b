"""The files `tutor grade` writes: gradebook.csv, grades.json, feedback/<student>.md.

Every text that came from a submission is already escaped in the records
(control characters); here CSV cells that a spreadsheet would run as a
formula are defused, names in Markdown headings are escaped, and Markdown
fences are made longer than any run of backticks inside them.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

# No timings here: the same class graded twice, on one machine or many, gives the same bytes
# (seconds are in grades.json).
GRADEBOOK_COLUMNS = ["student", "exercise", "score", "max_score", "passed", "mistakes", "file", "reason"]

_FORMULA_START = ("=", "+", "-", "@")


def formula_safe(text) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula.

    Spreadsheets skip leading blanks and read fullwidth signs (＝, ＋) as the
    plain ones, so the first character that is not blank is compared after
    NFKC folding; a cell starting with a tab or carriage return is a formula
    trigger of its own. Such a cell gets a leading apostrophe.
    """
    text = "" if text is None else str(text)
    first = unicodedata.normalize("NFKC", text.lstrip()[:1])[:1]
    return "'" + text if text[:1] in ("\t", "\r") or first in _FORMULA_START else text


def write_gradebook(records: list[dict], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(GRADEBOOK_COLUMNS)
        for r in records:
            out.writerow([
                formula_safe(r["student"]), formula_safe(r.get("exercise") or ""), f"{r['score']:g}",
                f"{r['max_score']:g}", "yes" if r["passed"] else "no", ";".join(d["id"] for d in r["mistakes"]),
                formula_safe(r["file"]), formula_safe(r["reason"] or ""),
            ])


def write_json(records: list[dict], catalog: dict, path: Path) -> None:
    """Everything per submission and test; hidden tests carry name and result only."""
    from tutor.base.version import __version__

    used = sorted({r["exercise"] for r in records if r.get("exercise") in catalog})
    doc = {
        "tutor_version": __version__,
        "exercises": {i: {"title": catalog[i].title, "max_score": catalog[i].max_score,
                          "tests": [{"name": t.name, "points": t.points, "hidden": t.hidden} for t in catalog[i].tests]}
                      for i in used},
        "submissions": [{k: v for k, v in r.items() if k != "code"} for r in records],
    }
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._@-]+")


def feedback_names(students: list[str]) -> dict[str, str]:
    """student id -> a file name that is safe on every system and unique."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for student in students:
        if student in names:
            continue
        base = _UNSAFE_NAME.sub("_", student).strip("._") or "student"
        name, n = base[:80], 2
        while name.lower() in used:
            name, n = f"{base[:80]}-{n}", n + 1
        used.add(name.lower())
        names[student] = name
    return names


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


# What can start emphasis, code, links, HTML, entities or a table cell inside one line of Markdown
# (a heading's text never starts a line, so list and setext markers need no escape).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~&])")


def markdown_text(text: str) -> str:
    """Learner text (a student id, a file name) as Markdown that shows it literally, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def feedback_markdown(student: str, records: list[dict]) -> str:
    """One student's feedback: a table of results, then each check's words as `tutor check` prints them."""
    lines = [f"# Feedback for {markdown_text(student)}", "", "| exercise | file | score | result |", "|---|---|---|---|"]
    for r in records:
        result = "passed" if r["passed"] else ("not graded" if not r["graded"] else "not yet")
        file = r["file"].replace("|", "\\|").replace("`", "'")
        lines.append(f"| {r.get('exercise') or '-'} | `{file}` | {r['score']:g}/{r['max_score']:g} | {result} |")
    for r in records:
        title = f" - {r['title']}" if r.get("title") else ""
        fence = _fence(r["feedback"])
        heading = markdown_text(f"{r.get('exercise') or r['file']}{title}")
        lines += ["", f"## {heading}", "", fence + "text", r["feedback"].rstrip("\n"), fence]
    return "\n".join(lines) + "\n"


def write_feedback(records: list[dict], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    by_student: dict[str, list[dict]] = {}
    for r in records:
        by_student.setdefault(r["student"], []).append(r)
    names = feedback_names(list(by_student))
    written = {}
    for student, rows in by_student.items():
        path = folder / f"{names[student]}.md"
        path.write_text(feedback_markdown(student, rows), encoding="utf-8")
        written[student] = path
    return written
