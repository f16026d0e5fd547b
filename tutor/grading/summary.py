"""The class at a glance: the numbers both the HTML report and the terminal show.

From the records alone (no re-checking): per exercise the score
distribution, each test's pass rate and the named mistakes with who made
them and one example of the code, plus the files that could not be graded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Mistake:
    id: str
    title: str
    message: str
    students: list[str] = field(default_factory=list)
    example_student: str = ""
    example_file: str = ""
    example_code: str = ""


@dataclass
class ExerciseSummary:
    id: str
    title: str
    max_score: float
    submissions: int = 0  # rows for this exercise that were checked
    passed: int = 0
    mean: float = 0.0
    scores: list[tuple[float, int]] = field(default_factory=list)  # (score, how many), ascending
    tests: list[tuple[str, bool, int, int]] = field(default_factory=list)  # (name, hidden, passed, of)
    mistakes: list[Mistake] = field(default_factory=list)  # most frequent first
    not_graded: int = 0


@dataclass
class ClassSummary:
    students: int
    rows: int
    exercises: list[ExerciseSummary]
    not_graded: list[tuple[str, str, str]]  # (student, file, reason)


def summarize(records: list[dict], catalog: dict | None = None) -> ClassSummary:
    by_ex: dict[str, ExerciseSummary] = {}
    not_graded = []
    test_counts: dict[str, dict[str, list]] = {}
    scores: dict[str, Counter] = {}
    for r in records:
        ex_id = r.get("exercise") or ""
        if not r["graded"]:
            not_graded.append((r["student"], r["file"], r["reason"] or ""))
            if ex_id in by_ex or (catalog and ex_id in catalog):
                _entry(by_ex, ex_id, r, catalog).not_graded += 1
            continue
        s = _entry(by_ex, ex_id, r, catalog)
        s.submissions += 1
        s.passed += bool(r["passed"])
        scores.setdefault(ex_id, Counter())[float(r["score"])] += 1
        counts = test_counts.setdefault(ex_id, {})
        for t in r["tests"]:
            c = counts.setdefault(t["name"], [t["hidden"], 0, 0])
            c[1] += bool(t["passed"])
            c[2] += 1
        found = {m.id: m for m in s.mistakes}
        for d in r["mistakes"]:
            m = found.get(d["id"])
            if m is None:
                m = Mistake(d["id"], d["title"], d["message"], example_student=r["student"],
                            example_file=r["file"], example_code=r.get("code", ""))
                s.mistakes.append(m)
                found[d["id"]] = m
            if r["student"] not in m.students:
                m.students.append(r["student"])
    for ex_id, s in by_ex.items():
        dist = scores.get(ex_id, Counter())
        s.scores = _bins(dist, s.max_score)
        s.mean = sum(k * v for k, v in dist.items()) / s.submissions if s.submissions else 0.0
        s.tests = [(name, hidden, p, n) for name, (hidden, p, n) in test_counts.get(ex_id, {}).items()]
        s.mistakes.sort(key=lambda m: (-len(m.students), m.id))
    order = list(catalog) if catalog else []
    exercises = sorted(by_ex.values(), key=lambda s: (order.index(s.id) if s.id in order else len(order), s.id))
    return ClassSummary(students=len({r["student"] for r in records}), rows=len(records),
                        exercises=exercises, not_graded=not_graded)


def _bins(dist: Counter, max_score: float) -> list[tuple[float, int]]:
    """(score, count) ascending; with whole-point scores every score from 0 to the maximum,
    so the distribution's axis is even and the empty scores show as gaps."""
    values = set(dist)
    if max_score <= 30 and float(max_score).is_integer() and all(float(v).is_integer() for v in values):
        values |= {float(v) for v in range(int(max_score) + 1)}
    return [(v, dist.get(v, 0)) for v in sorted(values)]


def _entry(by_ex: dict, ex_id: str, record: dict, catalog: dict | None) -> ExerciseSummary:
    if ex_id not in by_ex:
        ex = catalog.get(ex_id) if catalog else None
        by_ex[ex_id] = ExerciseSummary(ex_id, ex.title if ex else record.get("title", ""),
                                       ex.max_score if ex else float(record.get("max_score") or 0))
    return by_ex[ex_id]
