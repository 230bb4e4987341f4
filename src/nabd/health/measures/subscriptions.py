"""Measures over subscription periods: licences and upgrades."""

from __future__ import annotations

import ibis

from nabd.health.scorecard import MeasureParams
from nabd.metrics.active import active_subscriptions
from nabd.store import Store
from nabd.store.window import Window


def licences(store: Store, day: ibis.DateValue) -> ibis.Table:
    """(account_id, licences): the sum of quantity of the account's periods active on ``day``."""
    periods = active_subscriptions(store, day)
    return periods.group_by("account_id").aggregate(licences=periods.quantity.sum())


def new_licences(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """licences on as_of - licences on the day before the window (negative when licences were removed)."""
    now = licences(store, window.as_of)
    before = licences(store, window.days_before(window.days)).rename(before="licences")
    joined = now.left_join(before, "account_id")
    return joined.select("account_id", value=joined.licences - joined.before.fill_null(0))


def solution_upgrade(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """1 when a period starting in the window has a higher mrr than the period of the same product it follows, else 0."""
    periods = store.table("subscriptions")
    new = periods.filter((periods.start_date >= window.first_day) & (periods.start_date <= window.as_of))
    old = periods.select(
        old_account=periods.account_id, old_product=periods.product, old_end=periods.end_date, old_mrr=periods.mrr
    )
    pairs = new.join(
        old, (new.account_id == old.old_account) & (new.product == old.old_product) & (new.start_date == old.old_end)
    )
    upgrades = pairs.filter(pairs.mrr > pairs.old_mrr).select("account_id").distinct()
    return upgrades.mutate(value=ibis.literal(1))


def tenure_days(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """as_of - the start of the account's first subscription period (periods started by as_of)."""
    periods = store.table("subscriptions")
    started = periods.filter(periods.start_date <= window.as_of)
    first = started.group_by("account_id").aggregate(first_day=started.start_date.min())
    return first.select("account_id", value=window.as_of.delta(first.first_day, unit="day"))
