"""`tutor figure`: pictures for slides (matplotlib) and their terminal versions."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from tutor.cli import app
from tutor.courses.backprop import figures

runner = CliRunner()


def _png_pixels(path):
    import matplotlib.image

    return matplotlib.image.imread(str(path))  # (h, w, 3 or 4) floats in [0, 1]


@pytest.mark.parametrize("kind", ["digits", "hidden", "cost", "boundary", "confusion"])
def test_png_is_written_and_shows_something(kind, tmp_path):
    out = tmp_path / f"{kind}.png"
    result = runner.invoke(app, ["figure", kind, "-o", str(out), "--iterations", "20"])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = _png_pixels(out)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 300
    grey = pixels[..., :3].mean(axis=2)
    # A white page with dark marks (title, digits, axes) on it, not blank.
    assert np.mean(grey > 0.95) > 0.1
    assert np.mean(grey < 0.3) > 0.002


def test_svg_is_written(tmp_path):
    out = tmp_path / "cost.svg"
    result = runner.invoke(app, ["figure", "cost", "--output", str(out), "--iterations", "10"])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "<svg" in text and "</svg>" in text
    assert "Cost J per iteration" in text  # the title is kept as text


def test_terminal_versions_say_what_they_show():
    result = runner.invoke(app, ["figure", "confusion", "--iterations", "20"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    assert "Confusion matrix on the training set" in result.stdout
    assert "20 CG iterations, lambda 1" in result.stdout
    result = runner.invoke(app, ["figure", "digits", "--count", "5"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    assert "5 of the 1797 digits examples" in result.stdout
    result = runner.invoke(app, ["figure", "boundary", "--iterations", "20"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    assert "Decision boundary (training accuracy" in result.stdout and "moons, network 2-5-1" in result.stdout


def test_confusion_data_agrees_with_its_accuracy():
    data = figures.figure_data("confusion", iterations=20)
    C = data.C
    assert C.shape == (10, 10) and C.sum() == 1797
    assert np.trace(C) / C.sum() == pytest.approx(data.accuracy)
    assert data.accuracy > 0.9


def test_cost_history_comes_from_the_run():
    data = figures.figure_data("cost", iterations=15)
    assert len(data.costs) <= 16 and data.costs[-1] < data.costs[0] / 3
    # CG's line search never accepts a step that raises the cost.
    assert np.all(np.diff(data.costs) <= 1e-12)


def test_hidden_images_follow_the_pixel_order():
    Theta1 = np.arange(2 * 7, dtype=float).reshape(2, 7)  # bias + a 2 x 3 image per unit
    c = figures.hidden_images(Theta1, (2, 3), "C")
    f = figures.hidden_images(Theta1, (2, 3), "F")
    assert c[1].tolist() == [[8, 9, 10], [11, 12, 13]]
    assert f[1].tolist() == [[8, 10, 12], [9, 11, 13]]


def test_digits_sample_labels_match_their_images():
    from tutor.courses.backprop.datasets import load_digits

    ds = load_digits()
    data = figures.figure_data("digits", count=6, seed=3)
    for img, label in zip(data.images, data.labels):
        matches = [i for i in range(ds.m) if np.array_equal(ds.images([i])[0], img)]
        assert matches and all(ds.class_names[ds.y[i]] == label for i in matches)


def test_missing_matplotlib_is_one_clear_sentence(monkeypatch, tmp_path):
    # None in sys.modules makes `import matplotlib` raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = runner.invoke(app, ["figure", "cost", "-o", str(tmp_path / "c.png")])
    assert result.exit_code == 2
    assert result.stderr == "error: saving figures needs matplotlib: pip install 'tutor[plots]'\n"
    assert not (tmp_path / "c.png").exists()


@pytest.mark.parametrize(
    "args, words",
    [
        (["nope"], "unknown figure 'nope'"),
        (["cost", "-o", "cost.pdf"], "end the file name in .png or .svg"),
        (["cost", "-o", "no/such/folder/c.png"], "does not exist"),
        (["boundary", "--dataset", "digits"], "needs 2 features"),
        (["hidden", "--dataset", "moons"], "needs image data"),
        (["digits", "--dataset", "missing.npz"], "missing.npz"),
    ],
)
def test_bad_input_is_one_clear_error(args, words):
    result = runner.invoke(app, ["figure", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and words in result.stderr
    assert "Traceback" not in result.output


def test_help_lists_every_option():
    result = runner.invoke(app, ["figure", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--output", "-o", "--dataset", "--hidden", "--iterations", "--lambda", "--seed", "--count"):
        assert option in result.stdout
    for kind in ("digits", "hidden", "cost", "boundary", "confusion"):
        assert kind in result.stdout
