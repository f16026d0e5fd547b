"""Make data/digits.npz from scikit-learn's copy of the UCI optical digits.

Run once, from the repository root, with scikit-learn installed (a
development dependency only; the tutor itself never imports it):

    python scripts/make_digits.py

The file keeps the original integer pixel counts (0..16) as uint8 and the
labels 0..9 as uint8, compressed: about a tenth of the size of float64.
`tutor.datasets.load_digits` scales the pixels to [0, 1] when it loads them.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "data" / "digits.npz"


def main() -> int:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = np.asarray(bunch.data)
    y = np.asarray(bunch.target)
    # The source is integer counts of set pixels in 4x4 blocks: check before narrowing.
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert np.array_equal(X, np.round(X)) and X.min() >= 0 and X.max() <= 16
    assert set(np.unique(y)) == set(range(10))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, X=X.astype(np.uint8), y=y.astype(np.uint8))
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes), sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
