"""Renewals: the accounts renewing in the next 30/60/90 days, and a forecast of the MRR that renews,
compared afterwards with what happened.

p(churn) of an account = its churn model probability (the newest row of ``churn_risk``) when there is one,
else the observed churn rate of its band within HORIZON_DAYS in the scorecard backtest (the year of as-of
dates the data can label, every 28 days: :func:`nabd.health.backtest.run_backtest`).
forecast renewing MRR = sum over renewing accounts of MRR x (1 - p(churn)).
Accuracy per quarter: for each of the last QUARTERS closed quarters, the accounts whose next renewal fell in
the quarter, scored on its first day (the scorecard, computed as the backtest does: nothing stored),
forecast = sum MRR(first day) x (1 - band rate), actual = the MRR of those still customers on the first day of
the next quarter; error = forecast - actual, relative error = error / actual. The band rates are measured
over the year of the backtest, which may include the quarter they are compared with.
The figures are computed by the daily run at most once every REFRESH_DAYS and kept in ``nabd_meta``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import ibis

from nabd.errors import NabdError
from nabd.health.backtest import backtest_dates, outcomes, run_backtest
from nabd.health.scorecard import Scorecard
from nabd.metrics.active import account_mrr, active_accounts, date_plus, next_renewals
from nabd.store import Store
from nabd.store.compiled import kept_per_day
from nabd.store.per_day import DaySQL, as_of_parameter, rows_on_days, sentinel_sql

FIGURES_KEY = "renewal_figures"
HORIZON_DAYS = 90
QUARTERS = 4
REFRESH_DAYS = 7
WINDOWS = (30, 60, 90)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def band_churn_rates(store: Store, scorecard: Scorecard) -> dict[str, float]:
    """band id -> churn rate within HORIZON_DAYS in the scorecard backtest (empty when the data cannot label churn:
    too short, or no subscription period has ended, so no account can have stopped being active)."""
    if not store.scalar("SELECT count(*) FROM subscriptions WHERE end_date IS NOT NULL"):
        return {}
    try:
        dates = backtest_dates(store, None, None, 28, HORIZON_DAYS)
    except NabdError:
        return {}
    result = run_backtest(store, scorecard, dates, HORIZON_DAYS)
    return {band.band: band.churn_rate for band in result.bands if band.churn_rate is not None}


def renewing_by_band_sql(store: Store, scorecard: Scorecard, currency: str) -> DaySQL:
    """Per band, the accounts whose next renewal falls in the quarter starting on the as-of date (scored on its
    first day), their MRR then and the MRR of those still customers on the next quarter's first day: (band,
    accounts, mrr, kept), compiled once for every quarter and kept per scorecard version (nabd.store.compiled)."""

    def write() -> str:
        start = as_of_parameter()
        end = date_plus(start, ibis.literal(3), "M")
        scored = outcomes(store, scorecard, start, HORIZON_DAYS).select("account_id", "band")
        renewing = next_renewals(store, start)
        renewing = renewing.filter(renewing.renewal_date < end).select(renewing_account="account_id")
        mrr = account_mrr(store, start, currency).rename(mrr_account="account_id")
        later = active_accounts(store, end).select(kept_account="account_id")
        rows = renewing.join(mrr, renewing.renewing_account == mrr.mrr_account)
        rows = rows.left_join(scored, rows.renewing_account == scored.account_id)
        rows = rows.left_join(later, rows.renewing_account == later.kept_account)
        money = rows.mrr.cast("float64")
        per_band = rows.group_by("band").aggregate(
            accounts=rows.count(), mrr=money.sum(), kept=money.sum(where=rows.kept_account.notnull()).fill_null(0),
        ).select("band", "accounts", "mrr", "kept")
        return sentinel_sql(store, per_band, start)

    return kept_per_day(store, f"renewing {scorecard.version} {currency}", write)


def quarters_accuracy(
    store: Store, scorecard: Scorecard, rates: dict[str, float], starts: list[date], currency: str,
) -> list[dict[str, Any]]:
    """The forecast of each quarter starting on one of ``starts`` made on its first day, and what renewed."""
    rows = rows_on_days(store, renewing_by_band_sql(store, scorecard, currency), starts)
    return [_accuracy(rates, start, per_band) for start, per_band in zip(starts, rows)]


def _accuracy(rates: dict[str, float], start: date, rows: list[tuple]) -> dict[str, Any]:
    per_band = [dict(zip(("band", "accounts", "mrr", "kept"), row)) for row in rows]
    known = [row for row in per_band if row["band"] in rates]
    forecast = sum(float(row["mrr"]) * (1 - rates[row["band"]]) for row in known)
    actual = sum(float(row["kept"]) for row in known)
    due = sum(float(row["mrr"]) for row in known)
    return {
        "quarter": f"{start.year}-Q{(start.month - 1) // 3 + 1}", "first": start.isoformat(),
        "accounts": sum(row["accounts"] for row in known), "renewing_mrr": due, "forecast": forecast,
        "actual": actual, "error": forecast - actual if known else None,
        "relative_error": (forecast - actual) / actual if actual else None,
        "unscored": sum(row["accounts"] for row in per_band if row["band"] not in rates),
    }


def record_renewal_figures(
    store: Store, as_of: date, scorecard: Scorecard, currency: str = "USD", *, force: bool = False,
) -> dict[str, Any] | None:
    """Measure the band churn rates and the last QUARTERS quarters' forecast accuracy, and keep them; done at
    most once every REFRESH_DAYS (or when the scorecard changes) unless ``force``."""
    kept = renewal_figures(store)
    if (not force and kept and kept["version"] == scorecard.version
            and 0 <= (as_of - date.fromisoformat(kept["as_of"])).days < REFRESH_DAYS):
        return kept
    rates = band_churn_rates(store, scorecard)
    starts, start = [], quarter_start(as_of)
    first_data = store.scalar("SELECT min(start_date) FROM subscriptions")
    for _ in range(QUARTERS):
        start = quarter_start(start - timedelta(days=1))
        if rates and first_data is not None and start > first_data:
            starts.append(start)
    quarters = quarters_accuracy(store, scorecard, rates, starts, currency) if starts else []
    figures = {"as_of": as_of.isoformat(), "version": scorecard.version, "horizon_days": HORIZON_DAYS,
               "band_rates": rates, "quarters": quarters}
    with store.transaction():
        store.execute("DELETE FROM nabd_meta WHERE key = ?", [FIGURES_KEY])
        store.execute("INSERT INTO nabd_meta (key, value) VALUES (?, ?)", [FIGURES_KEY, json.dumps(figures)])
    return figures


def renewal_figures(store: Store) -> dict[str, Any] | None:
    value = store.scalar("SELECT value FROM nabd_meta WHERE key = ?", [FIGURES_KEY])
    return json.loads(value) if value else None
