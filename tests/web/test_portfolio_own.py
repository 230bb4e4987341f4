"""The portfolio a CSM lands on: her own accounts; churned accounts shown as churned, only on request."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from nabd.store.clock import utc_now
from tests.web.conftest import log_in


def _names(page: str) -> list[str]:
    return re.findall(r'<td><a href="/accounts/[^"]+">([^<]+)</a></td>', page)


def _churn_one(client) -> None:
    """Eden Foods (carla) was a customer until 10 days ago."""
    today = utc_now().date()
    with client.app.state.store_lock:
        store = client.app.state.store
        store.execute("INSERT INTO accounts (account_id, name, segment, plan, csm) VALUES "
                      "('a5', 'Eden Foods', 'smb', 'pro', 'carla')")
        store.execute("INSERT INTO subscriptions VALUES ('s9', 'a5', 'core', 90, 'USD', 1, ?, ?, NULL)",
                      [today - timedelta(days=200), today - timedelta(days=10)])


def test_a_csm_lands_on_her_own_accounts_and_may_look_at_everyones(client):
    log_in(client, "carla")
    assert sorted(_names(client.get("/portfolio").text)) == ["Acme Trading", "Cedar Labs"]
    assert len(_names(client.get("/portfolio", params={"csm": "*"}).text)) == 4


def test_churned_accounts_are_left_out_and_not_counted_unless_asked_for(client):
    _churn_one(client)
    log_in(client, "ana")
    page = client.get("/portfolio").text
    assert "Eden Foods" not in page and "4 accounts" in page
    shown = client.get("/portfolio", params={"churned": "true"}).text
    assert "Eden Foods" in shown and "5 accounts" in shown
    row = shown[shown.index("Eden Foods"):]
    assert row.index("churned") < row.index("</tr>")  # marked churned, not "not scored"


def test_the_list_shows_the_next_renewal_when_the_stored_date_has_passed(client, tokens):
    # a1's monthly term (31 days) renewed on its stored date 10 days ago: the page and the API show the date a month on.
    today = utc_now().date()
    stored = today - timedelta(days=10)
    with client.app.state.store_lock:
        client.app.state.store.execute(
            "UPDATE subscriptions SET start_date = ?, renewal_date = ? WHERE account_id = 'a1'",
            [stored - timedelta(days=31), stored])
    month, year = (stored.month % 12) + 1, stored.year + (stored.month == 12)
    renews = date(year, month, min(stored.day, calendar.monthrange(year, month)[1]))
    log_in(client, "ana")
    page = client.get("/portfolio", params={"q": "Acme"}).text
    row = page[page.index("Acme Trading"):page.index("</tr>", page.index("Acme Trading"))]
    assert f"{renews.strftime('%b')} {renews.day}, {renews.year}" in row
    api = client.get("/api/v1/accounts", params={"q": "Acme"},
                     headers={"Authorization": f"Bearer {tokens['vic']}"}).json()["items"]
    assert [item["renewal_date"] for item in api] == [renews.isoformat()]
