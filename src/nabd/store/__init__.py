"""The canonical store: one schema on DuckDB (embedded default) or PostgreSQL (production)."""

from collections.abc import Callable

from nabd.errors import NabdError
from nabd.store.connection import DatabaseURL, Store, connect, database_files, parse_url, reading_connection
from nabd.store.migrations import Migration, migrate, schema_version
from nabd.store.signing import move_keys_out

CANONICAL_TABLES = (
    "accounts", "contacts", "subscriptions", "events", "tickets", "invoices",
    "survey_responses", "referrals", "relationship_ratings", "currency_rates",
    "acquisition_costs", "health_scores", "health_band_changes", "tasks", "quarantine",
    "imports", "activity_daily", "event_types",
)


def open_store(url: str | DatabaseURL, upgrading: Callable[[Migration], None] | None = None,
               *, create: bool = True) -> Store:
    """Connect to ``url`` and bring its schema up to date (safe to call on every start); ``upgrading``
    hears of each migration applied to an existing store (see :func:`migrate`). Signing keys an earlier
    Nabd kept in the database move to the key file (nabd.store.signing). Unless ``create``, a database
    Nabd has not made yet (a missing DuckDB file, a PostgreSQL schema without Nabd's tables) is refused."""
    parsed = parse_url(url) if isinstance(url, str) else url
    missing = NabdError(f"there is no Nabd database at {parsed.display}: check --database (or NABD_DATABASE_URL); "
                        "`nabd init` makes a new one")
    if not create and database_files(parsed) and not database_files(parsed)[0].exists():
        raise missing
    store = connect(parsed)
    try:
        if not create and schema_version(store) == 0:
            raise missing
        migrate(store, upgrading)
        move_keys_out(store)
    except BaseException:
        store.close()
        raise
    return store


__all__ = [
    "CANONICAL_TABLES", "DatabaseURL", "Store", "connect", "migrate", "open_store", "parse_url",
    "reading_connection", "schema_version",
]
