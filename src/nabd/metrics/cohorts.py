"""Cohort retention: accounts grouped by the period their first subscription started, followed period by period."""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.active import customer_subscriptions, first_subscription_start, is_active
from nabd.metrics.breakdown import check_breakdown, with_groups
from nabd.metrics.currency import convert_on
from nabd.metrics.mrr import MONEY
from nabd.metrics.periods import period_of, periods
from nabd.metrics.ratios import note, ratio
from nabd.store import Store


def cohort_retention(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    reporting_currency: str = "USD",
) -> ibis.Table:
    """Per cohort c and age k: logo_retention = cohort accounts active on the first day of period c+k / cohort size;
    revenue_retention = their MRR that day / the cohort's MRR on each account's first day (both at cohort c's rates).

    Age 0 is the whole cohort (1.0); ages run while the measuring day is within the range's last period end.
    """
    check_breakdown(by, ("segment", "plan", "country", "csm"))
    bounds = periods(period, start, end)
    first = first_subscription_start(store)
    # an account's cohort is the period of its first day; the join keeps the cohorts of the range
    members = first.mutate(cohort_start=period_of(first.first_start, period))
    members = members.join(bounds.select(cohort_start="period_start", cohort_index="period_index"), "cohort_start")
    members = with_groups(store, members, by)
    keys = ["cohort_start"] + ([by] if by else [])
    ages = bounds.select(measure_index="period_index", measured_on="next_start")
    grid = members.join(ages, members.cohort_index <= ages.measure_index).mutate(
        age=lambda t: t.measure_index - t.cohort_index + 1
    )
    subscriptions = customer_subscriptions(store)
    # Starting MRR: each account's subscriptions active on its first day, at its cohort's rates.
    starting = members.join(subscriptions, "account_id").filter(
        lambda t: is_active(t, t.first_start)
    )
    starting = convert_on(
        store, starting.select(*keys, "account_id", "currency", "mrr", rate_day=starting.cohort_start),
        "mrr", reporting_currency,
    )
    cohort = members.group_by(keys).aggregate(cohort_accounts=members.count()).join(
        starting.group_by(keys).aggregate(cohort_mrr=starting.mrr.sum().cast(MONEY)), keys, how="left"
    )
    cohort = cohort.drop(*[f"{k}_right" for k in keys if f"{k}_right" in cohort.columns])
    later = grid.join(subscriptions, "account_id").filter(lambda t: is_active(t, t.measured_on))
    later = convert_on(
        store, later.select(*keys, "age", "account_id", "currency", "mrr", rate_day=later.cohort_start),
        "mrr", reporting_currency,
    )
    retained = later.group_by(*keys, "age").aggregate(
        retained_accounts=later.account_id.nunique(), retained_mrr=later.mrr.sum().cast(MONEY)
    )
    every_age = grid.select(*keys, "age").distinct().left_join(retained, [*keys, "age"])
    every_age = every_age.drop(*[c for c in every_age.columns if c.endswith("_right")])
    zero = ibis.literal(0, MONEY)
    every_age = every_age.mutate(
        retained_accounts=every_age.retained_accounts.fill_null(0), retained_mrr=every_age.retained_mrr.fill_null(zero)
    )
    age_zero = cohort.select(
        *keys, age=ibis.literal(0, "int64"), retained_accounts=cohort.cohort_accounts,
        retained_mrr=cohort.cohort_mrr.fill_null(zero),
    )
    matrix = age_zero.union(every_age.cast(age_zero.schema()), distinct=False).join(cohort, keys)
    matrix = matrix.drop(*[c for c in matrix.columns if c.endswith("_right")])
    cohort_mrr = matrix.cohort_mrr.fill_null(zero)
    return matrix.select(
        *keys, "age", "cohort_accounts", "retained_accounts",
        logo_retention=ratio(matrix.retained_accounts, matrix.cohort_accounts),
        cohort_mrr=cohort_mrr, retained_mrr="retained_mrr",
        revenue_retention=ratio(matrix.retained_mrr, cohort_mrr),
        note=note((cohort_mrr == 0, "no MRR at the cohort's start")),
    ).order_by(*keys, "age")
