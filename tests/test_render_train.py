"""TrainSummary: the figures of a finished run."""

from __future__ import annotations

import numpy as np
from test_render_support import assert_fits, show

from tutor.core import TrainRecord, TrainResult
from tutor.render import TrainSummary


def test_summary_from_result():
    result = TrainResult(params=np.zeros(3), history=[TrainRecord(0, 6.9), TrainRecord(50, 0.3245)], method="cg",
                         message="done")
    for width in (40, 100):
        text = show(TrainSummary.from_result(result, 0.95834, 0.9, lam=1.0), width)
        assert_fits(text, width)
        assert "0.3245" in text and "50" in text and "95.83%" in text and "90.00%" in text and "CG" in text
        assert "λ" in text


def test_optional_rows_absent_and_ascii():
    text = show(TrainSummary(0.5, 10, method="gd", lam=3), 40, ascii=True)
    assert text.isascii() and "lambda" in text and "test accuracy" not in text and "training accuracy" not in text
