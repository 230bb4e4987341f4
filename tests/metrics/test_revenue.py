"""Revenue churn, gross/net revenue churn, GRR and NRR."""

from datetime import date
from decimal import Decimal

import pytest

from nabd.metrics.revenue import revenue_churn, revenue_retention
from tests.metrics.metrics_history import FEB, JAN, acct, given, rows, sub

D = Decimal


def test_mrr_growing_from_275000_to_305000_is_a_revenue_churn_of_minus_10_9_percent(store):
    # (275,000 - 305,000) / 275,000 = -0.10909...
    given(
        store,
        accounts=[acct("A"), acct("B")],
        subscriptions=[
            sub("A1", "A", 175000, JAN), sub("B1", "B", 100000, JAN, date(2024, 1, 10)),
            sub("B2", "B", 130000, date(2024, 1, 10)),
        ],
    )
    [january] = rows(revenue_churn(store, start=JAN, end=JAN))
    assert (january["starting_mrr"], january["ending_mrr"]) == (D(275000), D(305000))
    assert january["revenue_churn_rate"] == pytest.approx(-30000 / 275000, abs=1e-12)
    assert round(100 * january["revenue_churn_rate"], 1) == -10.9


def test_new_customers_do_not_count_in_revenue_churn(store):
    # A 100 kept; N 1000 starts Jan 5: (100 - 100) / 100 = 0.
    given(store, accounts=[acct("A"), acct("N")], subscriptions=[sub("A1", "A", 100, JAN), sub("N1", "N", 1000, date(2024, 1, 5))])
    [january] = rows(revenue_churn(store, start=JAN, end=JAN))
    assert january["revenue_churn_rate"] == 0.0


def test_gross_and_net_revenue_churn_grr_and_nrr(store):
    # Start 1000: A 400 -> 500 (+100 expansion), B 300 -> 250 (-50 contraction), C 300 churned.
    # gross = (300 + 50) / 1000 = 0.35; net = (350 - 100) / 1000 = 0.25; GRR = 0.65; NRR = (1000 + 100 - 50 - 300) / 1000 = 0.75
    given(
        store,
        accounts=[acct(a) for a in "ABC"],
        subscriptions=[
            sub("A1", "A", 400, JAN, date(2024, 1, 12)), sub("A2", "A", 500, date(2024, 1, 12)),
            sub("B1", "B", 300, JAN, date(2024, 1, 12)), sub("B2", "B", 250, date(2024, 1, 12)),
            sub("C1", "C", 300, JAN, date(2024, 1, 25)),
        ],
    )
    [january] = rows(revenue_retention(store, start=JAN, end=JAN))
    assert (january["expansion"], january["contraction"], january["churned"]) == (D(100), D(50), D(300))
    assert january["gross_revenue_churn"] == pytest.approx(0.35, abs=1e-12)
    assert january["net_revenue_churn"] == pytest.approx(0.25, abs=1e-12)
    assert january["grr"] == pytest.approx(0.65, abs=1e-12)
    assert january["nrr"] == pytest.approx(0.75, abs=1e-12)


def test_a_single_customer_doubling_its_mrr_gives_nrr_2_and_negative_net_churn(store):
    # 100 -> 200: NRR = 200 / 100 = 2.0, net revenue churn = -100 / 100 = -1.0, GRR = 1.0
    given(store, accounts=[acct("A")], subscriptions=[sub("A1", "A", 100, JAN, date(2024, 1, 16)), sub("A2", "A", 200, date(2024, 1, 16))])
    [january] = rows(revenue_retention(store, start=JAN, end=JAN))
    assert (january["nrr"], january["net_revenue_churn"], january["grr"]) == (2.0, -1.0, 1.0)


def test_no_starting_mrr_gives_null_ratios_with_the_reason(store):
    [january] = rows(revenue_retention(store, start=JAN, end=FEB))[:1]
    assert january["nrr"] is None and january["grr"] is None
    assert january["note"] == "no MRR at period start"
