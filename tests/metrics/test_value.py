"""ARPA, customer lifetime value, CAC, LTV:CAC and months to recover CAC."""

from datetime import date
from decimal import Decimal

import pytest

from nabd.errors import NabdError
from nabd.metrics.value import acquisition_cost, lifetime_value
from tests.metrics.metrics_history import FEB, JAN, acct, given, rows, sub


def four_customers(store):
    # Jan 1: A 100, B 200, C 300, D 400 (MRR 1000, ARPA 250); D leaves Jan 20 -> churn 1/4.
    # E (new) starts Jan 15. Spend Jan: SMB 900.
    given(
        store,
        accounts=[acct(a) for a in "ABCDE"],
        subscriptions=[
            sub("A1", "A", 100, date(2023, 6, 1)), sub("B1", "B", 200, date(2023, 6, 1)),
            sub("C1", "C", 300, date(2023, 6, 1)), sub("D1", "D", 400, date(2023, 6, 1), date(2024, 1, 20)),
            sub("E1", "E", 50, date(2024, 1, 15)),
        ],
        acquisition_costs=[(JAN, "SMB", Decimal(900), "USD")],
    )


def test_clv_is_arpa_times_gross_margin_over_churn_rate(store):
    # ARPA = 1000 / 4 = 250; CLV = 250 x 0.8 / 0.25 = 800
    four_customers(store)
    [january] = rows(lifetime_value(store, start=JAN, end=JAN))
    assert (january["arpa"], january["churn_rate"]) == (250.0, 0.25)
    assert january["clv"] == pytest.approx(800.0, abs=1e-9)


def test_clv_is_null_with_a_reason_when_no_customer_churned(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("A1", "A", 100, JAN)])
    [_, february] = rows(lifetime_value(store, start=JAN, end=FEB))
    assert february["arpa"] == 100.0 and february["clv"] is None
    assert february["note"] == "no churn observed in the period"


def test_cac_ltv_to_cac_and_months_to_recover(store):
    # CAC = 900 / 1 new customer (E) = 900; LTV:CAC = 800 / 900; months = 900 / (250 x 0.8) = 4.5
    four_customers(store)
    [january] = rows(acquisition_cost(store, start=JAN, end=JAN))
    assert (january["acquisition_spend"], january["new_customers"], january["cac"]) == (Decimal(900), 1, 900.0)
    assert january["ltv_cac"] == pytest.approx(800 / 900, abs=1e-12)
    assert january["months_to_recover_cac"] == pytest.approx(4.5, abs=1e-12)


def test_a_configurable_gross_margin(store):
    # CLV = 250 x 0.5 / 0.25 = 500
    four_customers(store)
    [january] = rows(lifetime_value(store, start=JAN, end=JAN, gross_margin=0.5))
    assert january["clv"] == pytest.approx(500.0, abs=1e-9)


def test_cac_without_new_customers_is_null_with_the_reason(store):
    four_customers(store)
    [_, february] = rows(acquisition_cost(store, start=JAN, end=FEB))
    assert february["cac"] is None and february["note"] == "no new customers in the period"


def test_cac_can_only_be_split_by_segment(store):
    with pytest.raises(NabdError, match="use one of segment"):
        acquisition_cost(store, start=JAN, end=JAN, by="plan")
