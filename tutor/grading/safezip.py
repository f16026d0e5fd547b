"""Extract a class zip safely: no path outside the target, no links, bounded size.

A zip of submissions comes from students, so every entry is checked before
anything is written: no absolute path, no `..`, no drive letter, no symlink,
no duplicate name; at most MAX_ENTRIES entries and MAX_TOTAL bytes, counted
while reading (the sizes in the zip's header can lie).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from tutor.base.errors import TutorError

MAX_ENTRIES = 5000
MAX_FILE = 8 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
_CHUNK = 64 * 1024


def _member_path(info: zipfile.ZipInfo, zip_name: str) -> PurePosixPath | None:
    """The entry's relative path, or None for entries to skip (folders, Mac metadata)."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise TutorError(f"{zip_name}: the entry {name!r} points outside the folder; the zip is refused")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise TutorError(f"{zip_name}: the entry {name!r} is a symbolic link; the zip is refused")
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts or info.is_dir() or parts[0] == "__MACOSX":
        return None
    return PurePosixPath(*parts)


def extract(zip_path: Path, target: Path) -> Path:
    """Extract zip_path under target (which must exist); return the class folder.

    A zip that holds a single folder (a zipped class folder) returns that folder.
    """
    name = zip_path.name
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as err:
        raise TutorError(f"{zip_path} is not a readable zip file ({err})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise TutorError(f"{name} has {len(infos)} entries; at most {MAX_ENTRIES} are extracted")
        members, seen = [], set()
        for info in infos:
            rel = _member_path(info, name)
            if rel is None:
                continue
            key = str(rel).lower()
            if key in seen:
                raise TutorError(f"{name}: the entry {str(rel)!r} appears twice; the zip is refused")
            seen.add(key)
            members.append((info, rel))
        total = 0
        root = target.resolve()
        for info, rel in members:
            out = root.joinpath(*rel.parts)
            if root not in out.resolve().parents:
                raise TutorError(f"{name}: the entry {str(rel)!r} points outside the folder; the zip is refused")
            out.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with archive.open(info) as src, open(out, "xb") as dst:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        total += len(chunk)
                        if written > MAX_FILE:
                            raise TutorError(f"{name}: {str(rel)!r} is larger than {MAX_FILE // 2**20} MB; the zip is refused")
                        if total > MAX_TOTAL:
                            raise TutorError(f"{name} holds more than {MAX_TOTAL // 2**20} MB; the zip is refused")
                        dst.write(chunk)
            except FileExistsError:
                raise TutorError(f"{name}: the entry {str(rel)!r} clashes with another; the zip is refused") from None
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as err:
                raise TutorError(f"{name}: the entry {str(rel)!r} cannot be read ({err})") from None
    entries = [p for p in target.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return target
