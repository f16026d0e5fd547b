"""The bundled course's plugin: how a neural network learns.

Named by lessons/course.yaml (`plugin: tutor.courses.backprop`). Importing
it registers the course's commands (cheap: their modules import no typer); its lesson
vocabulary (the network setup, its operations, views and the train step)
is imported when one of its lessons loads.
"""

from tutor.courses.backprop import commands  # noqa: F401  (registers the commands)
from tutor.plugin import vocabulary


@vocabulary
def _lessons() -> None:
    from tutor.courses.backprop import (  # noqa: F401  (each registers its lesson's operations)
        ops_accuracy,
        ops_backprop,
        ops_cost,
        ops_deep,
        ops_forward_pass,
        ops_gradient_checking,
        ops_graph,
        ops_intuitions,
        ops_moons,
        ops_network,
        ops_network_lesson,
        ops_nudge,
        ops_optimizers,
        ops_sigmoid_gradient,
        ops_training,
        setups,
        step_train,
        views,
    )
