"""The workspace in the REST API: the risk inbox (ranked, with evidence; a CSM's own, leaders everyone's) and
its actions, renewals with their forecast windows, and one's own morning digest; viewers read, never write.

The web tests' company (tests/web/conftest.py): a1 Acme Trading (carla, red, MRR 100), a2 Beta Foods (dan,
yellow, 250), a3 Cedar Labs (carla, green, 400), a4 Dune Retail (dan, red, 75); every account renews in 30 days.
"""

from __future__ import annotations

import pytest

from tests.web.test_inbox import _fire


def _get(client, path, token, **params):
    return client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})


def _send(client, method, path, token, body):
    return client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def warned(client):
    with client.app.state.store_lock:
        _fire(client.app.state.store, "a1", "usage_drop",
              {"recent_per_week": 44, "baseline_per_week": 80, "change": -0.45})
        _fire(client.app.state.store, "a2", "negative_feedback",
              {"detractors": 1, "low_csat": 0, "negative_comments": 0, "lowest_nps": 3, "lowest_csat": None})
    return client


def test_a_csm_reads_her_own_inbox_with_its_evidence_and_a_leader_reads_everyones(warned, tokens):
    mine = _get(warned, "/api/v1/inbox", tokens["carla"]).json()
    assert [(i["account_id"], i["cause"]) for i in mine["items"]] == [("a1", "band:unhealthy"), ("a1", "usage_drop")]
    drop = mine["items"][1]
    assert drop["evidence"] == {"recent_per_week": 44, "baseline_per_week": 80, "change": -0.45}
    assert "45%" in drop["reason"] and drop["kind"] == "warning" and drop["task_id"] is None
    assert _get(warned, "/api/v1/inbox", tokens["carla"], csm="dan").json()["total"] == 2  # still her own
    everyone = _get(warned, "/api/v1/inbox", tokens["vic"], limit=2).json()
    assert everyone["total"] == 4 and len(everyone["items"]) == 2 and everyone["next"].endswith("offset=2")


def test_a_csm_opens_a_task_from_her_warning_once_and_cannot_act_on_anothers(warned, tokens):
    opened = _send(warned, "POST", "/api/v1/inbox/a1/usage_drop", tokens["carla"], {"action": "task"})
    again = _send(warned, "POST", "/api/v1/inbox/a1/usage_drop", tokens["carla"], {"action": "task"})
    assert opened.status_code == 200 and opened.json()["task_id"] == again.json()["task_id"]
    item = _get(warned, "/api/v1/inbox", tokens["carla"], cause="usage_drop").json()["items"][0]
    assert item["task_id"] == opened.json()["task_id"]
    assert _send(warned, "POST", "/api/v1/inbox/a2/negative_feedback", tokens["carla"],
                 {"action": "dismissed", "reason": "not mine"}).status_code == 403
    assert _send(warned, "POST", "/api/v1/inbox/a1/usage_drop", tokens["vic"],
                 {"action": "snoozed", "reason": "later"}).status_code == 403
    assert _send(warned, "POST", "/api/v1/inbox/a1/no_such", tokens["carla"], {"action": "task"}).status_code == 404


def test_a_snooze_needs_a_reason_and_hides_the_warning(warned, tokens):
    refused = _send(warned, "POST", "/api/v1/inbox/a1/usage_drop", tokens["carla"], {"action": "snoozed"})
    assert refused.status_code == 400 and "reason" in refused.json()["error"]
    assert _send(warned, "POST", "/api/v1/inbox/a1/usage_drop", tokens["carla"],
                 {"action": "snoozed", "reason": "on holiday", "days": 14}).status_code == 200
    causes = [i["cause"] for i in _get(warned, "/api/v1/inbox", tokens["carla"]).json()["items"]]
    assert causes == ["band:unhealthy"]


def test_renewals_in_a_window_with_the_forecast_a_csm_her_own(client, tokens):
    mine = _get(client, "/api/v1/renewals", tokens["carla"], days=30).json()
    assert sorted(row["account_id"] for row in mine["items"]) == ["a1", "a3"]
    assert [(w["days"], w["accounts"], w["mrr"]) for w in mine["windows"]] == [(30, 2, 500), (60, 2, 500),
                                                                             (90, 2, 500)]
    everyone = _get(client, "/api/v1/renewals", tokens["vic"]).json()
    assert everyone["total"] == 4 and "quarters" in everyone
    assert _get(client, "/api/v1/renewals", tokens["vic"], days=45).json() == {"error": "days: one of 30, 60, 90, not 45"}


def test_each_user_reads_and_sets_her_own_digest_and_a_viewer_only_reads(client, tokens):
    assert _get(client, "/api/v1/me/digest", tokens["carla"]).json() == {
        "login": "carla", "email": None, "webhook_url": None, "enabled": False, "sent_on": None, "send_hour": 7}
    changed = _send(client, "PUT", "/api/v1/me/digest", tokens["carla"], {"email": "carla@example.com"})
    assert changed.status_code == 200 and changed.json()["email"] == "carla@example.com" and changed.json()["enabled"]
    assert _get(client, "/api/v1/me/digest", tokens["dan"]).json()["email"] is None
    bad = _send(client, "PUT", "/api/v1/me/digest", tokens["carla"], {"email": "not-an-address"})
    assert bad.status_code == 400
    assert _send(client, "PUT", "/api/v1/me/digest", tokens["vic"], {"enabled": False}).status_code == 403


def test_the_digests_hour_is_read_and_set_through_the_api(client, tokens):
    changed = _send(client, "PUT", "/api/v1/me/digest", tokens["carla"], {"email": "carla@example.com", "send_hour": 9})
    assert changed.status_code == 200 and changed.json()["send_hour"] == 9
    kept = _send(client, "PUT", "/api/v1/me/digest", tokens["carla"], {"email": "carla@example.com"})
    assert kept.json()["send_hour"] == 9 and _get(client, "/api/v1/me/digest", tokens["carla"]).json()["send_hour"] == 9
    assert _send(client, "PUT", "/api/v1/me/digest", tokens["carla"], {"send_hour": 24}).status_code == 422


def test_an_hour_that_is_not_a_whole_number_is_refused(client, tokens):
    for wrong in (False, True, "9", 9.5):
        assert _send(client, "PUT", "/api/v1/me/digest", tokens["carla"], {"send_hour": wrong}).status_code == 422
