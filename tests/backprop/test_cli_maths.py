"""`tutor train`, `tutor cost`, `tutor gradcheck` through the real CLI app.

Numbers are held against computations written here independently of
tutor.core: the from-scratch moons run in column-major W/b notation, the
starting cost from hand-made initial weights, the course's regularization
figure.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import scipy.io
from typer.testing import CliRunner

from tutor.cli import app

runner = CliRunner()


def _json(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # stdout holds the JSON object and nothing else


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- tutor train on the digits (defaults) -------------------------------------


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    """One default run, shared: 50 L-BFGS iterations (the default optimizer), lambda 1, 64-25-10, seed 0."""
    saved = tmp_path_factory.mktemp("weights") / "digits.npz"
    return _json(["train", "--json", "--save", str(saved)]), saved


def test_train_json_history_and_defaults(digits_run):
    out, _ = digits_run
    # the default optimizer is L-BFGS, and the JSON names the one that ran
    assert out["layer_sizes"] == [64, 25, 10] and out["lambda"] == 1.0 and out["optimizer"] == "lbfgs"
    assert out["dtype"] == "float64"
    history = out["history"]
    assert [h["iteration"] for h in history] == list(range(len(history)))
    assert len(history) == out["iterations"] + 1 == 51
    costs = [h["cost"] for h in history]
    assert costs[-1] == out["final_cost"] and costs[-1] < costs[0]

    # iteration 0 is the cost before any update, of weights uniform in
    # [-0.12, 0.12] drawn from default_rng(0): Theta1 then Theta2.
    from sklearn.datasets import load_digits

    d = load_digits()
    X, y = d.data / 16.0, d.target
    rng = np.random.default_rng(0)
    T1, T2 = rng.uniform(-0.12, 0.12, (25, 65)), rng.uniform(-0.12, 0.12, (10, 26))
    m = X.shape[0]
    a2 = np.hstack([np.ones((m, 1)), _sigmoid(np.hstack([np.ones((m, 1)), X]) @ T1.T)])
    h = _sigmoid(a2 @ T2.T)
    Y = np.eye(10)[y]
    J0 = -(Y * np.log(h) + (1 - Y) * np.log(1 - h)).sum() / m
    J0 += 1.0 / (2 * m) * ((T1[:, 1:] ** 2).sum() + (T2[:, 1:] ** 2).sum())
    assert costs[0] == pytest.approx(J0, rel=1e-12)


def test_fifty_default_iterations_reach_95_percent(digits_run):
    out, saved = digits_run
    assert out["train_accuracy"] >= 0.95
    # the saved weights give that accuracy again, and the confusion matrix agrees
    from tutor.courses.backprop.datasets import load_digits, load_weights

    ds = load_digits()
    thetas = load_weights(saved, layer_sizes=[64, 25, 10])
    a = _sigmoid(np.hstack([np.ones((ds.m, 1)), ds.X]) @ thetas[0].T)
    h = _sigmoid(np.hstack([np.ones((ds.m, 1)), a]) @ thetas[1].T)
    pred = h.argmax(axis=1)
    assert out["train_accuracy"] == pytest.approx(np.mean(pred == ds.y), abs=1e-15)
    C = np.array(out["confusion_matrix"])
    assert C.sum() == 1797 and np.trace(C) == int(np.sum(pred == ds.y))
    assert C.sum(axis=1).tolist() == np.bincount(ds.y).tolist()


def test_train_rich_output_reads_as_a_report():
    result = runner.invoke(app, ["train", "--dataset", "moons", "--hidden", "3", "--iterations", "5"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "network 2 - 3 - 1" in out and "training accuracy" in out and "Decision boundary" in out
    assert "Confusion matrix" in out
    assert "{" not in out


def test_two_hidden_layers_and_lbfgs():
    out = _json(["train", "--json", "--dataset", "moons", "--hidden", "4", "--hidden", "3", "--optimizer", "lbfgs",
                 "--iterations", "20", "--epsilon", "sqrt6", "--seed", "1"])
    assert out["layer_sizes"] == [2, 4, 3, 1]
    assert out["init"]["epsilon"] == "sqrt6"
    assert out["history"][-1]["cost"] < out["history"][0]["cost"]


# -- the reference from-scratch run -------------------------------------------


def _from_scratch_costs(iterations=10000, lr=0.01, n_h=1, print_every=1000):
    """The original write-up's loop, in its own column-major notation.

    Examples in columns: X (2, m), Y (1, m). The costs it would print every
    1000 iterations (before that iteration's update), and the last one.
    """
    from sklearn.datasets import make_moons

    np.random.seed(0)
    Xr, yr = make_moons(200, noise=0.2)
    X, Y = Xr.T, yr.reshape(1, -1).astype(float)
    n_x, m = X.shape
    n_y = 1
    state = np.random.RandomState(2)
    W1 = state.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = state.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    printed = {}
    for i in range(iterations + 1):
        Z1 = W1 @ X + b1
        A1 = np.tanh(Z1)
        A2 = _sigmoid(W2 @ A1 + b2)
        cost = float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)
        if i % print_every == 0:
            printed[i] = cost
        if i == iterations:
            break
        dZ2 = A2 - Y
        dW2 = dZ2 @ A1.T / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = (W2.T @ dZ2) * (1 - A1**2)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return printed


def test_reference_moons_run_matches_the_original_notation():
    out = _json(["train", "--dataset", "moons", "--hidden", "1", "--activation", "tanh", "--optimizer", "gd",
                 "--learning-rate", "0.01", "--iterations", "10000", "--init", "normal", "--init-scale", "0.01",
                 "--seed", "2", "--json"])
    assert out["lambda"] == 0.0  # the from-scratch style has no regularization
    history = out["history"]
    assert len(history) == 10001
    expected = _from_scratch_costs()
    assert len(expected) == 11
    for i, cost in expected.items():
        assert history[i]["iteration"] == i
        assert abs(history[i]["cost"] - cost) < 1e-10, (i, history[i]["cost"], cost)


# -- tutor cost ---------------------------------------------------------------


@pytest.fixture
def course_sized_data(tmp_path):
    """A .mat with the course's layout: X 5000 x 400, y 1..10 (10 meaning 0)."""
    rng = np.random.default_rng(5)
    X = rng.random((5000, 400))
    y = rng.integers(1, 11, size=(5000, 1))
    path = tmp_path / "course.mat"
    scipy.io.savemat(path, {"X": X, "y": y.astype(float)})
    return path, X, y.ravel()


def test_cost_regularization_step_with_the_course_weights(course_sized_data, ex4_weights_path):
    path, X, labels = course_sized_data
    J = {lam: _json(["cost", "--data", str(path), "--weights", str(ex4_weights_path), "--lambda", str(lam), "--json"])
         for lam in (0, 1, 3)}
    assert round(J[1]["cost"] - J[0]["cost"], 6) == 0.096141
    assert J[3]["cost"] - J[0]["cost"] == pytest.approx(3 * 0.0961407, abs=2e-7)
    assert J[1]["course"] is True

    # J at lambda 0, computed here from the file's own arrays
    w = scipy.io.loadmat(ex4_weights_path)
    T1, T2 = w["Theta1"], w["Theta2"]
    m = X.shape[0]
    a2 = np.hstack([np.ones((m, 1)), _sigmoid(np.hstack([np.ones((m, 1)), X]) @ T1.T)])
    h = _sigmoid(a2 @ T2.T)
    Y = np.eye(10)[labels - 1]
    J0 = -(Y * np.log(h) + (1 - Y) * np.log(1 - h)).sum() / m
    assert J[0]["cost"] == pytest.approx(J0, rel=1e-10)

    result = runner.invoke(app, ["cost", "--data", str(path), "--weights", str(ex4_weights_path), "--lambda", "1"])
    assert result.exit_code == 0, result.output
    assert f"{J[1]['cost']:.6f}" in result.stdout
    assert "0.287629" in result.stdout and "0.383770" in result.stdout


def test_cost_without_course_shapes_does_not_claim_the_checkpoints(tmp_path):
    rng = np.random.default_rng(0)
    thetas = {"Theta1": rng.normal(size=(3, 3)), "Theta2": rng.normal(size=(1, 4))}
    path = tmp_path / "w.npz"
    np.savez(path, **thetas)
    result = runner.invoke(app, ["cost", "--data", "moons", "--weights", str(path), "--lambda", "0"])
    assert result.exit_code == 0, result.output
    assert "0.287629" not in result.stdout
    from tutor.courses.backprop.datasets import make_moons

    ds = make_moons()
    a = _sigmoid(np.hstack([np.ones((200, 1)), ds.X]) @ thetas["Theta1"].T)
    h = _sigmoid(np.hstack([np.ones((200, 1)), a]) @ thetas["Theta2"].T)[:, 0]
    J = -np.mean(ds.y * np.log(h) + (1 - ds.y) * np.log(1 - h))
    assert f"J = {J:.6f}" in result.stdout


# -- tutor gradcheck ----------------------------------------------------------


@pytest.mark.parametrize("lam", [0, 3])
def test_gradcheck_json_passes(lam):
    out = _json(["gradcheck", "--lambda", str(lam), "--json"])
    assert out["relative_difference"] < 1e-9 and out["verdict"] == "pass"
    assert out["layer_sizes"] == [3, 5, 3] and len(out["numerical"]) == len(out["analytical"]) == 38
    num, ana = np.array(out["numerical"]), np.array(out["analytical"])
    assert np.linalg.norm(num - ana) / np.linalg.norm(num + ana) == pytest.approx(out["relative_difference"])
    assert out["bands"] == {"pass_below": 1e-9, "warn_below": 1e-5}


def test_gradcheck_shows_both_gradients_and_the_bands():
    result = runner.invoke(app, ["gradcheck"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "numerical" in out and "analytical" in out and "PASS" in out
    assert "pass  below 1e-09" in out and "warn  below 1e-05" in out and "fail  otherwise" in out
    # the first parameter's numerical gradient, as a plain central difference
    from tutor.core import check_nn_gradients

    assert f"{check_nn_gradients(0).numerical[0]:.9e}" in out  # 6.906540837e-03, the same form in both columns


# -- bad options, --help ------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [(["train", "--optimizer", "sgd"], "unknown optimizer 'sgd'; choose one of cg, lbfgs, gd"),
     (["train", "--activation", "relu"], "unknown activation 'relu'"),
     (["train", "--hidden", "0"], "--hidden sizes must be at least 1"),
     (["train", "--epsilon", "big"], "--epsilon must be a positive number or 'sqrt6'"),
     (["train", "--lambda", "-1"], "--lambda must be 0 or more"),
     (["cost", "--data", "digits", "--weights", "nowhere.mat"], "nowhere.mat: no such file"),
     (["gradcheck", "--lambda", "-2"], "--lambda must be 0 or more")],
)
def test_bad_options_exit_2_with_one_line(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_help_does_not_import_numpy(repo):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from tutor.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0 and 'train' in r.stdout, r.output\n"
        "heavy = [m for m in ('numpy', 'scipy', 'tutor.courses.backprop.datasets', 'tutor.core') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_save_adds_npz_and_refuses_a_missing_folder(tmp_path):
    out = _json(["train", "--json", "--dataset", "moons", "--hidden", "2", "--iterations", "3",
                 "--save", str(tmp_path / "w")])
    assert out["saved"] == str(tmp_path / "w.npz")
    from tutor.courses.backprop.datasets import load_weights

    assert [T.shape for T in load_weights(tmp_path / "w.npz", layer_sizes=[2, 2, 1])] == [(2, 3), (1, 3)]
    missing = tmp_path / "no" / "such" / "w.npz"
    result = runner.invoke(app, ["train", "--dataset", "moons", "--save", str(missing)])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not missing.parent.exists()


def test_train_float32_names_its_dtype_and_optimizer_and_matches_float64():
    out32 = _json(["train", "--json", "--dtype", "float32", "--iterations", "30"])
    out64 = _json(["train", "--json", "--iterations", "30"])
    assert out32["dtype"] == "float32" and out32["optimizer"] == "lbfgs"
    # single precision moves the path a little, not the result
    assert abs(out32["train_accuracy"] - out64["train_accuracy"]) <= 0.01
    assert out32["final_cost"] == pytest.approx(out64["final_cost"], rel=1e-3)
    cg = _json(["train", "--json", "--optimizer", "cg", "--iterations", "3"])
    assert cg["optimizer"] == "cg"


def test_train_says_how_many_blas_threads_it_used(tmp_path):
    # The command line starts numpy on one thread; a small problem stays there and
    # the output says so. A thread count the user set is theirs: nothing is claimed.
    import os
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                               "MKL_NUM_THREADS")}
    env.update(PYTHONPATH=str(repo), TUTOR_HOME=str(tmp_path / "home"), NO_COLOR="1", COLUMNS="100")

    def train(*extra, **more_env):
        done = subprocess.run([sys.executable, "-m", "tutor", "train", "--dataset", "moons", "--iterations", "3",
                               *extra], capture_output=True, text=True, env=dict(env, **more_env), timeout=120,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "optimizer: L-BFGS, computing in float64, on 1 CPU thread" in train()
    assert json.loads(train("--json"))["blas_threads"] == 1
    assert json.loads(train("--json", OPENBLAS_NUM_THREADS="2"))["blas_threads"] is None
    assert "CPU thread" not in train(OPENBLAS_NUM_THREADS="2")
