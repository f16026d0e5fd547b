"""Figures for slides: the same five pictures as the terminal views, in matplotlib.

`figure_data` gathers what a figure shows (training a network quickly when it
needs trained weights); `terminal_view` turns that into a `tutor.render` view;
`save` draws it with matplotlib into a PNG or SVG. matplotlib is the optional
extra `tutor[plots]`: it is imported only when saving, never at module import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tutor.plugin import TutorError

MISSING_MATPLOTLIB = "saving figures needs matplotlib: pip install 'tutor[plots]'"
SUFFIXES = (".png", ".svg")


@dataclass
class FigureData:
    """What one figure shows; only the fields its kind needs are set.

    images (k, h, w) with labels (k,) strings; Theta1 (hidden, 1 + n) with the
    image shape and pixel order; costs (iterations + 1,); xs (cols,), ys
    (rows,), classes (rows, cols) with X (m, 2), y (m,); C (K, K) with
    class_names. title says where the numbers come from.
    """

    kind: str
    title: str
    subtitle: str = ""  # where the numbers come from
    dataset: object = None
    images: np.ndarray | None = None
    labels: list[str] = field(default_factory=list)
    Theta1: np.ndarray | None = None
    costs: np.ndarray | None = None
    xs: np.ndarray | None = None
    ys: np.ndarray | None = None
    classes: np.ndarray | None = None
    C: np.ndarray | None = None
    accuracy: float | None = None
    thetas: list | None = None


def require_matplotlib():
    """The matplotlib module, or TutorError with how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise TutorError(MISSING_MATPLOTLIB) from None
    return matplotlib


def check_output_path(path: Path) -> None:
    """TutorError unless path ends in .png/.svg and its folder exists."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise TutorError(f"cannot tell the picture format of {str(path)!r}: end the file name in .png or .svg")
    if not path.parent.is_dir():
        raise TutorError(f"the folder {str(path.parent)!r} does not exist")


# ---------------------------------------------------------------- the data


@dataclass(frozen=True)
class QuickTraining:
    """A network trained for a figure: its Thetas and its cost history."""

    thetas: list
    costs: np.ndarray
    layer_sizes: tuple


def quick_train(ds, hidden: int, iterations: int = 50, lam: float = 1.0, seed: int = 0,
                need_costs: bool = False) -> QuickTraining:
    """Train n-hidden-outputs with seeded CG (uniform eps 0.12) on the whole data set.

    When the cost history is not needed, the lesson engine's trained-weights
    cache is used, so a figure after a lesson (or a second figure) is instant.
    """
    from tutor.core import initialize_params, reshape_params, train_network
    from tutor.courses.backprop.play import play_layer_sizes

    sizes = play_layer_sizes(ds.n, hidden, ds.K)
    if not need_costs:
        from tutor.courses.backprop.setups import trained_weights

        thetas = trained_weights(ds, sizes, "sigmoid", seed, lam, iterations)
        return QuickTraining(thetas, None, sizes)
    params0 = initialize_params(sizes, seed=seed)
    run = train_network(sizes, ds.X, ds.y, params0, lam=lam, method="cg", iterations=iterations)
    return QuickTraining(reshape_params(run.params, sizes), run.costs, sizes)


def _default_dataset(kind: str) -> str:
    return "moons" if kind == "boundary" else "digits"


def figure_data(
    kind: str,
    *,
    dataset: str | None = None,
    hidden: int | None = None,
    iterations: int = 50,
    lam: float | None = None,
    seed: int = 0,
    count: int = 25,
) -> FigureData:
    """Load the data (and train when needed) for figure `kind`."""
    from tutor.core import accuracy, confusion_matrix, decision_grid, predict
    from tutor.courses.backprop.datasets import load_dataset

    ds = load_dataset(dataset or _default_dataset(kind))
    if kind in ("digits", "hidden") and ds.image_shape is None:
        raise TutorError(f"the {kind} figure needs image data; {ds.name} has no image shape (try --dataset digits)")
    if kind == "boundary" and ds.n != 2:
        raise TutorError(
            f"a decision boundary needs 2 features; {ds.name} has {ds.n} (try --dataset moons)"
        )
    # Two features (moons): a small network, and no penalty, since lambda 1
    # on 200 points flattens the boundary into a line.
    if hidden is None:
        hidden = 5 if ds.n == 2 else 25
    if lam is None:
        lam = 0.0 if ds.n == 2 else 1.0
    what = f"{ds.name}, network {ds.n}-{hidden}-{1 if ds.K == 2 else ds.K}, {iterations} CG iterations, lambda {lam:g}"

    if kind == "digits":
        rng = np.random.default_rng(seed)
        k = min(count, ds.m)
        idx = np.sort(rng.choice(ds.m, size=k, replace=False))
        labels = [ds.class_names[int(c)] for c in ds.y[idx]]
        return FigureData(
            kind, f"{k} of the {ds.m} {ds.name} examples", f"the label above each image; {ds.image_shape[0]} x {ds.image_shape[1]} pixels", ds,
            images=ds.images(idx), labels=labels,
        )

    net = quick_train(ds, hidden, iterations, lam, seed, need_costs=(kind == "cost"))
    if kind == "hidden":
        return FigureData(
            kind, f"What each of the {hidden} hidden units looks for", f"input weights as images; {what}", ds,
            Theta1=net.thetas[0],
        )
    if kind == "cost":
        return FigureData(kind, "Cost J per iteration", what, ds, costs=net.costs)
    y_pred = predict(net.thetas, ds.X)
    acc = accuracy(y_pred, ds.y)
    if kind == "boundary":
        xs, ys, classes = decision_grid(net.thetas, ds.X)
        return FigureData(
            kind, f"Decision boundary (training accuracy {100 * acc:.1f}%)", what, ds,
            xs=xs, ys=ys, classes=classes, accuracy=acc, thetas=net.thetas,
        )
    if kind == "confusion":
        C = confusion_matrix(ds.y, y_pred, ds.K)
        return FigureData(
            kind, f"Confusion matrix on the training set (accuracy {100 * acc:.1f}%)", what, ds, C=C, accuracy=acc,
        )
    raise TutorError(f"unknown figure {kind!r}")


def hidden_images(Theta1: np.ndarray, image_shape: tuple[int, int], order: str) -> np.ndarray:
    """Each hidden unit's input weights (bias dropped) as an image: (hidden, h, w)."""
    W = np.asarray(Theta1)[:, 1:]
    return np.stack([row.reshape(image_shape, order=order) for row in W])


# ------------------------------------------------------- the terminal view


def terminal_view(kind: str, data: FigureData):
    """The rich renderable the terminal shows for this figure."""
    from rich.console import Group
    from rich.text import Text

    from tutor import render
    from tutor.core import predict
    from tutor.courses.backprop.render_digits import DigitGrid, HiddenUnits

    ds = data.dataset
    if kind == "digits":
        view = DigitGrid(data.images, labels=data.labels, title=data.title)
    elif kind == "hidden":
        view = HiddenUnits(data.Theta1, ds.image_shape, ds.image_order, title=data.title)
    elif kind == "cost":
        view = render.CostCurve(data.costs, title=data.title)
    elif kind == "boundary":
        view = render.DecisionBoundary(data.xs, data.ys, data.classes, ds.X, ds.y,
                                       class_names=ds.class_names, title=data.title,
                                       predicted=predict(data.thetas, ds.X))
    else:
        view = render.ConfusionTable(data.C, ds.class_names, title=data.title)
    # The subtitle says where the numbers come from, as under a slide.
    return Group(view, Text(data.subtitle, style="dim"))


# ------------------------------------------------------------- matplotlib


def _grid_shape(k: int) -> tuple[int, int]:
    cols = int(np.ceil(np.sqrt(k)))
    return int(np.ceil(k / cols)), cols


def _image_grid(fig, images, labels=None, cmap="gray_r", symmetric=False):
    rows, cols = _grid_shape(len(images))
    axes = fig.subplots(rows, cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= len(images):
            continue
        img = images[i]
        if symmetric:  # weights: white 0, dark extremes read as "looks for"
            lim = float(np.abs(img).max()) or 1.0
            ax.imshow(img, cmap=cmap, vmin=-lim, vmax=lim, interpolation="nearest")
        else:
            ax.imshow(img, cmap=cmap, interpolation="nearest")
        if labels:
            ax.set_title(labels[i], fontsize=10)


def draw(kind: str, data: FigureData):
    """A matplotlib Figure for `kind` (no pyplot, so no global state or GUI)."""
    require_matplotlib()
    from matplotlib.figure import Figure

    from tutor.core import decision_grid

    ds = data.dataset
    if kind == "digits":
        fig = Figure(figsize=(6, 6.4), layout="constrained")
        _image_grid(fig, data.images, data.labels)
    elif kind == "hidden":
        fig = Figure(figsize=(6, 6.4), layout="constrained")
        imgs = hidden_images(data.Theta1, ds.image_shape, ds.image_order)
        _image_grid(fig, imgs, [f"unit {i + 1}" for i in range(len(imgs))], cmap="RdBu_r", symmetric=True)
    elif kind == "cost":
        fig = Figure(figsize=(7, 4.5), layout="constrained")
        ax = fig.subplots()
        ax.plot(np.arange(len(data.costs)), data.costs, marker="o", markersize=3, color="#1f5fa8")
        ax.set_xlabel("iteration")
        ax.set_ylabel("cost J")
        ax.grid(alpha=0.3)
    elif kind == "boundary":
        fig = Figure(figsize=(7, 5.5), layout="constrained")
        ax = fig.subplots()
        # The terminal grid is coarse; a slide gets a fine one from the same weights.
        xs, ys, classes = decision_grid(data.thetas, ds.X, resolution=(300, 400))
        ax.contourf(xs, ys, classes, levels=[-0.5, 0.5, 1.5], colors=["#f4c7a1", "#a9c8ee"], alpha=0.8)
        for c, colour in ((0, "#c0581a"), (1, "#1f5fa8")):
            pts = ds.X[ds.y == c]
            ax.scatter(pts[:, 0], pts[:, 1], s=14, color=colour, edgecolor="white", linewidth=0.4,
                       label=f"class {ds.class_names[c]}")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.legend(loc="upper right")
    elif kind == "confusion":
        fig = Figure(figsize=(6.5, 6), layout="constrained")
        ax = fig.subplots()
        C = data.C
        ax.imshow(C, cmap="Blues")
        names = list(ds.class_names)
        ax.set_xticks(range(len(names)), names)
        ax.set_yticks(range(len(names)), names)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        half = C.max() / 2 if C.size else 0
        for i in range(C.shape[0]):
            for j in range(C.shape[1]):
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if C[i, j] > half else "black")
    else:
        raise TutorError(f"unknown figure {kind!r}")
    fig.suptitle(data.title, fontsize=12, fontweight="bold")
    if data.subtitle:
        # supxlabel takes part in the constrained layout, so it never overlaps the axes.
        fig.supxlabel(data.subtitle, fontsize=8, color="#555555")
    return fig


def save(kind: str, data: FigureData, path: Path) -> Path:
    """Draw figure `kind` and write it to path (.png or .svg)."""
    path = Path(path)
    check_output_path(path)
    fig = draw(kind, data)
    try:
        fig.savefig(path, dpi=150, facecolor="white")
    except OSError as err:
        raise TutorError(f"cannot write {str(path)!r}: {err.strerror or err}") from None
    return path
