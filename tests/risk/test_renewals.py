"""Renewal histories from subscriptions, built in the engine on both backends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from nabd.risk.renewals import renewal_history, renewal_outcomes, survivors
from tests.metrics.metrics_history import acct, given, rows, sub

AS_OF = date(2024, 6, 15)


def annual(sid, account, mrr, start, renewal, end=None):
    """A subscription period renewing ``renewal`` (a year after its start for an annual contract)."""
    return (sid, account, "core", Decimal(str(mrr)), "USD", 1, start, end, renewal)


def history_by_account(store, by=None):
    return {row["account_id"]: row for row in rows(renewal_history(store, AS_OF, by))}


def test_a_monthly_account_that_ended_on_a_renewal_day_paid_whole_periods(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("A1", "A", 100, date(2024, 1, 1), date(2024, 3, 1))])
    a = history_by_account(store)["A"]
    assert (a["cadence"], a["churned"], a["periods"]) == ("month", True, 2)


def test_a_cancellation_within_a_period_counts_the_started_period(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("A1", "A", 100, date(2024, 1, 1), date(2024, 3, 15))])
    assert history_by_account(store)["A"]["periods"] == 3


def test_an_active_account_has_made_one_renewal_per_full_month(store):
    # Jan 1 -> Jun 15: renewed Feb 1, Mar 1, Apr 1, May 1, Jun 1.
    given(store, accounts=[acct("A")], subscriptions=[sub("A1", "A", 100, date(2024, 1, 1))])
    a = history_by_account(store)["A"]
    assert (a["churned"], a["periods"]) == (False, 5)


def test_an_upgrade_is_one_lifetime_not_a_churn(store):
    given(store, accounts=[acct("A")], subscriptions=[
        sub("A1", "A", 100, date(2024, 1, 1), date(2024, 2, 10)), sub("A2", "A", 300, date(2024, 2, 10)),
    ])
    a = history_by_account(store)["A"]
    assert (a["churned"], a["periods"], a["first_start"]) == (False, 5, date(2024, 1, 1))


def test_a_contract_renewing_a_year_after_its_start_is_annual(store):
    given(store, accounts=[acct("A")], subscriptions=[annual("A1", "A", 100, date(2022, 3, 1), date(2023, 3, 1))])
    a = history_by_account(store)["A"]
    assert (a["cadence"], a["churned"], a["periods"]) == ("year", False, 2)


def test_an_annual_contract_signed_after_as_of_does_not_make_the_account_annual(store):
    # Monthly from Jan 1 to Jul 1, then an annual contract from Jul 1: on Jun 15 the account is still monthly.
    given(store, accounts=[acct("A")], subscriptions=[
        sub("A1", "A", 100, date(2024, 1, 1), date(2024, 7, 1)),
        annual("A2", "A", 100, date(2024, 7, 1), date(2025, 7, 1)),
    ])
    a = history_by_account(store)["A"]
    assert (a["cadence"], a["churned"], a["periods"]) == ("month", False, 5)


def test_facts_after_as_of_do_not_exist(store):
    # B starts after as_of; A's end after as_of means A is still active on as_of.
    given(store, accounts=[acct("A"), acct("B")], subscriptions=[
        sub("A1", "A", 100, date(2024, 1, 1), date(2024, 9, 1)), sub("B1", "B", 100, date(2024, 7, 1)),
    ])
    history = history_by_account(store)
    assert set(history) == {"A"} and history["A"]["churned"] is False


def test_unmatched_accounts_are_not_customers(store):
    given(store, accounts=[acct("A", status="unmatched")], subscriptions=[sub("A1", "A", 100, date(2024, 1, 1))])
    assert history_by_account(store) == {}


def test_groups_follow_the_breakdown(store):
    given(store, accounts=[acct("A", segment="ENT"), acct("B")], subscriptions=[
        sub("A1", "A", 100, date(2024, 1, 1)), sub("B1", "B", 100, date(2024, 1, 1)),
    ])
    assert {k: v["group"] for k, v in history_by_account(store, "segment").items()} == {"A": "ENT", "B": "SMB"}
    assert {v["group"] for v in history_by_account(store).values()} == {"all"}


def test_outcomes_and_survivors_of_one_cohort(store):
    # Cohort of Jan 1: A leaves after 1 period, B after 2, C and D still active after 5 renewals.
    given(store, accounts=[acct(a) for a in "ABCD"], subscriptions=[
        sub("A1", "A", 100, date(2024, 1, 1), date(2024, 2, 1)), sub("B1", "B", 100, date(2024, 1, 1), date(2024, 3, 1)),
        sub("C1", "C", 100, date(2024, 1, 1)), sub("D1", "D", 100, date(2024, 1, 1)),
    ])
    history = renewal_history(store, AS_OF)
    outcomes = {(r["periods"], r["churned"]): r["accounts"] for r in rows(renewal_outcomes(history))}
    assert outcomes == {(1, True): 1, (2, True): 1, (5, False): 2}
    curve = [(r["t"], r["survivors"]) for r in rows(survivors(history))]
    assert curve == [(0, 4), (1, 3), (2, 2), (5, 2)]


def test_a_cohort_is_the_month_of_the_first_subscription(store):
    given(store, accounts=[acct("A"), acct("B")], subscriptions=[
        sub("A1", "A", 100, date(2024, 1, 10)), sub("B1", "B", 100, date(2024, 2, 3)),
    ])
    groups = {k: v["group"] for k, v in history_by_account(store, "cohort").items()}
    assert groups == {"A": "2024-01", "B": "2024-02"}
