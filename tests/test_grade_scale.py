"""Beyond one machine: a class graded on a Dask cluster, and in shares merged afterwards, gives the
files one local run gives, byte for byte (gradebook.csv, feedback/); the merge refuses what does not fit.

The cluster is a real distributed.LocalCluster of two worker processes: each task carries the
submission's bytes (the workers are not told where the class folder is) and returns its record.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.grading.shard import share_of
from tutor.grading.synthetic import EXERCISE, EXPECTED, make_class

TIMEOUT = 5
MIX = {"right": 2, "right-in-folder": 1, "sigmoid": 2, "a-formula-on-z": 1, "syntax-error": 1, "stub": 1,
       "wrong-name": 1, "crash": 1}


def _grade(*args):
    return CliRunner().invoke(app, ["grade", *[str(a) for a in args]])


def _files(out: Path) -> dict[str, bytes]:
    """Every file a run writes that must not depend on where or when it ran."""
    found = {"gradebook.csv": (out / "gradebook.csv").read_bytes()}
    for p in sorted((out / "feedback").iterdir()):
        found["feedback/" + p.name] = p.read_bytes()
    doc = json.loads((out / "grades.json").read_text())
    for s in doc["submissions"]:
        s.pop("seconds")
    found["grades.json without timings"] = json.dumps(doc, sort_keys=True).encode()
    return found


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    truth = make_class(root / "class", MIX, seed=3)
    out = root / "local"
    r = _grade(root / "class", "-e", EXERCISE, "-o", out, "-j", 2, "--timeout", TIMEOUT)
    assert r.exit_code == 0, r.output
    return root, truth, out


def test_the_local_run_is_right_before_anything_is_compared_with_it(local):
    _, truth, out = local
    import csv

    with open(out / "gradebook.csv", newline="", encoding="utf-8") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    for student, kind in truth.items():
        score = EXPECTED[kind][0]
        if score is not None:
            assert float(rows[student]["score"]) == score, (kind, rows[student])


def test_a_local_dask_cluster_of_two_worker_processes_writes_the_same_files(local, tmp_path):
    distributed = pytest.importorskip("distributed")
    root, truth, out = local
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        r = _grade(root / "class", "-e", EXERCISE, "-o", tmp_path / "dask", "--timeout", TIMEOUT,
                   "--cluster", cluster.scheduler_address)
        assert r.exit_code == 0, r.output
        assert f"{len(truth)} checked, 0 unchanged" in r.stdout
        assert _files(tmp_path / "dask") == _files(out)
        # and it resumes as a local run does: nothing changed, nothing re-checked
        r = _grade(root / "class", "-e", EXERCISE, "-o", tmp_path / "dask", "--timeout", TIMEOUT,
                   "--cluster", cluster.scheduler_address)
        assert r.exit_code == 0 and f"0 checked, {len(truth)} unchanged" in r.stdout


def test_shares_merged_write_the_same_files_as_one_run(local, tmp_path):
    root, truth, out = local
    shares = {k: sorted(s for s in truth if share_of(s, 2) == k) for k in (1, 2)}
    assert shares[1] and shares[2]  # both shares have work: the split is by student, stable
    for k in (1, 2):
        r = _grade(root / "class", "-e", EXERCISE, "-o", tmp_path / f"part{k}", "--timeout", TIMEOUT,
                   "--shard", f"{k}/2", "-j", 1)
        assert r.exit_code == 0, r.output
        part = json.loads((tmp_path / f"part{k}" / "part.json").read_text())
        assert sorted({e["record"]["student"] for e in part["records"]}) == shares[k]
        assert not (tmp_path / f"part{k}" / "gradebook.csv").exists()  # a share alone is not a gradebook
    r = _grade("merge", tmp_path / "part2", tmp_path / "part1", "-o", tmp_path / "merged", "--export", "moodle")
    assert r.exit_code == 0, r.output
    assert f"Merged 2 shares ({len(truth)} submissions)" in r.stdout
    assert _files(tmp_path / "merged") == _files(out)
    # the merged run exports as a single run would: one row per student, their score
    import csv

    with open(out / "gradebook.csv", newline="", encoding="utf-8") as fh:
        expected = sorted([r["student"], r["score"]] for r in csv.DictReader(fh))
    with open(tmp_path / "merged" / "moodle.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Username" and sorted(rows[1:]) == expected


def test_share_of_is_a_stable_hash_of_the_student_id():
    import hashlib

    for name in ("ann", "José", "s001-right", "b\\xffb"):
        expected = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % 3 + 1
        assert share_of(name, 3) == expected
    counts = [sum(share_of(f"s{i:04d}", 4) == k for i in range(2000)) for k in (1, 2, 3, 4)]
    assert min(counts) > 400  # an even split of a big class


def _part(tmp_path: Path, name: str, folder: Path, k: int, n: int, *extra) -> Path:
    r = _grade(folder, "-e", EXERCISE, "-o", tmp_path / name, "--shard", f"{k}/{n}", "--isolation", "off", *extra)
    assert r.exit_code == 0, r.output
    return tmp_path / name


def test_merge_refuses_missing_overlapping_and_foreign_shares(tmp_path):
    folder = tmp_path / "class"
    make_class(folder, {"right": 3, "sigmoid": 3})
    p1, p2, p3 = (_part(tmp_path, f"p{k}", folder, k, 3) for k in (1, 2, 3))
    cases = [
        ([p1, p2], "share 3/3 is missing"),
        ([p1, p2, p2], "share 2 of 3 is given twice"),
        ([p1, p2, p3, p1], "given twice"),
        ([p1, _part(tmp_path, "half", folder, 1, 2), p3], "is share 1 of 2, but"),
        ([p1, p2, _part(tmp_path, "slow", folder, 3, 3, "--timeout", "7")], "different classes or with different settings"),
        ([p1, tmp_path / "nowhere"], "holds no part.json"),
    ]
    other = tmp_path / "other"
    make_class(other, {"right": 2})
    cases.append(([p1, p2, _part(tmp_path, "foreign", other, 3, 3)], "different classes"))
    for parts, words in cases:
        r = _grade("merge", *parts, "-o", tmp_path / "m")
        assert r.exit_code == 2, (words, r.output)
        assert r.output.startswith("error: ") and words in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "m" / "gradebook.csv").exists()


@pytest.mark.parametrize("shard, words", [("3", "give K/N"), ("0/2", "between 1 and N"), ("3/2", "between 1 and N")])
def test_a_bad_shard_is_a_usage_error(tmp_path, shard, words):
    make_class(tmp_path / "class", {"right": 1})
    r = _grade(tmp_path / "class", "--shard", shard, "-o", tmp_path / "out")
    assert r.exit_code == 2 and words in r.output


def test_without_dask_installed_the_cluster_option_says_what_to_install(tmp_path, monkeypatch):
    make_class(tmp_path / "class", {"right": 1})
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    r = _grade(tmp_path / "class", "-e", EXERCISE, "--cluster", "tcp://127.0.0.1:1", "-o", tmp_path / "out")
    assert r.exit_code == 2
    assert "needs Dask distributed, which is not installed" in r.output and "tutor[cluster]" in r.output


def test_a_worker_with_another_tutor_refuses_the_task_and_the_row_says_so():
    from tutor.grading.cluster import WorkerMismatch, check_payload

    task = {"version": "0.0.0-other", "course": {"bundled": True, "root": "", "id": ""}}
    with pytest.raises(WorkerMismatch, match="graded with 0.0.0-other"):
        check_payload(task)


def test_a_check_lost_on_the_way_costs_one_row_which_a_rerun_grades(tmp_path):
    from concurrent.futures import Future

    from tutor.course import bundled_course
    from tutor.exercises.catalog import load_catalog
    from tutor.grading.discover import discover
    from tutor.grading.run import grade_all

    class Losing:  # a cluster whose worker died under one task
        def submit(self, sub):
            f = Future()
            f.set_exception(ConnectionError("worker lost"))
            return f

        def close(self, interrupted):
            pass

    folder = tmp_path / "class"
    make_class(folder, {"right": 1})
    catalog = load_catalog(bundled_course())
    subs = discover(folder, catalog, [EXERCISE])
    first = grade_all(subs, catalog, out=tmp_path / "out", checks=Losing())
    assert first.records[0]["score"] == 0 and "worker lost" in first.records[0]["reason"]
    again = grade_all(subs, catalog, out=tmp_path / "out", grade=_unisolated)
    assert again.checked == 1 and again.reused == 0 and again.records[0]["score"] == 6  # not kept: graded now


def _unisolated(exercise, path, **kw):
    from tutor.grading.checker import grade_one

    return grade_one(exercise, path, isolation="off", **kw)
