"""Responses run in other tools: imported from a file or posted to the API, then analysed."""

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from nabd.errors import NabdError
from nabd.feedback.responses import PostedResponse, account_feedback, record_response
from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import add_token, add_user


def test_a_posted_response_is_stored_and_its_comment_analysed(store):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    posted = PostedResponse(response_id="ext-1", account_id="a1", kind="csat", score=1,
                            comment="فتحنا تذكرة من أسبوع وما أحد رد علينا", touchpoint="after ticket closed",
                            responded_at=datetime(2026, 5, 1, 10))
    assert record_response(store, posted) == "ext-1"
    [feedback] = account_feedback(store, "a1")
    assert (feedback["score"], feedback["sentiment"], feedback["themes"]) == (1, "negative", ["support_speed"])


def test_a_posted_score_off_its_scale_is_refused():
    with pytest.raises(ValueError, match="between 0 and 10"):
        PostedResponse(account_id="a1", kind="nps", score=11)


def test_a_response_for_an_unknown_account_is_refused(store):
    with pytest.raises(NabdError, match="there is no account nope"):
        record_response(store, PostedResponse(account_id="nope", kind="nps", score=5))


def test_the_api_takes_a_posted_response_and_shows_the_account_feedback(store_url):
    with open_store(store_url) as store:
        store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
        add_user(store, "ana", "a long password", "admin")
        token = add_token(store, "ana", "tests")
    with TestClient(create_app(store_url, secret_key="s")) as client:
        headers = {"Authorization": f"Bearer {token}"}
        posted = client.post("/api/v1/survey-responses", headers=headers,
                             json={"account_id": "a1", "kind": "nps", "score": 4, "comment": "Far too expensive for us, we are disappointed."})
        assert posted.status_code == 201
        bad = client.post("/api/v1/survey-responses", headers=headers, json={"account_id": "a1", "kind": "ces", "score": 9})
        assert bad.status_code == 422 and "between 1 and 7" in bad.json()["error"]
        items = client.get("/api/v1/accounts/a1/feedback", headers=headers).json()["items"]
        assert [(i["score"], i["sentiment"], i["themes"]) for i in items] == [(4, "negative", ["pricing"])]
        assert items[0]["theme_names"] == [{"en": "pricing", "ar": "الأسعار"}]


def test_responded_at_is_iso_text_stored_in_utc_and_a_number_is_refused_with_422(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    with open_store(url) as store:
        store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
        add_user(store, "ana", "a long password", "admin")
        token = add_token(store, "ana", "tests")
    with TestClient(create_app(url, secret_key="s")) as client:
        headers = {"Authorization": f"Bearer {token}"}
        answer = {"response_id": "r1", "account_id": "a1", "kind": "nps", "score": 9}
        for refused in (0, 1777600000, "1777600000", "yesterday", "0001-01-01T00:00:00Z"):
            response = client.post("/api/v1/survey-responses", headers=headers,
                                   json={**answer, "responded_at": refused})
            assert response.status_code == 422, refused
            assert response.json()["error"].startswith("responded_at:"), response.json()
        stored = client.post("/api/v1/survey-responses", headers=headers,
                             json={**answer, "responded_at": "2026-05-01T13:00:00+03:00"})
        assert stored.status_code == 201
        with client.app.state.store_lock:
            assert client.app.state.store.scalar(
                "SELECT responded_at FROM survey_responses WHERE response_id = 'r1'") == datetime(2026, 5, 1, 10)
