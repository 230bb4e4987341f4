"""Recall and precision of indicator warnings, on a hand-built history."""

import json
from datetime import date, datetime

from nabd.playbooks.backtest import warning_backtest
from nabd.store import open_store
from tests.command_line import nabd
from tests.playbooks.conftest import add_account


def fire(store, account_id, indicator, as_of):
    store.execute(
        "INSERT INTO indicator_firings VALUES (?, ?, ?, ?, ?)",
        [account_id, indicator, as_of, json.dumps({}), datetime(2026, 1, 1)],
    )


def hand_built_history(store):
    """Five accounts; early, late and silent churn on May 1; usage_drop and ticket_burst firings."""
    for account in ("early", "late", "silent", "false", "stays"):
        add_account(store, account)
    # Churns: the last period ends on these days (end exclusive, no other period active then).
    for account, churn_day in (("early", date(2026, 5, 1)), ("late", date(2026, 5, 1)), ("silent", date(2026, 5, 1))):
        store.execute("UPDATE subscriptions SET end_date = ? WHERE account_id = ?", [churn_day, account])
    fire(store, "early", "usage_drop", date(2026, 2, 1))    # 89 days before churn: a warning
    fire(store, "late", "usage_drop", date(2026, 4, 20))    # 11 days before: too late to count
    fire(store, "false", "usage_drop", date(2026, 2, 1))    # never churned
    fire(store, "stays", "ticket_burst", date(2026, 1, 1))  # never churned


def test_recall_counts_churns_warned_30_to_120_days_ahead_and_precision_the_firings_that_came_true(store):
    hand_built_history(store)
    result = warning_backtest(store, date(2026, 1, 1), date(2026, 6, 30))
    by_name = {row.indicator: row for row in result.indicators}
    # Churns counted from Jan 1 + 120 days = May 1: early, late, silent -> usage_drop warned 1 of 3.
    assert (by_name["usage_drop"].churns, by_name["usage_drop"].warned) == (3, 1)
    # Firings counted up to June 30 - 120 days = March 2: early and false on Feb 1 -> 1 of 2 came true.
    assert (by_name["usage_drop"].firings, by_name["usage_drop"].followed_by_churn) == (2, 1)
    assert by_name["usage_drop"].precision == 0.5
    assert (by_name["any"].warned, by_name["any"].firings, by_name["any"].followed_by_churn) == (1, 3, 1)
    # Base rate over the as-of dates with firings up to March 2 (Jan 1, Feb 1): 5 accounts x 2 = 10 pairs;
    # churn on May 1 is 120 days after Jan 1 and 89 after Feb 1: early, late, silent on both -> 6 / 10.
    assert result.base_rate == 0.6


def test_nabd_playbooks_backtest_on_the_stored_firings_prints_recall_and_precision(store_url):
    with open_store(store_url) as store:
        hand_built_history(store)
    result = nabd("playbooks", "backtest", "--stored", "--from", "2026-01-01", "--to", "2026-06-30", "-d", store_url)
    assert result.returncode == 0, result.stderr
    assert "indicator warnings 2026-01-01 .. 2026-06-30" in result.stdout and "base rate 60.0%" in result.stdout
    assert "usage_drop                3      1   33.3%        2     1     50.0%" in result.stdout


def test_nabd_playbooks_backtest_evaluates_the_indicators_on_past_days_first(store_url):
    with open_store(store_url) as store:
        add_account(store, "late-payer")
        store.execute("UPDATE subscriptions SET end_date = ? WHERE account_id = 'late-payer'", [date(2026, 5, 1)])
        store.execute("INSERT INTO invoices (invoice_id, account_id, amount, currency, issued_at, due_at) "
                      "VALUES ('i1', 'late-payer', 100, 'USD', ?, ?)", [datetime(2025, 12, 1), datetime(2026, 1, 1)])
    result = nabd("playbooks", "backtest", "--from", "2026-01-01", "--to", "2026-06-30", "--every", "14d",
                  "-d", store_url)
    assert result.returncode == 0, result.stderr
    assert "evaluating the indicators on 13 as-of days, 2026-01-01 .. 2026-06-30" in result.stdout + result.stderr
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("invoice_overdue"))
    assert row[1:4] == ["1", "1", "100.0%"]  # the one churn was warned of
