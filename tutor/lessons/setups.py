"""Setup kinds: how a lesson's world is built before its first step.

A lesson's `setup:` mapping holds `params` (what `--set` may change), an
optional `kind` (a registered setup; default: the course's `setup`, else
`arrays`), and that kind's own keys. A kind is a SetupKind registered with
`@setup(name)`: it reads its keys at load time (`parse`), says which names
it binds (`names`), and builds the values (`build`).

The engine's kind, `arrays`, binds named arrays from the course's `data/`
files or from small seeded generators:

    setup:
      arrays:
        X: {file: points.csv, columns: [0, 1]}
        y: {file: points.csv, column: 2}
        w: {zeros: [3]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.base.errors import TutorError
from tutor.base.schema import NAME_RE, Reader, Where
from tutor.lessons.registry import setup


@dataclass
class Built:
    """What a setup kind builds: bound values, lines saying where they came from,
    facts a step's `when` can test, and anything its views need (`data`)."""

    values: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    data: Any = None


class SetupKind:
    """Base of setup kinds. Subclasses set KEYS and override parse / names / build.

    CONDITIONS: {when-key: allowed values (tuple) or None for any word}: the
    facts `build` reports, which a step may test with `when: {key: value}`.
    FILES: which of the command line's files (`data`, `weights`) it accepts.
    """

    NAME = ""
    KEYS: tuple[str, ...] = ()
    CONDITIONS: dict[str, tuple[str, ...] | None] = {}
    FILES: tuple[str, ...] = ()

    def parse(self, r: Reader, course) -> Any:
        """Read this kind's keys from the `setup:` reader; return frozen options."""
        return None

    def names(self, options: Any) -> list[str]:
        """The names bound before the first step (besides the declared params)."""
        return []

    def check_params(self, params: dict, where_of) -> None:
        """Refuse declared parameters this kind cannot use (raise where_of(name).error(...))."""

    def build(self, options: Any, params: dict[str, Any], *, course, files: dict[str, Any]) -> Built:
        """The starting values. params: every declared parameter's value in force."""
        raise NotImplementedError


# -- the generic kind: named arrays ------------------------------------------------------

SOURCES = ("file", "generate", "random", "zeros", "ones", "value")
GENERATORS = ("moons", "blobs")
_SOURCE_KEYS = {
    "file": ("file", "key", "column", "columns"),
    "generate": ("generate", "samples", "noise", "centers", "spread", "seed", "part"),
    "random": ("random", "shape", "scale", "seed"),
    "zeros": ("zeros",),
    "ones": ("ones",),
    "value": ("value",),
}


@dataclass(frozen=True)
class ArraySpec:
    """One named array and where it comes from (fields as read from the YAML)."""

    name: str
    source: str
    fields: tuple[tuple[str, Any], ...]
    where: Where

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.fields).get(key, default)


def _parse_array(name: str, r: Reader) -> ArraySpec:
    sources = [s for s in SOURCES if r.has(s)]
    if len(sources) != 1:
        raise r.error(None, f"the array {name!r} needs exactly one of: {', '.join(SOURCES)}")
    source = sources[0]
    r.allowed = _SOURCE_KEYS[source]
    r.finish()
    f: dict[str, Any] = {}
    if source == "file":
        f["file"] = r.str("file", required=True)
        suffix = Path(f["file"]).suffix.lower()
        if suffix not in (".npz", ".mat", ".csv"):
            raise r.error("file", f"{f['file']!r} is not a .npz, .mat or .csv file")
        if suffix == ".csv":
            if r.has("key"):
                raise r.error("key", "a .csv file has no named arrays: choose columns with `column:` or `columns:`")
            if r.has("column") and r.has("columns"):
                raise r.error("column", "give `column:` (one, a vector) or `columns:` (a matrix), not both")
            f["column"] = r.int("column", None, min=0)
            f["columns"] = r.int_list("columns")
        else:
            if r.has("column") or r.has("columns"):
                raise r.error("column" if r.has("column") else "columns", "columns are for .csv files; use `key:`")
            f["key"] = r.str("key", default=name)
    elif source == "generate":
        f["generate"] = r.str("generate", required=True, choices=GENERATORS)
        f["samples"] = r.int("samples", 100, min=2)
        f["seed"] = r.int("seed", 0, min=0)
        f["part"] = r.str("part", required=True, choices=("X", "y"))
        if f["generate"] == "moons":
            if r.has("centers") or r.has("spread"):
                raise r.error("centers" if r.has("centers") else "spread", "moons take samples, noise and seed")
            f["noise"] = r.number("noise", 0.2, min=0)
        else:
            if r.has("noise"):
                raise r.error("noise", "blobs take samples, centers, spread and seed")
            node = r.node_of("centers", required=True)
            f["centers"] = _numbers(node, r.where("centers"), nested=True)
            f["spread"] = r.number("spread", 1.0, min=0)
    elif source == "random":
        f["random"] = r.str("random", required=True, choices=("normal", "uniform"))
        shape = r.int_list("shape")
        if not shape or any(s < 1 for s in shape):
            raise r.error("shape", "a random array needs `shape:`, whole numbers of at least 1")
        f["shape"] = shape
        f["scale"] = r.number("scale", 1.0, min=0)
        f["seed"] = r.int("seed", 0, min=0)
    elif source in ("zeros", "ones"):
        shape = r.int_list(source)
        if not shape or any(s < 1 for s in shape):
            raise r.error(source, f"`{source}:` is a shape, whole numbers of at least 1 (e.g. [3] or [2, 3])")
        f[source] = shape
    else:
        f["value"] = _numbers(r.map["value"], r.where("value"), nested=True)
    return ArraySpec(name, source, tuple(f.items()), r.where())


def _numbers(node, where: Where, nested: bool) -> Any:
    """A number, or a (nested) list of numbers, from the YAML."""
    from tutor.base.schema import as_number

    if isinstance(node.value, list):
        if not nested:
            raise where.error("expected a number")
        return [_numbers(item, Where(where.file, item.line, item.column, f"{where.path}[{i}]"), nested)
                for i, item in enumerate(node.value)]
    x = as_number(node)
    if x is None:
        raise where.error("expected a number or a list of numbers")
    return x


@setup("arrays")
class ArraysSetup(SetupKind):
    """Named arrays from the course's data files (.npz, .mat, .csv) or seeded generators."""

    KEYS = ("arrays",)
    FILES = ()

    def parse(self, r: Reader, course) -> tuple[ArraySpec, ...]:
        node = r.node_of("arrays")
        if node is None:
            return ()
        ar = Reader(node, r.key_path("arrays"), r.file, (), what="arrays")
        specs = []
        for name, sub in ar.map.items():
            if not NAME_RE.match(name):
                raise ar.where(name).error(f"{name!r} is not a name (letters, numbers and _)")
            specs.append(_parse_array(name, Reader(sub, ar.key_path(name), r.file, SOURCES, what=f"the array {name!r}")))
        return tuple(specs)

    def names(self, options) -> list[str]:
        return [s.name for s in options]

    def build(self, options, params, *, course, files) -> Built:
        import numpy as np

        from tutor import datafiles

        data_dir = Path(course.data_dir) if course is not None else Path(".")
        cache: dict[Path, Any] = {}
        values: dict[str, Any] = {}
        notes: list[str] = []

        def fail(spec: ArraySpec, message: str) -> TutorError:
            return spec.where.error(message)

        for spec in options:
            try:
                if spec.source == "file":
                    path = data_dir / spec.get("file")
                    if path not in cache:
                        reader = datafiles.read_table if path.suffix.lower() == ".csv" else datafiles.read_named
                        cache[path] = reader(path)
                    stored = cache[path]
                    if isinstance(stored, dict):
                        key = spec.get("key")
                        if key not in stored:
                            raise fail(spec, f"{path.name} has no array {key!r}; it holds {', '.join(sorted(stored)) or 'nothing'}")
                        value = np.asarray(stored[key])
                        value = value.astype(float) if value.dtype.kind in "iub" else value
                    else:
                        width = stored.shape[1]
                        cols = spec.get("columns")
                        col = spec.get("column")
                        wanted = list(cols) if cols else ([col] if col is not None else list(range(width)))
                        bad = [c for c in wanted if c >= width]
                        if bad:
                            raise fail(spec, f"{path.name} has {width} columns (0 to {width - 1}); there is no column {bad[0]}")
                        value = stored[:, col] if col is not None else stored[:, wanted]
                    notes.append(f"{spec.name}: {path.name} {_shape(value)}")
                elif spec.source == "generate":
                    if spec.get("generate") == "moons":
                        X, y = datafiles.moons(spec.get("samples"), spec.get("noise"), spec.get("seed"))
                    else:
                        X, y = datafiles.blobs(spec.get("samples"), spec.get("centers"), spec.get("spread"), spec.get("seed"))
                    value = X if spec.get("part") == "X" else y
                    notes.append(f"{spec.name}: {spec.get('generate')}, {spec.get('samples')} points, seed {spec.get('seed')}")
                elif spec.source == "random":
                    value = datafiles.random_array(spec.get("shape"), spec.get("random"), spec.get("scale"), spec.get("seed"))
                elif spec.source in ("zeros", "ones"):
                    value = (np.zeros if spec.source == "zeros" else np.ones)(tuple(spec.get(spec.source)))
                else:
                    value = np.asarray(spec.get("value"), dtype=float)
            except TutorError as err:
                if getattr(err, "file", None):
                    raise
                raise fail(spec, err.message) from None
            except ValueError as err:
                raise fail(spec, str(err)) from None
            values[spec.name] = value
        return Built(values=values, notes=notes)


def _shape(a) -> str:
    return "(" + " x ".join(str(s) for s in a.shape) + ")"
