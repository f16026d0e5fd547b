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

    @vocabulary                          # imports the heavy modules above only
    def _load():                         # when a lesson is about to load, so
        from mycourse import ops, views  # `tutor --help` stays fast

Every name is global: two plugins (or a plugin and the engine) registering
the same name is an error naming both. `tutor ops` lists everything
registered, with signatures and one-line docs.
"""

from tutor.lessons.registry import command, operation, setup, view, vocabulary

__all__ = [
    "Built", "Common", "SetupKind", "Step", "StepFailed",
    "command", "operation", "setup", "step_kind", "view", "vocabulary",
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
