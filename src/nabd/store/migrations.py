"""Create and upgrade the schema: numbered plain-SQL files, recorded in ``schema_version``.

``migrations/NNNN_name.sql`` is written in the SQL that DuckDB and PostgreSQL share; where a
backend needs its own text, ``NNNN_name.duckdb.sql`` or ``NNNN_name.postgres.sql`` replaces it for
that backend. Each migration runs in its own transaction, so a failed upgrade loses no data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from nabd.errors import NabdError
from nabd.store.connection import Store
from nabd.store.clock import utc_now


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(kind: str) -> list[Migration]:
    """The shipped migrations for backend ``kind``, in version order."""
    folder = resources.files("nabd.store") / "migrations"
    chosen: dict[int, tuple[str, str, bool]] = {}
    for entry in folder.iterdir():
        parts = entry.name.split(".")
        if parts[-1] != "sql":
            continue
        specific = len(parts) == 3
        if specific and parts[1] != kind:
            continue
        version_text, _, name = parts[0].partition("_")
        version = int(version_text)
        if version not in chosen or specific:
            chosen[version] = (name, entry.read_text(encoding="utf-8"), specific)
    return [Migration(v, chosen[v][0], chosen[v][1]) for v in sorted(chosen)]


def schema_version(store: Store) -> int:
    """The highest migration applied to ``store``, 0 for an empty database."""
    if "schema_version" not in store.tables():
        return 0
    return store.scalar("SELECT max(version) FROM schema_version") or 0


def migrate(store: Store, upgrading: Callable[[Migration], None] | None = None) -> list[Migration]:
    """Apply, in version order, every shipped migration the store has not recorded; return those applied.

    ``upgrading`` is told of each migration before it runs on a store made by an earlier Nabd (not on a
    new one): some rebuild a table, which takes minutes on a large store.
    """
    store.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = dict(store.fetchall("SELECT version, name FROM schema_version"))
    applied = []
    for migration in available_migrations(store.kind):
        if migration.version in done:
            if done[migration.version] != migration.name:
                raise NabdError(
                    f"this database records migration {migration.version} as {done[migration.version]!r}, but this "
                    f"Nabd ships {migration.version} as {migration.name!r}: it was made by another build of Nabd; "
                    "open it with that build, or start from a new database"
                )
            continue
        if done and upgrading:
            upgrading(migration)
        try:
            with store.transaction():
                store.execute(migration.sql)
                store.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [migration.version, migration.name, utc_now()],
                )
        except NabdError:
            raise
        except Exception as error:  # the engine's own error, whatever its class: name the migration
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise NabdError(
                f"migration {migration.version:04d}_{migration.name} failed on this database and was not applied: "
                f"{first_line}"
            ) from error
        applied.append(migration)
    return applied
