"""This course's extra commands: `tutor train`, `cost`, `gradcheck` (the maths) and `play`, `figure` (slides).

Registered through tutor.plugin; the command modules import nothing heavy
at their top (their options are tutor.base.options objects, not typer's),
so adding them keeps `tutor --help` fast.
"""

from __future__ import annotations

from tutor.courses.backprop import cli_maths, cli_slides
from tutor.plugin import command

command("train", panel="The maths")(cli_maths.train)
command("cost", panel="The maths")(cli_maths.cost)
command("gradcheck", panel="The maths")(cli_maths.gradcheck)
command("play", panel="Instructors")(cli_slides.play)
command("figure", panel="Instructors")(cli_slides.figure)
