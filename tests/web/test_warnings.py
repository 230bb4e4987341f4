"""The indicators' warning backtest (nabd.playbooks.backtest) on the scorecards page, for every role."""

import re
from datetime import timedelta

from tests.web.conftest import log_in

from nabd.store.clock import utc_now


def _rows(page: str) -> list[list[str]]:
    """Each row of the warnings table: the indicator, then its figures."""
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page, re.DOTALL)
    return [[re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip(),
             *re.findall(r'<td class="num">([^<]*)</td>', row)] for row in rows]


def test_the_scorecards_page_offers_the_warning_backtest_to_a_viewer(client):
    log_in(client, "vic")
    assert 'hx-get="/warnings/backtest"' in client.get("/scorecards").text


def test_before_any_indicator_fired_the_backtest_says_what_it_needs(client):
    log_in(client, "vic")
    assert "No indicator has fired yet" in client.get("/warnings/backtest").text


def test_the_backtest_shows_recall_and_precision_per_indicator_and_for_any(client):
    """a1 churns 10 days ago; ticket_spike fired for it 130 days before (lead 120), usage_drop 60 days before.
    Precision counts firings at least 120 days before the last as-of date: a3 and a1's ticket_spike, a2's usage_drop."""
    today = utc_now().date()
    churn_day = today - timedelta(days=10)
    firings = [("a3", "ticket_spike", 400), ("a2", "usage_drop", 200), ("a1", "ticket_spike", 130),
               ("a1", "usage_drop", 70), ("a4", "ticket_spike", 5)]
    with client.app.state.store_lock:
        store = client.app.state.store
        store.execute("UPDATE subscriptions SET end_date = ? WHERE account_id = 'a1'", [churn_day])
        for account_id, indicator, days_ago in firings:
            store.execute("INSERT INTO indicator_firings VALUES (?, ?, ?, '{}', ?)",
                          [account_id, indicator, today - timedelta(days=days_ago), utc_now()])
    log_in(client, "vic")
    page = client.get("/warnings/backtest").text
    # indicator, churns, warned, recall, firings, followed by churn, precision
    assert _rows(page) == [
        ["any indicator", "1", "1", "100.0%", "3", "1", "33.3%"],
        ["ticket_spike", "1", "1", "100.0%", "2", "1", "50.0%"],
        ["usage_drop", "1", "1", "100.0%", "1", "0", "0.0%"],
    ]
