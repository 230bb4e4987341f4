"""The renewals page's read model: accounts renewing in the next 30/60/90 days with MRR, band, churn risk,
last touch and open tasks, and the forecast of renewing MRR (nabd.playbooks.renewals) with its accuracy in
the last quarters. The rows are computed once per data generation and kept in the process.

p(churn) = the churn model's probability (``churn_risk``) when present, else the band's observed churn rate
(the daily run's renewal figures); expected MRR = MRR x (1 - p). Last touch = the newest task of the
account closed as done.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nabd.metrics.active import account_mrr, next_renewals
from nabd.playbooks.inbox import churn_risk_sql, latest_run
from nabd.playbooks.renewals import WINDOWS, renewal_figures
from nabd.store import Store
from nabd.web.read.generation import CACHE_SECONDS, data_generation

_kept: dict[str, Any] = {"key": None, "at": 0.0, "rows": [], "figures": None}
_lock = threading.Lock()


@dataclass
class Renewals:
    rows: list[dict[str, Any]]
    total: int
    windows: list[dict[str, Any]] = field(default_factory=list)  # days, accounts, mrr, forecast
    quarters: list[dict[str, Any]] = field(default_factory=list)  # the forecast accuracy of past quarters
    model: bool = False  # a churn model's probabilities are used (on this page)


def _rows(store: Store, today: date, currency: str) -> list[dict[str, Any]]:
    run = latest_run(store)
    version, as_of = run if run else ("", today)
    renewals = store.ibis.compile(next_renewals(store, today, max(WINDOWS)))
    mrr = store.ibis.compile(account_mrr(store, today, currency))
    return store.records(f"""
WITH renewing AS ({renewals}), mrr AS ({mrr}), risk AS ({churn_risk_sql(store)}),
scored AS (SELECT account_id, score, band FROM health_scores WHERE scorecard_version = ? AND as_of = ?),
work AS (SELECT account_id, count(*) FILTER (WHERE status = 'open') AS open_tasks,
                max(closed_at) FILTER (WHERE status = 'done') AS last_touch FROM tasks GROUP BY account_id)
SELECT r.account_id, a.name, a.csm, r.renewal_date, r.renewal_date - CAST(? AS DATE) AS days,
       coalesce(m.mrr, 0) AS mrr, s.score, s.band, k.risk, coalesce(w.open_tasks, 0) AS open_tasks, w.last_touch
FROM renewing r JOIN accounts a ON a.account_id = r.account_id
LEFT JOIN mrr m ON m.account_id = r.account_id LEFT JOIN scored s ON s.account_id = r.account_id
LEFT JOIN risk k ON k.account_id = r.account_id LEFT JOIN work w ON w.account_id = r.account_id
ORDER BY r.renewal_date, r.account_id""", [version, as_of, today])


def renewals(
    store: Store, today: date, *, csm: str | None, within: int = 90, limit: int = 50, offset: int = 0,
    currency: str = "USD",
) -> Renewals:
    """Renewals of ``csm`` (None: everyone's) in the next ``within`` days, one page, and the forecasts."""
    key = (str(store.url), today, currency, data_generation(store))
    with _lock:
        if _kept["key"] != key or time.monotonic() - _kept["at"] >= CACHE_SECONDS:
            _kept.update(key=key, at=time.monotonic(), rows=_rows(store, today, currency),
                         figures=renewal_figures(store), selections={})
        rows, figures = _kept["rows"], _kept["figures"] or {}
        selections = _kept["selections"]
        if (csm, within) not in selections:  # computed once per kept generation
            selections[(csm, within)] = _select(rows, figures.get("band_rates", {}), csm, within)
        chosen, windows = selections[(csm, within)]
    rates = figures.get("band_rates", {})
    page = [dict(row, p=_p(row, rates)) for row in chosen[offset:offset + limit]]
    return Renewals(rows=page, total=len(chosen), windows=windows, quarters=figures.get("quarters", []),
                    model=any(row["risk"] is not None for row in page))


def _select(rows: list[dict[str, Any]], rates: dict[str, float], csm: str | None, within: int) -> tuple[list, list]:
    """The rows of ``csm`` renewing within ``within`` days, and the forecast of each window."""
    mine = [row for row in rows if csm is None or row["csm"] == csm]
    windows = []
    for days in WINDOWS:
        due = [row for row in mine if row["days"] <= days]
        known = [row for row in due if _p(row, rates) is not None]  # no probability yet: no forecast
        windows.append({
            "days": days, "accounts": len(due), "mrr": sum(float(row["mrr"]) for row in due),
            "forecast": sum(float(row["mrr"]) * (1 - _p(row, rates)) for row in known) if known else None,
        })
    return [row for row in mine if row["days"] <= within], windows


def _p(row: dict[str, Any], rates: dict[str, float]) -> float | None:
    """The row's churn probability: the model's, else its band's observed rate, else None."""
    if row["risk"] is not None:
        return float(row["risk"])
    return rates.get(row["band"])
