"""Measures of the relationship: referrals made, the CSM's rating, days to the next renewal, and the churn its
coming renewals put at stake."""

from __future__ import annotations

import ibis
from ibis import _

from nabd.health.scorecard import MeasureParams
from nabd.metrics.active import (
    DAYS_PER_MONTH, active_accounts, customer_subscriptions, date_plus, next_renewals, renewal_terms,
)
from nabd.store import Store
from nabd.store.window import Window


def referrals(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """referrals the account made in the window (0 without any)."""
    made = store.table("referrals")
    made = made.filter((made.referred_at >= window.start) & (made.referred_at < window.end))
    return made.group_by("account_id").aggregate(value=_.count())


def csm_rating(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """the CSM's most recent relationship rating (1-5) given in the window."""
    ratings = store.table("relationship_ratings")
    ratings = ratings.filter((ratings.rated_at >= window.first_day) & (ratings.rated_at <= window.as_of))
    return ratings.group_by("account_id").aggregate(value=ratings.rating.argmax(ratings.rated_at))


def days_to_renewal(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """next renewal - as_of (nabd.metrics.active.next_renewals: active periods renewing on or after as_of)."""
    renewals = next_renewals(store, window.as_of)
    return renewals.select("account_id", value=renewals.renewal_date.delta(window.as_of, unit="day"))


YEAR_DAYS = 365


def renewal_exposure(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """The churn at stake in the renewals due in the next ``window_days`` days: 1 - (1 - r)^n, n the account's
    renewals due in (as_of, as_of + window_days] (its next renewal, then one per term), r the share of renewals
    not taken in the year before as_of by the accounts of the same term length (weekly, monthly, annual...) =
    accounts churned then / sum over them of (days a customer then / term days); all terms pooled for a term
    that had no customer then."""
    day = window.as_of
    year_ago = date_plus(day, ibis.literal(-YEAR_DAYS), "D")
    terms = renewal_terms(store, started_by=day)
    terms = terms.select("account_id", term=ibis.ifelse(
        terms.term_months > 0, terms.term_months.cast("float64") * DAYS_PER_MONTH, terms.term_days.cast("float64")))
    periods = customer_subscriptions(store)
    periods = periods.filter((periods.start_date <= day) & (periods.end_date.isnull() | (periods.end_date > year_ago)))
    spans = periods.group_by("account_id").aggregate(
        first=periods.start_date.min(),
        last=ibis.least(periods.end_date.fill_null(day), day).max())
    now = active_accounts(store, day).select(now_account="account_id")
    spans = spans.join(terms, "account_id").left_join(now, spans.account_id == now.now_account)
    days = spans.last.delta(ibis.greatest(spans.first, year_ago), unit="day").cast("float64")
    per_term = spans.group_by("term").aggregate(
        churned=ibis.ifelse(spans.now_account.isnull(), 1.0, 0.0).sum(), decisions=(days / spans.term).sum())
    pooled = per_term.aggregate(all_churned=per_term.churned.sum(), all_decisions=per_term.decisions.sum())
    rates = per_term.select(rate_term="term", rate=_share(per_term.churned, per_term.decisions))
    due = next_renewals(store, day).join(terms, "account_id")
    due = due.left_join(rates, due.term == rates.rate_term).cross_join(pooled)
    last = date_plus(day, ibis.literal(params.window_days), "D")
    count = ibis.ifelse(due.renewal_date <= last,
                        (last.delta(due.renewal_date, unit="day").cast("float64") / due.term).floor() + 1, 0)
    rate = due.rate.fill_null(_share(due.all_churned, due.all_decisions))
    return due.select("account_id", value=1 - (1 - rate) ** count)


def _share(churned: ibis.FloatingValue, decisions: ibis.FloatingValue) -> ibis.FloatingValue:
    """churned / decisions, at most 1; null without a decision (the engines' least() skips nulls)."""
    return ibis.ifelse(decisions > 0, ibis.least(churned / decisions, 1.0), ibis.null("float64"))
