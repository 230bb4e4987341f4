"""The risk inbox: a CSM's own warnings and at-risk accounts, ranked, worded with their numbers, and acted on
(task, snooze, dismiss) only by those who may write the account.

The web tests' company (tests/web/conftest.py): a1 Acme Trading (carla, red, MRR 100), a2 Beta Foods
(dan, yellow, 250), a3 Cedar Labs (carla, green, 400), a4 Dune Retail (dan, red, 75). Warnings are stored
for yesterday: usage_drop on a1 and a3, negative_feedback on a2.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from nabd.store.clock import utc_now
from tests.web.conftest import log_in, page_csrf


def _fire(store, account_id: str, indicator: str, evidence: dict, days_ago: int = 1) -> None:
    store.execute(
        "INSERT INTO indicator_firings (account_id, indicator, as_of, evidence, fired_at) VALUES (?, ?, ?, ?, ?)",
        [account_id, indicator, utc_now().date() - timedelta(days=days_ago), json.dumps(evidence), utc_now()],
    )


@pytest.fixture
def warned(client):
    store = client.app.state.store
    with client.app.state.store_lock:
        _fire(store, "a1", "usage_drop", {"recent_per_week": 44, "baseline_per_week": 80, "change": -0.45})
        _fire(store, "a1", "usage_drop", {"recent_per_week": 60, "baseline_per_week": 80, "change": -0.25}, 8)
        _fire(store, "a3", "usage_drop", {"recent_per_week": 10, "baseline_per_week": 20, "change": -0.5})
        _fire(store, "a2", "negative_feedback", {"detractors": 1, "low_csat": 0, "negative_comments": 0,
                                                 "lowest_nps": 3, "lowest_csat": None})
    return client


def _rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-account="([^"]+)" data-cause="([^"]+)">', page)


def test_a_csm_lands_on_her_own_inbox_ranked_by_band_then_mrr_with_the_numbers(warned):
    answer = log_in(warned, "carla")
    assert warned.get(answer.headers["location"].replace("/portfolio", "/")).url.path == "/inbox"
    page = warned.get("/inbox").text
    # carla's: a1 is red (the worst band: a warning and an at-risk account), a3 green; dan's a2 never shows
    assert _rows(page) == [("a1", "band:unhealthy"), ("a1", "usage_drop"), ("a3", "usage_drop")]
    assert "usage fell 45% below its usual week" in page  # the newest firing's numbers
    assert "on 2 days in 30" in page and "precision" not in page  # no daily run yet: nothing measured


def test_an_admin_sees_everyones_and_filters_by_csm_and_cause(warned):
    log_in(warned, "ana")
    everyone = _rows(warned.get("/inbox").text)
    assert set(everyone) == {("a1", "band:unhealthy"), ("a1", "usage_drop"), ("a3", "usage_drop"),
                             ("a4", "band:unhealthy"), ("a2", "negative_feedback")}
    assert _rows(warned.get("/inbox", params={"csm": "dan"}).text)[0][0] in ("a2", "a4")
    assert _rows(warned.get("/inbox", params={"cause": "negative_feedback"}).text) == [("a2", "negative_feedback")]
    # the filter form as a browser sends it: empty fields mean any
    assert len(_rows(warned.get("/inbox", params={"csm": "*", "cause": "", "kind": ""}).text)) == 5


def test_opening_a_task_from_a_warning_keeps_its_cause_once_and_words_it_in_arabic(warned):
    log_in(warned, "carla")
    form = {"account_id": "a1", "cause": "usage_drop", "action": "task", "csrf_token": page_csrf(warned, "/inbox")}
    for _ in range(2):  # a second click opens no second task of the same cause
        assert warned.post("/inbox/act", data=form, follow_redirects=False).status_code == 303
    store = warned.app.state.store
    rows = store.fetchall("SELECT owner, cause, title FROM tasks WHERE account_id = 'a1' AND cause IS NOT NULL")
    assert rows == [("carla", "usage_drop", "Look into Acme Trading: usage fell 45% below its usual week")]
    assert "Task open" in warned.get("/inbox").text
    warned.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(warned, "/inbox")})
    assert "تابع Acme Trading: انخفض الاستخدام 45% عن أسبوعه المعتاد" in warned.get("/tasks").text.replace("\u200e", "")


def test_a_snooze_hides_a_warning_and_a_dismissal_is_kept_for_the_backtest(warned):
    log_in(warned, "carla")
    token = page_csrf(warned, "/inbox")
    base = {"account_id": "a1", "csrf_token": token}
    warned.post("/inbox/act", data={**base, "cause": "usage_drop", "action": "snoozed", "reason": "on holiday",
                                    "days": "14"})
    warned.post("/inbox/act", data={**base, "cause": "band:unhealthy", "action": "dismissed",
                                    "reason": "a data error"})
    assert _rows(warned.get("/inbox").text) == [("a3", "usage_drop")]
    kept = warned.app.state.store.fetchall(
        "SELECT cause, action, reason, hidden_until - as_of FROM warning_actions ORDER BY cause")
    assert [row[:3] for row in kept] == [("band:unhealthy", "dismissed", "a data error"),
                                         ("usage_drop", "snoozed", "on holiday")]
    # a reason is required
    answer = warned.post("/inbox/act", data={**base, "account_id": "a3", "cause": "usage_drop", "action": "snoozed"})
    assert answer.status_code == 400


def test_no_one_acts_on_another_csms_warning_and_viewers_only_read(warned):
    log_in(warned, "dan")
    form = {"account_id": "a1", "cause": "usage_drop", "action": "task", "csrf_token": page_csrf(warned, "/inbox")}
    assert warned.post("/inbox/act", data=form).status_code == 403
    assert _rows(warned.get("/inbox").text)[0][0] in ("a2", "a4")  # his own accounts only
    warned.post("/logout", data={"csrf_token": page_csrf(warned, "/inbox")})
    log_in(warned, "vic")
    assert warned.get("/inbox").status_code == 200
    form["csrf_token"] = page_csrf(warned, "/inbox")
    assert warned.post("/inbox/act", data=form).status_code == 403
    assert warned.app.state.store.scalar("SELECT count(*) FROM tasks WHERE cause IS NOT NULL") == 0


def test_the_digest_form_sets_the_hour_it_is_sent_at(client):
    log_in(client, "carla")
    page = client.get("/inbox").text
    assert '<option value="7" selected>07:00</option>' in page and "(UTC)" in page  # the default, company time
    token = page_csrf(client, "/inbox")
    client.post("/digest", data={"email": "carla@example.com", "enabled": "true", "send_hour": "9",
                                 "csrf_token": token})
    assert '<option value="9" selected>09:00</option>' in client.get("/inbox").text
    client.post("/preferences", data={"language": "ar", "digits": "arab", "csrf_token": token})
    assert '<option value="9" selected>٠٩:٠٠</option>' in client.get("/inbox").text
