"""tutor: a terminal tutor that shows how a neural network learns."""

from tutor.base.version import __version__

__all__ = ["__version__", "load_ipython_extension"]


def load_ipython_extension(ipython) -> None:
    """`%load_ext tutor`: adds the `%tutor` magic (lessons inside a notebook). Imported only when loaded."""
    from tutor.notebook.magic import load_ipython_extension as load

    load(ipython)
