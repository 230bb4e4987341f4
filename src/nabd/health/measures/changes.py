"""Measures of change in what an account pays and what customers answer: MRR change, CSAT and CES answers."""

from __future__ import annotations

import ibis

from nabd.health.scorecard import MeasureParams
from nabd.metrics.active import active_subscriptions
from nabd.store import Store
from nabd.store.window import Window


def _mrr(store: Store, day: ibis.DateValue) -> ibis.Table:
    periods = active_subscriptions(store, day)
    return periods.group_by("account_id").aggregate(mrr=periods.mrr.sum().cast("float64"))


def mrr_change(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """MRR on as_of / MRR on the day before the window - 1 (in the periods' own currency: an account's
    periods share one); null when the account paid nothing then."""
    now = _mrr(store, window.as_of)
    before = _mrr(store, window.days_before(window.days)).rename(before="mrr")
    joined = now.left_join(before, "account_id")
    return joined.select("account_id", value=ibis.ifelse(joined.before > 0, joined.mrr / joined.before - 1, None))


def _survey_mean(store: Store, window: Window, kind: str) -> ibis.Table:
    answers = store.table("survey_responses")
    answers = answers.filter((answers.kind == kind) & (answers.responded_at >= window.start)
                             & (answers.responded_at < window.end))
    return answers.group_by("account_id").aggregate(value=answers.score.cast("float64").mean())


def csat_mean(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean CSAT survey answer (1-5) in the window."""
    return _survey_mean(store, window, "csat")


def ces_mean(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean CES survey answer (customer effort, 1-7: higher is easier) in the window."""
    return _survey_mean(store, window, "ces")
