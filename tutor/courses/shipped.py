"""Courses that ship with tutor besides the bundled one, offered through the
`tutor.courses` entry point group (see pyproject.toml), as any installed course is.

Each name is the course folder, found by tutor.base.paths in a checkout or a wheel.
"""

from tutor.plugin import shipped_course

LOGISTIC_REGRESSION = str(shipped_course("logistic-regression"))
