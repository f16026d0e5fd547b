"""DigitGrid and HiddenUnits: the right pixels, labels, layout, fallbacks."""

from __future__ import annotations

import numpy as np
import pytest
from rich.console import Console
from test_render_support import assert_fits, show

from tutor.base.errors import DataError
from tutor.courses.backprop.render_digits import DigitGrid, HiddenUnits


def _cells(view, width=40):
    """(char, fg rgb, bg rgb) of every segment printed in colour."""
    con = Console(width=width, color_system="truecolor", force_terminal=True, legacy_windows=False)
    out = []
    for seg in con.render(view, con.options.update(width=width)):
        if seg.text == "▀":
            out.append((seg.style.color.triplet, seg.style.bgcolor.triplet if seg.style.bgcolor else None))
    return out


def test_half_blocks_put_two_pixel_rows_in_one_character():
    img = np.array([[1.0, 0.0], [0.0, 1.0]])
    cells = _cells(DigitGrid(img))
    white, black = (255, 255, 255), (0, 0, 0)
    assert cells == [(white, black), (black, white)]  # top pixel = fg, bottom pixel = bg


def test_odd_height_last_row_has_no_background():
    cells = _cells(DigitGrid(np.array([[1.0], [0.0], [0.5]])))
    assert len(cells) == 2 and cells[1][1] is None


def test_ascii_ramp_draws_the_pattern_doubled():
    img = np.zeros((8, 8))
    img[:, 3] = 1.0  # a vertical stroke
    img[0, 0] = 0.5
    text = show(DigitGrid(img[None], labels=[7]), 40, ascii=True)
    assert text.isascii()
    rows = text.splitlines()[:8]
    assert rows[1] == "      @@"  # columns 3 -> characters 6, 7
    assert rows[0].startswith("==") and rows[0][6:8] == "@@"  # 0.5 sits mid-ramp
    assert text.splitlines()[8].strip() == "7"


def test_no_colour_unicode_stream_uses_the_ramp_too():
    text = show(DigitGrid(np.eye(8)[None]), 40)
    assert "▀" not in text and "@@" in text


def test_as_many_per_row_as_fit_and_labels_under_each():
    images = np.random.default_rng(0).random((12, 8, 8))
    wide = show(DigitGrid(images, labels=list("abcdefghijkl")), 100)
    assert_fits(wide, 100)
    assert wide.splitlines()[8].split() == list("abcde")  # 16 + 2 per image: 5 fit in 100
    narrow = show(DigitGrid(images, labels=list("abcdefghijkl")), 40)
    assert_fits(narrow, 40)
    assert narrow.splitlines()[8].split() == ["a", "b"]
    colour = show(DigitGrid(images, labels=list("abcdefghijkl")), 40, color=True)
    assert colour.splitlines()[4].split() == ["a", "b", "c", "d"]  # 8 columns + 2: 4 fit in 40


def test_20x20_images_fit_40_columns():
    text = show(DigitGrid(np.random.default_rng(1).random((3, 20, 20))), 40, ascii=True)
    assert_fits(text, 40)
    assert len(text.splitlines()) == 3 * 20


def test_hidden_units_reshape_with_the_image_order():
    h, w = 2, 3
    unit = np.arange(6, dtype=float)  # pixels unrolled column by column ("F")
    Theta1 = np.hstack([[[99.0]], unit[None]])  # bias 99 must be dropped
    grid = HiddenUnits(Theta1, (h, w), "F")
    assert np.array_equal(grid.images[0], unit.reshape((h, w), order="F"))
    assert np.array_equal(HiddenUnits(Theta1, (h, w), "C").images[0], unit.reshape(h, w))
    text = show(HiddenUnits(Theta1, (h, w), "F", title="H"), 40, ascii=True)
    # Scaled per unit: 0 -> ' ', 5 -> '@'; order F puts 0, 2, 4 on the top row:
    # 2/5 and 4/5 of the 10-step ramp " .:-=+*#%@" are '=' and '#'.
    assert text.splitlines()[1] == "  ==##"
    assert text.splitlines()[2] == "::++@@"  # 1/5, 3/5, 5/5 -> steps 2, 5, 9
    with pytest.raises(DataError):
        HiddenUnits(np.zeros((25, 100)), (20, 20), "F")


def test_hidden_units_of_the_course_weights(ex4_weights_path):
    from tutor.courses.backprop.datasets import load_weights

    Theta1, _ = load_weights(ex4_weights_path)
    text = show(HiddenUnits(Theta1, (20, 20), "F"), 100, color=True)
    assert "25" in text.splitlines()[-1]  # 25 units, labelled 1..25
    assert_fits(text, 100)
