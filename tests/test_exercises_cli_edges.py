"""The rough edges of `tutor check` a new user or a grader meets, each with its one-line answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app

RIGHT = "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n"
SIGMOID_ONLY = "from tutor_helpers import sigmoid\n\ndef sigmoid_gradient(z):\n    return sigmoid(z)\n"
PREDICT_PLUS_ONE = ("import numpy as np\nfrom tutor_helpers import sigmoid\n\ndef predict(thetas, X):\n    a = X\n"
                    "    for T in thetas:\n        a = sigmoid(np.hstack([np.ones((a.shape[0], 1)), a]) @ T.T)\n"
                    "    return np.argmax(a, axis=1) + 1\n")


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, list(args))

    return invoke


def test_an_all_capitals_id_gets_a_suggestion(cli):
    r = cli("check", "SIGMOID-GRADIENT")
    assert r.exit_code == 2
    assert "there is no exercise 'SIGMOID-GRADIENT'. Did you mean 'sigmoid-gradient'?" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("target, words", [("/dev/null", "/dev/null is a device"), (".", ". is a folder, not a Python file")])
def test_a_device_or_a_folder_as_file_names_what_it_is(cli, target, words):
    r = cli("check", "sigmoid-gradient", "--file", target, "--isolation", "off")
    assert r.exit_code == 2 and words in r.output and "there is no file" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_memory_limit_too_low_for_numpy_blames_the_limit(cli, tmp_path):
    (tmp_path / "a.py").write_text(RIGHT)
    r = cli("check", "sigmoid-gradient", "--file", "a.py", "--memory-mb", "64", "--isolation", "auto")
    assert r.exit_code == 1
    text = " ".join(r.output.split())
    assert "the memory limit of 64 MB is too low for Python and numpy themselves" in text
    assert "This is the limit, not your code." in text


def test_gradescope_over_several_exercises_keeps_each_exercises_diagnoses(cli, tmp_path):
    folder = tmp_path / "tutor-exercises"
    folder.mkdir()
    (folder / "sigmoid-gradient.py").write_text(SIGMOID_ONLY)
    (folder / "predict.py").write_text(PREDICT_PLUS_ONE)
    r = cli("check", "--format", "gradescope", "--output", "results.json", "--isolation", "auto")
    assert r.exit_code == 1, r.output
    doc = json.loads((tmp_path / "results.json").read_text())
    assert "sigmoid-gradient:\nYou returned the sigmoid, not its gradient (sigmoid-instead-of-gradient)" in doc["output"]
    assert "predict:\nThe labels are off by one (labels-off-by-one)" in doc["output"]
    assert {t["name"].split(":")[0] for t in doc["tests"]} == {"sigmoid-gradient", "predict"}


def test_graders_formats_refuse_to_run_unisolated_and_say_how_to_fix_it(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_BWRAP", str(tmp_path / "missing-bwrap"))
    (tmp_path / "a.py").write_text(RIGHT)
    for fmt in ("json", "gradescope"):
        r = cli("check", "sigmoid-gradient", "--file", "a.py", "--format", fmt)
        assert r.exit_code == 2 and "apt install bubblewrap" in r.output and "--isolation auto" in r.output
    r = cli("check", "sigmoid-gradient", "--file", "a.py", "--format", "json", "--isolation", "auto")
    assert r.exit_code == 0
    assert "this check is not isolated" in r.stderr
    assert json.loads(r.stdout)["isolated"] is False
    r = cli("check", "sigmoid-gradient", "--file", "a.py")  # text defaults to auto: runs, and says so
    assert r.exit_code == 0 and "this check is not isolated" in r.stdout


def test_watch_stops_on_ctrl_c_even_when_started_with_sigint_ignored(tmp_path):
    # A background job of a non-interactive shell starts with SIGINT ignored (SIG_IGN is inherited).
    f = tmp_path / "sigmoid-gradient.py"
    f.write_text(RIGHT)
    env = {**os.environ, "TUTOR_WATCH_POLL": "1", "NO_COLOR": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "check", "sigmoid-gradient", "--file", str(f), "--watch"],
                            cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        seen = b""
        deadline = time.monotonic() + 30
        os.set_blocking(proc.stdout.fileno(), False)
        while b"Watching" not in seen and time.monotonic() < deadline:
            chunk = proc.stdout.read() or b""
            seen += chunk
            time.sleep(0.1)
        assert b"All tests passed" in seen and b"Watching" in seen, seen[-500:]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_started_stubs_also_run_as_plain_scripts_with_only_the_started_exercises_helpers(cli, tmp_path):
    assert cli("exercise", "start", "sigmoid-gradient").exit_code == 0
    folder = tmp_path / "tutor-exercises"
    helpers = (folder / "tutor_helpers.py").read_text()
    assert "def sigmoid(" in helpers and "def sigmoid_gradient(" not in helpers and "tutor." not in helpers
    (folder / "sigmoid-gradient.py").write_text(RIGHT + "\nprint(sigmoid_gradient(0.0))\n")
    ran = subprocess.run([sys.executable, "-E", "sigmoid-gradient.py"], cwd=folder, capture_output=True, text=True,
                         timeout=60)
    assert ran.returncode == 0 and ran.stdout.strip() == "0.25", ran.stderr
    assert cli("exercise", "start", "backprop-gradient").exit_code == 0
    helpers = (folder / "tutor_helpers.py").read_text()
    assert "def sigmoid_gradient(" in helpers and "def reshape_params(" in helpers
    # a check never uses that file: a learner's edited copy changes nothing
    (folder / "tutor_helpers.py").write_text("def sigmoid(z):\n    return 0.5\n")
    r = cli("check", "sigmoid-gradient", "--isolation", "off")
    assert r.exit_code == 0 and "All tests passed" in r.output


# -- a grader's format always writes its document; only the submission's own file is staged ----------


@pytest.mark.parametrize("data, words", [
    (b"def sigmoid_gradient(z):\n    return 0\x00\n", "has a NUL byte at line 2"),
    (b"# caf\xe9\ndef sigmoid_gradient(z):\n    return z\n", "is not valid utf-8 text: byte 0xe9 at line 1"),
    (bytes(range(256)) * 4, "NUL byte"),
], ids=["nul-byte", "latin-1-without-coding-line", "binary"])
def test_json_and_gradescope_give_a_zero_point_document_for_an_unreadable_file(cli, tmp_path, data, words):
    (tmp_path / "bad.py").write_bytes(data)
    r = cli("check", "sigmoid-gradient", "--file", "bad.py", "--format", "json", "--isolation", "off")
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert doc["score"] == 0 and doc["max_score"] == 6 and not doc["passed"]
    assert words in doc["problem"] and all(not t["passed"] for t in doc["tests"])
    r = cli("check", "sigmoid-gradient", "--file", "bad.py", "--format", "gradescope", "--output", "r.json",
            "--isolation", "off")
    assert r.exit_code == 1
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["score"] == 0 and doc["max_score"] == 6
    assert words in doc["tests"][0]["output"]
    # Text still says it in one line, exit 2, as before.
    r = cli("check", "sigmoid-gradient", "--file", "bad.py", "--isolation", "off")
    assert r.exit_code == 2 and words in r.output


def test_a_classmates_file_beside_the_submission_is_not_importable(cli, tmp_path):
    # A flat class folder: bob's file imports alice's working function. `tutor check` stages bob's file alone.
    (tmp_path / "alice.py").write_text(RIGHT)
    (tmp_path / "bob.py").write_text("from alice import sigmoid_gradient\n")
    r = cli("check", "sigmoid-gradient", "--file", "bob.py", "--format", "json", "--isolation", "off")
    doc = json.loads(r.stdout)
    assert r.exit_code == 1 and doc["score"] == 0
    assert "No module named 'alice'" in doc["problem"]


def test_the_tutors_helper_file_is_never_checked_as_a_submission(cli, tmp_path):
    cli("exercise", "start", "sigmoid-gradient")
    helpers = tmp_path / "tutor-exercises" / "tutor_helpers.py"
    assert "def sigmoid_gradient" in helpers.read_text() or "def sigmoid" in helpers.read_text()
    r = cli("check", "sigmoid-gradient", "--file", str(helpers), "--isolation", "off")
    assert r.exit_code == 2 and "the tutor's own file" in r.output
    r = cli("check", "sigmoid-gradient", "--file", str(helpers), "--format", "json", "--isolation", "off")
    doc = json.loads(r.stdout)
    assert doc["score"] == 0 and "the tutor's own file" in doc["problem"]


def test_text_output_ends_with_the_bounds_line(cli, tmp_path):
    (tmp_path / "a.py").write_text(RIGHT)
    r = cli("check", "sigmoid-gradient", "--file", "a.py", "--isolation", "off")
    assert r.exit_code == 0
    assert r.output.strip().splitlines()[-1] == "bounds: per process only (not isolated): 2048 MB, 10 s"
