"""Grading a whole class: `tutor grade` and the Gradescope autograder.

The pieces, one idea each:

- `checker.grade_one`: the ONE call into the exercise checker (one file, one
  exercise) -> a plain, JSON-ready record. Everything else works on records.
- `discover`: class folders and zips -> submissions (student, file, exercise).
- `safezip`: extract a class zip without traversal, links or bombs.
- `state`: what was graded, keyed by content hash, so a rerun resumes.
- `run`: the parallel runner (a thread pool; each check a fork of the thread's warm sandbox).
- `writers`: gradebook.csv, grades.json, one Markdown feedback file per student.
- `summary`: the class statistics both the HTML report and the terminal show.
- `html`, `terminal`: those two views.
- `synthetic`: a generated class (right, wrong, broken, endless, hostile).
- `autograder`: build and locally test a Gradescope autograder zip.
"""
