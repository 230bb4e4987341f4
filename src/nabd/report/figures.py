"""A month's figures, each taken from its metric function: the headlines against the month before and the
same month a year before, the MRR waterfall, retention, cohorts, voice of the customer, support, value,
the accounts that moved MRR most, and the health portfolio at the month's two edges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from nabd.health.portfolio import portfolio
from nabd.health.versions import active_scorecard
from nabd.metrics.mrr import MOVEMENTS, account_movements
from nabd.metrics.periods import next_period_start, periods
from nabd.metrics.registry import METRICS, compute
from nabd.report.noise import change_noise, history_noise
from nabd.report.reasons import churn_reasons
from nabd.store import Store

TOP_ACCOUNTS = 5


@dataclass(frozen=True)
class HeadlineSpec:
    """A headline: its metric table and column, its unit, which registry metric explains its change, how
    its noise is judged ("sampling" from its counts, "history" from its past month-to-month changes),
    and whether a rise is good."""

    key: str
    table: str
    column: str
    unit: str  # fraction (shown as %), percent (already 0-100), score, money, count, rate
    explained_by: str | None
    noise: str | None
    rise_is_good: bool


HEADLINES: tuple[HeadlineSpec, ...] = (
    HeadlineSpec("customers", "customer_churn", "customers_end", "count", None, None, True),
    HeadlineSpec("mrr", "mrr_movements", "closing_mrr", "money", None, None, True),
    HeadlineSpec("customer_churn", "customer_churn", "churn_rate", "fraction", "customer_churn", "sampling", False),
    HeadlineSpec("revenue_churn", "revenue_churn", "revenue_churn_rate", "fraction", "revenue_churn", "history", False),
    HeadlineSpec("grr", "revenue_retention", "grr", "fraction", None, "history", True),
    HeadlineSpec("nrr", "revenue_retention", "nrr", "fraction", "revenue_retention", "history", True),
    HeadlineSpec("nps", "nps", "nps", "score", "nps", "sampling", True),
    HeadlineSpec("csat", "csat", "csat_pct", "percent", "csat", "sampling", True),
    HeadlineSpec("ces", "ces", "easy_pct", "percent", "ces", "sampling", True),
    HeadlineSpec("tickets", "ticket_volume", "tickets_per_account", "rate", "ticket_volume", "sampling", False),
    HeadlineSpec("clv", "lifetime_value", "clv", "money", None, None, True),
)


def months_before(month: date, count: int) -> date:
    """The first day of the month ``count`` months before ``month``."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _by_month(rows: list[dict[str, Any]]) -> dict[date, dict[str, Any]]:
    return {row["period_start"]: row for row in rows}


def metric_rows(store: Store, month: date, reporting_currency: str) -> dict[str, dict[date, dict[str, Any]]]:
    """Every monthly metric the report reads, for the 13 months ending with ``month``, by month."""
    start, end = months_before(month, 12), next_period_start(month, "month") - timedelta(days=1)
    names = ("customer_churn", "revenue_churn", "revenue_retention", "mrr_movements", "nps", "csat", "ces",
             "ticket_volume", "ticket_times", "ticket_csat", "lifetime_value")
    found = {}
    for name in names:
        money = {"reporting_currency": reporting_currency} if METRICS[name].accepts("reporting_currency") else {}
        found[name] = _by_month(compute(store, name, start=start, end=end, **money).to_pylist())
    return found


def _value(rows: dict[date, dict[str, Any]], month: date, column: str) -> Any:
    return rows.get(month, {}).get(column)


def headline(spec: HeadlineSpec, rows: dict[str, dict[date, dict[str, Any]]], month: date) -> dict[str, Any]:
    """One headline: value, previous (month before), year_ago, changes, noise and whether it moved beyond it."""
    table = rows[spec.table]
    previous, year_ago = months_before(month, 1), months_before(month, 12)
    value, before, last_year = (_value(table, m, spec.column) for m in (month, previous, year_ago))
    change = None if value is None or before is None else value - before
    if spec.noise == "sampling":
        noise = change_noise(spec.key, table.get(month, {}), table.get(previous, {}))
    elif spec.noise == "history":
        past = [_value(table, months_before(month, k), spec.column) for k in range(12, 0, -1)]
        noise = history_noise(past)
    else:
        noise = None
    moved = change is not None and noise is not None and abs(float(change)) > noise
    return {
        "key": spec.key, "unit": spec.unit, "value": value, "previous": before, "year_ago": last_year,
        "change": change, "change_year": None if value is None or last_year is None else value - last_year,
        "noise": noise, "moved": moved, "explained_by": spec.explained_by, "rise_is_good": spec.rise_is_good,
        "note": table.get(month, {}).get("note"),
    }


def account_names(store: Store) -> dict[str, str]:
    accounts = store.table("accounts").select("account_id", "name").to_pyarrow().to_pylist()
    return {row["account_id"]: row["name"] for row in accounts}


def top_accounts(store: Store, month: date, reporting_currency: str) -> dict[str, list[dict[str, Any]]]:
    """The accounts that added the most MRR in the month (new, reactivation, expansion) and lost the most
    (churned, contraction), from :func:`nabd.metrics.mrr.account_movements`."""
    bounds = periods("month", month, month)
    moves = account_movements(store, bounds, reporting_currency)
    moves = moves.mutate(gained=moves.new + moves.reactivation + moves.expansion, lost=moves.churned + moves.contraction)
    names = account_names(store)
    found: dict[str, list[dict[str, Any]]] = {}
    for side, kinds in (("gained", ("new", "reactivation", "expansion")), ("lost", ("churned", "contraction"))):
        chosen = moves.filter(moves[side] > 0).order_by([moves[side].desc(), "account_id"]).limit(TOP_ACCOUNTS)
        found[side] = [
            {"account_id": row["account_id"], "name": names.get(row["account_id"], row["account_id"]),
             "amount": row[side], "kind": next(kind for kind in kinds if row[kind] > 0),
             "opening": row["opening"], "closing": row["closing"]}
            for row in chosen.to_pyarrow().to_pylist()
        ]
    return found


def cohort_table(store: Store, month: date, reporting_currency: str) -> dict[str, Any]:
    """Logo retention of the cohorts of the 12 months ending with ``month``, by age (months since start)."""
    start, end = months_before(month, 11), next_period_start(month, "month") - timedelta(days=1)
    rows = compute(store, "cohort_retention", start=start, end=end, reporting_currency=reporting_currency).to_pylist()
    cohorts = sorted({row["cohort_start"] for row in rows})
    return {
        "ages": sorted({row["age"] for row in rows}),
        "rows": [{"cohort": cohort,
                  "accounts": next(r["cohort_accounts"] for r in rows if r["cohort_start"] == cohort),
                  "retention": {r["age"]: r["logo_retention"] for r in rows if r["cohort_start"] == cohort}}
                 for cohort in cohorts],
    }


def _scored_on_or_before(store: Store, version: str, day: date) -> date | None:
    return store.scalar(
        "SELECT max(as_of) FROM health_scores WHERE scorecard_version = ? AND as_of <= ?", [version, day])


def health_movement(store: Store, month: date, reporting_currency: str) -> dict[str, Any] | None:
    """Accounts and MRR per band on the last scoring at or before the month's first day and its last day
    (:func:`nabd.health.portfolio.portfolio`), and how many accounts went from each band to each other."""
    scorecard = active_scorecard(store)
    last_day = next_period_start(month, "month") - timedelta(days=1)
    opening_day = _scored_on_or_before(store, scorecard.version, month)
    closing_day = _scored_on_or_before(store, scorecard.version, last_day)
    if opening_day is None or closing_day is None or opening_day == closing_day:
        return None
    edges = {name: portfolio(store, scorecard, as_of=day, reporting_currency=reporting_currency)
             for name, day in (("opening", opening_day), ("closing", closing_day))}
    bands = sorted(scorecard.bands, key=lambda b: b.range[0])
    summary = {name: {(s.band.id if s.band else None): s for s in found.bands} for name, found in edges.items()}
    rows = []
    for band in [*bands, None]:
        opening, closing = summary["opening"].get(band.id if band else None), summary["closing"].get(band.id if band else None)
        if band is None and opening is None and closing is None:
            continue
        rows.append({"band": band, "opening_accounts": opening.accounts if opening else 0,
                     "closing_accounts": closing.accounts if closing else 0,
                     "opening_mrr": opening.mrr if opening else Decimal(0), "closing_mrr": closing.mrr if closing else Decimal(0)})
    before = {r["account_id"]: r["band"] for r in edges["opening"].accounts.select("account_id", "band").to_pyarrow().to_pylist()}
    after = {r["account_id"]: r["band"] for r in edges["closing"].accounts.select("account_id", "band").to_pyarrow().to_pylist()}
    moves: dict[tuple[str | None, str | None], int] = {}
    for account, band in after.items():
        if account in before and before[account] != band:
            moves[(before[account], band)] = moves.get((before[account], band), 0) + 1
    names = {b.id: b for b in bands}
    transitions = [{"from": names.get(a), "to": names.get(b), "accounts": n}
                   for (a, b), n in sorted(moves.items(), key=lambda item: (-item[1], str(item[0])))]
    return {"opening_day": opening_day, "closing_day": closing_day, "bands": rows, "transitions": transitions,
            "stayed": sum(1 for a, b in after.items() if before.get(a) == b)}


def monthly_figures(store: Store, month: date, reporting_currency: str = "USD") -> dict[str, Any]:
    """Everything the report shows for the closed ``month`` (its first day), before wording."""
    rows = metric_rows(store, month, reporting_currency)
    of_month = {name: table.get(month, {}) for name, table in rows.items()}
    return {
        "month": month, "previous": months_before(month, 1), "year_ago": months_before(month, 12),
        "currency": reporting_currency,
        "headlines": [headline(spec, rows, month) for spec in HEADLINES],
        "waterfall": of_month["mrr_movements"], "movement_names": MOVEMENTS,
        "retention": {"customer_churn": of_month["customer_churn"], "revenue_churn": of_month["revenue_churn"],
                      "revenue_retention": of_month["revenue_retention"]},
        "voice": {name: of_month[name] for name in ("nps", "csat", "ces")},
        "support": {name: of_month[name] for name in ("ticket_volume", "ticket_times", "ticket_csat")},
        "value": of_month["lifetime_value"],
        "cohorts": cohort_table(store, month, reporting_currency),
        "accounts": top_accounts(store, month, reporting_currency),
        "health": health_movement(store, month, reporting_currency),
        "reasons": churn_reasons(store, month),
        "trend": trend(rows, month),
    }


TREND = (("churn_rate", "customer_churn", "churn_rate"), ("grr", "revenue_retention", "grr"),
         ("nrr", "revenue_retention", "nrr"), ("nps", "nps", "nps"), ("csat", "csat", "csat_pct"),
         ("ces_mean", "ces", "ces_mean"))


def trend(rows: dict[str, dict[date, dict[str, Any]]], month: date) -> dict[str, Any]:
    """The 13 months ending with ``month`` (labels YYYY-MM) and each TREND series' values (None = no value)."""
    months = [months_before(month, k) for k in range(12, -1, -1)]
    return {"labels": [f"{m:%Y-%m}" for m in months],
            **{key: [_float(rows[table].get(m, {}).get(column)) for m in months] for key, table, column in TREND}}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
