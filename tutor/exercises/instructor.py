"""Who may see a reference before passing: whoever holds the instructor's key file.

The instructor creates a secret key file once and puts the SHA-256 of its
bytes, one hex digest a line, in `instructor.sha256` inside the course's
exercises folder (the course they hand out carries the hash, never the key).
`tutor solution ID --instructor --key FILE` shows a reference only when the
hash of FILE is listed there. See docs/instructors.md for what this does and
does not protect.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from tutor.base.errors import TutorError

HASH_FILE = "instructor.sha256"
MAX_KEY_BYTES = 4096


def key_hashes(folder: Path) -> set[str]:
    path = Path(folder) / HASH_FILE
    try:
        text = path.read_text(encoding="ascii", errors="replace")[:100_000]
    except OSError:
        return set()
    return {line.split()[0].lower() for line in text.splitlines()
            if line.strip() and not line.startswith("#") and len(line.split()[0]) == 64}


def verify_key(key_file: Path | None, folder: Path) -> None:
    """Return when key_file is an instructor key of the course in folder; TutorError (one line) otherwise."""
    from tutor.exercises.intake import IntakeError, read_regular

    hashes = key_hashes(folder)
    if not hashes:
        raise TutorError(f"this course has no instructor key ({Path(folder) / HASH_FILE} is missing); "
                         "docs/instructors.md says how to make one")
    if key_file is None:
        raise TutorError("--instructor needs --key FILE, the instructor's key file")
    try:
        data = read_regular(key_file, MAX_KEY_BYTES)
    except IntakeError as err:
        raise TutorError(f"cannot use {key_file} as a key: {err}") from None
    if data is None:
        raise TutorError(f"there is no key file {key_file}")
    digest = hashlib.sha256(data).hexdigest()
    if not any(hmac.compare_digest(digest, h) for h in hashes):
        raise TutorError(f"{key_file} is not this course's instructor key")
