"""`tutor check` as a learner runs it, in a process of its own: what it leaves behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

RIGHT = "import numpy as np\n\ndef sigmoid_gradient(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n"
WRONG = "import numpy as np\n\ndef sigmoid_gradient(z):\n    return 1 / (1 + np.exp(-z))\n"


@pytest.mark.parametrize("answer, code, words", [(RIGHT, 0, "All tests passed: 6/6"), (WRONG, 1, "Likely mistake: You returned the sigmoid")])
def test_a_check_leaves_no_sandbox_folder_behind(answer, code, words, tmp_path):
    """The check's sandbox server has a folder in the temporary directory; the command removes it on its
    way out (the server itself ends with the command), right answer or wrong, one check after another."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "sigmoid-gradient.py").write_text(answer)
    env = dict(os.environ, TMPDIR=str(scratch), TUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO),
               NO_COLOR="1", COLUMNS="100")
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "tutor", "check", "sigmoid-gradient", "--dir", str(work)],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == code, done.stderr
        assert words in done.stdout
        assert sorted(p.name for p in scratch.iterdir()) == []


def test_a_failed_command_leaves_no_sandbox_folder_either(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch), TUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "tutor", "check", "no-such-exercise"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and done.stderr.startswith("error: there is no exercise 'no-such-exercise'")
    assert list(scratch.iterdir()) == []


_PROBE = """
import sys
from tutor.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    from tutor.exercises import catalog
    sys.stderr.write(f"\\nEXIT {done.code} LOADED {catalog._load_catalog.cache_info().currsize > 0}\\n")
"""


def test_check_without_an_id_checks_every_started_exercise_in_course_order(tmp_path):
    """`tutor check` alone: each started exercise, in the course's order, loading only those."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "sigmoid-gradient.py").write_text(RIGHT)
    (work / "rand-initialize-weights.py").write_text(
        "def rand_initialize_weights(L_in, L_out, epsilon=0.12, rng=None):\n    raise NotImplementedError\n")
    env = dict(os.environ, TUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO), NO_COLOR="1", COLUMNS="100")
    runs = [subprocess.run([sys.executable, "-c", _PROBE, "check", "--dir", str(work)], capture_output=True,
                           text=True, env=env, cwd=tmp_path, timeout=120, stdin=subprocess.DEVNULL) for _ in range(2)]
    for done in runs:
        out = done.stdout
        assert out.index("rand-initialize-weights - ") < out.index("sigmoid-gradient - ")  # the course's order
        assert "All tests passed: 6/6" in out and "not written yet" in out
        assert "EXIT 1 " in done.stderr  # one of them fails
    assert runs[0].stdout == runs[1].stdout
    assert "LOADED True" in runs[0].stderr  # a first run loads (and records) the whole catalog
    assert "LOADED False" in runs[1].stderr  # then only the two exercises
