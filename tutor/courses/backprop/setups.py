"""The network setup: the data, layer sizes and weights a lesson of this course starts from.

Registered as the setup kind `network` (the course's default, see
lessons/course.yaml). It reads the setup keys (`dataset`, `hidden`,
`weights`, ...), applies declared parameters of the same name and the
`--data` / `--weights` files, and binds the names every step may use
(X, y, Y, m, n, K, thetas, Theta1, ...; see docs/lesson-format.md).

Trained weights (`weights: trained`) are a quick seeded CG run, cached in
memory and on disk under $TUTOR_HOME/cache, keyed by everything that decides
them, so the second lesson that needs them starts at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tutor.plugin import Built, SetupKind, TutorError, setup

DATASETS = ("digits", "moons", "debug", "grader")
WEIGHTS = ("trained", "debug", "random", "normal", "zeros")
ACTIVATIONS = ("sigmoid", "tanh")

# Setup keys that a declared parameter of the same name overrides.
SETUP_KEYS = (
    "dataset", "hidden", "activation", "weights", "seed", "lambda",
    "iterations", "learning_rate", "train_iterations", "train_lambda",
    "samples", "noise", "epsilon", "scale",
)

# Names every lesson can use from its first step.
BASE_NAMES = (
    "X", "y", "Y", "m", "n", "K", "n_classes", "layer_sizes", "class_names", "dataset", "course",
    "thetas", "params", "lambda", "activation", "hidden", "seed", "image_shape",
)


@dataclass(frozen=True)
class Options:
    """The network setup's keys as a lesson gives them."""

    dataset: str = "digits"
    hidden: tuple[int, ...] | None = None  # None: the dataset's usual size
    activation: str = "sigmoid"
    weights: str = "trained"
    seed: int = 0
    lam: float = 0.0
    iterations: int | None = None
    learning_rate: float | None = None
    train_iterations: int = 50
    train_lambda: float = 1.0
    samples: int = 200
    noise: float = 0.2
    epsilon: float | str = 0.12
    scale: float = 0.01

_MEMORY: dict[str, list[np.ndarray]] = {}


def forget_trained() -> None:
    """Forget the weights trained in this process (the next lesson trains, or reads its cache, again)."""
    _MEMORY.clear()

# The usual hidden layer of each data set when the lesson does not say.
_DEFAULT_HIDDEN = {"digits": (25,), "moons": (3,), "debug": (5,), "grader": (4,)}


@dataclass(frozen=True)
class Data:
    """The data a lesson runs on (a tutor.datasets.Dataset or a fixture like it)."""

    name: str
    X: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    image_shape: tuple[int, int] | None
    image_order: str
    source: str


def _debug_data() -> Data:
    from tutor.core import debug_problem

    _, X, y = debug_problem()
    return Data("debug", X, np.asarray(y, dtype=np.intp), ("0", "1", "2"), None, "C",
                "the debug problem: X = debug(5, 2), y = i mod 3")


def _grader_fixture():
    """The course grader fixture (DESIGN.md): sizes 2-4-4, m = 16."""
    X = (np.sin(np.arange(1, 33)) / 5.0).reshape(16, 2, order="F")
    y = np.arange(1, 17) % 4
    Theta1 = np.sin(np.arange(1, 24, 2, dtype=float)).reshape(4, 3, order="F")
    Theta2 = np.cos(np.arange(1, 40, 2, dtype=float)).reshape(4, 5, order="F")
    return X, y.astype(np.intp), [Theta1, Theta2]


def _load_data(name: str, samples: int, noise: float, data_path: str | None) -> Data:
    from tutor.courses.backprop import datasets

    if data_path:
        ds = datasets.load_dataset(str(data_path))
    elif name == "digits":
        ds = datasets.load_digits()
    elif name == "moons":
        ds = datasets.make_moons(n_samples=int(samples), noise=float(noise), seed=0)
    elif name == "debug":
        return _debug_data()
    elif name == "grader":
        X, y, _ = _grader_fixture()
        return Data("grader", X, y, ("0", "1", "2", "3"), None, "C", "the course grader fixture (sizes 2-4-4, m = 16)")
    else:  # the loader only lets the names above through
        raise TutorError(f"unknown data set {name!r}")
    return Data(ds.name, np.asarray(ds.X, dtype=float), np.asarray(ds.y, dtype=np.intp), tuple(ds.class_names),
                ds.image_shape, ds.image_order, ds.source)


def _cache_key(data: Data, sizes, activation, seed, lam, iterations) -> str:
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(data.X).tobytes())
    h.update(np.ascontiguousarray(data.y).tobytes())
    h.update(json.dumps([list(map(int, sizes)), activation, seed, float(lam), int(iterations)]).encode())
    return h.hexdigest()[:24]


def trained_weights(data: Data, sizes, activation: str, seed: int, lam: float, iterations: int) -> list[np.ndarray]:
    """A quick seeded CG run from uniform random weights; cached (memory + disk)."""
    from tutor.core import initialize_params, reshape_params, train_network
    from tutor.plugin import tutor_home

    key = _cache_key(data, sizes, activation, seed, lam, iterations)
    if key in _MEMORY:
        return [T.copy() for T in _MEMORY[key]]
    from tutor.courses.backprop.resultcache import find

    path = tutor_home() / "cache" / f"trained-{key}.npz"
    thetas = None
    try:
        with np.load(find(path) or path) as f:  # the home's copy, else the one the course ships
            thetas = [f[f"Theta{i + 1}"] for i in range(len(sizes) - 1)]
    except (OSError, KeyError, ValueError):
        thetas = None
    if thetas is None or [T.shape for T in thetas] != [(sizes[i + 1], sizes[i] + 1) for i in range(len(sizes) - 1)]:
        p0 = initialize_params(sizes, "uniform", epsilon=0.12, seed=seed)
        res = train_network(sizes, data.X, data.y, p0, lam=lam, activation=activation, method="cg", iterations=iterations)
        thetas = reshape_params(res.params, sizes)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, **{f"Theta{i + 1}": T for i, T in enumerate(thetas)})
            tmp.replace(path)
        except OSError:
            pass  # a read-only home only costs the retraining next time
    _MEMORY[key] = [T.copy() for T in thetas]
    return [T.copy() for T in thetas]


def resolved_setup(s: Options, params: Mapping[str, Any]) -> dict[str, Any]:
    """The setup keys after declared parameters of the same name."""
    out: dict[str, Any] = {
        "dataset": s.dataset, "hidden": s.hidden, "activation": s.activation, "weights": s.weights,
        "seed": s.seed, "lambda": s.lam, "iterations": s.iterations, "learning_rate": s.learning_rate,
        "train_iterations": s.train_iterations, "train_lambda": s.train_lambda, "samples": s.samples,
        "noise": s.noise, "epsilon": s.epsilon, "scale": s.scale,
    }
    for name, value in params.items():
        if name in out:
            out[name] = (int(value),) if name == "hidden" else value
    out["params"] = dict(params)
    return out


def build_network(options: Options, params: Mapping[str, Any], *, data=None, weights=None) -> Built:
    """Load data and weights and bind the names every step may use."""
    from tutor import core

    cfg = resolved_setup(options, params)
    ds = _load_data(cfg["dataset"], cfg["samples"], cfg["noise"], str(data) if data else None)
    X, y = ds.X, ds.y
    m, n = X.shape
    n_classes = len(ds.class_names)
    K = 1 if n_classes == 2 else n_classes  # two classes: one sigmoid output
    if y.size and int(y.max()) >= max(n_classes, K):
        raise TutorError(f"{ds.name}: labels go up to {int(y.max())} but there are only {n_classes} classes")
    hidden = cfg["hidden"] or _DEFAULT_HIDDEN.get(cfg["dataset"], (25,))
    notes = [f"data: {ds.source} ({m} examples x {n} features)"]
    activation = cfg["activation"]
    seed = int(cfg["seed"])
    from_file = False

    if weights:
        from tutor.courses.backprop import datasets

        thetas = datasets.load_weights(str(weights))
        sizes = core.layer_sizes_of(thetas)
        if sizes[0] != n:
            raise TutorError(
                f"the weights in {weights} expect {sizes[0]} input features but the data has {n} "
                f"(pass the matching --data file)"
            )
        if sizes[-1] != K:
            raise TutorError(f"the weights in {weights} have {sizes[-1]} outputs but the data has {K} classes")
        hidden = tuple(sizes[1:-1])
        from_file = True
        notes.append(f"weights: {Path(weights).name} (layer sizes {'-'.join(map(str, sizes))})")
    else:
        sizes = [n, *hidden, K]
        how = cfg["weights"]
        if how == "trained":
            thetas = trained_weights(ds, sizes, activation, seed, cfg["train_lambda"], cfg["train_iterations"])
            notes.append(
                f"weights: trained here by {cfg['train_iterations']} CG iterations "
                f"(lambda = {cfg['train_lambda']:g}, seed {seed})"
            )
        elif how == "debug":
            if ds.name == "grader" and list(sizes) == [2, 4, 4]:
                thetas = _grader_fixture()[2]
            else:
                thetas = [core.debug_initialize_weights(sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)]
            notes.append("weights: the debug pattern sin(0), sin(1), ... / 10")
        elif how == "random":
            eps = cfg["epsilon"]
            thetas = core.reshape_params(core.initialize_params(sizes, "uniform", epsilon=eps, seed=seed), sizes)
            notes.append(f"weights: uniform random in [-eps, eps], eps = {eps}, seed {seed}")
        elif how == "normal":
            thetas = core.reshape_params(core.initialize_params(sizes, "normal", scale=cfg["scale"], seed=seed), sizes)
            notes.append(f"weights: normal N(0, 1) x {cfg['scale']:g}, zero biases, seed {seed}")
        else:
            thetas = core.reshape_params(core.initialize_params(sizes, "zeros"), sizes)
            notes.append("weights: all zero")

    sizes = [int(s) for s in core.layer_sizes_of(thetas)]
    course = from_file and m == 5000 and n == 400
    values: dict[str, Any] = {
        "X": X, "y": y, "Y": core.one_hot(y, K), "m": int(m), "n": int(n), "K": int(K), "n_classes": n_classes,
        "layer_sizes": sizes, "class_names": list(ds.class_names), "dataset": "course" if course else ds.name,
        "course": course, "thetas": list(thetas), "params": core.unroll(thetas), "lambda": float(cfg["lambda"]),
        "activation": activation, "hidden": int(hidden[0]) if len(hidden) == 1 else list(hidden), "seed": seed,
        "image_shape": list(ds.image_shape) if ds.image_shape else None,
    }
    for i, T in enumerate(thetas, start=1):
        values[f"Theta{i}"] = T
    for key in ("iterations", "learning_rate"):
        if cfg[key] is not None:
            values[key] = cfg[key]
    values.update(cfg["params"])
    values["hidden"] = int(hidden[0]) if len(hidden) == 1 else list(hidden)  # the network's, whatever was asked
    facts = {"dataset": {ds.name, "course"} if course else {ds.name}, "course": course}
    return Built(values=values, notes=notes, facts=facts, data=ds)


@setup("network")
class NetworkSetup(SetupKind):
    """Data (digits, moons, the debug problem, the grader fixture, or --data), layer sizes and weights."""

    KEYS = SETUP_KEYS
    CONDITIONS = {"dataset": DATASETS + ("course",), "course": None}
    FILES = ("data", "weights")

    def parse(self, s, course) -> Options:
        hidden = s.int_list("hidden")
        if hidden is not None and (not hidden or any(h < 1 for h in hidden)):
            raise s.error("hidden", "hidden layer sizes must be whole numbers of at least 1")
        eps_node = s.node_of("epsilon")
        epsilon: float | str = 0.12
        if eps_node is not None:
            epsilon = "sqrt6" if eps_node.value == "sqrt6" else s.number("epsilon", min=0)
        return Options(
            dataset=s.str("dataset", default="digits", choices=DATASETS),
            hidden=hidden,
            activation=s.str("activation", default="sigmoid", choices=ACTIVATIONS),
            weights=s.str("weights", default="trained", choices=WEIGHTS),
            seed=s.int("seed", 0, min=0),
            lam=s.number("lambda", 0.0, min=0),
            iterations=s.int("iterations", None, min=0),
            learning_rate=s.number("learning_rate", None, min=0),
            train_iterations=s.int("train_iterations", 50, min=0),
            train_lambda=s.number("train_lambda", 1.0, min=0),
            samples=s.int("samples", 200, min=2),
            noise=s.number("noise", 0.2, min=0),
            epsilon=epsilon,
            scale=s.number("scale", 0.01, min=0),
        )

    def check_params(self, params, where_of) -> None:
        spec = params.get("hidden")
        if spec is not None and spec.type != "int":
            raise where_of("hidden").error("the parameter hidden (one hidden layer's size) must be an int")

    def names(self, options: Options) -> list[str]:
        layers = (len(options.hidden) if options.hidden else 1) + 1
        names = list(BASE_NAMES) + [f"Theta{i}" for i in range(1, layers + 1)]
        names += [k for k in ("iterations", "learning_rate") if getattr(options, k) is not None]
        return names

    def build(self, options, params, *, course, files) -> Built:
        return build_network(options, params, data=files.get("data"), weights=files.get("weights"))
