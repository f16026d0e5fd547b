"""The one door a course plugin imports (see docs/authoring.md for each name's signature).

A course's `course.yaml` may name a plugin (`plugin: mypackage.mycourse`, or
`plugin: plugin.py`, a file in the course folder). Importing it registers
what the course adds to the engine's generic vocabulary, into that course's
own vocabulary: another course loaded in the same process never sees it.

    from tutor.plugin import operation, view, setup, step_kind, command, vocabulary

    @operation("double")                 # a compute step's `op: double`
    def double(A):
        "2 A, elementwise."
        return 2 * A

    @view("heat", options={"scale": ("number", 1.0)})   # `view: heat` / `figure: heat`
    def heat(value, ctx, spec): ...      # returns a rich renderable

    @setup("world")                      # `setup: {kind: world, ...}`
    class World(SetupKind): ...

    @step_kind("poll")                   # a step `kind: poll`
    @dataclass(frozen=True)
    class Poll(Step): ...

    @command("simulate", panel="My course")   # `tutor simulate`
    def simulate(n: int = Option(3, "--n")): ...

    @expression_function("g")            # a name learners may call in typed expressions
    def g(z): ...

    formula("double", "{out} = 2 * {A}", r"{out} = 2{A}")   # how a notebook writes the op

    @vocabulary                          # imports the heavy modules above only
    def load():                          # when a lesson is about to load, so
        from mycourse import ops, views  # `tutor --help` stays fast

The exercise side:

    from tutor.plugin import fixture, reference, helper, diagnosis, mistake, checker, layout

    @fixture("tiny")                     # a test's `fixture: tiny` -> its arguments
    def tiny(seed=0): ...
    @reference("my_cost")                # an exercise's `reference: my_cost`
    def my_cost(w, X, y): ...
    @helper("sigmoid")                   # a stub may `from tutor_helpers import sigmoid`
    def sigmoid(z): ...
    diagnosis("sign-flipped", "The sign is flipped", "Advice...")
    @mistake("my_cost", "sign-flipped")  # confirms that diagnosis when it reproduces
    def my_cost_negated(w, X, y): ...    # the learner's output

A plugin imports only this module, tutor.core (the maths) and tutor.render
(the views); a test fails when a course's plugin imports past this door.
Names load on first use (PEP 562): every plugin imports this module while
`tutor --help` builds the command list, and most need only `command` and
`vocabulary` then.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> the module that defines it (all below this door's layer)
_DOOR: dict[str, str] = {
    # registering lesson vocabulary
    "operation": "tutor.lessons.registry", "view": "tutor.lessons.registry", "setup": "tutor.lessons.registry",
    "command": "tutor.lessons.registry", "vocabulary": "tutor.lessons.registry", "formula": "tutor.lessons.registry",
    "step_kind": "tutor.lessons.steps.base", "expression_function": "tutor.lessons.expression",
    # what a setup kind or a step kind is built from
    "SetupKind": "tutor.lessons.setups", "Built": "tutor.lessons.setups",
    "Step": "tutor.lessons.steps.base", "Common": "tutor.lessons.steps.base", "StepFailed": "tutor.lessons.steps.base",
    "Reader": "tutor.base.schema", "Scope": "tutor.base.schema", "Node": "tutor.base.schema",
    "as_number": "tutor.base.schema", "parse_text": "tutor.lessons.texts",
    # the exercise side
    "fixture": "tutor.exercises.registry", "reference": "tutor.exercises.registry",
    "helper": "tutor.exercises.registry", "diagnosis": "tutor.exercises.registry",
    "mistake": "tutor.exercises.registry", "checker": "tutor.exercises.registry",
    "layout": "tutor.exercises.registry", "FunctionArg": "tutor.exercises.registry",
    "compare": "tutor.exercises.compare", "explain_shape": "tutor.exercises.compare",
    # a plugin's commands: options declared without typer, output, errors
    "Option": "tutor.base.options", "Argument": "tutor.base.options",
    "echo": "tutor.render.console", "fail": "tutor.render.console",
    "stdout_console": "tutor.render.console", "stderr_console": "tutor.render.console",
    "TutorError": "tutor.base.errors", "DataError": "tutor.base.errors",
    # where things live; running the maths on one BLAS thread
    "data_dir": "tutor.base.paths", "shipped_course": "tutor.base.paths", "tutor_home": "tutor.progress",
    "one_thread": "tutor.blas",
}

__all__ = sorted(_DOOR)


def __getattr__(name: str) -> Any:
    module = _DOOR.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r} (what a plugin may use: {', '.join(__all__)})")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
