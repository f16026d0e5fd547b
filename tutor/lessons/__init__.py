"""Lessons: YAML files turned into frozen objects, and the runner that plays them."""
