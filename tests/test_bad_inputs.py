"""A catalogue of bad inputs, each run through the real CLI in a subprocess.

Every row is a command a learner or an instructor could plausibly type with
a broken file or a wrong value. Each must end the same way: exit code 2,
exactly one line on stderr that starts with `error:` and says what is wrong
(the row lists words it must contain, usually the file or the option), and
no traceback anywhere. The subprocesses run concurrently in one fixture so
the whole table costs about as much as a few of them in a row.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import scipy.io

REPO = Path(__file__).resolve().parent.parent


def _make_files(d: Path) -> None:
    """Write every broken data and weights file the table refers to."""
    rng = np.random.default_rng(0)
    X = rng.random((6, 4))
    y = np.array([0, 1, 2, 0, 1, 2])
    (d / "garbage.mat").write_bytes(b"MATLAB? no, just some bytes" * 10)
    (d / "garbage.npz").write_bytes(b"\x00\x01 not a zip at all")
    with zipfile.ZipFile(d / "zip-not-npz.npz", "w") as z:
        z.writestr("readme.txt", "hello")
    np.savez(d / "pickled.npz", X=np.array([{"a": 1}, None], dtype=object), y=y[:2])
    np.savez(d / "no-x.npz", features=X, y=y)
    np.savez(d / "y-too-short.npz", X=X, y=y[:4])
    np.savez(d / "x-3d.npz", X=rng.random((6, 2, 2)), y=y)
    Xn = X.copy()
    Xn[2, 1] = np.nan
    np.savez(d / "x-nan.npz", X=Xn, y=y)
    np.savez(d / "y-fractional.npz", X=X, y=np.array([0.5, 1, 2, 0, 1, 2]))
    np.savez(d / "x-strings.npz", X=np.array([["a", "b"]] * 6), y=y)
    np.savez(d / "x-empty.npz", X=np.zeros((0, 4)), y=np.zeros(0, dtype=int))
    (d / "empty.csv").write_text("")
    (d / "ragged.csv").write_text("0.1,0.2,1\n0.3,0.4\n")
    (d / "words.csv").write_text("0.1,0.2,1\n0.3,abc,0\n")
    (d / "one-column.csv").write_text("1\n2\n3\n")
    (d / "binary.csv").write_bytes(bytes(range(128, 256)))
    (d / "data.txt").write_text("0.1,0.2,1\n")
    (d / "folder.mat").mkdir()
    scipy.io.savemat(d / "weights-as-data.mat", {"Theta1": rng.random((3, 5)), "Theta2": rng.random((2, 4))})
    # weights
    np.savez(d / "w-none.npz", W1=rng.random((3, 65)))
    np.savez(d / "w-gap.npz", Theta1=rng.random((3, 65)), Theta3=rng.random((10, 4)))
    np.savez(d / "w-1d.npz", Theta1=rng.random(65), Theta2=rng.random((10, 2)))
    np.savez(d / "w-chain.npz", Theta1=rng.random((25, 65)), Theta2=rng.random((10, 7)))
    np.savez(d / "w-inputs.npz", Theta1=rng.random((25, 401)), Theta2=rng.random((10, 26)))
    np.savez(d / "w-outputs.npz", Theta1=rng.random((25, 65)), Theta2=rng.random((3, 26)))
    Tinf = rng.random((25, 65))
    Tinf[0, 0] = np.inf
    np.savez(d / "w-inf.npz", Theta1=Tinf, Theta2=rng.random((10, 26)))
    (d / "w-garbage.mat").write_bytes(b"\xde\xad\xbe\xef" * 40)
    (d / "w.txt").write_text("Theta1 = 1\n")


# (id, argv, words the one error line must contain, case-insensitive)
CASES = [
    # -- data files -------------------------------------------------------------
    ("data-missing", ["cost", "--data", "nope.mat", "--weights", "w-chain.npz"], ["nope.mat", "no such file"]),
    ("data-unknown-type", ["train", "--dataset", "data.txt", "-n", "0"], ["data.txt", ".mat, .npz or .csv"]),
    ("data-folder", ["train", "--dataset", "folder.mat", "-n", "0"], ["folder.mat", "not a file"]),
    ("data-garbage-mat", ["train", "--dataset", "garbage.mat", "-n", "0"], ["garbage.mat", "not a matlab"]),
    ("data-garbage-npz", ["train", "--dataset", "garbage.npz", "-n", "0"], ["garbage.npz", "not a numpy"]),
    ("data-zip-not-npz", ["train", "--dataset", "zip-not-npz.npz", "-n", "0"], ["zip-not-npz.npz"]),
    ("data-pickled", ["train", "--dataset", "pickled.npz", "-n", "0"], ["pickled.npz", "pickle"]),
    ("data-no-X", ["train", "--dataset", "no-x.npz", "-n", "0"], ["no-x.npz", "X"]),
    ("data-y-short", ["train", "--dataset", "y-too-short.npz", "-n", "0"], ["y-too-short.npz", "4 labels", "6 rows"]),
    ("data-X-3d", ["train", "--dataset", "x-3d.npz", "-n", "0"], ["x-3d.npz", "2-d"]),
    ("data-X-nan", ["train", "--dataset", "x-nan.npz", "-n", "0"], ["x-nan.npz"]),
    ("data-y-fractional", ["train", "--dataset", "y-fractional.npz", "-n", "0"], ["y-fractional.npz", "whole"]),
    ("data-X-strings", ["train", "--dataset", "x-strings.npz", "-n", "0"], ["x-strings.npz", "numbers"]),
    ("data-X-empty", ["train", "--dataset", "x-empty.npz", "-n", "0"], ["x-empty.npz", "empty"]),
    ("csv-empty", ["train", "--dataset", "empty.csv", "-n", "0"], ["empty.csv", "empty"]),
    ("csv-ragged", ["train", "--dataset", "ragged.csv", "-n", "0"], ["ragged.csv", "line 2"]),
    ("csv-words", ["train", "--dataset", "words.csv", "-n", "0"], ["words.csv", "line 2", "not a number"]),
    ("csv-one-column", ["train", "--dataset", "one-column.csv", "-n", "0"], ["one-column.csv", "two columns"]),
    ("csv-binary", ["train", "--dataset", "binary.csv", "-n", "0"], ["binary.csv", "utf-8"]),
    ("data-is-weights", ["train", "--dataset", "weights-as-data.mat", "-n", "0"], ["weights-as-data.mat", "--weights"]),
    ("dataset-unknown", ["train", "--dataset", "digitz"], ["digitz", "did you mean 'digits'"]),
    ("dataset-unknown-cost", ["cost", "--data", "mnist", "--weights", "w-chain.npz"], ["mnist", "known"]),
    ("lesson-bad-data", ["demo", "forward-pass", "--auto", "0", "--data", "ragged.csv"], ["ragged.csv", "line 2"]),
    # -- weights files ----------------------------------------------------------
    ("weights-missing", ["cost", "--data", "digits", "--weights", "none.npz"], ["none.npz", "no such file"]),
    ("weights-txt", ["cost", "--data", "digits", "--weights", "w.txt"], ["w.txt", ".mat or .npz"]),
    ("weights-garbage", ["cost", "--data", "digits", "--weights", "w-garbage.mat"], ["w-garbage.mat"]),
    ("weights-no-theta", ["cost", "--data", "digits", "--weights", "w-none.npz"], ["w-none.npz", "theta1"]),
    ("weights-gap", ["cost", "--data", "digits", "--weights", "w-gap.npz"], ["w-gap.npz", "gaps"]),
    ("weights-1d", ["cost", "--data", "digits", "--weights", "w-1d.npz"], ["w-1d.npz", "2-d"]),
    ("weights-chain", ["cost", "--data", "digits", "--weights", "w-chain.npz"], ["w-chain.npz", "theta2", "26 columns"]),
    ("weights-inputs", ["cost", "--data", "digits", "--weights", "w-inputs.npz"], ["w-inputs.npz", "400 inputs", "64 features"]),
    ("weights-outputs", ["cost", "--data", "digits", "--weights", "w-outputs.npz"], ["w-outputs.npz", "3 outputs", "10 classes"]),
    ("weights-inf", ["cost", "--data", "digits", "--weights", "w-inf.npz"], ["w-inf.npz", "theta1"]),
    ("lesson-bad-weights", ["demo", "forward-pass", "--auto", "0", "--weights", "w-outputs.npz"], ["w-outputs.npz"]),
    # -- --set values -----------------------------------------------------------
    ("set-unknown-name", ["demo", "forward-pass", "--auto", "0", "--set", "lamda=3"], ["lamda", "example"]),
    ("set-wrong-type-int", ["demo", "forward-pass", "--auto", "0", "--set", "example=abc"], ["example", "whole number"]),
    ("set-fraction-for-int", ["demo", "forward-pass", "--auto", "0", "--set", "example=1.5"], ["example", "whole number"]),
    ("set-below-min", ["demo", "forward-pass", "--auto", "0", "--set", "example=-1"], ["example", "at least 0"]),
    ("set-wrong-type-float", ["demo", "cost", "--auto", "0", "--set", "lambda=lots"], ["lambda", "number"]),
    ("set-nan", ["demo", "cost", "--auto", "0", "--set", "lambda=nan"], ["lambda", "finite"]),
    ("set-no-equals", ["learn", "cost", "--set", "lambda"], ["lambda", "name=value"]),
    # -- CLI arguments ----------------------------------------------------------
    ("learn-unknown-lesson", ["learn", "forward-pas"], ["forward-pas", "tutor lessons"]),
    ("demo-unknown-lesson", ["demo", "nosuch", "--auto", "0"], ["nosuch"]),
    ("learn-missing-yaml", ["learn", "mine/missing.yaml"], ["missing.yaml"]),
    ("learn-unknown-step", ["learn", "network", "--from", "no-such-step"], ["no-such-step", "step"]),
    ("demo-negative-auto", ["demo", "cost", "--auto", "-1"], ["--auto"]),
    ("train-negative-iterations", ["train", "--iterations", "-5"], ["--iterations", "-5"]),
    ("train-iterations-not-int", ["train", "--iterations", "many"], ["--iterations"]),
    ("train-unknown-optimizer", ["train", "--optimizer", "adam"], ["adam", "cg"]),
    ("train-unknown-activation", ["train", "--activation", "relu"], ["relu", "sigmoid"]),
    ("train-hidden-zero", ["train", "--hidden", "0"], ["--hidden"]),
    ("train-negative-lambda", ["train", "--lambda", "-1"], ["--lambda"]),
    ("train-zero-learning-rate", ["train", "--optimizer", "gd", "--learning-rate", "0"], ["--learning-rate"]),
    ("train-bad-epsilon", ["train", "--epsilon", "big"], ["--epsilon", "big"]),
    ("train-unknown-init", ["train", "--init", "xavier"], ["xavier"]),
    ("train-save-no-folder", ["train", "--save", "no/such/folder/w.npz"], ["no/such/folder"]),
    ("train-unknown-option", ["train", "--epochs", "3"], ["--epochs"]),
    ("unknown-command", ["fly"], ["fly"]),
    ("cost-negative-lambda", ["cost", "--data", "digits", "--weights", "w-chain.npz", "--lambda", "-2"], ["--lambda"]),
    ("cost-missing-weights-option", ["cost", "--data", "digits"], ["--weights"]),
    ("gradcheck-unknown-activation", ["gradcheck", "--activation", "relu"], ["relu"]),
    ("exercise-start-unknown", ["exercise", "start", "sigmoid-gradiant"], ["sigmoid-gradiant"]),
    ("check-unknown", ["check", "nosuch-exercise"], ["nosuch-exercise"]),
    ("hint-unknown", ["hint", "nosuch-exercise"], ["nosuch-exercise"]),
    ("figure-unknown", ["figure", "histogram"], ["histogram"]),
    ("export-unknown-lesson", ["export", "nosuch", "-o", "out.html"], ["nosuch"]),
    ("export-unknown-format", ["export", "cost", "-f", "docx", "-o", "out.docx"], ["docx", "html"]),
    ("export-missing-output", ["export", "cost"], ["--output"]),
    ("progress-reset-unknown", ["progress", "reset", "nosuch"], ["nosuch"]),
    ("play-unknown-dataset", ["play", "--dataset", "digitz"], ["digitz"]),
]


def _run_in_process(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """`tutor ARGV` through the real entry point, tutor.cli.main, in this process.

    Same code path as the `tutor` script (usage errors included), without
    paying an interpreter start per row. Any exception other than SystemExit
    escapes and fails the test with its traceback.
    """
    from tutor.cli import main
    from tutor.commands import _common

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(argv))
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        os.chdir(old)
        _common.set_plain(False)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    work = tmp_path_factory.mktemp("bad-inputs")
    _make_files(work)
    return work


def _check(argv, words, code, out, err):
    assert "Traceback" not in out + err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    line = lines[0]
    assert line.startswith("error: "), line
    assert code == 2, f"exit {code}: {line}"
    for w in words:
        assert w.lower() in line.lower(), f"{w!r} not in: {line}"
    # One sentence: no box drawing, no usage dump, not a paragraph.
    assert not any(ch in line for ch in "╭│╰"), line
    assert "Usage:" not in err and len(line) < 400, line


@pytest.mark.parametrize("argv, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_clear_sentence_and_exit_2(workdir, monkeypatch, argv, words):
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("TUTOR_PLAIN", raising=False)
    code, out, err = _run_in_process(argv, workdir)
    _check(argv, words, code, out, err)


# One row of each kind again as a real `python -m tutor` subprocess (four at a
# time): what the learner's shell sees, interpreter start and all.
SUBPROCESS_ROWS = ["data-garbage-mat", "csv-words", "weights-inputs", "set-unknown-name", "learn-unknown-lesson",
                   "train-iterations-not-int", "unknown-command", "check-unknown"]


@pytest.fixture(scope="module")
def subprocess_results(workdir):
    env = {**os.environ, "TUTOR_HOME": str(workdir / "home"), "COLUMNS": "100", "PYTHONPATH": str(REPO)}
    env.pop("TUTOR_PLAIN", None)
    rows = {c[0]: c for c in CASES}

    def run(cid):
        argv = rows[cid][1]
        try:
            return cid, subprocess.run([sys.executable, "-m", "tutor", *argv], cwd=workdir, env=env,
                                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as err:
            return cid, err

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, SUBPROCESS_ROWS))


@pytest.mark.parametrize("cid", SUBPROCESS_ROWS)
def test_real_subprocess(subprocess_results, cid):
    proc = subprocess_results[cid]
    _, argv, words = {c[0]: c for c in CASES}[cid]
    assert not isinstance(proc, subprocess.TimeoutExpired), f"tutor {' '.join(argv)} hung"
    _check(argv, words, proc.returncode, proc.stdout, proc.stderr)


def test_catalogue_ids_are_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))
    assert set(SUBPROCESS_ROWS) <= set(ids)
