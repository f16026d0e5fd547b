"""The bundled course's exercise plugin: fixtures, references, helpers, mistakes, checkers.

Importing this package registers everything through tutor.exercises.registry;
the engine never imports these modules by name (tutor.exercises.plugins loads
the package once).
"""

from tutor.courses.backprop.exercises import (  # noqa: F401 - imported to register
    deep,
    diagnoses,
    fixtures,
    helpers,
    init_check,
    layouts,
    references,
    value_graph,
    variants,
)
