"""Customer churn rate and logo retention."""

from datetime import date

import pytest

from nabd.errors import NabdError
from nabd.metrics.churn import customer_churn
from tests.metrics.metrics_history import APR, FEB, JAN, MAR, acct, given, rows, sub


def many_customers(store, count, lost, start=JAN, lost_on=date(2024, 1, 20)):
    """``count`` customers from ``start``; the first ``lost`` of them end on ``lost_on``."""
    store.execute(
        "INSERT INTO accounts (account_id, name, segment) "
        "SELECT 'A' || CAST(i AS VARCHAR), 'A' || CAST(i AS VARCHAR), 'SMB' FROM generate_series(1, ?) AS g(i)",
        [count],
    )
    store.execute(
        "INSERT INTO subscriptions SELECT 'S' || CAST(i AS VARCHAR), 'A' || CAST(i AS VARCHAR), 'core', 100, 'USD', 1, ?, "
        "CASE WHEN i <= ? THEN CAST(? AS DATE) END, NULL FROM generate_series(1, ?) AS g(i)",
        [start, lost, lost_on, count],
    )


def test_1000_customers_on_day_1_and_900_of_them_on_day_30_is_10_percent_churn(store):
    # 100 of 1000 end on Jan 20: 100 / 1000 = 0.10; logo retention 0.90.
    many_customers(store, 1000, 100)
    [january] = rows(customer_churn(store, start=JAN, end=date(2024, 1, 31)))
    assert (january["customers_start"], january["customers_lost"]) == (1000, 100)
    assert january["churn_rate"] == pytest.approx(0.10, abs=1e-12)
    assert january["logo_retention"] == pytest.approx(0.90, abs=1e-12)


def test_10_lost_out_of_250_is_4_percent(store):
    # 10 / 250 = 0.04
    many_customers(store, 250, 10)
    [january] = rows(customer_churn(store, start=JAN, end=JAN))
    assert january["churn_rate"] == pytest.approx(0.04, abs=1e-12)


def test_customers_acquired_during_the_period_are_not_in_the_denominator(store):
    # A and B at Jan 1, B lost; C starts Jan 10 and leaves Jan 20: 1 lost / 2 at start = 0.5.
    given(
        store,
        accounts=[acct("A"), acct("B"), acct("C")],
        subscriptions=[
            sub("S1", "A", 100, JAN), sub("S2", "B", 100, JAN, date(2024, 1, 15)),
            sub("S3", "C", 100, date(2024, 1, 10), date(2024, 1, 20)),
        ],
    )
    [january] = rows(customer_churn(store, start=JAN, end=JAN))
    assert (january["customers_start"], january["customers_lost"], january["churn_rate"]) == (2, 1, 0.5)


def test_a_customer_ending_on_the_first_day_of_the_next_period_is_lost_in_this_one(store):
    # End dates are exclusive: a period ending Feb 1 is not active on Feb 1, so lost in January.
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, JAN, FEB)])
    result = rows(customer_churn(store, start=JAN, end=FEB), "period_start", "customers_lost")
    assert result == [{"period_start": JAN, "customers_lost": 1}, {"period_start": FEB, "customers_lost": 0}]


def test_an_empty_period_has_null_churn_and_says_why(store):
    [january] = rows(customer_churn(store, start=JAN, end=JAN))
    assert january["customers_start"] == 0
    assert january["churn_rate"] is None and january["logo_retention"] is None
    assert january["note"] == "no customers at period start"


def test_a_customer_who_churns_and_returns_is_lost_once_and_counts_again_after_returning(store):
    # A: Jan 1 - Feb 10, back Mar 15. Feb: lost (1/1). Mar: not a customer on Mar 1 (0 at start). Apr: 1 at start, kept.
    given(
        store,
        accounts=[acct("A")],
        subscriptions=[sub("S1", "A", 100, JAN, date(2024, 2, 10)), sub("S2", "A", 100, date(2024, 3, 15))],
    )
    result = rows(customer_churn(store, start=FEB, end=APR), "customers_start", "customers_lost", "churn_rate")
    assert result == [
        {"customers_start": 1, "customers_lost": 1, "churn_rate": 1.0},
        {"customers_start": 0, "customers_lost": 0, "churn_rate": None},
        {"customers_start": 1, "customers_lost": 0, "churn_rate": 0.0},
    ]


def test_an_upgrade_that_closes_one_period_and_opens_the_next_is_not_churn(store):
    given(
        store,
        accounts=[acct("A")],
        subscriptions=[sub("S1", "A", 100, JAN, date(2024, 1, 15)), sub("S2", "A", 200, date(2024, 1, 15))],
    )
    [january] = rows(customer_churn(store, start=JAN, end=JAN))
    assert (january["customers_start"], january["customers_lost"]) == (1, 0)


def test_churn_by_segment_gives_each_segment_its_own_rate(store):
    # SMB: A lost of A, B -> 0.5; ENT: C kept -> 0.0
    given(
        store,
        accounts=[acct("A"), acct("B"), acct("C", segment="ENT")],
        subscriptions=[sub("S1", "A", 100, JAN, FEB), sub("S2", "B", 100, JAN), sub("S3", "C", 100, JAN)],
    )
    result = rows(customer_churn(store, start=JAN, end=JAN, by="segment"), "segment", "churn_rate")
    assert result == [{"segment": "ENT", "churn_rate": 0.0}, {"segment": "SMB", "churn_rate": 0.5}]


def test_churn_by_cohort_groups_accounts_by_the_month_of_their_first_subscription(store):
    given(
        store,
        accounts=[acct("A"), acct("B")],
        subscriptions=[sub("S1", "A", 100, date(2023, 11, 5), FEB), sub("S2", "B", 100, date(2023, 12, 20))],
    )
    result = rows(customer_churn(store, start=JAN, end=JAN, by="cohort"), "cohort", "customers_lost")
    assert result == [{"cohort": date(2023, 11, 1), "customers_lost": 1}, {"cohort": date(2023, 12, 1), "customers_lost": 0}]


def test_quarterly_churn_compares_the_first_days_of_consecutive_quarters(store):
    # Q1 2024: A (ends Feb 10) lost, B kept -> 1/2.
    given(store, accounts=[acct("A"), acct("B")], subscriptions=[sub("S1", "A", 100, JAN, date(2024, 2, 10)), sub("S2", "B", 100, JAN)])
    [q1] = rows(customer_churn(store, period="quarter", start=date(2024, 2, 5), end=date(2024, 3, 31)))
    assert (q1["period_start"], q1["next_start"], q1["churn_rate"]) == (JAN, APR, 0.5)


def test_an_unknown_breakdown_is_refused_with_the_allowed_ones(store):
    with pytest.raises(NabdError, match="segment, plan, country, csm, cohort"):
        customer_churn(store, start=JAN, end=MAR, by="colour")


def test_a_customer_whose_subscription_begins_and_ends_inside_the_month_is_neither_counted_nor_lost(store):
    # A: a customer all January; B: a subscription from Jan 10 to Jan 20 only, active on neither edge.
    # January: customers at start 1 (A), lost 0, at end 1 (A): churn 0 / 1 = 0.
    given(store, accounts=[acct("A"), acct("B")],
          subscriptions=[sub("S1", "A", 100, JAN), sub("S2", "B", 100, date(2024, 1, 10), date(2024, 1, 20))])
    [january] = rows(customer_churn(store, start=JAN, end=JAN))
    assert (january["customers_start"], january["customers_lost"], january["customers_end"]) == (1, 0, 1)
    assert january["churn_rate"] == 0.0
