"""What a training run ended with, in a few labelled lines."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.panel import Panel
from rich.text import Text

from tutor.render import numbers, styles
from tutor.render.symbols import plain, wants_ascii

METHOD_NAMES = {"cg": "conjugate gradient (CG)", "lbfgs": "L-BFGS", "gd": "gradient descent"}


class TrainSummary:
    """cost: the final cost; iterations: how many updates were made;
    train_accuracy / test_accuracy: fractions in [0, 1] (None: not shown);
    method: "cg", "lbfgs", "gd" or any name; lam: the regularization used;
    seconds: wall time; stopped_early / message: how the run ended."""

    def __init__(self, cost, iterations, train_accuracy=None, test_accuracy=None, method=None, *,
                 lam=None, seconds=None, stopped_early: bool = False, message: str | None = None,
                 title: str | None = None):
        self.cost = float(cost)
        self.iterations = int(iterations)
        self.train_accuracy = None if train_accuracy is None else float(train_accuracy)
        self.test_accuracy = None if test_accuracy is None else float(test_accuracy)
        self.method = method
        self.lam = lam
        self.seconds = seconds
        self.stopped_early = stopped_early
        self.message = message
        self.title = title

    @classmethod
    def from_result(cls, result, train_accuracy=None, test_accuracy=None, **kwargs) -> TrainSummary:
        """From a tutor.core TrainResult (cost, iterations, method, stop)."""
        return cls(result.cost, result.iterations, train_accuracy, test_accuracy, result.method,
                   stopped_early=result.stopped_early, message=result.message, **kwargs)

    def rows(self, ascii: bool = False) -> list[tuple[str, str]]:
        lam = "lambda" if ascii else "λ"
        rows = [("final cost", numbers.significant(self.cost, 6)), ("iterations", str(self.iterations))]
        if self.train_accuracy is not None:
            rows.append(("training accuracy", numbers.percent(self.train_accuracy, 2)))
        if self.test_accuracy is not None:
            rows.append(("test accuracy", numbers.percent(self.test_accuracy, 2)))
        if self.method:
            rows.append(("method", METHOD_NAMES.get(str(self.method).lower(), str(self.method))))
        if self.lam is not None:
            rows.append((lam, f"{float(self.lam):g}"))
        if self.seconds is not None:
            rows.append(("time", f"{float(self.seconds):.2f} s"))
        if self.stopped_early:
            rows.append(("stopped", "early, on request"))
        return rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ascii = wants_ascii(console, options)
        rows = self.rows(ascii)
        key_w = max(len(k) for k, _ in rows)
        if key_w + 2 + max(len(v) for _, v in rows) + 4 > options.max_width:  # narrow: short method name
            rows = [(k, str(self.method).upper() if k == "method" else v) for k, v in rows]
        lines = [Text(plain(self.title or "Training finished", ascii), style=styles.NAME)]
        for key, value in rows:
            t = Text()
            t.append(key.ljust(key_w + 2), styles.DIM)
            t.append(value, "bold" if "accuracy" in key or key == "final cost" else "")
            lines.append(t)
        if self.message:
            lines.append(Text(plain(self.message, ascii), style=styles.DIM))
        natural = max(t.cell_len for t in lines) + 4
        yield Panel(Group(*lines), box=box.ASCII if ascii else box.ROUNDED, expand=False,
                    width=min(options.max_width, natural))
