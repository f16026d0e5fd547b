"""Training at MNIST size, against scikit-learn's MLP and PyTorch, interleaved.

    python bench/mnist.py [--rounds 7] [--sizes 20000,60000] [--iterations 40]
                          [--idx DIR] [--only time,memory] [--markdown PATH]

time    For each size m (rows of a 784-pixel, 10-class problem, hidden 25,
        lambda 1), one full training run of `--iterations` L-BFGS iterations
        per contender per round, the contenders in turn, `--rounds` rounds:
          tutor L-BFGS float64 and float32 (tutor.core.train_network, BLAS
          threads by the tutor's policy), tutor CG float64 (with --cg),
          scikit-learn MLPClassifier (hidden (25,), logistic, solver lbfgs,
          max_iter = iterations, alpha = lambda: its penalty alpha/(2m)|W|^2 is
          the tutor's), and PyTorch float64/float32 autograd computing the same
          cost and gradient, driven by the same scipy L-BFGS-B (so the rows
          compare the engines, not the optimizers); and a floor: the two
          matrix products every evaluation needs (W X^T, delta^T X), as many
          times as the tutor's run evaluates, with nothing else.
memory  Peak RSS of `tutor train` on a saved 20000 x 784 float64 .npz (40
        iterations), float64 and --dtype float32, of the same command on 100
        rows (what the interpreter and libraries cost), and of scikit-learn
        fitting the same .npz; each in a fresh process, interleaved.

Threads: the tutor's policy (every free core at this size) unless OPENBLAS_NUM_THREADS
/ OMP_NUM_THREADS are set, which every contender then obeys (PyTorch reads
OMP_NUM_THREADS); the thread counts in force are printed.

Data: `--idx DIR` reads MNIST-format files (train-images-idx3-ubyte[.gz],
train-labels-idx1-ubyte[.gz]), e.g. Fashion-MNIST; without it, seeded
synthetic MNIST-shaped data (10 stroke templates plus noise, pixels in [0, 1]).
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (  # noqa: E402
    REPO,
    interleaved,
    loadavg,
    machine_lines,
    markdown_table,
    median,
    pick_clock,
    ratio_text,
    round_ratios,
    spread,
)
from tutor.core import accuracy, initialize_params, predict, reshape_params, train, train_network  # noqa: E402

LAM = 1.0
HIDDEN = 25


# ---------------------------------------------------------------- data
def _idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_idx(folder: Path):
    def find(stem):
        for name in (stem, stem + ".gz"):
            if (folder / name).exists():
                return folder / name
        raise SystemExit(f"{folder}: no {stem}[.gz]")

    X = _idx(find("train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float64) / 255.0
    y = _idx(find("train-labels-idx1-ubyte")).astype(np.intp)
    return X, y, f"MNIST-format files from {folder} ({X.shape[0]} images)"


def synthetic(m: int, seed: int = 0):
    """MNIST-shaped: 28 x 28 pixels in [0, 1], mostly 0, 10 classes, seeded."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28]
    templates = []
    for _ in range(10):  # each class: a few thick random strokes
        img = np.zeros((28, 28))
        for _ in range(3):
            cy, cx, r = rng.uniform(8, 20), rng.uniform(8, 20), rng.uniform(4, 9)
            ring = np.abs(np.hypot(yy - cy, xx - cx) - r)
            img = np.maximum(img, np.clip(1.5 - ring, 0, 1))
        templates.append(img.ravel())
    T = np.array(templates)
    y = rng.integers(0, 10, m)
    X = T[y] * rng.uniform(0.6, 1.0, (m, 1)) + rng.normal(0, 0.15, (m, 784)) * (T[y] > 0)
    shift = rng.normal(0, 0.08, (m, 784))
    X = np.clip(X + np.where(rng.random((m, 784)) < 0.05, np.abs(shift), 0.0), 0.0, 1.0)
    return X, y, f"synthetic MNIST-shaped data, seed {seed}"


# ---------------------------------------------------------------- contenders
# The thread count the tutor's policy chose at the start of each of its runs
# (it looks at the machine each time: a contender that just finished may still
# hold a core for a moment).
POLICY_THREADS: list = []


def tutor_run(X, y, method, iterations):
    sizes = (X.shape[1], HIDDEN, 10)
    p0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=0)

    def run():
        from tutor import blas

        POLICY_THREADS.append(blas.threads_for(*X.shape) or "unchanged")
        res = train_network(sizes, X, y, p0, lam=LAM, method=method, iterations=iterations)
        return {"iterations": res.iterations, "cost": res.cost, "params": res.params, "sizes": sizes}

    return run


def evaluations(X, y, iterations) -> int:
    """How many cost-and-gradient evaluations the tutor's L-BFGS run makes (a counting run, untimed)."""
    from tutor.core.backprop import nn_cost_function

    sizes = (X.shape[1], HIDDEN, 10)
    calls = []

    def counted(p):
        calls.append(1)
        return nn_cost_function(p, sizes, X, y, LAM)

    train(counted, initialize_params(sizes, "uniform", epsilon=0.12, seed=0), "lbfgs", iterations)
    return len(calls)


def products_run(X, n_evals):
    """The floor: only the two products every evaluation needs, W X^T and delta^T X
    (X (m, n), W (25, n), delta (m, 25)), n_evals times, in the tutor's own layout."""
    rng = np.random.default_rng(0)
    W = rng.uniform(-0.12, 0.12, (HIDDEN, X.shape[1])).astype(X.dtype)
    delta = rng.uniform(-1, 1, (X.shape[0], HIDDEN)).astype(X.dtype)

    def run():
        from tutor.blas import blas_threads

        with blas_threads(*X.shape):  # the threads the tutor's training would get
            for _ in range(n_evals):
                (W @ X.T).T
                delta.T @ X
        return {"iterations": "-", "cost": float("nan"), "evaluations": n_evals}

    return run


def sklearn_run(X, y, iterations):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    def run():
        clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="logistic", solver="lbfgs", alpha=LAM,
                            max_iter=iterations, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        return {"iterations": clf.n_iter_, "cost": clf.loss_, "clf": clf}

    return run


def torch_run(torch, X, y, dtype, iterations):
    """The tutor's cost and gradient in PyTorch autograd, minimized by the tutor's L-BFGS-B driver."""
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=dtype))
    m = X.shape[0]
    Y = torch.nn.functional.one_hot(torch.from_numpy(y.astype(np.int64)), 10).to(tdtype)
    sizes = (X.shape[1], HIDDEN, 10)
    shapes = [(sizes[i + 1], sizes[i] + 1) for i in range(len(sizes) - 1)]
    p0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=0)

    def cost_grad(params):
        p = torch.tensor(params, dtype=tdtype, requires_grad=True)
        start, a, reg = 0, Xt, 0.0
        for i, (r, c) in enumerate(shapes):
            T = p[start:start + r * c].view(r, c)
            start += r * c
            z = torch.addmm(T[:, 0], a, T[:, 1:].T)
            a = z if i == len(shapes) - 1 else torch.sigmoid(z)
            reg = reg + (T[:, 1:] ** 2).sum()
        J = torch.nn.functional.binary_cross_entropy_with_logits(a, Y, reduction="sum") / m + LAM / (2 * m) * reg
        J.backward()
        return float(J.detach()), p.grad.numpy().astype(np.float64)

    def run():
        res = train(cost_grad, p0, "lbfgs", iterations)
        return {"iterations": res.iterations, "cost": res.cost, "params": res.params, "sizes": sizes}

    return run


def _accuracy(extra, X, y):
    if "evaluations" in extra:
        return float("nan")
    if "clf" in extra:
        return float(np.mean(extra["clf"].predict(X) == y))
    return accuracy(predict(reshape_params(extra["params"], extra["sizes"]), X), y)


def section_time(X_all, y_all, sizes_m, rounds, iterations, out, with_cg=False, clock=time.perf_counter):
    try:
        import torch
    except ImportError as err:
        torch = None
        out.append(f"- PyTorch rows skipped: `import torch` failed ({err}); install with "
                   "`pip install torch==2.13.0` to include them.")
    for m in sizes_m:
        X, y = X_all[:m], y_all[:m]
        X32 = X.astype(np.float32)
        fs = {
            "tutor L-BFGS float64": tutor_run(X, y, "lbfgs", iterations),
            "tutor L-BFGS float32": tutor_run(X32, y, "lbfgs", iterations),
        }
        if with_cg:
            fs["tutor CG float64"] = tutor_run(X, y, "cg", iterations)
        n_evals = evaluations(X, y, iterations)
        floor = f"floor: the two products alone, x {n_evals} evaluations, float64"
        fs[floor] = products_run(X, n_evals)
        try:
            import sklearn

            fs[f"scikit-learn {sklearn.__version__} MLP lbfgs"] = sklearn_run(X, y, iterations)
            sk = f"scikit-learn {sklearn.__version__} MLP lbfgs"
        except ImportError:
            sk = None
            out.append("- scikit-learn rows skipped: not installed.")
        if torch is not None:
            fs[f"PyTorch {torch.__version__} float64"] = torch_run(torch, X, y, np.float64, iterations)
            fs[f"PyTorch {torch.__version__} float32"] = torch_run(torch, X, y, np.float32, iterations)
        t0 = time.perf_counter()
        times, extras = interleaved(
            fs, rounds, warmup=False, clock=clock,
            on_round=lambda r, t: print(f"  m={m} round {r + 1}/{rounds} done, load {loadavg()}: "
                                        + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in t.items()), file=sys.stderr))
        took = time.perf_counter() - t0
        ref = "tutor L-BFGS float64"
        rows = []
        for k in fs:
            e = extras[k]
            rows.append([k, spread(times[k], fmt="{:.2f}") + " s", ratio_text(round_ratios(times, k, ref)),
                         ratio_text(round_ratios(times, k, sk)) if sk else "-", str(e["iterations"]),
                         f"{e['cost']:.4f}" if e["cost"] == e["cost"] else "-",
                         "-" if "evaluations" in e else f"{_accuracy(e, X if 'float32' not in k else X32, y):.1%}"])
        out.append(f"#### {m} x 784, 10 classes, hidden {HIDDEN}, lambda {LAM:g}, {iterations} iterations\n")
        out.append(markdown_table(["contender", "time: median [min-max]", "vs tutor L-BFGS f64 (per round)",
                                   "vs scikit-learn (per round)", "iterations", "final cost", "train accuracy"],
                                  rows))
        from collections import Counter

        from tutor import blas

        if blas.user_chose_threads():
            out.append("\n- BLAS threads: as set by the environment (" + ", ".join(
                f"{v}={os.environ[v]}" for v in blas.THREAD_VARS if v in os.environ) + "), for every contender.")
        else:
            chosen = ", ".join(f"{k} in {n} runs" for k, n in sorted(Counter(POLICY_THREADS).items(), key=str))
            out.append(f"\n- BLAS threads the tutor's policy chose at the start of its runs (m * n = "
                       f"{m * X.shape[1]:,}; {os.cpu_count()} cores): {chosen}. The other contenders use their "
                       "libraries' defaults.")
        POLICY_THREADS.clear()
        out.append(f"- {rounds} rounds, contenders in rotated order each round; ratios are taken within each "
                   f"round, then the median and [min-max] over rounds. Section took {took:.0f} s; load average "
                   f"after: {loadavg()}.")
        if torch is not None:
            out.append(f"- PyTorch: {torch.get_num_threads()} threads; its cost and gradient are the tutor's "
                       "(sigmoid outputs, cross-entropy, lambda/(2m)), minimized by the same scipy L-BFGS-B, so "
                       "those rows compare the array engines. scikit-learn's MLP has softmax outputs and Glorot "
                       "init, so its path and final cost differ.")
        out.append("")
        print("\n".join(out[-6:]), file=sys.stderr)


# ---------------------------------------------------------------- memory
PEAK = """
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode, p.stderr[-200:].replace(chr(10), ' '))
"""

SKLEARN_FIT = """
import sys, warnings, numpy as np
from sklearn.neural_network import MLPClassifier
d = np.load(sys.argv[1]); X, y = d["X"], d["y"]
warnings.simplefilter("ignore")
MLPClassifier(hidden_layer_sizes=(25,), activation="logistic", solver="lbfgs", alpha=1.0, max_iter=40,
              random_state=0).fit(X, y)
"""


def peak_mb(cmd, env):
    """Peak RSS (MiB) of cmd, run in a fresh wrapper so RUSAGE_CHILDREN sees only it."""
    p = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, env=env, timeout=600)
    kb, rc, err = p.stdout.split(" ", 2)
    if rc != "0":
        raise SystemExit(f"{' '.join(cmd)} exited {rc}: {err}")
    return int(kb) / 1024


def section_memory(X_all, y_all, rounds, iterations, out):
    m = 20000
    X, y = X_all[:m], y_all[:m]
    data_mb = X.nbytes / 2**20
    tmp = Path(tempfile.mkdtemp(prefix="tutor-bench-mem-"))
    big, small = tmp / "x20000.npz", tmp / "x100.npz"
    np.savez(big, X=X, y=y)
    np.savez(small, X=X[:100], y=y[:100])
    env = dict(os.environ, PYTHONPATH=str(REPO), TUTOR_HOME=str(tmp / "home"))
    tutor = [sys.executable, "-m", "tutor", "train", "-n", str(iterations), "--json"]
    cases = {
        "tutor train, 20000 x 784 float64": tutor + ["--dataset", str(big)],
        "tutor train --dtype float32, same file": tutor + ["--dataset", str(big), "--dtype", "float32"],
        "tutor train, 100 x 784 (interpreter + libraries)": tutor + ["--dataset", str(small)],
    }
    try:
        import sklearn  # noqa: F401

        cases["scikit-learn MLP fit, same file"] = [sys.executable, "-c", SKLEARN_FIT, str(big)]
    except ImportError:
        pass
    peaks = {k: [] for k in cases}
    for r in range(rounds):
        for k, cmd in cases.items():
            peaks[k].append(peak_mb(cmd, env))
        print(f"  memory round {r + 1}/{rounds} done", file=sys.stderr)
    budget = data_mb + 120
    rows = [[k, spread(v, fmt="{:.0f}") + " MiB", f"{median(v) - data_mb:+.0f} MiB",
             "yes" if max(v) <= budget else "no"] for k, v in peaks.items()]
    out.append(f"#### peak memory (RSS, MiB), X = {m} x 784 float64 = {data_mb:.1f} MiB, {iterations} iterations\n")
    out.append(markdown_table(["command", "peak RSS: median [min-max]", "above the data",
                               f"within data + 120 MiB ({budget:.1f} MiB)?"], rows))
    out.append(f"\n- {rounds} rounds, each command in a fresh process (peak from getrusage RUSAGE_CHILDREN of a "
               "wrapper that runs only it); BLAS threads: "
               + ("as the environment sets them" if any(v in os.environ for v in ("OPENBLAS_NUM_THREADS",
                  "OMP_NUM_THREADS")) else f"the tutor's policy ({os.cpu_count()} at this size)") + ". "
               f"Load average after: {loadavg()}.")
    out.append("")
    print("\n".join(out[-5:]), file=sys.stderr)
    for f in (big, small):
        f.unlink()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--sizes", default="20000,60000")
    ap.add_argument("--iterations", type=int, default=40)
    ap.add_argument("--idx", type=Path, help="folder of MNIST-format idx files (else synthetic data)")
    ap.add_argument("--only", default="time,memory")
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--cg", action="store_true", help="also time the tutor's CG (slow at this size)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time, or CPU time of the process and its children (steadier on a shared machine; "
                         "use it with one BLAS thread)")
    args = ap.parse_args(argv)
    clock = pick_clock(args.clock)
    sizes_m = [int(s) for s in args.sizes.split(",")]
    if args.idx:
        X, y, source = load_idx(args.idx)
    else:
        X, y, source = synthetic(max(sizes_m + [20000]))
    out = ["Machine and conditions:", ""] + [f"- {line}" for line in machine_lines()]
    out += [f"- data: {source}", f"- command: `python bench/mnist.py {' '.join(argv or sys.argv[1:])}`", ""]
    print("\n".join(out), file=sys.stderr)
    only = args.only.split(",")
    if "time" in only:
        out.append("- clock: " + ("CPU time of the process (all threads)" if args.clock == "cpu" else "wall time"))
        section_time(X, y, sizes_m, args.rounds, args.iterations, out, args.cg, clock)
    if "memory" in only:
        section_memory(X, y, args.rounds, args.iterations, out)
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
