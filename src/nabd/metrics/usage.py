"""Product usage from the ``activity_daily`` rollup: active users per account, session minutes, feature adoption.

Event types (shared with ingest and the demo):
  ``session``          one row per contact and day; ``value_sum`` = session minutes
  ``feature:<name>``   use of feature <name>; the features offered are the distinct ones ever seen
  ``login``, ``page:<name>`` (e.g. ``page:pricing``, ``page:cancel``) count as activity, not as features
A user is a (account_id, contact_id) pair with contact_id <> '' ('' = activity with no contact).
Usage is measured over the customers active on the period's first day.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis

from nabd.metrics.active import customers_at_edges
from nabd.metrics.breakdown import check_breakdown, every_period, side_by_side, with_groups
from nabd.metrics.periods import dated, period_of, periods, span
from nabd.metrics.ratios import note, ratio
from nabd.store import Store
from nabd.store.vocabulary import FEATURE_PREFIX, SESSION


def _keys(by: str | None) -> list[str]:
    return ["period_start"] + ([by] if by else [])


def _customers(store: Store, bounds: ibis.Table, by: str | None) -> ibis.Table:
    """(period_start, account_id[, by]) of the customers active on each period's first day."""
    customers = customers_at_edges(store, bounds)
    return with_groups(store, customers.filter(customers.at_start).select("period_start", "account_id"), by)


def _customer_activity(store: Store, bounds: ibis.Table, period: str, by: str | None) -> ibis.Table:
    """Rows of activity_daily in the periods of ``bounds`` of accounts that were customers at its start."""
    activity = store.table("activity_daily")
    activity = dated(activity, activity.day, bounds, period)
    return activity.join(_customers(store, bounds, by), ["period_start", "account_id"])


def _customer_counts(store: Store, bounds: ibis.Table, by: str | None) -> ibis.Table:
    customers = _customers(store, bounds, by)
    return customers.group_by(_keys(by)).aggregate(customers_start=customers.count())


def active_users(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """dau_per_account = user-days / days in period / customers; wau_per_account = user-weeks (Monday weeks
    starting in the period) / such weeks / customers; active_users = distinct users active in the period."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    activity = _customer_activity(store, bounds, period, by)
    users = activity.filter(activity.contact_id != "")
    daily = users.select(*_keys(by), "account_id", "contact_id", "day").distinct()
    day_stats = daily.group_by(_keys(by)).aggregate(user_days=daily.count())
    distinct_users = daily.select(*_keys(by), "account_id", "contact_id").distinct()
    user_stats = distinct_users.group_by(_keys(by)).aggregate(active_users=distinct_users.count())
    # Weeks belong to the period their Monday falls in, so a week may reach past the period's end: the days
    # read run 6 days past the range, and the join to the customers keeps the weeks of the range's periods.
    first, after = span(bounds)
    weekly = store.table("activity_daily")
    weekly = weekly.filter((weekly.contact_id != "") & (weekly.day >= first) & (weekly.day < after + timedelta(days=6)))
    weekly = weekly.mutate(week=period_of(weekly.day, "week"))
    weekly = weekly.mutate(period_start=period_of(weekly.week, period)).join(
        _customers(store, bounds, by), ["period_start", "account_id"])
    weekly = weekly.select(*_keys(by), "account_id", "contact_id", "week").distinct()
    week_stats = weekly.group_by(_keys(by)).aggregate(user_weeks=weekly.count())
    stats = side_by_side(_keys(by), _customer_counts(store, bounds, by), day_stats, user_stats, week_stats)
    zero = ibis.literal(0, "int64")
    table = every_period(
        bounds, stats, by, {c: zero for c in ("customers_start", "user_days", "active_users", "user_weeks")}
    )
    table = table.join(bounds.select("period_start", "days", "mondays"), "period_start")
    return table.mutate(
        dau_per_account=ratio(table.user_days, table.days * table.customers_start),
        wau_per_account=ratio(table.user_weeks, table.mondays * table.customers_start),
        active_users_per_account=ratio(table.active_users, table.customers_start),
        note=note(
            (table.customers_start == 0, "no customers at period start"),
            (table.mondays == 0, "no week starts in the period"),
        ),
    ).drop("days", "mondays").order_by(_keys(by))


def session_minutes(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """minutes_per_account = session minutes in the period / customers at start; minutes_per_session = minutes / sessions."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    activity = _customer_activity(store, bounds, period, by)
    sessions = activity.filter(activity.event_type == SESSION)
    session_stats = sessions.group_by(_keys(by)).aggregate(
        sessions=sessions.events.sum(), session_minutes=sessions.value_sum.sum()
    )
    stats = side_by_side(_keys(by), _customer_counts(store, bounds, by), session_stats)
    zero = ibis.literal(0, "int64")
    table = every_period(
        bounds, stats, by, {"customers_start": zero, "sessions": zero, "session_minutes": ibis.literal(0.0)}
    )
    return table.mutate(
        minutes_per_account=ratio(table.session_minutes, table.customers_start),
        minutes_per_session=ratio(table.session_minutes, table.sessions),
        note=note(
            (table.customers_start == 0, "no customers at period start"),
            (table.sessions == 0, "no sessions in the period"),
        ),
    )


def feature_adoption(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    features_offered: int | None = None,
) -> ibis.Table:
    """adoption_pct = 100 x mean over customers at start of (distinct features used in the period / features offered);
    features offered = ``features_offered`` or the distinct ``feature:`` event types ever recorded."""
    check_breakdown(by)
    bounds = periods(period, start, end)
    activity = _customer_activity(store, bounds, period, by)
    used = activity.filter(activity.event_type.startswith(FEATURE_PREFIX))
    used = used.select(*_keys(by), "account_id", "event_type").distinct()
    used_stats = used.group_by(_keys(by)).aggregate(features_used=used.count())
    stats = side_by_side(_keys(by), _customer_counts(store, bounds, by), used_stats)
    zero = ibis.literal(0, "int64")
    table = every_period(bounds, stats, by, {"customers_start": zero, "features_used": zero})
    if features_offered is None:
        types = store.table("event_types")
        offered = types.filter(types.event_type.startswith(FEATURE_PREFIX)).aggregate(
            features_offered=lambda t: t.count()
        )
        table = table.cross_join(offered)
    else:
        table = table.mutate(features_offered=ibis.literal(int(features_offered), "int64"))
    return table.mutate(
        adoption_pct=100.0 * ratio(table.features_used, table.customers_start * table.features_offered),
        note=note(
            (table.customers_start == 0, "no customers at period start"),
            (table.features_offered == 0, "no features offered"),
        ),
    ).order_by(_keys(by))
