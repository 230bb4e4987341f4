"""Who is a customer on a day, and what they pay: the definitions every metric and score shares.

A subscription period is active on day d when ``start_date <= d < end_date`` (end exclusive, null =
open). An account is an active customer on d when at least one of its periods is active on d and
it is not ``unmatched``; its next renewal is the earliest renewal on or after d of those periods, a stored
renewal date already passed rolled forward by the account's term (:func:`renewal_terms`: the period renewed).
Its MRR on d is the sum of its active periods' MRR in the reporting currency, converted at the rate
in force on ``rate_day`` (the period's first day, by default d).
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.currency import convert_on, to_reporting_currency
from nabd.store import Store
from nabd.store.window import as_of_value


def is_active(periods: ibis.Table, day: ibis.Value | date) -> ibis.BooleanValue:
    """The one definition of "active": start_date <= day < coalesce(end_date, +inf); ``day`` a date or a column."""
    return (periods.start_date <= day) & (periods.end_date.isnull() | (periods.end_date > day))


def customer_accounts(store: Store) -> ibis.Table:
    """The accounts that are customers: every account but the ``unmatched`` ones the event API made."""
    return store.table("accounts").filter(lambda a: a.status != "unmatched")


def customer_subscriptions(store: Store) -> ibis.Table:
    """Subscription periods of customer accounts (an ``unmatched`` account is not a customer)."""
    periods = store.table("subscriptions")
    return periods.filter(periods.account_id.isin(customer_accounts(store).account_id))


def active_subscriptions(store: Store, day: date | ibis.DateValue) -> ibis.Table:
    """Subscription periods active on ``day``: start_date <= day < coalesce(end_date, +inf)."""
    periods = store.table("subscriptions")
    return periods.filter(is_active(periods, day))


def active_accounts(store: Store, day: date | ibis.DateValue) -> ibis.Table:
    """One row (account_id) per account with an active subscription on ``day``, unmatched excluded."""
    periods = customer_subscriptions(store)
    return periods.filter(is_active(periods, day)).select("account_id").distinct()


def churned_by(store: Store, day: date | ibis.DateValue) -> ibis.Table:
    """(account_id) of every customer account churned by ``day``: one of its periods started on or before ``day``
    and none is active on it (the portfolio's "churned", the account page's status, the survey's warning)."""
    day = as_of_value(day)
    periods = customer_subscriptions(store)
    started = periods.filter(periods.start_date <= day)
    accounts = started.group_by("account_id").aggregate(active=is_active(started, day).any())
    return accounts.filter(~accounts.active).select("account_id")


DAYS_PER_MONTH = 30.4375  # 365.25 / 12


def renewal_terms(store: Store, started_by: date | None = None) -> ibis.Table:
    """(account_id, term_months, term_days): the account's renewal term, from its longest start -> renewal_date
    gap over its periods, ``longest`` days: term_months = round(longest / 30.4375) when longest >= 28 (a month,
    a quarter, a year...), else 0 and term_days = max(longest, 1) (a weekly plan). ``started_by``: only the
    periods started on or before that day (what was known then)."""
    periods = customer_subscriptions(store)
    periods = periods.filter(periods.renewal_date.notnull())
    if started_by is not None:
        periods = periods.filter(periods.start_date <= started_by)
    terms = periods.group_by("account_id").aggregate(
        longest=periods.renewal_date.delta(periods.start_date, unit="day").max())
    return terms.select(
        "account_id",
        term_months=ibis.ifelse(terms.longest >= 28, (terms.longest / DAYS_PER_MONTH).round(), 0).cast("int64"),
        term_days=ibis.greatest(terms.longest, 1).cast("int64"),
    )


def months_between(start: ibis.DateValue, end: ibis.DateValue) -> ibis.IntegerValue:
    """Whole calendar months from ``start`` to ``end`` (a month counts once its day of month is reached)."""
    months = (end.year() * 12 + end.month()) - (start.year() * 12 + start.month())
    return (months - ibis.ifelse(end.day() < start.day(), 1, 0)).cast("int64")


def date_plus(day: ibis.DateValue, count: ibis.IntegerValue, unit: str) -> ibis.DateValue:
    """day + count units ("M" months, "D" days) as a date (DuckDB's date + interval is a timestamp)."""
    return (day + count.as_interval(unit)).cast("timestamp").cast("date")


def _rolled_renewal(renewal: ibis.DateValue, day: ibis.DateValue, months: ibis.IntegerValue,
                    days: ibis.IntegerValue) -> ibis.DateValue:
    """The first renewal on or after ``day`` of a term renewing on ``renewal`` every ``months`` months (or, when
    months = 0, every ``days`` days): renewal itself when not past, else renewal + k terms, k the fewest reaching day."""
    step = ibis.greatest(months, 1)
    whole = months_between(renewal, day) // step * step  # renewal + whole months <= day
    on_or_before = date_plus(renewal, whole, "M")
    by_months = ibis.ifelse(on_or_before >= day, on_or_before, date_plus(renewal, whole + step, "M"))
    behind = day.delta(renewal, unit="day")
    by_days = date_plus(renewal, (behind + days - 1) // days * days, "D")
    return ibis.ifelse(renewal >= day, renewal, ibis.ifelse(months > 0, by_months, by_days))


def _renewing_periods(store: Store, day: ibis.DateValue) -> ibis.Table:
    """Customer periods active on ``day`` with a renewal date, each with next_renewal: its first renewal on or
    after ``day`` (:func:`_rolled_renewal` by the account's :func:`renewal_terms`)."""
    periods = customer_subscriptions(store)
    periods = periods.filter(is_active(periods, day) & periods.renewal_date.notnull())
    terms = renewal_terms(store)
    joined = periods.join(terms, "account_id")
    return joined.mutate(next_renewal=_rolled_renewal(joined.renewal_date, day, joined.term_months, joined.term_days))


def next_renewals(store: Store, day: date | ibis.DateValue, within_days: int | None = None) -> ibis.Table:
    """(account_id, renewal_date): per active customer account on ``day`` (unmatched excluded), the earliest
    next renewal of its active periods: the stored renewal_date when on or after ``day``, else rolled forward by
    the account's term (the period renewed), and at most ``within_days`` after ``day``, when given."""
    day = as_of_value(day)
    periods = _renewing_periods(store, day)
    renewals = periods.group_by("account_id").aggregate(renewal_date=periods.next_renewal.min())
    if within_days is not None:
        renewals = renewals.filter(renewals.renewal_date <= (day + ibis.interval(days=within_days)).cast("date"))
    return renewals


def renewing_mrr(store: Store, day: date | ibis.DateValue, reporting_currency: str = "USD") -> ibis.Table:
    """(account_id, renewal_date, renewal_mrr): per active customer account on ``day``, its next renewal
    (:func:`next_renewals`) and the MRR renewing then = sum(mrr x rate(currency, day)) of its active periods
    whose next renewal is that date, in the reporting currency."""
    periods = _renewing_periods(store, as_of_value(day))
    renewals = next_renewals(store, day)
    renewing = periods.join(renewals, periods.account_id == renewals.account_id).filter(
        periods.next_renewal == renewals.renewal_date
    ).select(periods.account_id, renewals.renewal_date, periods.mrr, periods.currency)
    converted = to_reporting_currency(store, renewing, "mrr", reporting_currency, day)
    return converted.group_by("account_id", "renewal_date").aggregate(renewal_mrr=converted.mrr.sum())


def account_mrr(
    store: Store, day: date | ibis.DateValue, reporting_currency: str = "USD", rate_day: date | None = None
) -> ibis.Table:
    """Per active account on ``day``: mrr = sum(period mrr x rate(currency, rate_day)), in reporting currency."""
    periods = customer_subscriptions(store)
    periods = to_reporting_currency(
        store, periods.filter(is_active(periods, day)), "mrr", reporting_currency, rate_day or day
    )
    return periods.group_by("account_id").aggregate(mrr=lambda t: t.mrr.sum())


def account_mrr_on_days(store: Store, days: list[date], reporting_currency: str = "USD") -> ibis.Table:
    """Per day d of ``days`` and account active on d: as_of = d, mrr = sum(period mrr x rate(currency, d)).

    :func:`account_mrr` of many days in one query (a backtest's as-of dates).
    """
    on = ibis.memtable({"as_of": days}, schema={"as_of": "date"})
    periods = customer_subscriptions(store)
    active = periods.join(on, is_active(periods, on.as_of)).mutate(rate_day=on.as_of)
    converted = convert_on(store, active, "mrr", reporting_currency)
    return converted.group_by("as_of", "account_id").aggregate(mrr=converted.mrr.sum())


def _touching(store: Store, bounds: ibis.Table) -> ibis.Table:
    """One row per customer subscription period and period it overlaps (a range join: start_date <= next_start and
    end_date > period_start), with whether it is active on the period's first day (at_start) and on the next
    period's (at_end)."""
    periods = customer_subscriptions(store)
    touches = (periods.start_date <= bounds.next_start) & (
        periods.end_date.isnull() | (periods.end_date > bounds.period_start)
    )
    return periods.join(bounds, touches).select(
        bounds.period_start, bounds.next_start, periods.account_id, periods.currency, periods.mrr,
        at_start=is_active(periods, bounds.period_start), at_end=is_active(periods, bounds.next_start),
    )


def subscriptions_at_edges(store: Store, bounds: ibis.Table) -> ibis.Table:
    """One row per customer subscription period and period it is active in on the first day (at_start) or
    the next period's first day (at_end), or both.

    Columns: period_start, next_start, account_id, currency, mrr, at_start, at_end. A range join, not a union of
    one leg per edge; a subscription that starts and ends inside a period touches neither edge and is left out.
    """
    touching = _touching(store, bounds)
    return touching.filter(touching.at_start | touching.at_end)


def customers_at_edges(store: Store, bounds: ibis.Table) -> ibis.Table:
    """Per period and account with a subscription overlapping it: at_start, at_end (booleans: active on its first
    day, on the next period's). Both are false for an account whose subscriptions all began and ended inside the
    period: every reader selects by them, so those rows are not filtered out (a filter cost ~13% of customer churn)."""
    edges = _touching(store, bounds)
    return edges.group_by("period_start", "next_start", "account_id").aggregate(
        at_start=edges.at_start.any(), at_end=edges.at_end.any()
    )


def first_subscription_start(store: Store) -> ibis.Table:
    """(account_id, first_start): the first day each customer account had a subscription period."""
    periods = customer_subscriptions(store)
    return periods.group_by("account_id").aggregate(first_start=periods.start_date.min())
