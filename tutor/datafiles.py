"""Reading named arrays from a course's data files, and small seeded generators.

Files: `.npz` (numpy, no pickles), `.mat` (MATLAB v5-v7, through scipy) and
`.csv` (numbers, an optional header line). Generators: two interleaved
half-moons, Gaussian blobs around given centres, and seeded random arrays.
Every failure is a DataError with one sentence naming the file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from tutor.base.errors import DataError

FILE_TYPES = (".npz", ".mat", ".csv")


def read_named(path: Path) -> dict[str, np.ndarray]:
    """The arrays stored in an .npz or .mat file, by name."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as f:
                return {k: f[k] for k in f.files}
        except Exception:  # noqa: BLE001 - numpy raises several kinds for bad bytes
            raise DataError(f"{path}: is not a numpy .npz file of plain arrays") from None
    if suffix == ".mat":
        import scipy.io

        try:
            raw = scipy.io.loadmat(str(path))
        except Exception:  # noqa: BLE001
            raise DataError(f"{path}: is not a MATLAB .mat file this can read (v7.3 files are not)") from None
        return {k: v for k, v in raw.items() if not k.startswith("__")}
    raise DataError(f"{path}: holds no named arrays (use .npz or .mat; a .csv is read by columns)")


def read_table(path: Path) -> np.ndarray:
    """A .csv file as a 2-D float array (m rows, one column per field); a header line is skipped."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: is not UTF-8 text") from None
    rows = [(i, r) for i, r in enumerate(csv.reader(text.splitlines()), start=1) if r and any(c.strip() for c in r)]
    if rows and not _numeric(rows[0][1]):
        rows = rows[1:]
    if not rows:
        raise DataError(f"{path}: has no rows of numbers")
    width = len(rows[0][1])
    out = np.empty((len(rows), width))
    for k, (line, cells) in enumerate(rows):
        if len(cells) != width:
            raise DataError(f"{path}: line {line} has {len(cells)} fields but the first row has {width}")
        if not _numeric(cells):
            raise DataError(f"{path}: line {line} has a field that is not a number")
        out[k] = [float(c) for c in cells]
    return out


def _numeric(cells: list[str]) -> bool:
    try:
        [float(c) for c in cells]
    except ValueError:
        return False
    return True


# -- generators ---------------------------------------------------------------------------


def moons(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles: X (samples, 2), y (samples,) in {0, 1}.

    Class 0 follows the upper unit half circle, class 1 the same arc turned
    over and moved (1, -0.5); Gaussian noise of standard deviation `noise`.
    """
    rng = np.random.default_rng(seed)
    upper = samples // 2
    t0 = np.linspace(0.0, np.pi, upper)
    t1 = np.linspace(0.0, np.pi, samples - upper)
    X = np.vstack([np.column_stack([np.cos(t0), np.sin(t0)]),
                   np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])])
    y = np.r_[np.zeros(upper), np.ones(samples - upper)]
    order = rng.permutation(samples)
    return X[order] + rng.normal(scale=noise, size=X.shape), y[order]


def blobs(samples: int, centers, spread: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clouds around `centers` (k, d): X (samples, d), y (samples,) the cloud's index.

    The samples are shared out as evenly as possible, the first clouds taking
    one more when they do not divide; rows are shuffled.
    """
    rng = np.random.default_rng(seed)
    C = np.atleast_2d(np.asarray(centers, dtype=float))
    k = C.shape[0]
    counts = [samples // k + (1 if i < samples % k else 0) for i in range(k)]
    X = np.vstack([C[i] + rng.normal(scale=spread, size=(counts[i], C.shape[1])) for i in range(k)])
    y = np.concatenate([np.full(counts[i], float(i)) for i in range(k)])
    order = rng.permutation(samples)
    return X[order], y[order]


def random_array(shape, distribution: str, scale: float, seed: int) -> np.ndarray:
    """Seeded random numbers of `shape`: normal (standard deviation `scale`) or uniform in [-scale, scale]."""
    rng = np.random.default_rng(seed)
    if distribution == "normal":
        return rng.normal(scale=scale, size=tuple(shape))
    return rng.uniform(-scale, scale, size=tuple(shape))
