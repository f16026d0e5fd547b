"""Benchmarks of the tutor against its peers, measured in one run on this machine.

    python bench/run.py [--quick] [--only a,b,...] [--markdown PATH]

Sections:
  a  cost + gradient of a 400-25-10 network on 5000 x 400 data: the core, the
     per-example loop, PyTorch float64 autograd (if importable), and the floor
     (the two big matrix products alone)
  b  training to 95% training accuracy on the bundled digits: tutor CG and
     L-BFGS against scikit-learn's MLPClassifier (if installed)
  c  gradient checking: full numerical gradients and the sparse spot check
  e  rendering every view in tutor.render on the biggest matrices a lesson shows

Start-up is measured by bench/startup.py, MNIST-size training and memory by
bench/mnist.py, lesson render times by bench/render.py.

Prints one table per section; writes nothing unless --markdown PATH is given.
Every comparison is interleaved (the contenders in turn within each round, at
least 7 rounds) and reported as median [min-max]; ratios are taken within each
round, then their median and range. The load average is printed at the start
and after each section, because it is the first thing to check.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path


def _threads_from_argv() -> None:
    """--threads N becomes OPENBLAS_NUM_THREADS/OMP_NUM_THREADS before numpy loads.

    Limiting OpenBLAS at run time (threadpoolctl) is not the same: measured
    here, scipy's L-BFGS-B then spent 4x longer in its own small BLAS calls on
    the digits than with the thread count fixed at start-up.
    """
    for i, arg in enumerate(sys.argv):
        value = arg.split("=", 1)[1] if arg.startswith("--threads=") else (
            sys.argv[i + 1] if arg == "--threads" and i + 1 < len(sys.argv) else None)
        if value and value.isdigit() and int(value) > 0:
            for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ[var] = value


_threads_from_argv()

import numpy as np  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._common import median as _median  # noqa: E402
from bench._common import ratio_text, round_ratios
from tutor.core import (  # noqa: E402
    accuracy,
    check_nn_gradients,
    compute_numerical_gradient,
    initialize_params,
    nn_cost,
    nn_cost_function,
    nn_cost_function_loop,
    predict,
    reshape_params,
    spot_check,
    train,
)

SIZES = (400, 25, 10)
M = 5000
LAM = 1.0


# ---------------------------------------------------------------- helpers
# The clock every measurement reads: wall time by default; with --clock cpu,
# this process's CPU time, which other processes on a busy machine barely
# touch (use it with --threads 1, or BLAS threads spinning count as work).
clock = time.perf_counter


@dataclass
class Section:
    """One result table: a title, column names, rows of strings, notes."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells) -> None:
        self.rows.append([str(c) for c in cells])

    def rich(self) -> Table:
        table = Table(title=f"({self.key}) {self.title}", title_justify="left", caption="\n".join(self.notes) or None,
                      caption_justify="left")
        for i, c in enumerate(self.columns):
            table.add_column(c, justify="left" if i == 0 else "right")
        for r in self.rows:
            table.add_row(*r)
        return table

    def markdown(self) -> str:
        out = [f"### ({self.key}) {self.title}", "", "| " + " | ".join(self.columns) + " |",
               "|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.columns))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.notes:
            out += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(out) + "\n"


def times_of(f, repeats: int, warmup: int = 1) -> list[float]:
    """Wall times of f() in seconds over `repeats` calls."""
    for _ in range(warmup):
        f()
    times = []
    for _ in range(repeats):
        t0 = clock()
        f()
        times.append(clock() - t0)
    return times


def interleaved(fs: dict, repeats: int) -> dict[str, list[float]]:
    """Times of several functions measured in turn, round after round.

    Interleaving spreads a passing load from other processes over all of them
    alike, so the ratios stay fair even when the absolute times move.
    """
    for f in fs.values():
        f()
    out: dict[str, list[float]] = {k: [] for k in fs}
    for _ in range(repeats):
        for k, f in fs.items():
            t0 = clock()
            f()
            out[k].append(clock() - t0)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 10 else f"{seconds:.1f} s"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine() -> list[str]:
    """Lines describing the machine, numpy and its BLAS."""
    cpu = platform.processor() or platform.machine()
    try:
        info: dict[str, str] = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
        simd = [f for f in ("avx512f", "avx2", "fma") if f in info.get("flags", "").split()]
        cpu = (f"{info.get('model name', cpu)} (family {info.get('cpu family', '?')}, model {info.get('model', '?')}, "
               f"{info.get('cache size', '?')} cache, {' '.join(simd) or 'no avx2'})")
    except OSError:
        pass
    lines = [
        f"CPU: {cpu}; {os.cpu_count()} logical cores; Python {platform.python_version()} on {platform.system()}",
        f"numpy {np.__version__}",
    ]
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            lines.append(
                f"BLAS: {info.get('internal_api')} {info.get('version')} ({info.get('architecture')} kernels, "
                f"{info.get('num_threads')} threads) from {Path(info.get('filepath', '')).name}"
            )
    except ImportError:
        lines.append("BLAS: threadpoolctl not installed, cannot tell which")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var):
            lines.append(f"{var}={os.environ[var]}")
    return lines


def problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.random((M, SIZES[0]))
    y = rng.integers(0, SIZES[-1], M)
    params = initialize_params(SIZES, "uniform", epsilon=0.12, seed=seed)
    return X, y, params


# ---------------------------------------------------------------- (a) cost + gradient
def torch_cost_grad(torch, X, y, sizes, lam):
    """A PyTorch float64 autograd version of nn_cost_function: (params, Xt) -> (J, grad)."""
    m = X.shape[0]
    Xt = torch.from_numpy(X)
    Y = torch.nn.functional.one_hot(torch.from_numpy(y.astype(np.int64)), sizes[-1]).to(torch.float64)
    shapes = [(sizes[i + 1], sizes[i] + 1) for i in range(len(sizes) - 1)]

    def f(params):
        p = torch.from_numpy(params).clone().requires_grad_(True)
        start, a, reg = 0, Xt, 0.0
        for i, (r, c) in enumerate(shapes):
            T = p[start:start + r * c].view(r, c)
            start += r * c
            z = torch.addmm(T[:, 0], a, T[:, 1:].T)
            a = z if i == len(shapes) - 1 else torch.sigmoid(z)
            reg = reg + (T[:, 1:] ** 2).sum()
        J = torch.nn.functional.binary_cross_entropy_with_logits(a, Y, reduction="sum") / m + lam / (2 * m) * reg
        J.backward()
        return float(J.detach()), p.grad.numpy()

    return f


def section_a(quick: bool) -> Section:
    sec = Section("a", "cost + gradient, 400-25-10 net, X 5000 x 400, lambda 1",
                  ["method", "median [min-max]", "vs floor (per round)", "vs tutor (per round)"])
    repeats = 7 if quick else 40
    X, y, params = problem()
    thetas = reshape_params(params, SIZES)
    W1 = np.ascontiguousarray(thetas[0][:, 1:])
    delta2 = np.random.default_rng(1).standard_normal((M, SIZES[1]))
    rows = 200  # the per-example loop runs on 200 rows per round, scaled to M

    def floor():
        X @ W1.T
        delta2.T @ X

    fs = {"floor": floor, "tutor": lambda: nn_cost_function(params, SIZES, X, y, LAM),
          "loop": lambda: nn_cost_function_loop(params, SIZES, X[:rows], y[:rows], LAM)}
    try:
        import torch
    except ImportError:
        torch = None
        sec.notes.append("PyTorch is not installed: its row is left out (pip install torch==2.13.0 to include it).")
    else:
        fs["torch"] = torch_cost_grad(torch, X, y, SIZES, LAM)
        fs["torch"] = (lambda f: lambda: f(params))(fs["torch"])
    t = interleaved(fs, repeats)
    t["loop"] = [v * (M / rows) for v in t["loop"]]
    labels = {"floor": "floor: X @ W1.T + delta2.T @ X", "tutor": "tutor nn_cost_function",
              "loop": f"per-example loop ({rows} rows, scaled x{M // rows})"}
    if torch is not None:
        labels["torch"] = f"PyTorch {torch.__version__} float64 autograd"
    for k, label in labels.items():
        v = t[k]
        sec.add(label, f"{ms(_median(v))} [{ms(min(v))}-{ms(max(v))}]", ratio_text(round_ratios(t, k, "floor")),
                ratio_text(round_ratios(t, k, "tutor")))
    if torch is not None:
        J_t, g_t = torch_cost_grad(torch, X, y, SIZES, LAM)(params)
        J_c, g_c = nn_cost_function(params, SIZES, X, y, LAM)
        sec.notes.append(
            f"PyTorch agrees with the tutor: |dJ| = {abs(J_t - J_c):.1e}, max |d grad| = "
            f"{np.max(np.abs(g_t - g_c)):.1e}; torch uses {torch.get_num_threads()} threads."
        )
    sec.notes.append(f"{repeats} rounds, the methods timed in turn within each round; ratios within each round, "
                     "then median [min-max] over rounds.")
    return sec


# ---------------------------------------------------------------- (b) training to 95%
def tutor_to_target(method, X, y, sizes, lam, target, max_iter=400):
    """Train with the tutor until training accuracy >= target; returns (seconds, iterations, evals, acc)."""
    params0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=0)
    last = {"x": params0, "evals": 0}

    def cost_grad(p):
        last["x"] = p
        last["evals"] += 1
        return nn_cost_function(p, sizes, X, y, lam)

    state = {"acc": 0.0, "check_time": 0.0}

    def callback(rec):
        # The accuracy check is bookkeeping of the benchmark: its time is taken out.
        t0 = clock()
        state["acc"] = accuracy(predict(reshape_params(last["x"], sizes), X), y)
        state["check_time"] += clock() - t0
        return state["acc"] >= target

    t0 = clock()
    res = train(cost_grad, params0, method, max_iter, callback=callback)
    elapsed = clock() - t0 - state["check_time"]
    final = accuracy(predict(reshape_params(res.params, sizes), X), y)
    return elapsed, res.iterations, last["evals"], final


def sklearn_fit(X, y, lam, n):
    """One MLPClassifier fit with max_iter n: (seconds, iterations, accuracy)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(25,), activation="logistic", solver="lbfgs", alpha=lam,
                        max_iter=n, random_state=0, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = clock()
        clf.fit(X, y)
        t = clock() - t0
    return t, clf.n_iter_, float(np.mean(clf.predict(X) == y))


def sklearn_iterations(X, y, lam, target, max_iter=400):
    """The smallest max_iter at which MLPClassifier reaches target, or None."""
    lo, hi = 1, max_iter
    if sklearn_fit(X, y, lam, hi)[2] < target:
        return None
    while lo < hi:  # accuracy grows with iterations (nearly monotone): bisect
        mid = (lo + hi) // 2
        if sklearn_fit(X, y, lam, mid)[2] >= target:
            hi = mid
        else:
            lo = mid + 1
    return hi


def section_b(quick: bool) -> Section:
    from tutor.courses.backprop.datasets import load_digits

    ds = load_digits()
    sizes = (ds.n, 25, ds.K)
    target = 0.95
    sec = Section("b", f"training to {target:.0%} training accuracy, bundled digits {ds.m} x {ds.n}, hidden 25, "
                  f"lambda {LAM:g}", ["method", "time: median [min-max]", "iterations", "cost evaluations", "accuracy",
                                      "vs tutor CG (per round)"])
    repeats = 7
    fs, _info = {}, {}
    for method, label in (("cg", "tutor CG"), ("lbfgs", "tutor L-BFGS-B")):
        fs[label] = (lambda mth: lambda: tutor_to_target(mth, ds.X, ds.y, sizes, LAM, target))(method)
    try:
        import sklearn
    except ImportError:
        sklearn = None
        sec.notes.append("scikit-learn is not installed: its row is left out.")
    else:
        n_iter = sklearn_iterations(ds.X, ds.y, LAM, target)
        sk_label = f"sklearn {sklearn.__version__} MLP lbfgs"
        if n_iter is None:
            sec.add(sk_label, "never", "-", "-", "-", "-")
        else:
            fs[sk_label] = lambda: sklearn_fit(ds.X, ds.y, LAM, n_iter)
    # The tutor's runs time themselves (accuracy checks taken out): collect their own figures.
    own: dict[str, list] = {k: [] for k in fs}

    def wrap(k, f):
        def g():
            out = f()
            own[k].append(out)
        return g

    interleaved({k: wrap(k, f) for k, f in fs.items()}, repeats)
    times = {k: [o[0] for o in v[1:]] for k, v in own.items()}  # v[0] is the warm-up
    for k, v in own.items():
        last = v[-1]
        evals = str(last[2]) if len(last) > 3 else "-"
        sec.add(k, f"{ms(_median(times[k]))} [{ms(min(times[k]))}-{ms(max(times[k]))}]", last[1], evals,
                f"{last[-1]:.1%}", ratio_text(round_ratios(times, k, "tutor CG")))
    if sklearn is not None:
        sec.notes.append(
            "scikit-learn: hidden (25,), logistic, solver lbfgs, alpha = lambda (its penalty alpha/(2m)*|W|^2 "
            "already divides by m, so this is the tutor's lambda/(2m)); its output is softmax, its init Glorot, "
            "so the paths differ. It runs with the smallest max_iter that reaches the target (found by "
            "bisection before timing)."
        )
    sec.notes.append(
        f"tutor: uniform init eps 0.12 seed 0, stops at the first iteration whose training accuracy reaches "
        f"{target:.0%} (the accuracy checks are timed apart and taken out); {repeats} rounds interleaved, "
        "median [min-max]; ratios within each round."
    )
    return sec


# ---------------------------------------------------------------- (c) gradient checking
def section_c(quick: bool) -> Section:
    sec = Section("c", "gradient checking (central differences, e = 1e-4)",
                  ["what", "parameters", "time: median [min-max]", "per parameter", "relative difference"])
    rounds = 3 if quick else 7
    X, y, params = problem()
    n = params.size
    k_sub = 20 if quick else 40
    idx = np.random.default_rng(5).choice(n, size=k_sub, replace=False)

    def J(p):
        return nn_cost_function(p, SIZES, X, y, LAM)

    def J_cost(p):
        return nn_cost(reshape_params(p, SIZES), X, y, LAM)

    fs = {
        "debug": lambda: check_nn_gradients(0.0),
        "with grad": lambda: compute_numerical_gradient(J, params, indices=idx),
        "cost only": lambda: compute_numerical_gradient(J_cost, params, indices=idx),
        "spot": lambda: spot_check(J, params, k=20, rng=0),
    }
    t = interleaved(fs, rounds)

    def cell(v):
        return f"{ms(_median(v))} [{ms(min(v))}-{ms(max(v))}]"

    res = check_nn_gradients(0.0)
    sec.add("debug 3-5-3, m 5, all", res.numerical.size, cell(t["debug"]), ms(_median(t["debug"]) / res.numerical.size),
            f"{res.relative_difference:.1e}")
    _, ana = J(params)
    for key, label, f in (("with grad", "J with gradient", J), ("cost only", "J cost only", J_cost)):
        num = compute_numerical_gradient(f, params, indices=idx)
        rel = float(np.linalg.norm(num[idx] - ana[idx]) / np.linalg.norm(num[idx] + ana[idx]))
        per = _median(t[key]) / k_sub
        sec.add(f"400-25-10, {k_sub} params, {label}", k_sub, cell(t[key]), ms(per), f"{rel:.1e}")
        sec.add(f"  all {n}, extrapolated", n, ms(per * n), ms(per), "-")
    sp = spot_check(J, params, k=20, rng=0)
    sec.add("spot_check k = 20, 400-25-10", 20, cell(t["spot"]), ms(_median(t["spot"]) / 20),
            f"{sp.relative_difference:.1e}")
    sec.notes.append(f"400-25-10 rows use X {M} x 400, lambda {LAM:g}. Each parameter costs two evaluations of J; "
                     f"the full 400-25-10 check is extrapolated, not run. {rounds} rounds interleaved.")
    return sec


# ---------------------------------------------------------------- (e) rendering
def _view_cases():
    """(name, description, factory) for each view, with lesson-sized inputs."""
    rng = np.random.default_rng(0)
    X = rng.random((M, SIZES[0]))
    a1 = np.hstack([np.ones((M, 1)), X])
    T1 = rng.uniform(-0.12, 0.12, (25, 401))
    T2 = rng.uniform(-0.12, 0.12, (10, 26))
    params = np.concatenate([T1.ravel(), T2.ravel()])
    images = rng.random((100, 20, 20))
    costs = 3.0 * np.exp(-np.arange(401) / 60) + 0.3
    xs, ys = np.linspace(-2, 3, 80), np.linspace(-1.5, 2, 40)
    classes = (ys[:, None] > np.sin(xs)[None, :]).astype(int)
    Xm = rng.standard_normal((200, 2))
    ym = rng.integers(0, 2, 200)
    C = rng.integers(0, 500, (10, 10))
    names = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
    num = rng.standard_normal(10285)
    return [
        ("MatrixView", "a1 5000 x 401, stats", lambda r: r.MatrixView(a1, "a1", stats=True)),
        ("MatrixView", "Theta1 25 x 401, highlight", lambda r: r.MatrixView(T1, "Theta1", highlight_rows=(3,),
                                                                          highlight_cols=(0,))),
        ("VectorView", "params 10285", lambda r: r.VectorView(params, "params")),
        ("ScalarView", "J", lambda r: r.ScalarView(0.287629, "J")),
        ("ShapeEquation", "a1 Theta1^T", lambda r: r.ShapeEquation([("a1", (M, 401), False), ("Theta1", (25, 401), True)],
                                                                  ("z2", (M, 25)))),
        ("CheckBadge", "J check", lambda r: r.CheckBadge("J matches", True, 0.287629, 0.287629, 1e-6)),
        ("DigitGrid", "100 images 20 x 20", lambda r: r.DigitGrid(images, labels=list(range(100)), title="digits")),
        ("HiddenUnits", "Theta1 25 x 401 as 20 x 20", lambda r: r.HiddenUnits(T1, (20, 20), "F")),
        ("CostCurve", "401 costs", lambda r: r.CostCurve(costs, title="cost")),
        ("DecisionBoundary", "40 x 80 grid, 200 points", lambda r: r.DecisionBoundary(xs, ys, classes, Xm, ym)),
        ("ConfusionTable", "10 x 10", lambda r: r.ConfusionTable(C, names)),
        ("GradientComparison", "10285 entries", lambda r: r.GradientComparison(num, num + 1e-12, 1e-12, "pass")),
        ("TrainSummary", "CG, 50 iterations", lambda r: r.TrainSummary(0.3154, 50, 0.9872, 0.95, "cg", lam=1.0,
                                                                      seconds=1.2)),
    ]


def section_e(quick: bool) -> Section:
    import types

    import tutor.render
    from tutor.courses.backprop import render_digits

    # the engine's views and the bundled course's picture views, side by side
    render = types.SimpleNamespace(**vars(tutor.render), DigitGrid=render_digits.DigitGrid,
                                   HiddenUnits=render_digits.HiddenUnits)

    sec = Section("e", "rendering to a StringIO console, width 100", ["view", "input", "time: median [min-max]",
                                                                      "lines"])
    repeats = 3 if quick else 15
    missing = []
    for name, desc, factory in _view_cases():
        if not hasattr(render, name):
            missing.append(name)
            continue

        def draw():
            console = Console(file=io.StringIO(), width=100, color_system="truecolor", force_terminal=True)
            console.print(factory(render))
            return console.file.getvalue()

        try:
            out = draw()
        except Exception as exc:  # a view's failure is a result to report, not a crash of the bench
            sec.add(name, desc, "error", "-")
            sec.notes.append(f"{name} ({desc}) raised {type(exc).__name__}: {str(exc)[:100]}")
            continue
        v = times_of(draw, repeats)
        sec.add(name, desc, f"{ms(_median(v))} [{ms(min(v))}-{ms(max(v))}]", out.count("\n"))
    if missing:
        sec.notes.append("not in tutor.render yet: " + ", ".join(sorted(set(missing))) + ".")
    sec.notes.append(f"each time builds the view and renders it ({repeats} repeats; a measurement, not a "
                     "comparison).")
    return sec


# ---------------------------------------------------------------- main
SECTIONS = {"a": section_a, "b": section_b, "c": section_c, "e": section_e}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats: a smoke run, not figures to quote")
    ap.add_argument("--only", default="abce", help="which sections, e.g. 'ae' (default all: abce)")
    ap.add_argument("--markdown", metavar="PATH", help="also write the tables as Markdown to PATH")
    ap.add_argument("--threads", type=int, default=0, help="limit BLAS (and torch) threads, e.g. 1 on a busy machine")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time (default) or CPU time of this process and its children (steadier on a busy "
                         "machine; pair it with --threads 1)")
    args = ap.parse_args(argv)
    console = Console()
    unknown = [k for k in args.only.replace(",", "") if k not in SECTIONS]
    if unknown:
        console.print(f"error: unknown section {unknown[0]!r}; known: {', '.join(SECTIONS)}", highlight=False)
        return 2
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    if args.threads:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            console.print("error: --threads needs threadpoolctl (pip install threadpoolctl)")
            return 2
        threadpool_limits(args.threads)
        try:
            import torch

            torch.set_num_threads(args.threads)
        except ImportError:
            pass
    header = machine()
    start_load = loadavg()
    if args.threads:
        header.append(f"threads limited to {args.threads} by --threads")
    header.append("clock: " + ("CPU time (time.process_time; children: getrusage)" if args.clock == "cpu"
                               else "wall time (time.perf_counter)"))
    for line in header:
        console.print(line, highlight=False)
    console.print(f"load average at start: {start_load}", highlight=False)
    results = []
    for key in args.only.replace(",", ""):
        t0 = time.perf_counter()
        sec = SECTIONS[key](args.quick)
        sec.notes.append(f"section took {time.perf_counter() - t0:.1f} s; load average after it: {loadavg()}.")
        console.print(sec.rich())
        console.print()
        results.append(sec)
    if args.markdown:
        text = ["Machine:", ""] + [f"- {line}" for line in header] + [f"- load average at start: {start_load}", ""]
        text.append(f"Command: `python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`\n")
        text += [sec.markdown() for sec in results]
        Path(args.markdown).write_text("\n".join(text))
        console.print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
