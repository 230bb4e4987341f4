"""The renewals page: a CSM's own renewals in the window with their MRR; everyone's for an admin."""

from __future__ import annotations

import re
from datetime import date, timedelta

from nabd.playbooks.renewals import quarter_start
from tests.web.conftest import log_in


def _accounts(page: str) -> list[str]:
    return re.findall(r'<td><a href="/accounts/[^"]+">([^<]+)</a></td>', page)


def test_a_csm_sees_her_renewals_and_their_mrr(client):
    log_in(client, "carla")  # a1 (100) and a3 (400) renew in 30 days
    page = client.get("/renewals", params={"within": 30}).text
    assert sorted(_accounts(page)) == ["Acme Trading", "Cedar Labs"]
    assert "$500" in page and "2 accounts" in page


def test_an_admin_sees_everyones_and_no_renewal_falls_outside_the_window(client):
    log_in(client, "ana")
    assert len(_accounts(client.get("/renewals").text)) == 4
    assert "No renewal in this window." in client.get("/renewals", params={"within": 29}).text


def test_a_quarter_starts_on_the_first_day_of_its_first_month():
    assert quarter_start(date(2026, 11, 15)) == date(2026, 10, 1)
    assert quarter_start(date(2026, 10, 1)) == date(2026, 10, 1)
    assert quarter_start(date(2026, 10, 1) - timedelta(days=1)) == date(2026, 7, 1)
