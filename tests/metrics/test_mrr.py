"""MRR movements and the waterfall from opening to closing MRR."""

from datetime import date
from decimal import Decimal

import pytest

from nabd.errors import NabdError
from nabd.metrics.mrr import MOVEMENTS, mrr_movements
from nabd.metrics.registry import compute
from tests.metrics.metrics_history import FEB, JAN, MAR, acct, given, rows, sub

D = Decimal


def closes_exactly(row):
    return row["opening_mrr"] + row["new"] + row["reactivation"] + row["expansion"] - row["contraction"] \
        - row["churned"] + row["fx_effect"] == row["closing_mrr"]


def test_each_kind_of_movement_is_counted_once_and_the_waterfall_closes(store):
    # Jan 1: A 100, B 200, C 300 (opening 600). By Feb 1: A new? no - D new 50; A expands to 150 (+50 mid-month);
    # B contracts to 120 (-80); C leaves (-300). Closing = 600 + 50 + 50 - 80 - 300 = 320 = 150 + 120 + 50.
    given(
        store,
        accounts=[acct(a) for a in "ABCD"],
        subscriptions=[
            sub("A1", "A", 100, JAN, date(2024, 1, 15)), sub("A2", "A", 150, date(2024, 1, 15)),
            sub("B1", "B", 200, JAN, date(2024, 1, 20)), sub("B2", "B", 120, date(2024, 1, 20)),
            sub("C1", "C", 300, JAN, date(2024, 1, 31)),
            sub("D1", "D", 50, date(2024, 1, 10)),
        ],
    )
    [january] = rows(mrr_movements(store, start=JAN, end=JAN))
    assert {k: january[k] for k in ("opening_mrr", *MOVEMENTS, "closing_mrr")} == {
        "opening_mrr": D(600), "new": D(50), "reactivation": D(0), "expansion": D(50),
        "contraction": D(80), "churned": D(300), "fx_effect": D(0), "closing_mrr": D(320),
    }
    assert closes_exactly(january)


def test_a_customer_who_returns_is_a_reactivation_not_new(store):
    # A: Jan 1 - Jan 20 (100), back on Feb 10 at 120: Jan churned 100; Feb reactivation 120.
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, JAN, date(2024, 1, 20)), sub("S2", "A", 120, date(2024, 2, 10))])
    result = rows(mrr_movements(store, start=JAN, end=FEB), "churned", "new", "reactivation", "closing_mrr")
    assert result == [
        {"churned": D(100), "new": D(0), "reactivation": D(0), "closing_mrr": D(0)},
        {"churned": D(0), "new": D(0), "reactivation": D(120), "closing_mrr": D(120)},
    ]


def test_a_rate_change_between_periods_is_its_own_fx_line_and_closing_is_the_next_opening(store):
    # 1000 EUR all along; EUR = 1.10 USD from 2023, 1.20 from Feb 1.
    # Jan: opening 1100, closing at Jan rate 1100, at Feb rate 1200 -> fx_effect +100, closing 1200 = Feb opening.
    given(
        store,
        accounts=[acct("A")],
        subscriptions=[sub("S1", "A", 1000, JAN, currency="EUR")],
        currency_rates=[("EUR", date(2023, 1, 1), D("1.1")), ("EUR", FEB, D("1.2"))],
    )
    jan, feb = rows(mrr_movements(store, start=JAN, end=FEB))
    assert (jan["opening_mrr"], jan["fx_effect"], jan["closing_mrr"]) == (D(1100), D(100), D(1200))
    assert (feb["opening_mrr"], feb["fx_effect"], feb["closing_mrr"]) == (D(1200), D(0), D(1200))
    assert closes_exactly(jan) and closes_exactly(feb)


def test_a_missing_rate_is_an_error_naming_the_currency_and_the_period_day(store):
    # The rate starts Feb 1: January's first day has none.
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 1000, JAN, currency="EUR")], currency_rates=[("EUR", FEB, D("1.2"))])
    with pytest.raises(NabdError, match="no exchange rate from EUR to USD in force on 2024-01-01"):
        compute(store, "mrr_movements", start=JAN, end=FEB)


def test_the_missing_rate_check_runs_in_the_query_not_while_the_expression_is_built(store):
    # Built while January's rate is missing, run after it arrived: the check reads the data the query reads.
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 1000, JAN, currency="EUR")], currency_rates=[("EUR", FEB, D("1.2"))])
    built = mrr_movements(store, start=JAN, end=JAN)
    store.execute("INSERT INTO currency_rates (currency, valid_from, rate) VALUES ('EUR', '2023-12-01', 1.1)")
    [january] = rows(built)
    assert (january["opening_mrr"], january["fx_effect"], january["closing_mrr"]) == (D(1100), D(100), D(1200))


def test_an_empty_period_is_a_row_of_zeros(store):
    [january] = rows(mrr_movements(store, start=JAN, end=JAN))
    assert january["opening_mrr"] == january["closing_mrr"] == D(0)


def test_unmatched_accounts_bring_no_mrr(store):
    given(store, accounts=[acct("U", status="unmatched")], subscriptions=[sub("S1", "U", 100, JAN)])
    [january] = rows(mrr_movements(store, start=JAN, end=JAN))
    assert january["closing_mrr"] == D(0)


def test_the_waterfall_closes_for_every_segment_and_the_segments_add_up_to_the_total(store):
    # SMB: A 100 -> 130 (Feb 5); ENT: B 500 leaves Mar 3, C 40 EUR @ 1.5 = 60 from Feb 20. Rates: EUR 1.5.
    given(
        store,
        accounts=[acct("A"), acct("B", segment="ENT"), acct("C", segment="ENT")],
        subscriptions=[
            sub("A1", "A", 100, JAN, date(2024, 2, 5)), sub("A2", "A", 130, date(2024, 2, 5)),
            sub("B1", "B", 500, JAN, date(2024, 3, 3)), sub("C1", "C", 40, date(2024, 2, 20), currency="EUR"),
        ],
        currency_rates=[("EUR", date(2023, 1, 1), D("1.5"))],
    )
    by_segment = rows(mrr_movements(store, start=JAN, end=MAR, by="segment"))
    assert all(closes_exactly(row) for row in by_segment)
    totals = rows(mrr_movements(store, start=JAN, end=MAR))
    for total in totals:
        parts = [r for r in by_segment if r["period_start"] == total["period_start"]]
        assert sum(r["closing_mrr"] for r in parts) == total["closing_mrr"]
    # Feb: SMB expansion 30, ENT new 60; Mar: ENT churned 500 -> closing 130 + 60 = 190.
    assert [t["closing_mrr"] for t in totals] == [D(600), D(690), D(190)]


def test_weekly_movements_use_monday_weeks(store):
    # Jan 1 2024 is a Monday: A starts Wed Jan 3 -> new in the week of Jan 1.
    given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 70, date(2024, 1, 3))])
    result = rows(mrr_movements(store, period="week", start=JAN, end=date(2024, 1, 8)), "period_start", "new")
    assert result == [{"period_start": JAN, "new": D(70)}, {"period_start": date(2024, 1, 8), "new": D(0)}]
