"""Why accounts have no score, for the portfolio and the account page: the stored run's coverage fell below
the scorecard's minimum, and these measures had no value (nabd.health.coverage, the same cause `nabd score`
prints), each with what would feed it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from nabd.health.coverage import feed_of, missing_by_measure
from nabd.health.versions import scorecard_of_version
from nabd.store import Store
from nabd.web.read.generation import data_generation


def _cause(card, unscored: int, missing: dict[str, int]) -> dict[str, Any]:
    return {
        "unscored": unscored,
        "minimum": card.missing_data.minimum_coverage,
        "scorecard": card.name,
        "missing": [{"measure": m, "name": card.measure(m).name.model_dump(), "accounts": n, "feed": feed_of(card, m)}
                    for m, n in sorted(missing.items(), key=lambda item: -item[1]) if n],
    }


_kept: OrderedDict[tuple, dict[str, Any] | None] = OrderedDict()
_kept_lock = threading.Lock()


def portfolio_unscored(store: Store) -> dict[str, Any] | None:
    """The cause of the newest run's unscored accounts; None when every account was scored.

    Kept per (database, data generation): it reads every score of the newest run (30 ms at 100k accounts)."""
    key = (str(store.url), data_generation(store))
    with _kept_lock:
        if key in _kept:
            return _kept[key]
    newest = store.fetchall(
        "SELECT scorecard_version, as_of FROM health_scores ORDER BY as_of DESC, computed_at DESC LIMIT 1")
    card = scorecard_of_version(store, newest[0][0]) if newest else None
    found = None
    if card is not None:
        unscored, missing = missing_by_measure(store, card, newest[0][1])
        found = {**_cause(card, unscored, missing), "as_of": newest[0][1]} if unscored else None
    with _kept_lock:
        _kept[key] = found
        while len(_kept) > 8:
            _kept.popitem(last=False)
    return found


def account_unscored(store: Store, account_id: str) -> dict[str, Any] | None:
    """Why the account's newest stored run gave it no score (the measures without a value); None when scored."""
    newest = store.fetchall(  # the account's rows first (zone maps), then the newest: not a Top-N over the table
        "WITH own AS MATERIALIZED (SELECT scorecard_version, as_of, score, coverage, computed_at FROM health_scores "
        "WHERE account_id = ?) SELECT scorecard_version, as_of, score, coverage FROM own "
        "ORDER BY as_of DESC, computed_at DESC LIMIT 1", [account_id])
    if not newest or newest[0][2] is not None:
        return None
    version, as_of, _, coverage = newest[0]
    card = scorecard_of_version(store, version)
    if card is None:
        return None
    nulls = ", ".join(f"CASE WHEN measure_values[{2 * p - 1}] IS NULL THEN 1 ELSE 0 END"
                      for p in range(1, len(card.measures) + 1))
    row = store.fetchall(
        f"SELECT {nulls} FROM health_scores WHERE account_id = ? AND as_of = ? AND scorecard_version = ? LIMIT 1",
        [account_id, as_of, version])[0]
    missing = {m.id: int(n) for m, n in zip(card.measures, row)}
    return {**_cause(card, 1, missing), "as_of": as_of, "coverage": coverage}
