"""Self-check exercises: stubs to fill, an isolated checker that explains.

The engine knows exercises, sandboxes, comparisons and reports, and nothing
of any course's subject; a course plugin lends it fixtures, references,
helpers, known mistakes and checkers through `registry`.

Modules, one idea each:
  registry    the decorators a course plugin registers with
  plugins     the one place that imports the course plugins
  loader      strict YAML -> plain data with line numbers (no aliases, no tags)
  catalog     Exercise objects from an exercises folder; status from progress
  sourcefile  the learner's file read as Python reads it, or one line saying why not
  wire        values across the process boundary (JSON + .npy; copied into the child)
  child       the child runner (copied into the private folder; never imported)
  isolation   bubblewrap: the command line, whether it works here, the modes
  runner      the parent side: private folder, start, bounded output, kill the tree
  intake      the child's files read as untrusted data (regular, capped, validated)
  compare     learner value versus expected, in plain words (facts, not guesses)
  diagnose    named mistakes, confirmed by recomputing a known-wrong variant
  recipes     changes of a reference's inputs or output (a mistake declared in YAML)
  families    the engine's mistake families: those changes tried on any exercise by rules
  check       the whole check of one file: results, score, diagnoses
  safetext    control characters escaped in anything that came from learner code
  report      text (rich), JSON and Gradescope forms of a check
  stubs       the file a learner starts from
  instructor  the instructor's key (references before passing)
  validate    every exercise: stub fails, reference passes, variants recognised
  watch       re-check on every save
"""
