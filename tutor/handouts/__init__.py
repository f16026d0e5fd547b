"""Handouts: whole lessons rendered by the lesson engine into files.

The engine's `render_lesson` prints a lesson, step after step, into a console
we give it. `record` makes that console record, cut into one piece per step
by the engine's `on_step` hook; `formats` turns the pieces into a printed page
(HTML), Markdown, plain text or one SVG picture; `write` chooses the lessons,
checks where the files go and writes them. Notebooks (`--format ipynb`) are
written by tutor.notebook, a layer above.
"""
