"""A class in shares for batch systems: `--shard K/N` grades one share, `merge` puts them together.

Every share runs the same discovery over the whole class (cheap: nothing is
run), so each knows every submission's place in the single run's order.
A student belongs to share K of N by a hash of their id (stable across
machines and runs, and a student's rows stay together). A share writes
OUT/part.json: its records with their places, the share's number, and a
fingerprint of the whole class and the settings; `merge` refuses parts of
different classes or settings, a share given twice, or a missing one, and
otherwise gives the records in the order one run would have.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tutor.base.errors import TutorError

PART_NAME = "part.json"
PART_FORMAT = "tutor-grade-part/1"


def parse_shard(text: str) -> tuple[int, int]:
    """'2/5' -> (2, 5); anything else is a usage error."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise TutorError(f"--shard {text!r}: give K/N, e.g. 1/4 for the first of four shares") from None
    if not 1 <= k <= n:
        raise TutorError(f"--shard {text}: K must be between 1 and N")
    return k, n


def share_of(student: str, n: int) -> int:
    """Which of n shares (1..n) a student belongs to: a hash of the id, the same everywhere."""
    digest = hashlib.sha256(student.encode("utf-8", "backslashreplace")).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def fingerprint(subs: list, settings: dict) -> str:
    """The whole class (every submission's key and content) and the settings, as one hash."""
    h = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for sub in subs:
        h.update(sub.key.encode("utf-8", "backslashreplace") + b"\x01" + sub.content_hash().encode())
    return h.hexdigest()


def write_part(out: Path, k: int, n: int, subs: list, indices: list[int], records: list[dict], settings: dict) -> Path:
    """OUT/part.json for share k of n: records[j] is the submission at place indices[j] of subs."""
    from tutor.base.version import __version__

    doc = {"format": PART_FORMAT, "tutor_version": __version__, "shard": k, "of": n, "total": len(subs),
           "class": fingerprint(subs, settings), "settings": settings,
           "records": [{"index": i, "record": r} for i, r in zip(indices, records)]}
    path = out / PART_NAME
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


def read_part(folder: Path) -> dict:
    path = folder / PART_NAME if folder.is_dir() else folder
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise TutorError(f"{folder} holds no {PART_NAME}: give the folders that `tutor grade --shard K/N -o DIR` wrote") from None
    except ValueError:
        raise TutorError(f"{path} is not a readable part (not JSON)") from None
    if not isinstance(doc, dict) or doc.get("format") != PART_FORMAT:
        raise TutorError(f"{path} is not a part written by `tutor grade --shard`")
    return doc


def merge_parts(folders: list[Path]) -> tuple[list[dict], dict]:
    """(records in the single run's order, settings) from every share's folder, or a clear TutorError."""
    parts = [(f, read_part(f)) for f in folders]
    first_folder, first = parts[0]
    n = first["of"]
    seen: dict[int, Path] = {}
    for folder, doc in parts:
        if doc["of"] != n:
            raise TutorError(f"{folder} is share {doc['shard']} of {doc['of']}, but {first_folder} is one of {n}")
        if doc["class"] != first["class"]:
            raise TutorError(f"{folder} and {first_folder} were graded from different classes or with different "
                             "settings; grade every share from the same class with the same options")
        if doc["shard"] in seen:
            raise TutorError(f"share {doc['shard']} of {n} is given twice ({seen[doc['shard']]} and {folder}): "
                             "the shares overlap")
        seen[doc["shard"]] = folder
    missing = sorted(set(range(1, n + 1)) - set(seen))
    if missing:
        which = ", ".join(f"{k}/{n}" for k in missing)
        raise TutorError(f"share {which} is missing: run `tutor grade CLASS --shard {missing[0]}/{n} -o DIR` "
                         "and give its folder too")
    by_index: dict[int, dict] = {}
    for _folder, doc in parts:
        for entry in doc["records"]:
            if entry["index"] in by_index:
                raise TutorError(f"submission {entry['index']} is in two shares; the shares overlap")
            by_index[entry["index"]] = entry["record"]
    if sorted(by_index) != list(range(first["total"])):
        raise TutorError(f"the shares hold {len(by_index)} of the class's {first['total']} submissions; "
                         "a share was interrupted: run it again with the same command")
    return [by_index[i] for i in range(first["total"])], first["settings"]
