"""Property tests of the lesson and exercise loaders against hostile YAML.

Lessons and exercises are files a stranger may hand a teacher, so loading one
must never crash, hang or run code. Hypothesis generates, per loader:

- arbitrary YAML documents (random nested mappings, lists and scalars);
- structured mutations of the real course files (a key dropped or renamed,
  a value of the wrong type, an empty or huge value, deep nesting, a
  duplicated list item);
- text-level attacks on the real files (python tags that would create a
  sentinel file if constructed, other explicit tags, anchors, aliases and an
  alias bomb, merge keys, binary garbage spliced in, truncation, deep flow
  nesting, huge strings, BOMs and tabs).

Every document must either load, or be refused with the loader's own error
(a TutorError) whose one-line message names the file and a line. The sentinel
file must never appear. About 2,600 examples in all, derandomized so CI
sees the same documents every run.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tutor.base.errors import TutorError
from tutor.course import bundled_course

REPO = Path(__file__).resolve().parent.parent
LESSON_FILES = sorted(p for p in (REPO / "lessons").glob("*.yaml") if p.name != "course.yaml")
EXERCISE_FILES = sorted((REPO / "exercises").glob("*.yaml"))

FAST = dict(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
if os.environ.get("TUTOR_FUZZ_NO_SHRINK"):  # quick triage: report failures unshrunk
    FAST["phases"] = (Phase.explicit, Phase.generate)


# -- where the documents go ---------------------------------------------------------


class Workspace:
    """A private folder for generated files and the sentinel that must never exist."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sentinel = root / "SENTINEL-code-ran"

    def write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.write_bytes(data)
        return path


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("fuzz"))


def _load_lesson(path: Path):
    from tutor.lessons.loader import load_lesson

    return load_lesson(path, bundled_course())


def _load_exercise(path: Path):
    from tutor.exercises.catalog import load_exercise_file

    return load_exercise_file(path)


def _check_message(kind: str, path: Path, err: TutorError) -> None:
    msg = str(err)
    assert "\n" not in msg, f"the message is not one line: {msg!r}"
    assert str(path) in msg, f"the message does not name the file: {msg}"
    # lessons and exercises are located alike: file:line[:column]: key: what
    assert re.search(re.escape(str(path)) + r":\d+", msg), f"the message does not name a line: {msg}"


def _attempt(ws: Workspace, kind: str, name: str, data: bytes) -> None:
    """Load one document; only the loader's own error may come out, well located."""
    path = ws.write(name, data)
    load = _load_lesson if kind == "lesson" else _load_exercise
    try:
        load(path)
    except TutorError as err:
        _check_message(kind, path, err)
    assert not ws.sentinel.exists(), f"loading {name} ran code:\n{data[:500]!r}"


# -- strategies ---------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "id", "steps", "kind", "text", "compute", "quiz", "X", "Theta1", "{m}", "{X.shape}",
                     "{nosuch}", "{m:.4f}", "tutor.core.sigmoid", "digits", "trained", "sigmoid", "yes", "~",
                     "1e309", "0x1F", ".inf", "2001-12-14"]),
)
keys = st.one_of(st.text(max_size=12), st.sampled_from([
    "id", "title", "summary", "setup", "steps", "kind", "text", "value", "op", "inputs", "bind", "show",
    "answer", "answer_type", "choices", "params", "type", "default", "tests", "fixture", "with", "args",
    "reference", "function", "signature", "returns", "hints", "docstring",
]))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


def _dump(doc) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000).encode("utf-8")


def _locations(doc, here=()):
    """Every (path to a node) in a plain YAML tree, root excluded."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield here + (k,)
            yield from _locations(v, here + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield here + (i,)
            yield from _locations(v, here + (i,))


def _parent(doc, loc):
    node = doc
    for k in loc[:-1]:
        node = node[k]
    return node


def _nested(depth: int):
    out = "bottom"
    for _ in range(depth):
        out = [out]
    return out


MUTATIONS = ("drop", "rename", "retype", "empty", "huge", "nest", "duplicate", "stringify")


@st.composite
def mutated_docs(draw, files):
    """A real file, parsed, with one to three structural mutations."""
    path = draw(st.sampled_from(files))
    doc = copy.deepcopy(yaml.safe_load(path.read_text(encoding="utf-8")))
    for _ in range(draw(st.integers(1, 3))):
        locs = list(_locations(doc))
        if not locs:
            break
        loc = draw(st.sampled_from(locs))
        parent, key = _parent(doc, loc), loc[-1]
        how = draw(st.sampled_from(MUTATIONS))
        if how == "drop":
            del parent[key]
        elif how == "rename" and isinstance(parent, dict):
            new = draw(st.one_of(keys, st.sampled_from([f"{key}s", str(key).upper(), str(key)[:-1], f" {key}"])))
            if new not in parent:
                parent[new] = parent.pop(key)
        elif how == "retype":
            parent[key] = draw(values)
        elif how == "empty":
            parent[key] = draw(st.sampled_from([None, "", [], {}, 0]))
        elif how == "huge":
            parent[key] = "x" * draw(st.sampled_from([300, 5_000, 60_000]))
        elif how == "nest":
            parent[key] = _nested(draw(st.integers(30, 60)))
        elif how == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif how == "stringify":
            parent[key] = str(parent[key])
    return path.name, _dump(doc)


SENTINEL = "@SENTINEL@"
PAYLOADS = [
    f'!!python/object/apply:os.system ["touch {SENTINEL}"]',
    f'!!python/object/apply:builtins.open ["{SENTINEL}", "w"]',
    f'!!python/object/new:builtins.open ["{SENTINEL}", "w"]',
    f'!python/object/apply:os.system ["touch {SENTINEL}"]',
    f'!!python/object/apply:subprocess.check_call [["touch", "{SENTINEL}"]]',
    "!!python/name:os.system",
    "!!python/module:os",
    "!!binary aGVsbG8gd29ybGQ=",
    "!!set {a: null, b: null}",
    "!!omap [a: 1, b: 2]",
    "!!timestamp 2001-12-14t21:59:43.10-05:00",
    "!!float 1e400",
    "!!int 0b1010",
    "!!str 3",
    "!custom thing",
    "!<tag:example.com,2000:app/foo> bar",
    "&anchor [1, 2, 3]",
    "*undefined_alias",
    "{<<: {a: 1}}",
]
PREFIXES = [
    "bomb: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "base: &base {kind: text, text: hello}\n",
    "loop: &loop [*loop]\n",
    "%YAML 1.1\n---\n",
    "%TAG !py! tag:yaml.org,2002:python/object/apply:\n---\n",
    "\ufeff",
    "--- !!python/object/apply:os.system\n- touch " + SENTINEL + "\n---\n",
]
VALUE_LINE = re.compile(r"^(\s*(?:- )?[A-Za-z_][\w-]*:) (.+)$")


@st.composite
def attacked_texts(draw, files):
    """A real file's text with one hostile edit."""
    path = draw(st.sampled_from(files))
    text = path.read_text(encoding="utf-8")
    how = draw(st.sampled_from(["payload", "payload", "payload", "prefix", "alias-pair", "garbage", "truncate",
                                "flow-nesting", "block-nesting", "huge", "tabs", "crlf", "control"]))
    lines = text.splitlines(keepends=True)
    value_lines = [i for i, line in enumerate(lines) if VALUE_LINE.match(line)]
    if how == "payload" and value_lines:
        i = draw(st.sampled_from(value_lines))
        payload = draw(st.sampled_from(PAYLOADS))
        lines[i] = VALUE_LINE.sub(lambda m: f"{m.group(1)} {payload}", lines[i].rstrip("\n")) + "\n"
        text = "".join(lines)
    elif how == "prefix":
        text = draw(st.sampled_from(PREFIXES)) + text
    elif how == "alias-pair" and len(value_lines) >= 2:
        i, j = sorted(draw(st.lists(st.sampled_from(value_lines), min_size=2, max_size=2, unique=True)))
        m = VALUE_LINE.match(lines[i].rstrip("\n"))
        lines[i] = f"{m.group(1)} &v {m.group(2)}\n"
        lines[j] = VALUE_LINE.sub(lambda mm: f"{mm.group(1)} *v", lines[j].rstrip("\n")) + "\n"
        text = "".join(lines)
    elif how == "garbage":
        raw = text.encode("utf-8")
        at = draw(st.integers(0, len(raw)))
        junk = draw(st.binary(min_size=1, max_size=40))
        return path.name, raw[:at] + junk + raw[at:]
    elif how == "truncate":
        raw = text.encode("utf-8")
        return path.name, raw[: draw(st.integers(0, len(raw)))]
    elif how == "flow-nesting":
        d = draw(st.sampled_from([10, 45, 200, 5000]))
        text = "deep: " + "[" * d + "]" * d + "\n" + text
    elif how == "block-nesting":
        d = draw(st.sampled_from([45, 300]))
        text = "".join(f"{'  ' * k}k{k}:\n" for k in range(d)) + f"{'  ' * d}end\n" + text
    elif how == "huge":
        size = draw(st.sampled_from([20_000, 600_000]))
        text = text + f"\nextra: {'y' * size}\n"
    elif how == "tabs":
        text = text.replace("  ", "\t", draw(st.integers(1, 5)))
    elif how == "crlf":
        text = text.replace("\n", "\r\n")
    elif how == "control":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\x07", "\x1b[31m", "\u2028", "\ud7ff", "\x85", "\x00"])) + text[at:]
    return path.name, text.encode("utf-8", "surrogatepass")


# -- the properties -------------------------------------------------------------------


def _sentinelize(ws: Workspace, data: bytes) -> bytes:
    return data.replace(SENTINEL.encode(), str(ws.sentinel).encode())


@pytest.mark.timeout(60)
@settings(max_examples=400, **FAST)
@given(doc=values)
def test_lesson_loader_random_documents(ws, doc):
    _attempt(ws, "lesson", "random-lesson.yaml", _dump(doc))


@pytest.mark.timeout(60)
@settings(max_examples=400, **FAST)
@given(doc=values)
def test_exercise_loader_random_documents(ws, doc):
    _attempt(ws, "exercise", "random-exercise.yaml", _dump(doc))


@pytest.mark.timeout(90)
@settings(max_examples=250, **FAST)
@given(case=mutated_docs(LESSON_FILES))
def test_lesson_loader_mutated_course_files(ws, case):
    name, data = case
    _attempt(ws, "lesson", name, data)


@pytest.mark.timeout(90)
@settings(max_examples=350, **FAST)
@given(case=mutated_docs(EXERCISE_FILES))
def test_exercise_loader_mutated_course_files(ws, case):
    name, data = case
    _attempt(ws, "exercise", name, data)


@pytest.mark.timeout(90)
@settings(max_examples=300, **FAST)
@given(case=attacked_texts(LESSON_FILES))
def test_lesson_loader_hostile_text(ws, case):
    name, data = case
    _attempt(ws, "lesson", name, _sentinelize(ws, data))


@pytest.mark.timeout(90)
@settings(max_examples=300, **FAST)
@given(case=attacked_texts(EXERCISE_FILES))
def test_exercise_loader_hostile_text(ws, case):
    name, data = case
    _attempt(ws, "exercise", name, _sentinelize(ws, data))


# -- a few fixed documents, so the worst cases are always in the run -----------------

FIXED = {
    "os-system": "id: x\ntitle: !!python/object/apply:os.system ['touch @SENTINEL@']\n",
    "builtins-open": "id: !!python/object/apply:builtins.open ['@SENTINEL@', 'w']\n",
    "alias-bomb": PREFIXES[0],
    "self-alias": "a: &a [*a]\n",
    "deep-flow": "a: " + "[" * 20000 + "]" * 20000 + "\n",
    "nul": "id: x\x00\n",
    "not-utf8": b"id: \xff\xfe\n",
    "only-comment": "# nothing here\n",
    "a-list": "- 1\n- 2\n",
    "a-scalar": "hello\n",
    "too-big": "a: " + "z" * 700_000 + "\n",
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["lesson", "exercise"])
@pytest.mark.parametrize("label", FIXED)
def test_fixed_hostile_documents_are_refused(ws, kind, label):
    data = FIXED[label]
    data = data if isinstance(data, bytes) else data.encode("utf-8")
    path = ws.write(f"fixed-{kind}.yaml", _sentinelize(ws, data))
    load = _load_lesson if kind == "lesson" else _load_exercise
    with pytest.raises(TutorError) as info:
        load(path)
    _check_message(kind, path, info.value)
    assert not ws.sentinel.exists()


def test_the_sentinel_would_notice_code_running(ws):
    """The sentinel is real: PyYAML's unsafe loader does create it from the same text."""
    text = _sentinelize(ws, FIXED["os-system"].encode()).decode()
    probe = ws.root / "probe"
    yaml.unsafe_load(text.replace(str(ws.sentinel), str(probe)))
    assert probe.exists()
