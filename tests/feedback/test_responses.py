"""Responses run in other tools: imported from a file or posted to the API, then analysed."""

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from nabd.errors import NabdError
from nabd.feedback.analysis import analyse_comments
from nabd.feedback.responses import PostedResponse, account_feedback, record_response
from nabd.ingest.files import import_file
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


RESPONSES_CSV = (
    "response_id,account_id,kind,score,comment,language,touchpoint,responded_at\n"
    "x1,a1,nps,9,\"Great onboarding, the trainer was excellent.\",en,after onboarding,2026-05-01 10:00:00\n"
    "x2,a1,nps,2,الأسعار غالية والتطبيق يعلق,ar,quarterly relationship,2026-05-02 10:00:00\n"
    "x3,a1,nps,8,,en,quarterly relationship,2026-05-03 10:00:00\n"
)


def _analysed(store) -> dict[str, tuple]:
    return {f["response_id"]: (f["sentiment"], f["themes"]) for f in account_feedback(store, "a1")}


def test_importing_survey_responses_analyses_their_comments(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES_CSV, encoding="utf-8")
    reports = []
    summary = import_file(store, "survey_responses", path, progress=lambda *report: reports.append(report))
    assert (summary.inserted, summary.comments_analysed) == (3, 2)  # x3 has no comment
    assert [r for r in reports if r[0] == "analyse"] == [("analyse", 0, 2), ("analyse", 2, 2)]
    assert _analysed(store) == {"x1": ("positive", ["onboarding"]), "x2": ("negative", ["pricing", "reliability"])}
    assert analyse_comments(store) == 0  # nothing left for the next analysis run


def test_reimporting_analyses_only_the_comments_that_changed(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES_CSV, encoding="utf-8")
    import_file(store, "survey_responses", path)
    assert import_file(store, "survey_responses", path).comments_analysed == 0
    path.write_text(RESPONSES_CSV.replace("Great onboarding, the trainer was excellent.",
                                          "Support never replies to our tickets."), encoding="utf-8")
    changed = import_file(store, "survey_responses", path)
    assert (changed.updated, changed.comments_analysed) == (1, 1)
    assert _analysed(store)["x1"] == ("negative", ["support_speed"])


def test_importing_tickets_analyses_only_the_tickets_of_the_file(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, subject, body) VALUES "
                  "('old', 'a1', ?, 'Invoice', 'The invoice is wrong.')", [datetime(2026, 1, 5)])
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,account_id,opened_at,subject,body\n"
                    "t1,a1,2026-05-03 09:00:00,App crashes,The app crashes every morning.\n", encoding="utf-8")
    assert import_file(store, "tickets", path).comments_analysed == 1
    assert store.fetchall("SELECT source_id, sentiment, CAST(themes AS TEXT) FROM feedback_analysis") == [
        ("t1", "negative", '["reliability"]')
    ]  # the older ticket, not in the file, waits for `nabd feedback analyse`


def test_an_import_asked_not_to_analyse_leaves_the_comments_for_later(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES_CSV, encoding="utf-8")
    assert import_file(store, "survey_responses", path, analyse=False).comments_analysed == 0
    assert analyse_comments(store) == 2


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
