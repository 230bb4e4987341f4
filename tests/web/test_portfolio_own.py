"""The portfolio a CSM lands on: her own accounts; churned accounts shown as churned, only on request."""

from __future__ import annotations

import re
from datetime import timedelta

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
