"""`tutor train`, `tutor cost`, `tutor gradcheck`: the maths from the command line.

Thin commands: parse the options, load the data, call `tutor.core`, hand the
results to renderers (or to `--json`). numpy, scipy, the data and the
renderers are imported inside the commands so that `tutor --help` stays fast.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Optional

from tutor.plugin import Option, TutorError, fail, stderr_console, stdout_console

OPTIMIZERS = ("cg", "lbfgs", "gd")
DTYPES = ("float64", "float32")
OPTIMIZER_NAMES = {"lbfgs": "L-BFGS", "cg": "conjugate gradient (CG)", "gd": "gradient descent"}
ACTIVATIONS = ("sigmoid", "tanh")
INITS = ("uniform", "normal")

# The course's published checkpoints for its 5000 x 400 data and trained
# 400-25-10 weights (ex4): J at lambda 0 and lambda 1.
COURSE_J = {0.0: 0.287629, 1.0: 0.383770}
COURSE_SHAPES = ((25, 401), (10, 26))


# -- helpers ------------------------------------------------------------------


def _choice(value: str, known: tuple[str, ...], what: str) -> str:
    v = value.strip().lower()
    if v not in known:
        fail(f"unknown {what} '{value}'; choose one of {', '.join(known)}")
    return v


def _epsilon(text: str):
    """--epsilon: a positive number, or 'sqrt6' for the sqrt(6)/sqrt(L_in + L_out) rule."""
    if text.strip().lower() in ("sqrt6", "sqrt(6)"):
        return "sqrt6"
    try:
        eps = float(text)
    except ValueError:
        fail(f"--epsilon must be a positive number or 'sqrt6', not '{text}'")
    if not eps > 0:
        fail(f"--epsilon must be a positive number or 'sqrt6', not '{text}'")
    return eps


def _view(name: str):
    """A `tutor.render` view class when it exists, else None (plain-table fallback)."""
    try:
        import tutor.render as render
    except ImportError:
        return None
    return getattr(render, name, None)


def _emit_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, indent=2) + "\n")


def _confusion_table(C, class_names):
    View = _view("ConfusionTable")
    if View is not None:
        return View(C, class_names)
    from rich.console import Group
    from rich.table import Table

    table = Table()
    table.add_column("true \\ pred", justify="right", style="bold")
    for name in class_names:
        table.add_column(name, justify="right")
    for i, name in enumerate(class_names):
        cells = []
        for j in range(len(class_names)):
            count = int(C[i, j])
            text = str(count) if count else "."
            cells.append(f"[bold green]{text}[/]" if i == j else (f"[red]{text}[/]" if count else f"[dim]{text}[/]"))
        table.add_row(name, *cells)
    return Group("Confusion matrix (rows: true class, columns: predicted class)", table)


def _cost_curve(costs):
    View = _view("CostCurve")
    if View is not None:
        return View(costs, title="Cost per iteration", height=10)
    return None


# -- tutor train --------------------------------------------------------------


def train(
    dataset: str = Option("digits", "--dataset", "-d", help="digits, moons, or a .mat/.npz/.csv file."),
    hidden: list[int] = Option([25], "--hidden", help="Hidden layer size; repeat for more layers."),
    activation: str = Option("sigmoid", "--activation", help="Hidden activation: sigmoid or tanh."),
    lam: Optional[float] = Option(
        None, "--lambda", help="Regularization strength lambda (>= 0). Default 1; 0 with --init normal, "
        "since the from-scratch write-up that style comes from has no regularization."),
    optimizer: str = Option("lbfgs", "--optimizer",
                            help="lbfgs (the default: fewest cost evaluations), cg, or gd (plain gradient descent)."),
    dtype: str = Option("float64", "--dtype",
                        help="float64, or float32: half the memory traffic for large data, same accuracy band."),
    iterations: int = Option(50, "--iterations", "-n", help="Number of updates (at most, for cg/lbfgs)."),
    learning_rate: float = Option(1.0, "--learning-rate", help="Step size for gd."),
    init: str = Option("uniform", "--init", help="uniform in [-eps, eps], or normal * scale with zero biases."),
    epsilon: str = Option("0.12", "--epsilon", help="eps for --init uniform: a number or 'sqrt6'."),
    init_scale: float = Option(0.01, "--init-scale", help="Scale for --init normal."),
    seed: int = Option(0, "--seed", help="Random seed of the starting weights."),
    save: Optional[str] = Option(None, "--save", help="Write the trained Thetas to this .npz file."),
    as_json: bool = Option(False, "--json", help="Print one JSON object on stdout and nothing else."),
) -> None:
    """Train a network and report the cost, training accuracy and confusion matrix."""
    activation = _choice(activation, ACTIVATIONS, "activation")
    optimizer = _choice(optimizer, OPTIMIZERS, "optimizer")
    dtype = _choice(dtype, DTYPES, "dtype")
    init = _choice(init, INITS, "init method")
    eps = _epsilon(epsilon)
    if lam is None:
        lam = 0.0 if init == "normal" else 1.0
    if save:
        from pathlib import Path

        folder = Path(save).expanduser().parent
        if not folder.is_dir():  # say so before training, not after
            fail(f"{save}: cannot save there, the folder {folder} does not exist")
    if any(h < 1 for h in hidden):
        fail(f"--hidden sizes must be at least 1, not {min(hidden)}")
    if iterations < 0:
        fail(f"--iterations must be 0 or more, not {iterations}")
    if lam < 0:
        fail(f"--lambda must be 0 or more, not {lam:g}")
    if not learning_rate > 0:
        fail(f"--learning-rate must be positive, not {learning_rate:g}")
    if not init_scale > 0:
        fail(f"--init-scale must be positive, not {init_scale:g}")
    try:
        _train(dataset, hidden, activation, lam, optimizer, iterations, learning_rate, init, eps, init_scale, seed,
               save, as_json, dtype)
    except TutorError as err:
        fail(err.message, err.exit_code)


def _train(dataset, hidden, activation, lam, optimizer, iterations, learning_rate, init, eps, init_scale, seed, save,
           as_json, dtype="float64"):
    import numpy as np

    from tutor import core
    from tutor.courses.backprop.datasets import load_dataset, save_weights

    # float32: a .npz file's X is read straight into single precision (the
    # float64 array never exists whole); other sources are cast after reading.
    ds = load_dataset(dataset, np.float32 if dtype == "float32" else np.float64)
    if ds.K < 2:
        raise TutorError(f"{ds.name}: all labels are the same class, so there is nothing to learn")
    outputs = 1 if ds.K == 2 else ds.K  # two classes: one sigmoid output, h >= 0.5 means class 1
    sizes = [ds.n, *hidden, outputs]
    params0 = core.initialize_params(sizes, init, epsilon=eps, scale=init_scale, seed=seed)

    err = stderr_console()
    show_progress = not as_json or err.is_terminal
    history = []

    def run(callback):
        return core.train_network(sizes, ds.X, ds.y, params0, lam, activation, optimizer, iterations,
                                  learning_rate, callback)

    started = time.perf_counter()
    try:
        if show_progress:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(
                TextColumn("[bold]training[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("J = {task.fields[J]}"),
                TimeElapsedColumn(),
                console=err,
                transient=err.is_terminal,
            ) as progress:
                task = progress.add_task("train", total=iterations, J="...")

                def on_record(rec):
                    history.append(rec)
                    progress.update(task, completed=rec.iteration, J=f"{rec.cost:.6f}")

                result = run(on_record)
                progress.update(task, completed=iterations)
        else:
            result = run(history.append)
    except KeyboardInterrupt:
        fail("training interrupted", 130)

    seconds = time.perf_counter() - started
    thetas = core.reshape_params(result.params, sizes)
    y_pred = core.predict(thetas, ds.X, activation)
    acc = core.accuracy(y_pred, ds.y)
    C = core.confusion_matrix(ds.y, y_pred, ds.K)
    saved = None
    if save:
        saved = save_weights(save, thetas, activation=np.array(activation))

    if as_json:
        _emit_json({
            "dataset": ds.name,
            "m": ds.m,
            "layer_sizes": sizes,
            "activation": activation,
            "lambda": lam,
            "optimizer": result.method,
            "dtype": dtype,
            "blas_threads": result.threads,
            "iterations": result.iterations,
            "learning_rate": learning_rate if optimizer == "gd" else None,
            "init": {"method": init, "epsilon": eps if init == "uniform" else None,
                     "scale": init_scale if init == "normal" else None, "seed": seed},
            "history": [{"iteration": r.iteration, "cost": r.cost} for r in result.history],
            "final_cost": result.cost,
            "train_accuracy": acc,
            "class_names": list(ds.class_names),
            "confusion_matrix": C.tolist(),
            "message": result.message,
            "saved": str(saved) if saved else None,
        })
        return
    _print_training(ds, sizes, activation, lam, result.method, result, acc, C, saved, thetas, seconds, dtype)


def _print_training(ds, sizes, activation, lam, optimizer, result, acc, C, saved, thetas, seconds, dtype="float64"):
    from rich.table import Table

    from tutor import core

    out = stdout_console()
    n = core.n_params(sizes)
    arch = " - ".join(str(s) for s in sizes)
    out.print(f"[bold]{ds.name}[/]: {ds.m} examples x {ds.n} features, {ds.K} classes")
    out.print(f"network {arch} ({activation} hidden units), {n} parameters, lambda = {lam:g}")
    threads = ""
    if result.threads is not None:  # None: the user set the thread count
        # BLAS threads, named as a learner knows them
        threads = ", on 1 CPU thread" if result.threads == 1 else f", on {result.threads} CPU threads"
    out.print(f"optimizer: {OPTIMIZER_NAMES.get(optimizer, optimizer)}, computing in {dtype}{threads}")
    curve = _cost_curve(result.costs)
    if curve is not None:
        out.print(curve)
    else:
        out.print(f"cost: {result.history[0].cost:.6f} before training, {result.cost:.6f} after "
                  f"{result.iterations} iterations")
    Summary = _view("TrainSummary")
    if Summary is not None:
        out.print(Summary.from_result(result, acc, lam=lam, seconds=seconds))
    else:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column(justify="right")
        table.add_row("optimizer", f"{optimizer} ({result.message})")
        table.add_row("final cost", f"{result.cost:.6f}")
        table.add_row("training accuracy", f"{acc:.2%} ({int(round(acc * ds.m))} of {ds.m} examples right)")
        out.print(table)
    out.print(_confusion_table(C, ds.class_names))
    if ds.n == 2:
        View = _view("DecisionBoundary")
        if View is not None:
            xs, ys, classes = core.decision_grid(thetas, ds.X, activation=activation)
            out.print(View(xs, ys, classes, ds.X, ds.y, class_names=ds.class_names, title="Decision boundary"))
    if saved:
        out.print(f"saved the weights to {saved}")


# -- tutor cost ---------------------------------------------------------------


def cost(
    data: str = Option(..., "--data", help="The data: digits, moons, or a .mat/.npz/.csv file."),
    weights: str = Option(..., "--weights", help="A .mat or .npz file with Theta1, Theta2, ..."),
    lam: float = Option(0.0, "--lambda", help="Regularization strength lambda (>= 0)."),
    activation: str = Option("sigmoid", "--activation", help="Hidden activation: sigmoid or tanh."),
    as_json: bool = Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Compute the cost J of given weights on given data."""
    activation = _choice(activation, ACTIVATIONS, "activation")
    if lam < 0:
        fail(f"--lambda must be 0 or more, not {lam:g}")
    try:
        _cost(data, weights, lam, activation, as_json)
    except TutorError as err:
        fail(err.message, err.exit_code)


def _cost(data, weights, lam, activation, as_json):
    from tutor import core
    from tutor.courses.backprop.datasets import fit_weights, load_dataset, load_weights

    ds = load_dataset(data)
    thetas = load_weights(weights)
    fit_weights(thetas, ds, weights)
    J0 = core.nn_cost(thetas, ds.X, ds.y, 0.0, activation)
    reg = core.regularization(thetas, lam, ds.m)
    J = J0 + reg
    course = ds.m == 5000 and tuple(T.shape for T in thetas) == COURSE_SHAPES
    if as_json:
        _emit_json({"data": ds.name, "m": ds.m, "layer_sizes": core.layer_sizes_of(thetas), "lambda": lam,
                    "cost": J, "cross_entropy": J0, "regularization": reg, "course": course})
        return
    out = stdout_console()
    sizes = " - ".join(str(s) for s in core.layer_sizes_of(thetas))
    out.print(f"{ds.name}: {ds.m} examples; network {sizes}; lambda = {lam:g}")
    if lam:
        out.print(f"J = {J0:.6f} (cross-entropy) + {reg:.6f} (regularization) = [bold]{J:.6f}[/]")
    else:
        out.print(f"J = [bold]{J:.6f}[/]")
    if course:
        out.print(
            "These look like the course's data and trained weights: its published checkpoints are "
            f"J = {COURSE_J[0.0]:.6f} at lambda 0 and J = {COURSE_J[1.0]:.6f} at lambda 1."
        )


# -- tutor gradcheck ----------------------------------------------------------


def gradcheck(
    lam: float = Option(0.0, "--lambda", help="Regularization strength lambda (>= 0)."),
    activation: str = Option("sigmoid", "--activation", help="Hidden activation: sigmoid or tanh."),
    as_json: bool = Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Check backpropagation against central differences on the small debug network.

    Exits 1 when the verdict is fail.
    """
    activation = _choice(activation, ACTIVATIONS, "activation")
    if lam < 0:
        fail(f"--lambda must be 0 or more, not {lam:g}")
    from tutor.core import check_nn_gradients
    from tutor.core.gradcheck import PASS_BELOW, WARN_BELOW

    check = check_nn_gradients(lam, activation)
    if as_json:
        _emit_json({
            "layer_sizes": list(check.layer_sizes),
            "lambda": lam,
            "activation": activation,
            "cost": check.cost,
            "numerical": check.numerical.tolist(),
            "analytical": check.analytical.tolist(),
            "relative_difference": check.relative_difference,
            "verdict": check.verdict,
            "bands": {"pass_below": PASS_BELOW, "warn_below": WARN_BELOW},
        })
    else:
        _print_gradcheck(check, lam, PASS_BELOW, WARN_BELOW)
    if check.verdict == "fail":
        raise SystemExit(1)


def _gradient_rows(check):
    """(label, numerical, analytical) per parameter, labelled ThetaL[i, j] (0-based)."""
    from tutor.core import theta_shapes

    labels = []
    for L, (rows, cols) in enumerate(theta_shapes(check.layer_sizes), start=1):
        labels += [f"Theta{L}[{i},{j}]" for i in range(rows) for j in range(cols)]
    return list(zip(labels, check.numerical, check.analytical))


def _print_gradcheck(check, lam, pass_below, warn_below):
    from rich.table import Table

    out = stdout_console()
    sizes = " - ".join(str(s) for s in check.layer_sizes)
    out.print(
        f"Debug network {sizes}, m = 5, lambda = {lam:g}: {check.numerical.size} parameters, "
        f"each nudged by e = 1e-4 both ways (2 cost evaluations per parameter)."
    )
    View = _view("GradientComparison")
    if View is not None:
        out.print(View(check.numerical, check.analytical, check.relative_difference, check.verdict,
                       max_rows=check.numerical.size,
                       title="numerical (central differences) vs analytical (backpropagation)"))
    else:
        table = Table(title="numerical (central differences) vs analytical (backpropagation)", title_justify="left")
        table.add_column("parameter")
        table.add_column("numerical", justify="right")
        table.add_column("analytical", justify="right")
        table.add_column("difference", justify="right")
        for label, num, ana in _gradient_rows(check):
            table.add_row(label, f"{num: .10f}", f"{ana: .10f}", f"{num - ana: .1e}")
        out.print(table)
        style = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red"}[check.verdict]
        out.print(
            f"relative difference ||num - ana|| / ||num + ana|| = {check.relative_difference:.3e}  "
            f"[{style}]{check.verdict.upper()}[/]"
        )
    out.print("What the bands mean:", highlight=False)
    out.print(f"  pass  below {pass_below:.0e}: the two agree to rounding error", highlight=False)
    out.print(f"  warn  below {warn_below:.0e}: something small is off (or e is badly sized)", highlight=False)
    out.print("  fail  otherwise: the backpropagation is wrong", highlight=False)
