"""The data page's read model: the latest imports, quarantined rows and row counts."""

from __future__ import annotations

from typing import Any

import ibis

from nabd.store import CANONICAL_TABLES, Store


def data_overview(store: Store, limit: int = 50) -> dict[str, Any]:
    """Latest imports, latest quarantined rows with their reasons, and row counts of the canonical tables."""
    imports = store.table("imports").order_by(ibis.desc("finished_at")).limit(limit)
    quarantine = store.table("quarantine").order_by(ibis.desc("received_at")).limit(limit)
    counts = {name: store.scalar(f"SELECT count(*) FROM {name}") for name in CANONICAL_TABLES}
    return {
        "imports": imports.to_pyarrow().to_pylist(),
        "quarantine": quarantine.to_pyarrow().to_pylist(),
        "counts": counts,
        "unmatched": store.scalar("SELECT count(*) FROM accounts WHERE status = 'unmatched'"),
    }
