"""The risk inbox on the demo company: every indicator firing of the last 30 days is reachable from it."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

from fastapi.testclient import TestClient

from nabd.pipeline.daily import run_daily
from nabd.playbooks.indicators import evaluate_indicators
from nabd.store import open_store
from nabd.web.app import create_app
from tests.web.conftest import DEMO_LAST, log_in


def test_every_firing_of_the_last_30_days_is_reachable_from_the_inbox(demo_url, tmp_path):
    copy = tmp_path / "inbox.duckdb"
    shutil.copyfile(demo_url.removeprefix("duckdb:///"), copy)
    url = f"duckdb:///{copy}"
    with open_store(url) as store:
        for day in (DEMO_LAST - timedelta(days=28), DEMO_LAST - timedelta(days=14)):
            evaluate_indicators(store, day)
        run_daily(store, DEMO_LAST, notify=False)
        fired = set(store.fetchall(
            "SELECT DISTINCT account_id, indicator FROM indicator_firings WHERE as_of > ? AND as_of <= ?",
            [DEMO_LAST - timedelta(days=30), DEMO_LAST]))
        csm = store.scalar("SELECT csm FROM accounts GROUP BY csm ORDER BY count(*) DESC LIMIT 1")
    assert len(fired) > 50
    with TestClient(create_app(url, secret_key="test-secret")) as browser:
        log_in(browser, "ana")
        reached, page = set(), 1
        while True:
            text = browser.get("/inbox", params={"page": page}).text
            rows = re.findall(r'<tr data-account="([^"]+)" data-cause="([^"]+)">', text)
            reached |= set(rows)
            table = text[text.index("<tbody>"):text.index("</tbody>")]
            assert "{&#34;" not in table and '{"' not in table and "_" not in re.sub(r"<[^>]*>", "", table)
            if f"page={page + 1}" not in text:
                break
            page += 1
        assert fired <= reached and page > 1
        mine = browser.get("/inbox", params={"csm": csm}).text
        assert re.findall(r'data-account="([^"]+)"', mine)
        # the renewals page shows last quarter's forecast (made on 1 July) with its error
        renewals = browser.get("/renewals").text
        quarter = renewals[renewals.index("<td>2026-Q3</td>"):]
        cells = re.findall(r'<td class="num">([^<]+)</td>', quarter[:quarter.index("</tr>")])
        assert len(cells) == 5 and "%" in cells[-1]

