"""Who is a customer on a day, and their MRR in the reporting currency."""

from datetime import date
from decimal import Decimal

import pytest

from nabd.errors import NabdError
from nabd.store.refusal import refused
from nabd.metrics.active import (
    account_mrr,
    account_mrr_on_days,
    active_accounts,
    active_subscriptions,
    churned_by,
    next_renewals,
)

from tests.metrics.metrics_history import acct, given, sub


def ids(table):
    return sorted(table.to_pyarrow().column("account_id").to_pylist())


def test_a_period_is_active_from_its_start_day_until_the_day_before_its_end(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, date(2024, 1, 1), date(2024, 2, 1))])
    assert active_subscriptions(store, date(2024, 1, 1)).count().execute() == 1
    assert active_subscriptions(store, date(2024, 1, 31)).count().execute() == 1
    assert active_subscriptions(store, date(2024, 2, 1)).count().execute() == 0
    assert active_subscriptions(store, date(2023, 12, 31)).count().execute() == 0


def test_an_open_period_is_active_forever_after_its_start(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, date(2024, 1, 1))])
    assert ids(active_accounts(store, date(2030, 1, 1))) == ["A"]


def test_unmatched_accounts_are_not_customers(store):
    given(
        store,
        accounts=[acct("A"), acct("U", status="unmatched")],
        subscriptions=[sub("S1", "A", 100, date(2024, 1, 1)), sub("S2", "U", 100, date(2024, 1, 1))],
    )
    assert ids(active_accounts(store, date(2024, 3, 1))) == ["A"]


def test_next_renewal_is_the_earliest_renewal_on_or_after_the_day_of_an_active_customers_periods(store):
    def renewing(sid, account, renewal, start=date(2024, 1, 1), end=None):
        return (*sub(sid, account, 100, start, end)[:-1], renewal)

    given(
        store,
        accounts=[acct("A"), acct("B"), acct("C"), acct("U", status="unmatched")],
        subscriptions=[
            renewing("A1", "A", date(2024, 9, 1)), renewing("A2", "A", date(2024, 7, 1)),
            renewing("A3", "A", date(2024, 5, 1)),                             # renewed before the day
            renewing("B1", "B", date(2024, 6, 15), end=date(2024, 6, 1)),      # ended before the day
            renewing("C1", "C", date(2024, 8, 1)),                             # beyond 60 days
            renewing("U1", "U", date(2024, 7, 1)),                             # not a customer
        ],
    )
    def rows(table):
        return sorted((row["account_id"], row["renewal_date"]) for row in table.to_pyarrow().to_pylist())

    assert rows(next_renewals(store, date(2024, 6, 1))) == [("A", date(2024, 7, 1)), ("C", date(2024, 8, 1))]
    assert rows(next_renewals(store, date(2024, 6, 1), within_days=60)) == [("A", date(2024, 7, 1))]


def test_a_renewal_date_already_passed_rolls_forward_by_the_accounts_term(store):
    # Y: yearly (2023-03-10 -> 2024-03-10 is 366 days = 12 months); renewed 2024-03-10, next 2025-03-10.
    # M: monthly (2024-01-31 -> 03-02 is 31 days = 1 month): 03-02 + 2 months = 05-02 < 06-01, + 3 = 06-02.
    # W: weekly (7 days): renewal 2024-05-20, 12 days behind -> 2 weeks on = 2024-06-03.
    # Q: a mid-term period (gap 40 days) beside a quarterly one (2024-01-15 -> 2024-04-15 = 91 days = 3 months):
    #    the quarter's renewal 2024-04-15 + 3 months = 2024-07-15; the later period 2024-05-25 + 3 = 2024-08-25.
    def renewing(sid, account, start, renewal):
        return (*sub(sid, account, 100, start)[:-1], renewal)

    given(
        store,
        accounts=[acct("Y"), acct("M"), acct("W"), acct("Q")],
        subscriptions=[
            renewing("Y1", "Y", date(2023, 3, 10), date(2024, 3, 10)),
            renewing("M1", "M", date(2024, 1, 31), date(2024, 3, 2)),
            renewing("W1", "W", date(2024, 5, 13), date(2024, 5, 20)),
            renewing("Q1", "Q", date(2024, 1, 15), date(2024, 4, 15)),
            renewing("Q2", "Q", date(2024, 4, 15), date(2024, 5, 25)),
        ],
    )
    found = sorted((row["account_id"], row["renewal_date"])
                   for row in next_renewals(store, date(2024, 6, 1)).to_pyarrow().to_pylist())
    assert found == [("M", date(2024, 6, 2)), ("Q", date(2024, 7, 15)), ("W", date(2024, 6, 3)),
                     ("Y", date(2025, 3, 10))]


def test_churned_by_a_day_means_a_customer_before_it_with_no_period_active_on_it(store):
    # G ended on the day (end exclusive): churned. A is active. F starts after the day: not yet a customer.
    # R left and came back: active again. U is unmatched: never a customer.
    given(
        store,
        accounts=[acct("G"), acct("A"), acct("F"), acct("R"), acct("U", status="unmatched")],
        subscriptions=[
            sub("G1", "G", 100, date(2024, 1, 1), date(2024, 6, 1)),
            sub("A1", "A", 100, date(2024, 1, 1)),
            sub("F1", "F", 100, date(2024, 6, 2)),
            sub("R1", "R", 100, date(2023, 1, 1), date(2023, 6, 1)), sub("R2", "R", 100, date(2024, 2, 1)),
            sub("U1", "U", 100, date(2024, 1, 1), date(2024, 2, 1)),
        ],
    )
    assert ids(churned_by(store, date(2024, 6, 1))) == ["G"]
    assert ids(churned_by(store, date(2023, 7, 1))) == ["R"]


def test_account_mrr_sums_active_periods_and_converts_at_the_rate_in_force(store):
    # A: 100 USD + 375 SAR x 0.2667 = 100 + 100.0125 = 200.0125; the 2023 rate 0.25 is superseded.
    given(
        store,
        accounts=[acct("A")],
        subscriptions=[
            sub("S1", "A", 100, date(2024, 1, 1)),
            sub("S2", "A", 375, date(2024, 1, 1), currency="SAR"),
            sub("S3", "A", 999, date(2023, 1, 1), date(2024, 1, 1)),
        ],
        currency_rates=[("SAR", date(2023, 1, 1), Decimal("0.25")), ("SAR", date(2024, 1, 1), Decimal("0.2667"))],
    )
    result = account_mrr(store, date(2024, 1, 15)).to_pyarrow().to_pylist()
    assert result == [{"account_id": "A", "mrr": Decimal("200.0125")}]


def test_account_mrr_on_days_is_account_mrr_of_each_day_at_that_days_rate(store):
    # 2023-06-01: A 100 + 375 SAR x 0.25 + 999 (S3) = 1192.75; 2024-01-15: A 100 + 375 x 0.2667 = 200.0125, B 50
    given(
        store,
        accounts=[acct("A"), acct("B")],
        subscriptions=[
            sub("S1", "A", 100, date(2023, 1, 1)),
            sub("S2", "A", 375, date(2023, 1, 1), currency="SAR"),
            sub("S3", "A", 999, date(2023, 1, 1), date(2024, 1, 1)),
            sub("S4", "B", 50, date(2024, 1, 1)),
        ],
        currency_rates=[("SAR", date(2023, 1, 1), Decimal("0.25")), ("SAR", date(2024, 1, 1), Decimal("0.2667"))],
    )
    rows = account_mrr_on_days(store, [date(2023, 6, 1), date(2024, 1, 15)]).order_by("as_of", "account_id")
    assert rows.to_pyarrow().to_pylist() == [
        {"as_of": date(2023, 6, 1), "account_id": "A", "mrr": Decimal("1192.7500")},
        {"as_of": date(2024, 1, 15), "account_id": "A", "mrr": Decimal("200.0125")},
        {"as_of": date(2024, 1, 15), "account_id": "B", "mrr": Decimal("50.0000")},
    ]


def test_a_missing_rate_is_an_error_naming_currency_and_date(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, date(2024, 1, 1), currency="EUR")])
    with pytest.raises(Exception) as raised:
        account_mrr(store, date(2024, 1, 15)).to_pyarrow()
    assert isinstance(refused(raised.value), NabdError)
    assert str(refused(raised.value)).startswith("no exchange rate from EUR to USD in force on 2024-01-15: ")
