"""The data page's read model: the latest imports, quarantined rows, row counts, and what `nabd profile` shows
(what the store holds and can support, and how the active scorecard's measures are fed)."""

from __future__ import annotations

from typing import Any

import ibis

from nabd.health.profile import profile
from nabd.health.versions import active_scorecard
from nabd.store import CANONICAL_TABLES, Store


def data_overview(store: Store, limit: int = 50) -> dict[str, Any]:
    """Latest imports, latest quarantined rows with their reasons, row counts of the canonical tables, and the
    profile of the store under the active scorecard (nabd.health.profile, the same as `nabd profile`)."""
    imports = store.table("imports").order_by(ibis.desc("finished_at")).limit(limit)
    quarantine = store.table("quarantine").order_by(ibis.desc("received_at")).limit(limit)
    counts = {name: store.scalar(f"SELECT count(*) FROM {name}") for name in CANONICAL_TABLES}
    return {
        "imports": imports.to_pyarrow().to_pylist(),
        "quarantine": quarantine.to_pyarrow().to_pylist(),
        "counts": counts,
        "unmatched": store.scalar("SELECT count(*) FROM accounts WHERE status = 'unmatched'"),
        "profile": profile(store, active_scorecard(store)),
    }
