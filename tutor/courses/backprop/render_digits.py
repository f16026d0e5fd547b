"""Pictures in the terminal: digit images and hidden units' weights.

With colour, each character cell shows two pixels stacked: the upper-half
block ▀ drawn in the top pixel's grey with the bottom pixel's grey behind it,
so an 8 x 8 image takes 8 columns and 4 lines and a 20 x 20 one 20 x 10 -
square pixels. Without colour (or on an ASCII-only stream) each pixel
becomes a character of the density ramp " .:-=+*#%@", two characters wide so
the picture keeps its proportions. Bright means a large value.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tutor.plugin import DataError
from tutor.render import styles
from tutor.render.symbols import plain, symbols_for, wants_ascii, wants_color

LEVELS = 32  # grey levels drawn: plenty for the eye, few enough to cache styles
GAP = 2  # blank columns between pictures


@cache
def _grey(level: int) -> Color:
    v = round(255 * level / (LEVELS - 1))
    return Color.from_rgb(v, v, v)


@cache
def _pair_style(top: int, bottom: int) -> Style:
    return Style(color=_grey(top), bgcolor=None if bottom < 0 else _grey(bottom))


def scale_images(images: np.ndarray, scale="image") -> np.ndarray:
    """Values mapped to [0, 1]: per image ("image"), over all ("grid"), or
    by a fixed (lo, hi). A flat image becomes all 0. images: (k, h, w)."""
    x = np.asarray(images, dtype=float)
    if isinstance(scale, str):
        axes = (1, 2) if scale == "image" else None
        if scale not in ("image", "grid"):
            raise ValueError(f"scale must be 'image', 'grid' or (lo, hi), not {scale!r}")
        lo = np.nanmin(x, axis=axes, keepdims=True)
        hi = np.nanmax(x, axis=axes, keepdims=True)
    else:
        lo, hi = (float(v) for v in scale)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    return np.clip(np.nan_to_num((x - lo) / span), 0.0, 1.0)


class DigitGrid:
    """images: (k, h, w) (or one (h, w) image); labels: k captions (numbers or
    text), shown under the pictures; title: a line above. scale: see
    `scale_images`. As many pictures per row as the width allows."""

    def __init__(self, images, labels=None, title: str | None = None, *, scale="image"):
        x = np.asarray(images)
        if x.ndim == 2:
            x = x[None]
        if x.ndim != 3:
            raise DataError(f"images must be an array of shape (k, h, w), got {x.ndim} dimensions")
        self.images = x
        self.labels = None if labels is None else [str(l) for l in np.asarray(labels, dtype=object).ravel()]
        if self.labels is not None and len(self.labels) != len(x):
            raise DataError(f"{len(self.labels)} labels for {len(x)} images")
        self.title = title
        self.scale = scale

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sym = symbols_for(console, options)
        ascii = wants_ascii(console, options)
        color = wants_color(console)
        width = options.max_width
        k, h, w = self.images.shape
        if self.title:
            yield Text(plain(self.title, ascii), style=styles.NAME)
        if k == 0 or h == 0 or w == 0:
            yield Text("(no images)", style=styles.DIM)
            return
        levels_01 = scale_images(self.images, self.scale)
        half_blocks = color and not ascii
        if half_blocks:
            px_w = 1
        else:
            px_w = 2 if 2 * w <= width else 1
        labels = [plain(l, ascii) for l in self.labels] if self.labels else None
        cell_w = max(w * px_w, max((len(l) for l in labels), default=0) if labels else 0)
        per_row = max(1, (width + GAP) // (cell_w + GAP))
        if half_blocks:
            levels = np.rint(levels_01 * (LEVELS - 1)).astype(int)
        else:
            ramp = sym.ramp
            chars = np.array(list(ramp))[np.rint(levels_01 * (len(ramp) - 1)).astype(int)]
        for start in range(0, k, per_row):
            batch = range(start, min(start + per_row, k))
            if half_blocks:
                for r in range(0, h, 2):
                    for n, i in enumerate(batch):
                        if n:
                            yield Segment(" " * GAP)
                        top = levels[i, r].tolist()
                        bottom = levels[i, r + 1].tolist() if r + 1 < h else [-1] * w
                        for t, b in zip(top, bottom):
                            yield Segment(sym.upper_half, _pair_style(t, b))
                        if cell_w > w:
                            yield Segment(" " * (cell_w - w))
                    yield Segment.line()
            else:
                for r in range(h):
                    parts = []
                    for i in batch:
                        row = "".join(c * px_w for c in chars[i, r].tolist())
                        parts.append(row.ljust(cell_w))
                    yield Segment((" " * GAP).join(parts).rstrip() if not color else (" " * GAP).join(parts),
                                  Style(color="grey70") if color else None)
                    yield Segment.line()
            if labels:
                text = (" " * GAP).join(labels[i].center(cell_w) for i in batch).rstrip()
                yield Segment(text, Style.parse(styles.INDEX))
                yield Segment.line()


class HiddenUnits:
    """Each hidden unit's input weights (its row of Theta1 without the bias
    column) drawn as an image of `image_shape`, scaled per unit.

    Theta1: (s2, 1 + h*w). image_order "F" means the pixels were unrolled
    column by column (the course's .mat images), "C" row by row.
    Unit j is labelled j, the column of a2 it feeds (column 0 is the bias).
    """

    def __init__(self, Theta1, image_shape, image_order: str = "C", *, title: str | None = None):
        T = np.asarray(Theta1, dtype=float)
        h, w = (int(s) for s in image_shape)
        if T.ndim != 2 or T.shape[1] - 1 != h * w:
            raise DataError(
                f"Theta1 has shape {T.shape}, but {h} x {w} images need {h * w + 1} columns (bias + pixels)")
        order = str(image_order).upper()
        if order not in ("C", "F"):
            raise DataError(f"image_order must be 'C' or 'F', not {image_order!r}")
        W = T[:, 1:]
        self.images = W.reshape(-1, h, w) if order == "C" else W.reshape(-1, w, h).transpose(0, 2, 1)
        self.title = title or "Hidden units: each picture is one unit's input weights (bias dropped)"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        labels = [str(j) for j in range(1, len(self.images) + 1)]
        yield DigitGrid(self.images, labels, self.title, scale="image")
