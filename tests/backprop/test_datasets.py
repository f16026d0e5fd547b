"""tutor.datasets: the bundled digits, the moons generator, the file loaders,
and one clear sentence (exit code 2 from the CLI) for every kind of bad file."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest
import scipy.io
from typer.testing import CliRunner

from tutor.cli import app
from tutor.courses.backprop.datasets import (
    DataError,
    check_weights_fit,
    load_dataset,
    load_digits,
    load_weights,
    make_moons,
    save_weights,
    train_test_split,
)

runner = CliRunner()


# -- bundled digits -----------------------------------------------------------


def test_digits_shapes_labels_and_scaling():
    ds = load_digits()
    assert (ds.name, ds.X.shape, ds.y.shape) == ("digits", (1797, 64), (1797,))
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.intp
    assert (ds.m, ds.n, ds.K) == (1797, 64, 10)
    assert ds.class_names == tuple("0123456789")
    assert ds.image_shape == (8, 8) and ds.image_order == "C"
    # pixels were counts 0..16, now divided by 16: multiples of 1/16 in [0, 1]
    assert ds.X.min() == 0.0 and ds.X.max() == 1.0
    assert np.array_equal(ds.X * 16, np.round(ds.X * 16))
    assert np.bincount(ds.y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_equal_scikit_learns_copy():
    from sklearn.datasets import load_digits as sk_digits

    sk = sk_digits()
    ds = load_digits()
    assert np.array_equal(ds.X, sk.data / 16.0)
    assert np.array_equal(ds.y, sk.target)
    assert np.array_equal(ds.images([5, 7]), sk.images[[5, 7]] / 16.0)


def test_data_readme_states_the_files_sha256(repo):
    digest = hashlib.sha256((repo / "data" / "digits.npz").read_bytes()).hexdigest()
    readme = (repo / "data" / "README.md").read_text()
    assert digest in readme
    assert "CC BY 4.0" in readme and "Alpaydin" in readme


# -- moons --------------------------------------------------------------------


@pytest.mark.parametrize("n, noise, seed", [(200, 0.2, 0), (7, 0.2, 3), (10, None, 1), (51, 0.05, 42)])
def test_moons_equal_scikit_learn_after_global_seed(n, noise, seed):
    from sklearn.datasets import make_moons as sk_moons

    ours = make_moons(n, noise=noise, seed=seed)
    np.random.seed(seed)
    X, y = sk_moons(n, noise=noise)
    assert np.array_equal(ours.X, X)  # exactly: same draws in the same order
    assert np.array_equal(ours.y, y)
    assert ours.class_names == ("0", "1") and ours.image_shape is None


def test_moons_without_seed_use_the_global_state():
    from sklearn.datasets import make_moons as sk_moons

    np.random.seed(9)
    ours = make_moons(30, seed=None)
    np.random.seed(9)
    X, _ = sk_moons(30, noise=0.2)
    assert np.array_equal(ours.X, X)


def test_load_dataset_by_name():
    assert load_dataset("digits").X.shape == (1797, 64)
    moons = load_dataset("moons")
    assert moons.X.shape == (200, 2) and np.array_equal(moons.X, make_moons().X)


# -- file loaders -------------------------------------------------------------


def _course_like(m=30, side=4, seed=0):
    """Images, their column-major rows (as MATLAB stores them), and labels 1..10."""
    rng = np.random.default_rng(seed)
    images = rng.random((m, side, side))
    X = np.stack([img.ravel(order="F") for img in images])
    labels = np.arange(m) % 10 + 1  # 1..10, 10 meaning the digit 0
    return images, X, labels


def test_mat_course_convention(tmp_path):
    images, X, labels = _course_like()
    path = tmp_path / "course.mat"
    scipy.io.savemat(path, {"X": X, "y": labels.reshape(-1, 1).astype(float)})
    ds = load_dataset(str(path))
    assert ds.name == "course" and ds.X.shape == (30, 16)
    assert np.array_equal(ds.y, labels - 1)
    assert ds.class_names == ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
    assert ds.class_names[9] == "0"
    assert ds.image_shape == (4, 4) and ds.image_order == "F"
    assert np.array_equal(ds.images(), images)  # upright, not transposed
    assert np.array_equal(ds.images([3])[0], images[3])


def test_mat_twenty_by_twenty_images(tmp_path):
    images, X, labels = _course_like(m=12, side=20)
    path = tmp_path / "big.mat"
    scipy.io.savemat(path, {"X": X, "y": labels.reshape(-1, 1)})
    ds = load_dataset(path)
    assert ds.image_shape == (20, 20)
    assert np.array_equal(ds.images([11])[0], images[11])


def test_npz_with_class_names_and_image_shape(tmp_path):
    X = np.arange(24.0).reshape(4, 6)
    path = tmp_path / "small.npz"
    np.savez(path, X=X, y=np.array([0, 2, 1, 2]), class_names=np.array(["cat", "dog", "eel"]), image_shape=[2, 3])
    ds = load_dataset(str(path))
    assert ds.class_names == ("cat", "dog", "eel") and ds.K == 3
    assert ds.y.tolist() == [0, 2, 1, 2]
    assert ds.image_shape == (2, 3) and ds.image_order == "C"
    assert np.array_equal(ds.images([1])[0], [[6, 7, 8], [9, 10, 11]])


def test_npz_without_square_features_has_no_images(tmp_path):
    path = tmp_path / "flat.npz"
    np.savez(path, X=np.ones((3, 6)), y=[0, 1, 1])
    ds = load_dataset(path)
    assert ds.image_shape is None and ds.class_names == ("0", "1")
    with pytest.raises(DataError, match="not pixels of an image"):
        ds.images()


@pytest.mark.parametrize("header", ["", "a,b,c,d,label\n"])
def test_csv_last_column_is_the_label(tmp_path, header):
    path = tmp_path / "points.csv"
    path.write_text(header + "0.5,1,2,3,1\n-1,0,0,1e-3,0\n\n4,4,4,4,2\n")
    ds = load_dataset(str(path))
    assert np.array_equal(ds.X, [[0.5, 1, 2, 3], [-1, 0, 0, 1e-3], [4, 4, 4, 4]])
    assert ds.y.tolist() == [1, 0, 2] and ds.K == 3
    assert ds.image_shape == (2, 2)


def test_ex4_weights_load(ex4_weights_path):
    thetas = load_weights(ex4_weights_path)
    assert [T.shape for T in thetas] == [(25, 401), (10, 26)]
    # the course's regularization figure: 0.0961407 per unit of lambda at m = 5000
    squares = sum(float((T[:, 1:] ** 2).sum()) for T in thetas)
    assert squares / (2 * 5000) == pytest.approx(0.0961407, abs=5e-8)
    assert len(load_weights(str(ex4_weights_path), layer_sizes=[400, 25, 10])) == 2


def test_ex4_weights_do_not_fit_the_digits(ex4_weights_path):
    with pytest.raises(DataError) as err:
        load_weights(ex4_weights_path, layer_sizes=[64, 25, 10])
    assert "Theta1 is 25 x 401, so it expects 400 inputs, but the data has 64 features" in str(err.value)


def test_saved_weights_read_back(tmp_path):
    rng = np.random.default_rng(1)
    thetas = [rng.random((5, 4)), rng.random((2, 6))]
    path = save_weights(tmp_path / "w.npz", thetas)
    back = load_weights(path, layer_sizes=[3, 5, 2])
    assert all(np.array_equal(a, b) for a, b in zip(thetas, back))
    with np.load(path) as f:
        assert f["layer_sizes"].tolist() == [3, 5, 2]


def test_train_test_split_partitions_the_rows():
    ds = load_digits()
    train, test = train_test_split(ds, 0.25, seed=3)
    assert (train.m, test.m) == (1348, 449)
    rows = {r.tobytes() + bytes([int(c)]) for r, c in zip(np.vstack([train.X, test.X]), np.concatenate([train.y, test.y]))}
    assert rows == {r.tobytes() + bytes([int(c)]) for r, c in zip(ds.X, ds.y)}
    again, _ = train_test_split(ds, 0.25, seed=3)
    assert np.array_equal(again.X, train.X) and train.class_names == ds.class_names


# -- bad files: one sentence each, and exit code 2 from the CLI ---------------


def _savemat(name, **arrays):
    def build(tmp):
        path = tmp / name
        scipy.io.savemat(path, arrays)
        return path

    return build


def _savez(name, **arrays):
    def build(tmp):
        path = tmp / name
        np.savez(path, **arrays)
        return path

    return build


def _text(name, text):
    def build(tmp):
        path = tmp / name
        path.write_text(text)
        return path

    return build


def _with_nan():
    X = np.ones((5, 4))
    X[2, 1] = np.nan
    X[4, 3] = np.inf
    return X


BAD_DATA = {
    "missing file": (lambda tmp: tmp / "absent.csv", r"absent\.csv: no such file"),
    "missing y (.mat)": (_savemat("noy.mat", X=np.ones((3, 4)), labels=np.ones(3)),
                         r"noy\.mat: data file has no y; it holds X, labels"),
    "weights as data": (_savemat("w.mat", Theta1=np.ones((2, 3)), Theta2=np.ones((1, 3))),
                        r"has no X or y; it holds Theta1, Theta2 \(it looks like a weights file"),
    "missing X (.npz)": (_savez("nox.npz", y=np.ones(3)), r"nox\.npz: data file has no X; it holds y"),
    "X not 2-D": (_savez("flat.npz", X=np.ones(5), y=np.ones(5)), r"X must be a 2-D matrix .* shape \(5,\)"),
    "y length": (_savez("short.npz", X=np.ones((10, 4)), y=np.zeros(9)), r"y has 9 labels but X has 10 rows"),
    "y matrix": (_savez("onehot.npz", X=np.ones((4, 4)), y=np.eye(4)), r"y must be a vector of labels, but it has shape \(4, 4\)"),
    "NaN and inf": (_savez("nan.npz", X=_with_nan(), y=np.zeros(5)),
                    r"X has 2 NaN or infinite values; the first is at row 3, column 2 \(counting from 1\)"),
    "inf in csv": (_text("inf.csv", "1,2,0\n3,inf,1\n"), r"X has 1 NaN or infinite value; the first is at row 2, column 2"),
    "fractional labels": (_savez("frac.npz", X=np.ones((3, 4)), y=np.array([0, 1.5, 2.5])),
                          r"labels must be whole numbers, but 2 are not \(the first, at row 2, is 1\.5\)"),
    "negative labels": (_text("neg.csv", "1,2,0\n3,4,-1\n"), r"labels are out of range: 1 are negative \(the first, at row 2, is -1\)"),
    "labels beyond names": (_savez("names.npz", X=np.ones((3, 4)), y=[0, 1, 3], class_names=np.array(["a", "b"])),
                            r"labels are out of range: they go up to class 3 but there are only 2 class names"),
    "text named .mat": (_text("fake.mat", "X = [1 2 3]\n"), r"fake\.mat: is not a MATLAB \.mat file"),
    "text named .npz": (_text("fake.npz", "hello"), r"fake\.npz: is not a numpy \.npz file"),
    "empty csv": (_text("empty.csv", ""), r"empty\.csv: is empty"),
    "header only csv": (_text("header.csv", "a,b,label\n"), r"header\.csv: is empty"),
    "ragged csv": (_text("ragged.csv", "1,2,0\n3,1\n"), r"line 2 has 2 columns but the first row has 3"),
    "words in csv": (_text("words.csv", "1,2,0\n3,x,1\n"), r"line 2 has a value that is not a number"),
    "unknown extension": (_text("data.txt", "1,2,0\n"), r"data\.txt: unknown file type '\.txt'; use a \.mat, \.npz or \.csv file"),
}


@pytest.mark.parametrize("case", list(BAD_DATA))
def test_bad_data_file_gives_one_sentence(tmp_path, case):
    build, pattern = BAD_DATA[case]
    path = build(tmp_path)
    with pytest.raises(DataError) as err:
        load_dataset(str(path))
    message = str(err.value)
    assert re.search(pattern, message), message
    assert str(path.name) in message and "\n" not in message


@pytest.mark.parametrize("case", list(BAD_DATA))
def test_bad_data_file_exits_2_without_traceback(tmp_path, case):
    build, pattern = BAD_DATA[case]
    path = build(tmp_path)
    result = runner.invoke(app, ["train", "--dataset", str(path), "--iterations", "1", "--json"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and re.search(pattern, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "name, pattern",
    [("digts", r"unknown dataset 'digts'; did you mean 'digits'\?"),
     ("moon", r"did you mean 'moons'\?"),
     ("mnist", r"unknown dataset 'mnist' \(known: digits, moons, or a path")],
)
def test_unknown_dataset_name(name, pattern):
    with pytest.raises(DataError, match=pattern):
        load_dataset(name)
    result = runner.invoke(app, ["train", "--dataset", name])
    assert result.exit_code == 2 and re.search(pattern, result.stderr)


BAD_WEIGHTS = {
    "no thetas": (_savez("w.npz", W1=np.ones((2, 3))), r"weights file has no Theta1, Theta2, \.\.\.; it holds W1"),
    "gap": (_savez("gap.npz", Theta1=np.ones((2, 3)), Theta3=np.ones((1, 3))), r"without gaps, but it holds Theta1, Theta3"),
    "chain": (_savez("chain.npz", Theta1=np.ones((5, 4)), Theta2=np.ones((3, 5))),
              r"Theta1 has 5 output units, so Theta2 should have 6 columns, but it is 3 x 5"),
    "nan": (_savez("nanw.npz", Theta1=np.full((2, 3), np.nan)), r"Theta1 has 6 NaN or infinite values"),
    "text named .mat": (_text("w.mat", "Theta1 = 1"), r"is not a MATLAB \.mat file"),
    "csv weights": (_text("w.csv", "1,2\n"), r"unknown weights file type '\.csv'; use a \.mat or \.npz file"),
}


@pytest.mark.parametrize("case", list(BAD_WEIGHTS))
def test_bad_weights_file(tmp_path, case):
    build, pattern = BAD_WEIGHTS[case]
    path = build(tmp_path)
    with pytest.raises(DataError, match=pattern):
        load_weights(path)
    result = runner.invoke(app, ["cost", "--data", "moons", "--weights", str(path)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert re.search(pattern, result.stderr) and "Traceback" not in result.output


def test_weights_that_do_not_fit_the_data(tmp_path):
    thetas = [np.zeros((25, 401)), np.zeros((10, 26))]
    path = save_weights(tmp_path / "big.npz", thetas)
    expected = "Theta1 is 25 x 401, so it expects 400 inputs, but the data has 64 features"
    with pytest.raises(DataError, match=expected):
        check_weights_fit(thetas, 64, 10, path)
    result = runner.invoke(app, ["cost", "--data", "digits", "--weights", str(path)])
    assert result.exit_code == 2 and expected in result.stderr and "Traceback" not in result.output
    # right inputs, wrong number of outputs
    small = save_weights(tmp_path / "small.npz", [np.zeros((25, 65)), np.zeros((3, 26))])
    result = runner.invoke(app, ["cost", "--data", "digits", "--weights", str(small)])
    assert result.exit_code == 2
    assert "Theta2 is 3 x 26, so it gives 3 outputs, but the data has 10 classes" in result.stderr
    with pytest.raises(DataError, match="Theta2 is 3 x 26, so its layer has 3 units, but the network needs 10"):
        load_weights(small, layer_sizes=[64, 25, 10])


# -- float32 straight from a .npz -----------------------------------------------------


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
@pytest.mark.parametrize("stored", [np.float64, np.uint8])
def test_npz_read_as_float32_equals_the_float64_read_cast(tmp_path, save, stored):
    rng = np.random.default_rng(3)
    X = (rng.random((2503, 37)) * 255).astype(stored)  # blocks of rows do not divide it evenly
    y = rng.integers(0, 4, 2503)
    path = tmp_path / "data.npz"
    save(path, X=X, y=y, class_names=np.array(["a", "b", "c", "d"]))
    wide, single = load_dataset(path), load_dataset(path, np.float32)
    assert wide.X.dtype == np.float64 and single.X.dtype == np.float32 and single.X.flags.c_contiguous
    assert np.array_equal(single.X, wide.X.astype(np.float32))
    assert np.array_equal(single.y, wide.y) and single.class_names == wide.class_names


def test_npz_read_as_float32_never_holds_the_float64_array_whole(tmp_path):
    import tracemalloc

    X = np.random.default_rng(0).random((6000, 400))  # 19.2 MB in float64, 9.6 MB in float32
    path = tmp_path / "big.npz"
    np.savez(path, X=X, y=np.arange(6000) % 10)
    del X
    tracemalloc.start()
    try:
        ds = load_dataset(path, np.float32)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ds.X.dtype == np.float32
    # the float32 result, one block of rows read and the labels: well under one float64 copy
    assert peak < 0.75 * 6000 * 400 * 8, peak


def test_npz_float32_read_of_unusual_members_still_works_or_says_what_is_wrong(tmp_path):
    fortran = tmp_path / "f.npz"
    X = np.asfortranarray(np.arange(12.0).reshape(4, 3))
    np.savez(fortran, X=X, y=np.array([0, 1, 0, 1]))
    assert np.array_equal(load_dataset(fortran, np.float32).X, X.astype(np.float32))  # read whole, then cast
    flat = tmp_path / "flat.npz"
    np.savez(flat, X=np.arange(4.0), y=np.array([0, 1, 0, 1]))
    with pytest.raises(DataError, match="2-D"):
        load_dataset(flat, np.float32)
    bad = tmp_path / "nan.npz"
    np.savez(bad, X=np.array([[1.0, np.nan], [2.0, 3.0]]), y=np.array([0, 1]))
    with pytest.raises(DataError, match="row 1, column 2"):
        load_dataset(bad, np.float32)
    huge = tmp_path / "huge.npz"
    np.savez(huge, X=np.array([[1.0, 1e300], [2.0, 3.0]]), y=np.array([0, 1]))
    with pytest.raises(DataError, match="infinite"):  # beyond float32's range
        load_dataset(huge, np.float32)
