"""The canonical tables as a folder of Parquet files, for an engine that reads them where they lie (Spark:
nabd.store.spark): ``DIR/<table>.parquet``, one per canonical table, and ``DIR/nabd_meta.parquet`` with the
zone activity_daily's days were counted in. Results computed there go to ``DIR/results/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nabd.errors import NabdError
from nabd.store.calendar import ZONE_META_KEY
from nabd.store.connection import Store

EXPORTED_TABLES = (
    "accounts", "contacts", "subscriptions", "events", "tickets", "invoices",
    "survey_responses", "referrals", "relationship_ratings", "currency_rates",
    "acquisition_costs", "health_scores", "health_band_changes", "activity_daily", "event_types",
    "feedback_analysis", "onboarding_milestones", "indicator_firings",
)  # the canonical tables and what measures read (not the store's own bookkeeping: tasks, quarantine, imports)
META_TABLE = "nabd_meta"
RESULTS_FOLDER = "results"


def export_parquet(store: Store, folder: Path, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write each exported table of ``store`` (DuckDB or PostgreSQL) to ``folder/<table>.parquet``; rows per table."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NabdError(f"{folder} is a file, not a folder for the Parquet tables")
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    meta = store.table(META_TABLE)
    for name, table in [*((n, store.table(n)) for n in EXPORTED_TABLES),
                        (META_TABLE, meta.filter(meta.key == ZONE_META_KEY))]:
        store.ibis.to_parquet(table, folder / f"{name}.parquet")
        rows[name] = int(table.count().to_pyarrow().as_py())
        if progress:
            progress(name, rows[name])
    return rows


def exported_tables(folder: str) -> dict[str, str]:
    """The tables of an exported folder by name -> path (a local folder, or a URL Spark reads: hdfs://, s3a://)."""
    if "://" in folder and not folder.startswith("file://"):
        return {name: f"{folder.rstrip('/')}/{name}.parquet" for name in (*EXPORTED_TABLES, META_TABLE)}
    local = Path(folder.removeprefix("file://"))
    return {name: str(local / f"{name}.parquet") for name in (*EXPORTED_TABLES, META_TABLE)
            if (local / f"{name}.parquet").exists()}

