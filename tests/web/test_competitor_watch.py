"""Competitor watch on the pages: the account page's mentions by month with their sentiment, and the dashboard's
mentions per competitor per month, in English and Arabic, on DuckDB and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from nabd.feedback.analysis import analyse_comments
from nabd.store.clock import utc_now
from tests.web.conftest import log_in, page_csrf


def _mentions(client) -> None:
    """a1 names Zendesk twice (a survey comment and a ticket) and HubSpot once; a2 names Zendesk once; last month."""
    store = client.app.state.store
    month_ago = utc_now().replace(day=1) - timedelta(days=10)  # inside the last whole month
    with client.app.state.store_lock:
        store.execute(
            "INSERT INTO survey_responses (response_id, account_id, kind, score, comment, language, responded_at) VALUES "
            "('c1', 'a1', 'nps', 2, 'Zendesk is cheaper and faster, we are leaving', 'en', ?), "
            "('c2', 'a1', 'nps', 5, 'نقارنكم مع هب سبوت', 'ar', ?), "
            "('c3', 'a2', 'nps', 9, 'Better than zendesk', 'en', ?)", [month_ago, month_ago, month_ago])
        store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, subject, body) VALUES "
                      "('c4', 'a1', ?, 'Import', 'our old Zendesk export does not load')", [month_ago])
        analyse_comments(store)


def test_the_account_page_loads_its_competitor_mentions_by_month_in_both_languages(client):
    _mentions(client)
    log_in(client, "ana")
    page = client.get("/accounts/a1").text
    assert 'hx-get="/accounts/a1/competitors"' in page
    part = client.get("/accounts/a1/competitors").text
    rows = re.findall(r"<tr><td>[^<]+</td><td>(\w+)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>", part)
    assert sorted((name, int(n)) for name, n, _ in rows) == [("HubSpot", 1), ("Zendesk", 2)]
    assert "Mean sentiment (-1 to 1)" in part
    client.post("/preferences", data={"language": "ar", "digits": "latn", "csrf_token": page_csrf(client)})
    arabic = client.get("/accounts/a1/competitors").text
    assert "المنافسون المذكورون" in arabic and "مرات الذكر" in arabic and "Zendesk" in arabic
    assert "لا يذكر" in client.get("/accounts/a3/competitors").text


def test_the_dashboard_shows_mentions_per_competitor_per_month(client):
    _mentions(client)
    log_in(client, "ana")
    assert 'hx-get="/dashboard/competitors?months=12"' in client.get("/dashboard").text
    part = client.get("/dashboard/competitors", params={"months": 3}).text
    rows = re.findall(r"<tr><td>[^<]+</td><td>(\w+)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num\">(\d+)</td>", part)
    assert sorted((name, int(m), int(a)) for name, m, _, a in rows) == [("HubSpot", 1, 1), ("Zendesk", 3, 2)]
    assert '"kind": "stacked"' in part
    client.post("/preferences", data={"language": "ar", "digits": "latn", "csrf_token": page_csrf(client)})
    assert "ذكر المنافسين شهريًا" in client.get("/dashboard/competitors").text


def test_a_dashboard_without_mentions_says_so(client):
    log_in(client, "ana")
    assert "No survey comment or ticket named a competitor" in client.get("/dashboard/competitors").text
