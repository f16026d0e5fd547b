"""The Gradescope autograder end to end: build the zip, run it locally as Gradescope would, check results.json."""

from __future__ import annotations

import json
import stat
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.grading.synthetic import SOURCES

# Gradescope's documented results.json format, as a JSON schema (only the parts we write and read).
RESULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score", "status", "output", "visibility"],
            "additionalProperties": False,
            "properties": {
                "score": {"type": "number"}, "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"}, "name_format": {"type": "string"}, "number": {"type": "string"},
                "output": {"type": "string"}, "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
                "extra_data": {"type": "object"},
            },
        }},
    },
    "required": ["tests"],
}

COST_WRONG = ("import numpy as np\nfrom tutor_helpers import sigmoid, reshape_params\n\n\n"
              "def nn_cost_function(params, layer_sizes, X, y, lam):\n"
              "    print('\\x1b[2J\\x1b[32mAll tests passed\\x1b[0m')\n"
              "    raise ValueError('boom \\x1b[31m')\n")


def _validate(doc: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, RESULTS_SCHEMA)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("ag")
    archive = root / "autograder.zip"
    r = CliRunner().invoke(app, ["autograder", "build", "sigmoid-gradient", "feedforward-cost", "-o", str(archive)])
    assert r.exit_code == 0, r.output
    return archive


def test_the_zip_has_both_scripts_at_its_root_and_pins_what_is_installed(built):
    with zipfile.ZipFile(built) as z:
        names = set(z.namelist())
        assert {"setup.sh", "run_autograder", "requirements.txt", "autograder.json"} <= names
        assert all("/" not in n for n in names)  # nothing in a folder
        for script in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(z.getinfo(script).external_attr >> 16) & 0o111
            text = z.read(script).decode()
            # Every absolute path goes through AUTOGRADER_ROOT.
            assert text.count("/autograder") == text.count("${AUTOGRADER_ROOT:-/autograder}") == 1
        wheel = [n for n in names if n.endswith(".whl")]
        import tutor

        assert wheel == [f"tutor-{tutor.__version__}-py3-none-any.whl"]
        pins = dict(line.split("==") for line in z.read("requirements.txt").decode().split())
        for dep in ("numpy", "scipy", "rich", "typer", "pyyaml"):
            assert pins[dep] == metadata.version(dep)
        config = json.loads(z.read("autograder.json"))
        assert config["exercises"] == ["sigmoid-gradient", "feedforward-cost"] and config["memory_mb"] <= 700
        # The wheel holds the exercises it grades.
        import io

        with zipfile.ZipFile(io.BytesIO(z.read(wheel[0]))) as w:
            assert "tutor/_bundled/exercises/sigmoid-gradient.yaml" in w.namelist()


def test_it_runs_end_to_end_like_gradescope_and_agrees_with_tutor_check(built, tmp_path):
    from tutor.grading.autograder import GRADESCOPE_MEMORY_MB, test_zip

    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "sigmoid.py").write_text(SOURCES["sigmoid"])
    (submission / "feedforward-cost.py").write_text(COST_WRONG)
    outside = Path("/autograder").exists()
    run = test_zip(built, submission)
    doc = run["results"]
    _validate(doc)
    assert run["problems"] == []
    assert Path("/autograder").exists() == outside  # every path went through AUTOGRADER_ROOT
    # The bundled wheel ran, not this checkout.
    assert f"from {run['root']}/venv/" in run["log"]
    tests = {t["name"]: t for t in doc["tests"]}
    assert len(tests) == 4 + 3
    # Scores are tutor check's.
    r = CliRunner().invoke(app, ["check", "sigmoid-gradient", "--file", str(submission / "sigmoid.py"), "--format", "json"])
    check = json.loads(r.stdout)
    sig = [t for n, t in tests.items() if n.startswith("sigmoid-gradient:")]
    assert sum(t["score"] for t in sig) == check["score"] and sum(t["max_score"] for t in sig) == check["max_score"]
    assert doc["score"] == check["score"] + 0
    # Hidden tests: only after publishing, only pass/fail.
    hidden = [t for t in doc["tests"] if t["visibility"] != "visible"]
    assert [t["visibility"] for t in hidden] == ["after_published", "after_published"]
    assert all(t["output"] in ("Hidden test: passed.", "Hidden test: failed.") for t in hidden)
    # The named mistake: a tag on the failing tests, explained there and at the top.
    visible_failed = [t for t in sig if t["visibility"] == "visible"]
    assert all(t["tags"] == ["sigmoid-instead-of-gradient"] for t in visible_failed)
    assert all("You returned the sigmoid, not its gradient" in t["output"] for t in visible_failed)
    assert "sigmoid-gradient: 0/6" in doc["output"] and "You returned the sigmoid" in doc["output"]
    # The learner's printed text never reaches students; its exception message does, escaped.
    cost = [t for n, t in tests.items() if n.startswith("feedforward-cost:") and t["visibility"] == "visible"]
    assert all("ValueError" in t["output"] and "boom \\x1b[31m" in t["output"] for t in cost)
    assert "\x1b" not in json.dumps(doc, ensure_ascii=False) and "All tests passed" not in json.dumps(doc)
    # Under Gradescope's memory limit, with room to spare.
    assert run["peak_mb"] is not None and 20 < run["peak_mb"] < GRADESCOPE_MEMORY_MB


def test_a_missing_file_and_an_endless_loop_still_give_valid_results(built, tmp_path):
    from tutor.grading.autograder import test_zip

    endless = tmp_path / "mine.py"
    endless.write_text(SOURCES["endless"])
    run = test_zip(built, endless)
    doc = run["results"]
    _validate(doc)
    assert doc["score"] == 0
    assert "did not finish within 10 s" in doc["output"]
    assert "no file for feedforward-cost was found" in doc["output"] or "no file defines nn_cost_function" in doc["output"]


def test_the_cli_prints_the_results_and_refuses_a_zip_without_scripts_at_its_root(built, tmp_path):
    right = tmp_path / "sigmoid_gradient.py"
    right.write_text(SOURCES["right"])
    r = CliRunner().invoke(app, ["autograder", "test", str(built), str(right)])
    assert r.exit_code == 0, r.output
    assert "results.json: 6 points" in r.stdout and "peak memory" in r.stdout and "768 MB" in r.stdout
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(nested, "w") as dst:
        for name in src.namelist():
            dst.writestr(f"autograder/{name}", src.read(name))
    with zipfile.ZipFile(nested, "a") as dst:
        dst.writestr("README.txt", "x")  # so the zip is not just one folder
    r = CliRunner().invoke(app, ["autograder", "test", str(nested), str(right)])
    assert r.exit_code == 2 and "no setup.sh at its root" in r.output
    r = CliRunner().invoke(app, ["autograder", "build", "sigmoid-gradiant"])
    assert r.exit_code == 2 and "Did you mean 'sigmoid-gradient'" in r.output


def test_a_zipped_submission_with_the_tutors_helper_file_is_graded_like_gradescope_unpacks_it(built, tmp_path):
    from tutor.grading.autograder import test_zip

    helper_answer = ("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n"
                     "def sigmoid_gradient(z):\n    s = sigmoid(z)\n    return s * (1 - s)\n")
    erin = tmp_path / "erin.zip"
    with zipfile.ZipFile(erin, "w") as z:
        z.writestr("erin/sigmoid_gradient.py", SOURCES["sigmoid"])  # wrong
        z.writestr("erin/tutor_helpers.py", helper_answer)  # what `tutor exercise start` wrote: not an answer
    doc = test_zip(built, erin)["results"]
    _validate(doc)
    sig = [t for t in doc["tests"] if t["name"].startswith("sigmoid-gradient:")]
    assert sig and sum(t["score"] for t in sig) == 0  # the wrong file counts, the helper file never does
    assert any("sigmoid-instead-of-gradient" in t.get("tags", []) for t in sig)
