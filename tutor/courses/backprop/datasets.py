"""The data a lesson learns from: bundled digits, generated moons, and files.

Every loader returns a `Dataset`: X (m, n) float64, y (m,) 0-based class
indices, the class names to show for them, and how a row becomes an image.
Anything wrong with a file raises `DataError` with one sentence that names the
file and says what is wrong, so the CLI can print it instead of a traceback.

File conventions:
- `.mat` (the course's files, MATLAB): X (m, n) and y (m, 1) with labels 1..K,
  where in the digit data 10 stands for the digit 0. Labels become y - 1, and
  class index 9 is shown as "0". Pixels are stored column by column, so
  image_order is "F". Weights files hold Theta1, Theta2, ...
- `.npz`: X, y (0-based), optional class_names, image_shape, image_order;
  weights files hold Theta1, Theta2, ... (and layer_sizes, as `tutor train
  --save` writes them).
- `.csv`: one example per line, the last column the label (0-based); an
  optional header line.
When image_shape is not given and n is a perfect square, rows are shown as
square images; otherwise the data has no images.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tutor.plugin import DataError

NAMES = ("digits", "moons")
EXTENSIONS = (".mat", ".npz", ".csv")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Examples in rows with 0-based labels, and what is needed to show them."""

    name: str
    X: np.ndarray  # (m, n) float64
    y: np.ndarray  # (m,) intp, 0-based class indices
    class_names: tuple[str, ...]  # (K,): the label to print for each class index
    image_shape: tuple[int, int] | None  # (h, w) with h * w == n, or None
    image_order: str  # "C": pixels row by row; "F": column by column (MATLAB)
    source: str  # one line of provenance

    @property
    def m(self) -> int:
        """Number of examples."""
        return int(self.X.shape[0])

    @property
    def n(self) -> int:
        """Number of features (pixels)."""
        return int(self.X.shape[1])

    @property
    def K(self) -> int:
        """Number of classes."""
        return len(self.class_names)

    def images(self, indices=None) -> np.ndarray:
        """Rows of X as pictures, (k, h, w), upright whatever the storage order.

        indices: which rows (default all).
        """
        if self.image_shape is None:
            raise DataError(f"{self.name}: its {self.n} features are not pixels of an image")
        rows = self.X if indices is None else self.X[np.asarray(indices)]
        rows = np.atleast_2d(rows)
        h, w = self.image_shape
        if self.image_order == "F":
            # Each row lists the image column by column: read it as (w, h), then turn it.
            return rows.reshape(-1, w, h).transpose(0, 2, 1)
        return rows.reshape(-1, h, w)


# -- the bundled and generated data -------------------------------------------


def load_digits() -> Dataset:
    """The UCI optical handwritten digits: 1797 images of 8 x 8 pixels, labels 0..9.

    The bundled file keeps the original pixel counts 0..16 (see data/README.md);
    they are divided by 16 here, so X holds values in [0, 1].
    """
    from tutor.plugin import data_dir

    path = data_dir() / "digits.npz"
    if not path.is_file():
        raise DataError(f"the bundled digits are missing: {path} does not exist (reinstall tutor)")
    with np.load(path) as f:
        X = f["X"].astype(np.float64) / 16.0
        y = f["y"].astype(np.intp)
    return Dataset(
        name="digits",
        X=X,
        y=y,
        class_names=tuple(str(d) for d in range(10)),
        image_shape=(8, 8),
        image_order="C",
        source="UCI optical handwritten digits (Alpaydin & Kaynak 1998), 8x8, pixels scaled 0..16 -> 0..1",
    )


def make_moons(n_samples: int = 200, noise: float | None = 0.2, seed: int | None = 0) -> Dataset:
    """Two interleaved half circles in the plane, labels 0 (upper) and 1 (lower).

    Made exactly as scikit-learn's `make_moons(n_samples, noise=noise)` is after
    `np.random.seed(seed)`: the points of the two half circles in order, then a
    shuffle and normal noise, both drawn from numpy's legacy global generator
    in that order. With seed None the global generator is used as it stands.
    X (n_samples, 2), y (n_samples,).
    """
    if seed is not None:
        np.random.seed(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    # Upper moon: the unit half circle. Lower moon: the same, flipped and
    # moved right by 1 and down by 0.5, so the two interlock.
    x = np.concatenate([np.cos(t_upper), 1.0 - np.cos(t_lower)])
    y2 = np.concatenate([np.sin(t_upper), 1.0 - np.sin(t_lower) - 0.5])
    X = np.column_stack([x, y2])
    y = np.concatenate([np.zeros(n_upper, dtype=np.intp), np.ones(n_lower, dtype=np.intp)])
    order = np.arange(n_samples)
    np.random.shuffle(order)
    X, y = X[order], y[order]
    if noise is not None:
        X = X + np.random.normal(scale=noise, size=X.shape)
    return Dataset(
        name="moons",
        X=X,
        y=y,
        class_names=("0", "1"),
        image_shape=None,
        image_order="C",
        source=f"two moons, {n_samples} points, noise {noise}, numpy legacy seed {seed}",
    )


# -- files --------------------------------------------------------------------


def load_dataset(name_or_path: str | Path, dtype=np.float64) -> Dataset:
    """"digits", "moons", or a path to a .mat, .npz or .csv file.

    dtype: float64, or float32 for X in single precision. A .npz file's X is
    then read in row blocks straight into float32, so the float64 array never
    exists whole (at MNIST size that is the difference between one copy of
    the data and one and a half); other sources are read, then cast.
    """
    dtype = np.dtype(dtype)
    ds = _load_dataset(name_or_path, dtype)
    if ds.X.dtype != dtype:
        ds = replace(ds, X=ds.X.astype(dtype))
    return ds


def _load_dataset(name_or_path: str | Path, dtype: np.dtype) -> Dataset:
    text = str(name_or_path)
    if text == "digits":
        return load_digits()
    if text == "moons":
        return make_moons()
    path = Path(text).expanduser()
    looks_like_path = path.suffix != "" or "/" in text or "\\" in text or path.exists()
    if not looks_like_path:
        guess = difflib.get_close_matches(text.lower(), NAMES, n=1, cutoff=0.7)
        hint = f"; did you mean '{guess[0]}'?" if guess else ""
        raise DataError(
            f"unknown dataset '{text}'{hint} (known: {', '.join(NAMES)}, or a path to a .mat, .npz or .csv file)"
        )
    _check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".mat":
        return _dataset_from_mat(path)
    if suffix == ".npz":
        return _dataset_from_npz(path, dtype)
    return _dataset_from_csv(path)


def _check_file(path: Path) -> None:
    if path.suffix.lower() not in EXTENSIONS:
        raise DataError(
            f"{path}: unknown file type '{path.suffix or '(none)'}'; use a .mat, .npz or .csv file"
        )
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if not path.is_file():
        raise DataError(f"{path}: is not a file")


def _read_mat(path: Path) -> dict[str, np.ndarray]:
    """The variables of a MATLAB file, without scipy's __header__ entries."""
    import scipy.io

    try:
        raw = scipy.io.loadmat(str(path))
    except NotImplementedError:
        raise DataError(
            f"{path}: is a MATLAB v7.3 (HDF5) file, which cannot be read; save it with -v7 or as .npz"
        ) from None
    except Exception:  # scipy raises ValueError / MatReadError / others for non-.mat bytes
        raise DataError(f"{path}: is not a MATLAB .mat file (could not read it as one)") from None
    return {k: v for k, v in raw.items() if not k.startswith("__")}


def _read_npz(path: Path, leave: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Every array of the file by name; those in `leave` are only named (value None)."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":  # an .npz is a zip archive
        raise DataError(f"{path}: is not a numpy .npz file (it is not a zip archive of arrays)")
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: (None if k in leave else f[k]) for k in f.files}
    except ValueError as err:
        if "pickle" in str(err):
            raise DataError(f"{path}: holds Python objects (pickles), which are refused; save plain arrays") from None
        raise DataError(f"{path}: is not a numpy .npz file (could not read it as one)") from None
    except Exception:
        raise DataError(f"{path}: is not a numpy .npz file (could not read it as one)") from None


def _require(path: Path, arrays: dict, keys: tuple[str, ...], what: str) -> None:
    missing = [k for k in keys if k not in arrays]
    if not missing:
        return
    there = ", ".join(sorted(arrays)) or "nothing"
    hint = ""
    if what == "data" and any(re.fullmatch(r"Theta\d+", k) for k in arrays):
        hint = " (it looks like a weights file: pass it as --weights)"
    raise DataError(
        f"{path}: {what} file has no {' or '.join(missing)}; it holds {there}{hint}"
    )


def _dataset_from_mat(path: Path) -> Dataset:
    arrays = _read_mat(path)
    _require(path, arrays, ("X", "y"), "data")
    X = _features(path, arrays["X"])
    labels = _labels(path, arrays["y"], X.shape[0])
    # MATLAB labels count from 1; a file that already uses 0 is taken as is.
    one_based = labels.size > 0 and labels.min() >= 1
    y = labels - 1 if one_based else labels
    K = int(y.max()) + 1 if y.size else 0
    if one_based:
        # The course's digit data writes the digit 0 as label 10.
        names = tuple("0" if k + 1 == 10 and K == 10 else str(k + 1) for k in range(K))
    else:
        names = tuple(str(k) for k in range(K))
    names = _optional_names(path, arrays, names, y)
    shape = _image_shape(path, arrays.get("image_shape"), X.shape[1])
    return _finish(path, X, y, names, shape, "F", f"{path.name} (MATLAB: labels 1..{K} -> class 0..{K - 1})")


def _dataset_from_npz(path: Path, dtype: np.dtype = np.dtype(np.float64)) -> Dataset:
    direct = dtype == np.float32  # float64 is read whole, as np.load gives it
    arrays = _read_npz(path, leave=("X",) if direct else ())
    _require(path, arrays, ("X", "y"), "data")
    X = _features(path, _read_member_as(path, "X", dtype) if direct else arrays["X"], dtype)
    y = _labels(path, arrays["y"], X.shape[0])
    K = int(y.max()) + 1 if y.size else 0
    names = _optional_names(path, arrays, tuple(str(k) for k in range(K)), y)
    shape = _image_shape(path, arrays.get("image_shape"), X.shape[1])
    order = str(arrays["image_order"]) if "image_order" in arrays else "C"
    if order not in ("C", "F"):
        raise DataError(f"{path}: image_order must be 'C' or 'F', not '{order}'")
    return _finish(path, X, y, names, shape, order, path.name)


def _dataset_from_csv(path: Path) -> Dataset:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: is not a text .csv file (it is not UTF-8 text)") from None
    rows = [(i, r) for i, r in enumerate(csv.reader(text.splitlines()), start=1) if r and any(c.strip() for c in r)]
    if rows and not _numeric(rows[0][1]):
        rows = rows[1:]  # a header line
    if not rows:
        raise DataError(f"{path}: is empty (no rows of numbers)")
    width = len(rows[0][1])
    if width < 2:
        raise DataError(f"{path}: needs at least two columns (features, then the label); line {rows[0][0]} has one")
    values = np.empty((len(rows), width))
    for r, (line, cells) in enumerate(rows):
        if len(cells) != width:
            raise DataError(f"{path}: line {line} has {len(cells)} columns but the first row has {width}")
        try:
            values[r] = [float(c) for c in cells]
        except ValueError:
            raise DataError(f"{path}: line {line} has a value that is not a number") from None
    X = _features(path, values[:, :-1])
    y = _labels(path, values[:, -1], X.shape[0])
    K = int(y.max()) + 1
    shape = _image_shape(path, None, X.shape[1])
    return _finish(path, X, y, tuple(str(k) for k in range(K)), shape, "C", path.name)


def _numeric(cells: list[str]) -> bool:
    try:
        [float(c) for c in cells]
    except ValueError:
        return False
    return True


# -- checks shared by the loaders ---------------------------------------------


def _where_not_finite(path: Path, name: str, A: np.ndarray) -> None:
    """Raise when A holds NaN or inf, saying how many and where the first is."""
    finite = np.isfinite(A)  # one boolean array while all is well (a large X is checked too)
    if finite.all():
        return
    bad = ~finite
    count = int(bad.sum())
    first = tuple(int(i) + 1 for i in np.argwhere(bad)[0])
    where = f"row {first[0]}, column {first[1]}" if len(first) == 2 else f"entry {first[0]}"
    raise DataError(
        f"{path}: {name} has {count} NaN or infinite value{'s' if count > 1 else ''}; the first is at {where} (counting from 1)"
    )


def _read_member_as(path: Path, name: str, dtype: np.dtype) -> np.ndarray:
    """Member `name` of a .npz file, read in blocks of rows straight into `dtype`.

    Only a C-ordered 2-D array of numbers in format 1.0 or 2.0 is streamed;
    anything else is read whole by np.load and cast, so _features sees it and
    says what is wrong with it.
    """
    import zipfile

    from numpy.lib import format as npy

    try:
        with zipfile.ZipFile(path) as z, z.open(f"{name}.npy") as fp:
            version = npy.read_magic(fp)
            if version not in ((1, 0), (2, 0)):
                raise _NotStreamed
            header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
            shape, fortran, stored = header(fp)
            if fortran or len(shape) != 2 or stored.hasobject or stored.kind not in "biuf":
                raise _NotStreamed
            m, n = shape
            out = np.empty(shape, dtype)
            row = n * stored.itemsize
            step = max(1, (1 << 20) // max(1, row))  # about 1 MiB of the file at a time
            for i in range(0, m, step):
                k = min(step, m - i)
                buf = fp.read(k * row)
                if len(buf) != k * row:
                    raise DataError(f"{path}: is not a numpy .npz file ({name} is cut short)")
                with np.errstate(over="ignore"):  # too large for float32: inf, which _features reports
                    out[i:i + k] = np.frombuffer(buf, dtype=stored).reshape(k, n)
            return out
    except _NotStreamed:
        pass
    except DataError:
        raise
    except Exception:  # a damaged archive or member: the whole read below says what np.load finds
        pass
    try:
        with np.load(path, allow_pickle=False) as f:
            return np.asarray(f[name])
    except Exception:
        raise DataError(f"{path}: is not a numpy .npz file (could not read {name})") from None


class _NotStreamed(Exception):
    """A member this reader leaves to np.load."""


def _features(path: Path, X, dtype=np.float64) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise DataError(f"{path}: X must be a 2-D matrix (examples in rows), but it has shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{path}: X is empty (shape {X.shape[0]} x {X.shape[1]})")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise DataError(f"{path}: X must hold numbers, but it holds {X.dtype}")
    X = np.ascontiguousarray(X, dtype=dtype)
    _where_not_finite(path, "X", X)
    return X


def _labels(path: Path, y, m: int) -> np.ndarray:
    """y as (m,) intp: a vector of whole, non-negative numbers, one per row of X."""
    y = np.asarray(y)
    if y.ndim == 2 and 1 in y.shape:
        y = y.ravel()  # MATLAB stores vectors as (m, 1) or (1, m)
    if y.ndim != 1:
        raise DataError(f"{path}: y must be a vector of labels, but it has shape {y.shape}")
    if y.shape[0] != m:
        raise DataError(f"{path}: y has {y.shape[0]} labels but X has {m} rows")
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise DataError(f"{path}: y must hold whole-number labels, but it holds {y.dtype}")
    yf = y.astype(np.float64)
    _where_not_finite(path, "y", yf)
    fractional = np.flatnonzero(yf != np.round(yf))
    if fractional.size:
        i = int(fractional[0])
        raise DataError(
            f"{path}: labels must be whole numbers, but {fractional.size} are not (the first, at row {i + 1}, is {yf[i]:g})"
        )
    negative = np.flatnonzero(yf < 0)
    if negative.size:
        i = int(negative[0])
        raise DataError(
            f"{path}: labels are out of range: {negative.size} are negative (the first, at row {i + 1}, is {yf[i]:g})"
        )
    return yf.astype(np.intp)


def _optional_names(path: Path, arrays: dict, default: tuple[str, ...], y: np.ndarray) -> tuple[str, ...]:
    if "class_names" not in arrays:
        return default
    names = tuple(str(s).strip() for s in np.asarray(arrays["class_names"]).ravel())
    top = int(y.max()) if y.size else -1
    if top >= len(names):
        raise DataError(
            f"{path}: labels are out of range: they go up to class {top} but there are only {len(names)} class names"
        )
    return names


def _image_shape(path: Path, given, n: int) -> tuple[int, int] | None:
    if given is not None:
        shape = tuple(int(s) for s in np.asarray(given).ravel())
        if len(shape) != 2 or shape[0] * shape[1] != n:
            raise DataError(f"{path}: image_shape {shape} does not hold the {n} features of a row")
        return shape  # type: ignore[return-value]
    side = math.isqrt(n)
    return (side, side) if side * side == n and n > 1 else None


def _finish(path, X, y, names, shape, order, source) -> Dataset:
    return Dataset(
        name=Path(path).stem, X=X, y=y, class_names=names, image_shape=shape, image_order=order, source=source
    )


# -- weights ------------------------------------------------------------------


def load_weights(path: str | Path, layer_sizes=None) -> list[np.ndarray]:
    """Theta1, Theta2, ... from a .mat or .npz file, as a list of (s_{l+1}, s_l + 1) arrays.

    layer_sizes: when given, the weights must be those of that network
    (s_1 inputs, ..., s_L outputs); DataError otherwise.
    """
    path = Path(path).expanduser()
    if path.suffix.lower() not in (".mat", ".npz"):
        raise DataError(f"{path}: unknown weights file type '{path.suffix or '(none)'}'; use a .mat or .npz file")
    _check_file(path)
    arrays = _read_mat(path) if path.suffix.lower() == ".mat" else _read_npz(path)
    numbers = sorted(int(k[5:]) for k in arrays if re.fullmatch(r"Theta[1-9]\d*", k))
    if not numbers:
        there = ", ".join(sorted(arrays)) or "nothing"
        raise DataError(f"{path}: weights file has no Theta1, Theta2, ...; it holds {there}")
    if numbers != list(range(1, len(numbers) + 1)):
        raise DataError(
            f"{path}: weights must be Theta1, Theta2, ... without gaps, but it holds "
            + ", ".join(f"Theta{i}" for i in numbers)
        )
    thetas = []
    for i in numbers:
        T = np.asarray(arrays[f"Theta{i}"])
        if T.ndim != 2 or T.shape[1] < 2 or not np.issubdtype(T.dtype, np.number):
            raise DataError(f"{path}: Theta{i} must be a 2-D matrix of numbers with a bias column, but it has shape {T.shape}")
        T = np.ascontiguousarray(T, dtype=np.float64)
        _where_not_finite(path, f"Theta{i}", T)
        thetas.append(T)
    for i in range(1, len(thetas)):
        before, after = thetas[i - 1], thetas[i]
        if after.shape[1] != before.shape[0] + 1:
            raise DataError(
                f"{path}: Theta{i} has {before.shape[0]} output units, so Theta{i + 1} should have "
                f"{before.shape[0] + 1} columns, but it is {after.shape[0]} x {after.shape[1]}"
            )
    if layer_sizes is not None:
        sizes = [int(s) for s in layer_sizes]
        have = [thetas[0].shape[1] - 1] + [T.shape[0] for T in thetas]
        if len(sizes) != len(have):
            raise DataError(
                f"{path}: holds {len(thetas)} weight matrices, but the network has {len(sizes) - 1} layers of weights"
            )
        check_weights_fit(thetas, sizes[0], None, path)
        for i, (want, got) in enumerate(zip(sizes[1:], have[1:]), start=1):
            if want != got:
                T = thetas[i - 1]
                raise DataError(
                    f"{path}: Theta{i} is {T.shape[0]} x {T.shape[1]}, so its layer has {got} units, "
                    f"but the network needs {want}"
                )
    return thetas


def check_weights_fit(thetas, n: int, K: int | None, path: str | Path = "weights") -> None:
    """Raise DataError unless the weights take n features and give K classes.

    K None: only the inputs are checked. A single output unit fits 2 classes.
    """
    T1 = thetas[0]
    if T1.shape[1] - 1 != n:
        raise DataError(
            f"{path}: Theta1 is {T1.shape[0]} x {T1.shape[1]}, so it expects {T1.shape[1] - 1} inputs, "
            f"but the data has {n} features"
        )
    if K is None:
        return
    TL, L = thetas[-1], len(thetas)
    outputs = TL.shape[0]
    if outputs != K and not (outputs == 1 and K <= 2):
        raise DataError(
            f"{path}: Theta{L} is {TL.shape[0]} x {TL.shape[1]}, so it gives {outputs} outputs, "
            f"but the data has {K} classes"
        )


def fit_weights(thetas, ds: Dataset, path: str | Path = "weights") -> None:
    """`check_weights_fit` against a dataset's features and classes."""
    check_weights_fit(thetas, ds.n, ds.K, path)


def save_weights(path: str | Path, thetas, **extra) -> Path:
    """Write Theta1, Theta2, ... and layer_sizes to an .npz that `load_weights` reads."""
    path = Path(path).expanduser()
    if path.suffix.lower() != ".npz":
        path = path.with_name(path.name + ".npz") if path.suffix == "" else path
    if path.suffix.lower() != ".npz":
        raise DataError(f"{path}: weights are saved as .npz; give a path ending in .npz")
    sizes = [thetas[0].shape[1] - 1] + [T.shape[0] for T in thetas]
    arrays = {f"Theta{i}": np.asarray(T) for i, T in enumerate(thetas, start=1)}
    if not path.parent.is_dir():
        raise DataError(f"{path}: cannot save there, the folder {path.parent} does not exist")
    try:
        np.savez(path, layer_sizes=np.array(sizes), **arrays, **extra)
    except OSError as err:
        raise DataError(f"{path}: could not write the weights ({err.strerror})") from None
    return path


# -- splitting ----------------------------------------------------------------


def train_test_split(ds: Dataset, test_fraction: float = 0.2, seed: int | None = 0) -> tuple[Dataset, Dataset]:
    """Shuffle the rows (numpy Generator, `seed`) and split off a test set.

    The test set has round(m * test_fraction) rows, at least 1 and at most m - 1.
    """
    if not 0.0 < test_fraction < 1.0:
        raise DataError(f"the test fraction must be between 0 and 1, not {test_fraction}")
    if ds.m < 2:
        raise DataError(f"{ds.name}: {ds.m} example cannot be split into training and test sets")
    order = np.random.default_rng(seed).permutation(ds.m)
    k = min(max(int(round(ds.m * test_fraction)), 1), ds.m - 1)
    test, train = order[:k], order[k:]

    def part(idx, label):
        return replace(ds, X=ds.X[idx], y=ds.y[idx], source=f"{ds.source}; {label} {idx.size} of {ds.m}")

    return part(train, "training"), part(test, "test")
