"""Self-check exercises: stubs to fill, a sandboxed checker that explains.

Modules, one idea each:
  loader     strict YAML -> plain data with line numbers (no aliases, no tags)
  catalog    Exercise objects from exercises/*.yaml; status from progress
  fixtures   named inputs for test cases (debug network, grader fixture, ...)
  sandbox    the child process that runs the learner's file (python -m ...)
  runner     the parent side: start the sandbox, time and memory limits
  compare    learner value versus expected, explained in terms of the maths
  variants   known-wrong versions of each function (for diagnoses)
  diagnose   which known mistake the learner's outputs agree with
  check      the whole check of one file: results, score, diagnoses
  report     text (rich), JSON and Gradescope forms of a check
  stubs      the file a learner starts from
  validate   every exercise: stub fails, reference passes, variants recognised
  watch      re-check on every save
"""
