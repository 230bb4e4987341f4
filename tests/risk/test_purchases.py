"""Purchase histories (frequency, recency, T, monetary value) from invoices, built in the engine on both backends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from nabd.risk.purchases import purchase_history, purchase_outcomes
from tests.metrics.metrics_history import acct, given, rows

AS_OF = date(2024, 3, 11)


def invoice(iid, account, amount, issued, currency="USD"):
    """(invoice_id, account_id, amount, currency, issued_at, due_at, paid_at)."""
    return (iid, account, Decimal(str(amount)), currency, issued, issued, issued)


def by_account(store):
    return {row["account_id"]: row for row in rows(purchase_history(store, AS_OF))}


def test_frequency_recency_age_and_mean_repeat_spend_in_weeks(store):
    # Purchase days Jan 1 (100), Jan 15 (40 + 20 = 60), Feb 12 (80): 2 repeats; last 6 weeks and T 10 weeks
    # after the first; mean repeat spend (60 + 80) / 2 = 70.
    given(store, accounts=[acct("A")], invoices=[
        invoice("I1", "A", 100, date(2024, 1, 1)), invoice("I2", "A", 40, date(2024, 1, 15)),
        invoice("I3", "A", 20, date(2024, 1, 15)), invoice("I4", "A", 80, date(2024, 2, 12)),
    ])
    a = by_account(store)["A"]
    assert (a["frequency"], a["recency"], a["T"]) == (2, 6.0, 10.0)
    assert a["monetary_value"] == pytest.approx(70.0)


def test_a_single_purchase_has_no_repeat_and_no_spend(store):
    given(store, accounts=[acct("A")], invoices=[invoice("I1", "A", 100, date(2024, 2, 26))])
    a = by_account(store)["A"]
    assert (a["frequency"], a["recency"], a["T"], a["monetary_value"]) == (0, 0.0, 2.0, 0.0)


def test_invoices_after_as_of_and_of_unmatched_accounts_do_not_count(store):
    given(store, accounts=[acct("A"), acct("U", status="unmatched")], invoices=[
        invoice("I1", "A", 100, date(2024, 1, 1)), invoice("I2", "A", 100, date(2024, 4, 1)),
        invoice("I3", "U", 100, date(2024, 1, 1)),
    ])
    history = by_account(store)
    assert set(history) == {"A"} and history["A"]["frequency"] == 0


def test_amounts_convert_to_the_reporting_currency_on_the_issue_day(store):
    given(store, accounts=[acct("A")], currency_rates=[("EUR", date(2023, 1, 1), Decimal(2))], invoices=[
        invoice("I1", "A", 10, date(2024, 1, 1), "EUR"), invoice("I2", "A", 10, date(2024, 1, 8), "EUR"),
    ])
    assert by_account(store)["A"]["monetary_value"] == pytest.approx(20.0)


def test_identical_histories_are_counted_once(store):
    given(store, accounts=[acct("A"), acct("B")], invoices=[
        invoice("I1", "A", 10, date(2024, 1, 1)), invoice("I2", "B", 30, date(2024, 1, 1)),
    ])
    [row] = rows(purchase_outcomes(purchase_history(store, AS_OF)))
    assert (row["frequency"], row["customers"]) == (0, 2)
