"""Cohort retention matrices."""

from datetime import date
from decimal import Decimal

from nabd.metrics.cohorts import cohort_retention
from tests.metrics.metrics_history import FEB, JAN, acct, given, rows, sub


def test_logo_and_revenue_retention_by_start_month_and_age(store):
    # January cohort: A 100 (stays, expands to 150 on Feb 10), B 100 (leaves Jan 20). February cohort: C 50 (stays).
    # Jan cohort: age 0 -> 2 accounts, 200; age 1 (Feb 1) -> A: 1/2, 100/200; age 2 (Mar 1) -> A 150: 1/2, 150/200.
    given(
        store,
        accounts=[acct("A"), acct("B"), acct("C")],
        subscriptions=[
            sub("A1", "A", 100, date(2024, 1, 5), date(2024, 2, 10)), sub("A2", "A", 150, date(2024, 2, 10)),
            sub("B1", "B", 100, date(2024, 1, 6), date(2024, 1, 20)), sub("C1", "C", 50, date(2024, 2, 3)),
        ],
    )
    result = rows(cohort_retention(store, start=JAN, end=FEB), "cohort_start", "age", "retained_accounts", "logo_retention", "retained_mrr", "revenue_retention")
    assert result == [
        {"cohort_start": JAN, "age": 0, "retained_accounts": 2, "logo_retention": 1.0, "retained_mrr": Decimal(200), "revenue_retention": 1.0},
        {"cohort_start": JAN, "age": 1, "retained_accounts": 1, "logo_retention": 0.5, "retained_mrr": Decimal(100), "revenue_retention": 0.5},
        {"cohort_start": JAN, "age": 2, "retained_accounts": 1, "logo_retention": 0.5, "retained_mrr": Decimal(150), "revenue_retention": 0.75},
        {"cohort_start": FEB, "age": 0, "retained_accounts": 1, "logo_retention": 1.0, "retained_mrr": Decimal(50), "revenue_retention": 1.0},
        {"cohort_start": FEB, "age": 1, "retained_accounts": 1, "logo_retention": 1.0, "retained_mrr": Decimal(50), "revenue_retention": 1.0},
    ]


def test_a_cohort_that_fully_churned_shows_zero_retention(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("A1", "A", 100, JAN, date(2024, 1, 9))])
    result = rows(cohort_retention(store, start=JAN, end=JAN), "age", "logo_retention", "revenue_retention")
    assert result == [{"age": 0, "logo_retention": 1.0, "revenue_retention": 1.0}, {"age": 1, "logo_retention": 0.0, "revenue_retention": 0.0}]
