"""How an unrolled parameter vector splits into the Thetas, to name a cell Theta2[1, 0]."""

from __future__ import annotations

from tutor.plugin import layout


@layout("thetas")
def thetas(args: dict) -> list[tuple[str, tuple[int, int]]]:
    """[("Theta1", (s2, s1 + 1)), ...] from the call's layer_sizes."""
    sizes = [int(s) for s in args["layer_sizes"]]
    return [(f"Theta{l}", (s_out, s_in + 1)) for l, (s_in, s_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1)]
