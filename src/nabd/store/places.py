"""Where the files of a database live: beside a DuckDB file, in the user's state folder for PostgreSQL; and the
user's cache of what serves every database alike."""

from __future__ import annotations

import os
import re
from pathlib import Path

from nabd.store.connection import DatabaseURL, parse_url


def place_of(database_url: str | DatabaseURL, kind: str) -> Path | None:
    """Where the ``kind`` file (or folder) of a database lives: ``FILE.duckdb.KIND`` beside a DuckDB
    file; ``$XDG_STATE_HOME/nabd/KIND/HOST-PORT-DB-SCHEMA`` (by default under ``~/.local/state``) for
    PostgreSQL; None for an in-memory database, of which nothing outlives the process."""
    url = parse_url(database_url) if isinstance(database_url, str) else database_url
    if url.kind == "duckdb":
        if url.path == ":memory:":
            return None
        database = Path(url.path).expanduser().absolute()
        return database.with_name(f"{database.name}.{kind}")
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    name = "-".join(str(part) for part in (url.host or "localhost", url.port, url.database, url.schema or "public"))
    return state / "nabd" / kind / re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def user_cache(kind: str) -> Path:
    """``$XDG_CACHE_HOME/nabd/KIND`` (by default under ``~/.cache``): files any database of the user may read,
    which can be thrown away at any time."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nabd" / kind
