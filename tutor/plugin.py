"""What a course plugin may use: the one registration API (see docs/authoring.md).

A course's `course.yaml` may name a plugin (`plugin: mypackage.mycourse`, or
`plugin: plugin.py`, a file in the course folder). Importing it registers
what the course adds to the engine's generic vocabulary:

    from tutor.plugin import operation, view, setup, step_kind, command, vocabulary

    @operation("double")                 # a compute step's `op: double`
    def double(A):
        "2 A, elementwise."
        return 2 * A

    @view("heat", options={"scale": ("number", 1.0)})   # `view: heat` / `figure: heat`
    def heat(value, ctx, spec): ...      # returns a rich renderable

    @setup("world")                      # `setup: {kind: world, ...}`
    class World(SetupKind): ...          # see tutor.lessons.setups.SetupKind

    @step_kind("poll")                   # a step `kind: poll`
    @dataclass(frozen=True)
    class Poll(Step): ...                # see tutor.lessons.steps.base.Step

    @command("simulate", panel="My course")   # `tutor simulate`
    def simulate(...): ...               # a typer command function

    @expression_function("g")            # a name learners may call in a typed
    def g(z): ...                        # expression (`kind: expression` steps)

    @vocabulary                          # imports the heavy modules above only
    def _load():                         # when a lesson is about to load, so
        from mycourse import ops, views  # `tutor --help` stays fast

The exercise side (see tutor.exercises.registry for each one's contract):

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

A course without Python can still name a reference in a file beside its
exercises: `reference: references.py:my_cost`.

Every name is global: two plugins (or a plugin and the engine) registering
the same name is an error naming both. `tutor ops` lists everything
registered, with signatures and one-line docs.
"""

from tutor.lessons.registry import command, operation, setup, view, vocabulary

# The exercise side is looked up on first use (PEP 562): every plugin imports
# this facade while `tutor --help` builds the command list, and most of them
# only need `command` and `vocabulary` then.
_EXERCISE_NAMES = ("FunctionArg", "checker", "diagnosis", "fixture", "helper", "layout", "mistake", "reference")


def __getattr__(name: str):
    if name in _EXERCISE_NAMES:
        from tutor.exercises import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXERCISE_NAMES))



def expression_function(name: str):
    """Let learners call `name` in typed expressions (see tutor.lessons.expression).

    A wrapper, so that importing this facade (which every plugin does when
    `tutor --help` builds the command list) does not import numpy.
    """
    from tutor.lessons.expression import expression_function as register

    return register(name)


__all__ = [
    "Built", "Common", "SetupKind", "Step", "StepFailed",
    "command", "expression_function", "operation", "setup", "step_kind", "view", "vocabulary",
    "FunctionArg", "checker", "diagnosis", "fixture", "helper", "layout", "mistake", "reference",
]

# The step and setup base classes load on first use: a plugin's top level
# usually needs only `command` and `vocabulary`, and `tutor --help` imports it.
_LAZY = {"Built": "tutor.lessons.setups", "SetupKind": "tutor.lessons.setups", "Common": "tutor.lessons.steps.base",
         "Step": "tutor.lessons.steps.base", "StepFailed": "tutor.lessons.steps.base",
         "step_kind": "tutor.lessons.steps.base"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
