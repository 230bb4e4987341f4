"""All the measures of a scorecard as one row per active account: the raw values a score reads."""

from __future__ import annotations

from datetime import date

import ibis
from ibis import _

from nabd.health.measures.activity import ACTIVITY_MEASURES, with_activity
from nabd.health.measures.changes import ces_mean, csat_mean, mrr_change
from nabd.health.measures.custom import custom
from nabd.health.measures.firings import indicator_firings
from nabd.health.measures.onboarding import days_since_milestone, onboarding_progress
from nabd.health.measures.payments import late_invoice_share, payment_days_overdue
from nabd.health.measures.relationship import csm_rating, days_to_renewal, referrals, renewal_exposure
from nabd.health.measures.subscriptions import licences, new_licences, solution_upgrade, tenure_days
from nabd.health.measures.table import TableMeasure
from nabd.health.measures.tickets import ticket_csat, ticket_frequency, ticket_trend
from nabd.health.measures.voice import nps_latest, nps_trend, sentiment
from nabd.health.scorecard import MeasureSpec
from nabd.metrics.active import active_accounts
from nabd.store import Store
from nabd.store.window import Window, as_of_value

TABLE_MEASURES: dict[str, TableMeasure] = {
    "new_licences": new_licences, "solution_upgrade": solution_upgrade,
    "ticket_frequency": ticket_frequency, "ticket_trend": ticket_trend, "ticket_csat": ticket_csat,
    "payment_days_overdue": payment_days_overdue, "late_invoice_share": late_invoice_share,
    "nps_latest": nps_latest, "nps_trend": nps_trend, "sentiment": sentiment, "referrals": referrals,
    "csm_rating": csm_rating, "days_to_renewal": days_to_renewal, "renewal_exposure": renewal_exposure,
    "custom": custom, "tenure_days": tenure_days,
    "mrr_change": mrr_change, "csat_mean": csat_mean, "ces_mean": ces_mean,
    "onboarding_progress": onboarding_progress, "days_since_milestone": days_since_milestone,
    "indicator_firings": indicator_firings,
}
# An account absent from these measures' tables has the value 0 (nothing happened), not "no data".
ZERO_WHEN_ABSENT = {"solution_upgrade", "ticket_frequency", "ticket_trend", "referrals", "indicator_firings"}


def scored_accounts(store: Store, as_of: date | ibis.DateValue) -> ibis.Table:
    """Active accounts on as_of with their segment and licences (sum of quantity of active periods)."""
    accounts = store.table("accounts").select("account_id", "segment", "csm")
    day = as_of_value(as_of)
    active = active_accounts(store, day).join(accounts, "account_id")
    return active.left_join(licences(store, day), "account_id").select(
        "account_id", "segment", "csm", licences=_.licences.fill_null(0)
    )


RAW_DECIMALS = 9
_RAW_SCALE = 10.0**RAW_DECIMALS
_ROUNDED_BELOW = 1e9  # |value| x 10^9 stays within a BIGINT; larger values are kept as they are


def _rounded(value: ibis.FloatingValue) -> ibis.FloatingValue:
    """``value`` to RAW_DECIMALS places, as round(value x 10^9) / 10^9 in doubles: the engines' round(x, 9)
    goes through NUMERIC on PostgreSQL (and decimals on Spark), ~40x slower per value."""
    return ibis.ifelse(value.abs() < _ROUNDED_BELOW, (value * _RAW_SCALE).round() / _RAW_SCALE, value)


def measure_values(store: Store, measures: list[MeasureSpec], as_of: date | ibis.DateValue) -> ibis.Table:
    """(account_id, segment, csm, licences, ``r__<measure id>`` raw float64 values) for accounts active on as_of.

    Raw values are rounded to RAW_DECIMALS places (below 10^9 in size). An engine adds doubles in parallel
    in a different order from run to run, so the same rows can sum to 42.915 once and to 42.915000000000006
    the next time. That last-bit noise would change a percentile rank or land on the other side of a
    threshold: the score of unchanged data would move between re-runs, and so could its band.
    """
    as_of = as_of_value(as_of)
    accounts = scored_accounts(store, as_of)
    usage = [m for m in measures if m.type in ACTIVITY_MEASURES]
    if usage:
        accounts = with_activity(store, accounts, usage, as_of)
    others = [m for m in measures if m.type in TABLE_MEASURES]
    if others:
        accounts = _with_others(store, accounts, others, as_of)
    return accounts.select(
        "account_id", "segment", "csm", "licences",
        **{f"r__{m.id}": _rounded(accounts[f"r__{m.id}"]) for m in measures},
    )


def _with_others(store: Store, accounts: ibis.Table, others: list[MeasureSpec], as_of: ibis.DateValue) -> ibis.Table:
    """Join the other measures' values: each measure's (account_id, value) table, left-joined on the account.

    (Stacking them and pivoting in one GROUP BY was ~1 s slower at 1M accounts: benchmarks/RESULTS.md.)
    """
    joined = accounts
    for spec in others:
        key, value = f"k__{spec.id}", f"p__{spec.id}"
        table = TABLE_MEASURES[spec.type](store, Window(as_of, spec.params.window_days), spec.params).select(
            **{key: _.account_id.cast("string"), value: _.value.cast("float64")}
        )
        joined = joined.left_join(table, joined.account_id == table[key]).drop(key)
    return joined.mutate(**{
        f"r__{spec.id}": joined[f"p__{spec.id}"].fill_null(0) if spec.type in ZERO_WHEN_ABSENT else joined[f"p__{spec.id}"]
        for spec in others
    }).drop(*(f"p__{spec.id}" for spec in others))
