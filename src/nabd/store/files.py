"""Files Nabd keeps beside its database: private to the user who runs Nabd (files 0600, folders 0700).

The database file and its write-ahead log, the intake journal, the serve file and the key file hold
customers' data or secrets, so nobody else on the machine may read them (where they live:
:mod:`nabd.store.places`).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def keep_private() -> None:
    """Take group and others' bits off every file this process creates from now on (umask |= 077).

    Needed for files made by others' code, such as DuckDB's write-ahead log, which it creates (and
    deletes after a checkpoint) whenever it likes with mode 0666 less the umask. Never loosens it.
    """
    os.umask(os.umask(0o077) | 0o077)


def make_private(path: Path) -> None:
    """Make an existing file 0600 (a folder 0700); nothing when it is missing or another user's."""
    try:
        os.chmod(path, PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)
    except (FileNotFoundError, PermissionError):
        pass


def private_folder(folder: Path) -> Path:
    """Make ``folder`` (and missing parents) if new, and make the folder itself 0700."""
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    make_private(folder)
    return folder


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` at once (a reader sees the old or the new file), as a 0600 file."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
