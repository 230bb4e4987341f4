"""The account 360 over the real demo company (scored weekly by nabd.health): the timeline of an account
whose band changed names the measures that moved it, and every account page answers."""

from __future__ import annotations

import re

from nabd.store import open_store
from nabd.store.calendar import today
from nabd.web.read.timeline import kinds_of, timeline


def _changed_account(demo_url: str) -> str:
    with open_store(demo_url) as store:
        return store.scalar("SELECT account_id FROM health_band_changes ORDER BY as_of DESC, account_id LIMIT 1")


def test_a_band_change_of_a_real_account_names_the_measures_that_moved_it(demo_url):
    account_id = _changed_account(demo_url)
    with open_store(demo_url) as store:
        found = timeline(store, account_id, today(), kinds_of(["scores"]), limit=50)
        stored = store.fetchall("SELECT as_of, from_band, to_band FROM health_band_changes WHERE account_id = ?",
                                [account_id])
    changes = [item for item in found.items if item["kind"] == "band"]
    assert {(c["happened_at"].date(), c["label"], c["detail"]) for c in changes} == set(stored)
    assert all(c["moved"] for c in changes)  # a band changes because some measure's contribution moved
    assert all(abs(m["points"]) >= 0.5 and m["name"]["ar"] for c in changes for m in c["moved"])


def test_a_real_account_page_shows_its_money_its_next_renewal_and_its_timeline(demo_client, demo_url):
    account_id = _changed_account(demo_url)
    page = demo_client.get(f"/accounts/{account_id}").text
    assert 'id="timeline"' in page and "Band change" in page and "Moved by" in page
    assert re.search(r"<dt>MRR</dt><dd class=\"num\">\$[\d,]+</dd>", page)
    api = demo_client.get(f"/accounts/{account_id}?kind=billing")
    assert api.status_code == 200 and "Subscription" in api.text
