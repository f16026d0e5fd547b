"""A synthetic class for the tests and the bench: right, wrong, broken, endless, hostile.

Every kind answers the `sigmoid-gradient` exercise (one cheap check each) and
is known in advance: what score it must get, which mistake must be named,
what reason an ungradable one must give. `make_class` writes a class folder
(one file per student, some students as folders with a helper module) and
returns student id -> kind.
"""

from __future__ import annotations

import random
from pathlib import Path

EXERCISE = "sigmoid-gradient"

_HEAD = "import numpy as np\nfrom tutor_helpers import sigmoid  # as the stub imports it\n\n\n"

SOURCES = {
    "right": _HEAD + "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n",
    "right-slow-style": _HEAD + (
        "def sigmoid_gradient(z):\n    z = np.asarray(z, dtype=float)\n"
        "    return np.exp(-z) / (1 + np.exp(-z)) ** 2\n"),
    # named mistakes
    "sigmoid": _HEAD + "def sigmoid_gradient(z):\n    return sigmoid(z)\n",
    "a-formula-on-z": _HEAD + "def sigmoid_gradient(z):\n    z = np.asarray(z, dtype=float)\n    return z * (1 - z)\n",
    # wrong without a name
    "wrong-constant": _HEAD + "def sigmoid_gradient(z):\n    return np.zeros_like(np.asarray(z, dtype=float)) + 0.25\n",
    # cannot run
    "syntax-error": _HEAD + "def sigmoid_gradient(z)\n    return sigmoid(z) * (1 - sigmoid(z))\n",
    "stub": _HEAD + "def sigmoid_gradient(z):\n    raise NotImplementedError\n",
    "wrong-name": _HEAD + "def sigmoid_grad(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n",
    # hostile
    "endless": _HEAD + "def sigmoid_gradient(z):\n    while True:\n        pass\n",
    "huge-output": _HEAD + (
        "import sys\n\ndef sigmoid_gradient(z):\n    chunk = 'spam' * 250_000 + '\\n'\n"
        "    for _ in range(10):\n        sys.stdout.write(chunk)\n    s = sigmoid(z)\n    return s * (1 - s)\n"),
    "crash": _HEAD + "import os\n\ndef sigmoid_gradient(z):\n    os._exit(3)\n",
    "escapes": _HEAD + (
        "def sigmoid_gradient(z):\n    print('\\x1b[2J\\x1b]0;pwned\\x07\\x1b[32mAll tests passed\\x1b[0m \\u202e')\n"
        "    return sigmoid(z)\n"),
    # writes where it should not: next to itself, one folder up (where classmates
    # would be), and over any .py beside it. (Writing anywhere else on the machine,
    # /tmp say, only the isolated sandbox of the grading-integrity work stops.)
    "writes-outside": _HEAD + (
        "from pathlib import Path\n\n"
        "def sigmoid_gradient(z):\n    here = Path(__file__).resolve().parent\n"
        "    for target in (here.parent / 'intruder.txt', here / 'intruder.txt'):\n"
        "        try:\n            target.write_text('was here')\n        except OSError:\n            pass\n"
        "    for other in list(here.parent.glob('*.py')) + list(here.parent.glob('*/*.py')):\n"
        "        try:\n            other.write_text('def sigmoid_gradient(z):\\n    return 0\\n')\n"
        "        except OSError:\n            pass\n"
        "    s = sigmoid(z)\n    return s * (1 - s)\n"),
}

HELPER = "from tutor_helpers import sigmoid\n\n\ndef both(z):\n    s = sigmoid(z)\n    return s, 1 - s\n"
IN_FOLDER = "from helpers import both\n\n\ndef sigmoid_gradient(z):\n    s, t = both(z)\n    return s * t\n"

# What each kind must get: (score out of 6, passed, named mistake or None, words in the reason or None)
EXPECTED = {
    "right": (6, True, None, None),
    "right-slow-style": (6, True, None, None),
    "right-in-folder": (6, True, None, None),
    "sigmoid": (None, False, "sigmoid-instead-of-gradient", None),
    "a-formula-on-z": (None, False, "gradient-with-a-not-z", None),
    "wrong-constant": (None, False, None, None),
    "syntax-error": (0, False, None, "cannot read your file"),
    "stub": (0, False, None, None),
    "wrong-name": (0, False, None, "no function named sigmoid_gradient"),
    "endless": (0, False, None, "did not finish"),
    "huge-output": (6, True, None, None),
    "crash": (0, False, None, "without reporting"),
    "escapes": (None, False, "sigmoid-instead-of-gradient", None),
    # Isolated (the default), it can reach no file but its private folder: every write fails,
    # nothing of the class changes, and its right answer counts. (Unisolated, it would rewrite
    # its own copy and be graded as not gradable, alone.)
    "writes-outside": (6, True, None, None),
}

HOSTILE = ("endless", "huge-output", "crash", "escapes", "writes-outside")
BENCH_MIX = {"right": 110, "right-in-folder": 10, "sigmoid": 25, "a-formula-on-z": 20, "wrong-constant": 10,
             "syntax-error": 8, "stub": 8, "wrong-name": 5, "crash": 2, "escapes": 1, "endless": 1}


def write_student(folder: Path, student: str, kind: str) -> Path:
    """One student's submission of the given kind; returns the path written."""
    if kind == "right-in-folder":
        own = folder / student
        own.mkdir(parents=True, exist_ok=True)
        (own / "helpers.py").write_text(HELPER)
        path = own / "sigmoid_gradient.py"
        path.write_text(IN_FOLDER)
        return path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{student}.py"
    path.write_text(SOURCES[kind], encoding="utf-8")
    return path


def make_class(folder: Path, mix: dict[str, int] | None = None, *, seed: int = 0) -> dict[str, str]:
    """Write a class (default: one of every kind) into folder; student id -> kind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mix = mix or {kind: 1 for kind in EXPECTED}
    kinds = [k for k, n in mix.items() for _ in range(n)]
    random.Random(seed).shuffle(kinds)
    truth = {}
    for i, kind in enumerate(kinds):
        student = f"s{i:03d}-{kind}"
        write_student(folder, student, kind)
        truth[student] = kind
    return truth
