"""The bottom layer: errors, paths, YAML reading and its schema, caches, the registry type.

Standard library and PyYAML only (start-up stays cheap); nothing here imports
numpy, rich, typer or any other layer of tutor.
"""
