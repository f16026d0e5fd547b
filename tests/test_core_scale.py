"""What makes training scale: no copy of X, float32 data, the default
optimizer, the BLAS thread policy, and sigmoid binding scipy once.

No timings here (speed lives in bench/); each test checks a property that the
slow or copying implementation breaks.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest

from tutor import blas
from tutor.core import (
    DEFAULT_METHOD,
    accuracy,
    activations,
    backprop,
    backprop_loop,
    feedforward,
    initialize_params,
    nn_cost,
    nn_cost_function,
    predict,
    reshape_params,
    sigmoid,
    train,
    train_network,
)


def _expit(z):
    return 1.0 / (1.0 + np.exp(-z))


def _reference_forward(thetas, X, activation="sigmoid"):
    """The textbook pass: glue a ones column onto each layer's input."""
    g = np.tanh if activation == "tanh" else _expit
    a = [np.hstack([np.ones((X.shape[0], 1)), X])]
    zs = []
    for l, T in enumerate(thetas):
        z = a[-1] @ T.T
        zs.append(z)
        h = _expit(z) if l == len(thetas) - 1 else g(z)
        a.append(h if l == len(thetas) - 1 else np.hstack([np.ones((X.shape[0], 1)), h]))
    return a, zs


def _problem(sizes=(30, 7, 5, 4), m=200, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, sizes[0]))
    y = rng.integers(0, sizes[-1], m)
    thetas = reshape_params(initialize_params(sizes, "uniform", epsilon=0.9, seed=seed), sizes)
    return thetas, X, y


# -- splitting the bias out of Theta changes no number ------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_forward_and_predict_match_the_concatenating_reference(activation):
    thetas, X, y = _problem()
    a_ref, z_ref = _reference_forward(thetas, X, activation)
    fwd = feedforward(thetas, X, activation)
    for z, zr in zip(fwd.z, z_ref):
        np.testing.assert_allclose(z, zr, rtol=1e-13, atol=1e-14)
    # the a's the lessons show still carry their bias column of ones
    assert len(fwd.a) == len(a_ref)
    for a, ar in zip(fwd.a, a_ref):
        assert a.shape == ar.shape
        np.testing.assert_allclose(a, ar, rtol=1e-13, atol=1e-14)
    assert np.all(fwd.a[0][:, 0] == 1.0) and np.array_equal(fwd.a[0][:, 1:], X)
    h_ref = a_ref[-1]
    assert np.array_equal(predict(thetas, X, activation), h_ref.argmax(axis=1))
    np.testing.assert_allclose(fwd.h, h_ref, rtol=1e-13)


def test_cost_and_gradient_match_the_concatenating_reference():
    thetas, X, y = _problem()
    lam, m, K = 0.7, X.shape[0], thetas[-1].shape[0]
    a, zs = _reference_forward(thetas, X)
    h, Y = a[-1], np.eye(K)[y]
    J_ref = -(Y * np.log(h) + (1 - Y) * np.log(1 - h)).sum() / m
    J_ref += lam / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in thetas)
    # textbook backward pass with the concatenated a's
    d = h - Y
    grads = [None] * len(thetas)
    for l in range(len(thetas) - 1, -1, -1):
        grads[l] = d.T @ a[l] / m
        grads[l][:, 1:] += lam / m * thetas[l][:, 1:]
        if l:
            s = a[l][:, 1:]
            d = (d @ thetas[l])[:, 1:] * s * (1 - s)
    sizes = [thetas[0].shape[1] - 1] + [T.shape[0] for T in thetas]
    params = np.concatenate([T.ravel() for T in thetas])
    J, grad = nn_cost_function(params, sizes, X, y, lam)
    assert J == pytest.approx(J_ref, rel=1e-12)
    assert nn_cost(thetas, X, y, lam) == pytest.approx(J_ref, rel=1e-12)
    np.testing.assert_allclose(grad, np.concatenate([g.ravel() for g in grads]), rtol=1e-10, atol=1e-15)


def test_predict_allocates_less_than_one_copy_of_X():
    rng = np.random.default_rng(0)
    X = rng.random((4000, 300))  # 9.6 MB
    thetas = [rng.uniform(-0.1, 0.1, (10, 301)), rng.uniform(-0.1, 0.1, (4, 11))]
    predict(thetas, X)  # first call: scipy's import and numpy's caches are not the pass
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        predict(thetas, X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # [1, X] would be 4000 * 301 * 8 bytes; the pass itself needs 4000 x 10 floats
    assert peak < X.nbytes / 4, f"predict allocated {peak} bytes for X of {X.nbytes}"


def test_float32_data_is_not_copied_to_float64():
    rng = np.random.default_rng(0)
    X = rng.random((3000, 200)).astype(np.float32)
    sizes = (200, 8, 3)
    params = initialize_params(sizes, seed=0)
    y = rng.integers(0, 3, 3000)
    nn_cost_function(params, sizes, X, y, 1.0)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        J, grad = nn_cost_function(params, sizes, X, y, 1.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 4  # a float64 copy would be 2 * X.nbytes
    assert grad.dtype == np.float64 and isinstance(J, float)
    assert feedforward(reshape_params(params, sizes), X).h.dtype == np.float32


# -- float32 training ---------------------------------------------------------


def test_float32_training_reaches_the_float64_accuracy_band_on_the_digits():
    from tutor.courses.backprop.datasets import load_digits

    ds = load_digits()
    sizes = (ds.n, 25, ds.K)
    p0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=0)
    acc = {}
    for dtype in (np.float64, np.float32):
        X = ds.X.astype(dtype)
        res = train_network(sizes, X, ds.y, p0, lam=1.0, iterations=50)
        acc[dtype] = accuracy(predict(reshape_params(res.params, sizes), X), ds.y)
    assert acc[np.float64] >= 0.95 and acc[np.float32] >= 0.95
    assert abs(acc[np.float32] - acc[np.float64]) <= 0.01


def test_float32_cost_and_gradient_agree_with_float64_to_single_precision():
    thetas, X, y = _problem()
    sizes = [30, 7, 5, 4]
    params = np.concatenate([T.ravel() for T in thetas])
    J64, g64 = nn_cost_function(params, sizes, X, y, 1.0)
    J32, g32 = nn_cost_function(params, sizes, X.astype(np.float32), y, 1.0)
    assert J32 == pytest.approx(J64, rel=1e-5) and J32 != J64  # really computed in float32
    np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-5)


def test_gradient_check_stays_float64():
    from tutor.core import check_nn_gradients

    res = check_nn_gradients(1.0)
    assert res.numerical.dtype == np.float64 and res.analytical.dtype == np.float64
    assert res.relative_difference < 1e-9


# -- the default optimizer ----------------------------------------------------


def test_the_default_optimizer_is_lbfgs_and_the_result_says_so():
    assert DEFAULT_METHOD == "lbfgs"
    res = train(lambda p: (float(p @ p), 2 * p), np.ones(3), iterations=20)
    assert res.method == "lbfgs" and res.cost < 1e-10
    thetas, X, y = _problem(m=40)
    sizes = [30, 7, 5, 4]
    p0 = np.concatenate([T.ravel() for T in thetas])
    assert train_network(sizes, X, y, p0, iterations=3).method == "lbfgs"
    # asking for CG still gives CG
    assert train_network(sizes, X, y, p0, method="cg", iterations=3).method == "cg"


def test_lessons_that_train_name_their_optimizer():
    """A lesson's train step must not silently change optimizer with the default."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent / "lessons"
    for path in sorted(root.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        for step in (doc or {}).get("steps", []) if isinstance(doc, dict) else []:
            if isinstance(step, dict) and step.get("kind") == "train":
                assert step.get("method") in ("cg", "lbfgs", "gd"), f"{path.name}: step {step.get('id')}"


# -- the per-example loop -------------------------------------------------------


@pytest.mark.parametrize("sizes", [(6, 4, 1), (6, 5, 3), (6, 5, 4, 3)])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_loop_agrees_with_vectorized_for_every_shape(sizes, activation):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((17, sizes[0]))
    y = rng.integers(0, max(sizes[-1], 2), 17)
    thetas = reshape_params(initialize_params(sizes, "uniform", epsilon=0.7, seed=1), sizes)
    loop, vec = backprop_loop(thetas, X, y, 0.4, activation), backprop(thetas, X, y, 0.4, activation)
    assert loop.J == pytest.approx(vec.J, rel=1e-12)
    for a, b in zip(loop.grads, vec.grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


# -- sigmoid imports scipy once -----------------------------------------------


def test_sigmoid_does_not_import_on_every_call(monkeypatch):
    sigmoid(np.zeros(2))
    sigmoid(np.zeros(2, dtype=np.float16))  # the first call of the expit path binds scipy's expit
    imports = []
    real_import = builtins.__import__

    def counting(name, *args, **kwargs):
        imports.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", counting)
    for _ in range(50):
        ends = sigmoid(np.array([-800.0, 0.0, 800.0]))
        sigmoid(np.zeros(2, dtype=np.float16))
    monkeypatch.undo()
    assert imports == []
    assert activations._expit is not None
    assert ends.tolist() == [0.0, 0.5, 1.0]  # e^800 overflows to inf: exactly 0, no warning needed


# -- BLAS threads ---------------------------------------------------------------


def test_blas_policy(monkeypatch):
    for var in blas.THREAD_VARS:  # set then removed, so monkeypatch restores them afterwards
        monkeypatch.setenv(var, "0")
        monkeypatch.delenv(var)
    monkeypatch.setattr(blas, "_user_chose", False)  # as under the CLI, nobody chose
    cores = os.cpu_count() or 1
    monkeypatch.setattr(blas, "others_running", lambda: 0)  # a quiet machine
    assert blas.threads_for(1797, 64) is None  # small: stays on the CLI's one thread
    assert blas.threads_for(20000, 784) == cores
    monkeypatch.setattr(blas, "others_running", lambda: cores)  # every core busy
    assert blas.threads_for(20000, 784) is None  # stays on one thread
    monkeypatch.setattr(blas, "others_running", lambda: cores - 1)  # one core free
    assert blas.threads_for(20000, 784) is None if cores > 1 else 1
    # Without a running count the load average stands in.
    monkeypatch.setattr(blas, "others_running", lambda: None)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert blas.threads_for(20000, 784) == cores
    monkeypatch.setattr(os, "getloadavg", lambda: (float(cores), 0.0, 0.0))
    assert blas.threads_for(20000, 784) is None
    monkeypatch.setattr(blas, "_user_chose", None)  # as a library, nobody chose
    assert blas.threads_for(1797, 64) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's choice wins at any size
    assert blas.threads_for(20000, 784) is None and blas.threads_for(10, 10) is None


def test_threads_go_to_the_evaluations_and_the_optimizer_stays_on_one(monkeypatch):
    """Two OpenBLAS threads made scipy's L-BFGS-B's own small calls several times slower
    (a whole MNIST-size training 2x slower): only the evaluations may use more."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    cores = os.cpu_count() or 1
    if cores < 2:
        pytest.skip("one core: there is no second thread to give")
    for var in blas.THREAD_VARS:
        monkeypatch.setenv(var, "0")
        monkeypatch.delenv(var)
    monkeypatch.setattr(blas, "_user_chose", False)
    monkeypatch.setattr(blas, "others_running", lambda: 0)

    def blas_count():
        return max(i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas")

    seen = []
    with threadpoolctl.threadpool_limits(cores, user_api="blas"):  # a library user's process, every core
        with blas.threaded_evaluations(20000, 784, lambda x: seen.append(blas_count()) or 2 * x) as evaluate:
            outside = blas_count()
            assert evaluate(21) == 42 and evaluate.threads == cores  # what `tutor train` reports
            assert blas_count() == outside == 1
        assert blas_count() == cores  # restored afterwards
    assert seen == [cores]
    # Small problems: the function is left as it is, on one thread.
    with blas.threaded_evaluations(1797, 64, lambda: blas_count()) as evaluate:
        assert evaluate() == blas_count() == 1 and evaluate.threads == 1


def test_others_running_reads_the_kernels_count_and_ignores_a_passing_blip(tmp_path):
    """/proc/loadavg's running count includes this process's threads, which are not
    competition; a thread that shows up in one sample only is not a busy core."""
    assert blas._running_now(str(tmp_path / "missing")) is None
    f = tmp_path / "loadavg"
    f.write_text("0.50 0.40 0.30 3/412 9876\n")
    assert blas._running_now(str(f)) == 3
    f.write_text("garbage\n")
    assert blas._running_now(str(f)) is None
    tasks = tmp_path / "task"
    for tid, state in (("1", "R"), ("2", "S"), ("3", "R")):
        (tasks / tid).mkdir(parents=True)
        (tasks / tid / "stat").write_text(f"{tid} (a name) with spaces) {state} 1 1 1\n")
    assert blas._own_running(str(tasks)) == 2
    assert blas._own_running(str(tmp_path / "none")) is None
    counts = iter([4, 2, 3, 2, 5])  # another process computing in every sample, a third in some
    assert blas.others_running(samples=5, gap=0, read=lambda: next(counts), own=lambda: 1) == 1
    assert blas.others_running(samples=3, gap=0, read=lambda: 3, own=lambda: 3) == 0  # only our own threads
    assert blas.others_running(samples=3, gap=0, read=lambda: 1, own=lambda: 1) == 0
    assert blas.others_running(samples=3, gap=0, read=lambda: None) is None


def test_a_computing_process_takes_a_core_from_training():
    """A real busy process elsewhere on the machine is counted as taking a core."""
    if blas._running_now() is None:
        pytest.skip("no /proc/loadavg on this system: the load average stands in")
    spin = subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 20\nwhile time.time() < end: pass"])
    try:
        time.sleep(0.3)
        seen = [blas.others_running(samples=9, gap=0.005) for _ in range(3)]
    finally:
        spin.kill()
        spin.wait()
    assert max(seen) >= 1, seen  # the spinning process was counted


def test_default_to_one_thread_respects_the_user(monkeypatch):
    for var in blas.THREAD_VARS:  # set then removed, so monkeypatch restores them afterwards
        monkeypatch.setenv(var, "0")
        monkeypatch.delenv(var)
    monkeypatch.setattr(blas, "_user_chose", None)
    blas.default_to_one_thread()
    assert all(os.environ[v] == "1" for v in blas.THREAD_VARS)
    assert blas._user_chose is False
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    monkeypatch.delenv("OMP_NUM_THREADS")
    blas.default_to_one_thread()
    assert blas._user_chose is True and "OMP_NUM_THREADS" not in os.environ


def test_timings_run_on_one_blas_thread_and_add_nothing_under_the_command_line(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_count():
        return max(i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas")

    cores = os.cpu_count() or 1
    monkeypatch.setattr(blas, "_one_at_start", False)  # the user's own count, or a notebook's
    with threadpoolctl.threadpool_limits(cores, user_api="blas"):
        with blas.one_thread():
            assert blas_count() == 1
        assert blas_count() == cores
    # Under the CLI numpy was loaded with one thread already: nothing to limit,
    # and no threadpoolctl to import and scan the libraries for (about 5 ms).
    for var in blas.THREAD_VARS:
        monkeypatch.setenv(var, "1")
    monkeypatch.setattr(blas, "_one_at_start", False)
    monkeypatch.setattr(blas, "_user_chose", blas._user_chose)  # restored afterwards too
    blas.default_to_one_thread()
    assert isinstance(blas.one_thread(), contextlib.nullcontext)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # a count of the user's that is not one
    blas.default_to_one_thread()
    assert not isinstance(blas.one_thread(), contextlib.nullcontext)
