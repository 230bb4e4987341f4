"""The public pages of journey links (unsubscribe, the customer's onboarding) and the journeys pages, served
by the real app on DuckDB and PostgreSQL; the exit survey stores its reason code."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from nabd.feedback.links import link_key
from nabd.feedback.responses import exit_reasons
from nabd.feedback.sending import send_survey
from nabd.outreach.advance import advance_journeys
from nabd.outreach.journey import load_journeys
from nabd.outreach.journey_versions import journey_history, journey_yaml, journeys_in_force
from nabd.outreach.messages import signed_token
from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import add_user
from tests.feedback.conftest import token_of
from tests.outreach.conftest import BASE_URL, DAY, NOW, band_change, save_journey, seed_company
from tests.web.conftest import log_in, page_csrf


def test_the_unsubscribe_link_asks_then_unsubscribes_in_the_contacts_language(store_url):
    with open_store(store_url) as store:
        seed_company(store)
        token = signed_token(link_key(store), "unsubscribe", "c1", NOW)
    with TestClient(create_app(store_url, secret_key="s")) as client:
        page = client.get(f"/unsubscribe/{token}")
        assert page.status_code == 200 and 'dir="rtl"' in page.text and "إلغاء الاشتراك" in page.text
        done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200 and "لن نرسل إليك" in done.text
        assert "You are unsubscribed" in client.get(f"/unsubscribe/{token}?lang=en").text
        assert client.get(f"/unsubscribe/{token[:-2]}xx").status_code == 404
        survey_token = signed_token(link_key(open_store(store_url)), "onboarding", "a1", NOW)
        assert client.post(f"/unsubscribe/{survey_token}").status_code == 404  # another link's token
    with open_store(store_url) as store:
        assert store.fetchall("SELECT contact_id FROM contact_unsubscribes") == [("c1",)]


def test_an_unsubscribed_contact_gets_no_survey_either(store, mailbox):
    box, smtp = mailbox
    seed_company(store)
    store.execute("INSERT INTO contact_unsubscribes VALUES ('c1', ?)", [NOW])
    report = send_survey(store, "relationship-nps", ["c1", "c2"], base_url=BASE_URL, smtp=smtp, now=NOW)
    assert report.unsubscribed == ["c1"] and [m["To"] for m in box.messages] == ["sam@acme.test"]


def test_the_onboarding_link_shows_the_milestones_progress_and_next_step(store_url):
    with open_store(store_url) as store:
        seed_company(store)
        store.execute("INSERT INTO onboarding_milestones VALUES ('a1', 'first_login', ?), ('a1', 'three_users', ?)",
                      [date(2025, 1, 3), date(2025, 1, 9)])
        token = signed_token(link_key(store), "onboarding", "a1", NOW)
    with TestClient(create_app(store_url, secret_key="s")) as client:
        arabic = client.get(f"/onboarding/{token}").text
        assert 'dir="rtl"' in arabic and 'max="4" value="2"' in arabic
        assert "خطوتك التالية: ربط تكامل" in arabic
        english = client.get(f"/onboarding/{token}?lang=en").text
        assert "2 of 4 milestones met" in english and "Your next step: integration connected" in english
        assert client.get("/onboarding/nonsense").status_code == 404


def test_the_exit_survey_page_asks_why_and_stores_the_reason_and_the_competitor(store_url, mailbox):
    box, smtp = mailbox
    with open_store(store_url) as store:
        seed_company(store)
        send_survey(store, "exit-reasons", ["c2"], base_url=BASE_URL, smtp=smtp)
    token = token_of(box.messages[0])
    with TestClient(create_app(store_url, secret_key="s")) as client:
        form = client.get(f"/survey/{token}")
        assert "What is the main reason you are leaving?" in form.text and 'value="company_closed"' in form.text
        assert client.post(f"/survey/{token}", data={"score": "3"}).status_code == 422
        unnamed = client.post(f"/survey/{token}", data={"score": "3", "reason": "competitor", "competitor": " "})
        assert unnamed.status_code == 422 and "name the competitor" in unnamed.text
        done = client.post(f"/survey/{token}", data={"score": "3", "reason": "competitor", "competitor": "Rival CRM",
                                                      "comment": "Cheaper elsewhere"})
        assert done.status_code == 200
    with open_store(store_url) as store:
        assert [(r["account_id"], r["contact_id"], r["reason"], r["competitor"], r["comment"])
                for r in exit_reasons(store, "a1")] == [("a1", "c2", "competitor", "Rival CRM", "Cheaper elsewhere")]
        assert store.fetchall("SELECT kind, score, touchpoint FROM survey_responses") == [("nps", 3, "exit survey")]


def test_the_journeys_pages_list_the_journeys_and_show_the_effect(store_url):
    with open_store(store_url) as store:
        seed_company(store)
        add_user(store, "ana", "a long password", "admin")
        band_change(store, "a1", DAY, "unhealthy", 42)
        advance_journeys(store, DAY, journeys=save_journey(), base_url=BASE_URL, sender="cs@nabd.test", now=NOW)
    with TestClient(create_app(store_url, secret_key="s")) as client:
        assert log_in(client, "ana", "a long password").status_code == 303
        listing = client.get("/journeys")
        assert listing.status_code == 200 and "/journeys/red_band_save" in listing.text
        detail = client.get("/journeys/red_band_save")
        assert detail.status_code == 200 and "Treated against held out" in detail.text
        assert client.get("/journeys/nope").status_code == 404
        assert client.get("/journeys/red_band_save?lang=ar").status_code == 200
        assert "offer the discount or a free upgrade" in detail.text and "Task: escalate" in detail.text
        client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(client)})
        arabic = client.get("/journeys/red_band_save").text
        assert "عرض الخصم أو ترقية مجانية" in arabic and "مهمة: تصعيد" in arabic and "إذا ارتفعت النقاط" in arabic


def _client_with_users(store_url):
    with open_store(store_url) as store:
        seed_company(store)
        for login, role in (("ana", "admin"), ("carla", "csm"), ("vic", "viewer")):
            add_user(store, login, "a long password", role)
        band_change(store, "a1", date.today(), "unhealthy", 42)
    return TestClient(create_app(store_url, secret_key="s"))


@pytest.mark.parametrize("login", ["carla", "vic"])
def test_csms_and_viewers_get_403_on_every_journey_edit_route(store_url, login):
    with _client_with_users(store_url) as client:
        log_in(client, login, "a long password")
        token = page_csrf(client, "/journeys")
        assert client.get("/journeys/red_band_save/edit").status_code == 403
        assert client.get("/journeys/new").status_code == 403
        text = journey_yaml(load_journeys().journey("red_band_save"))
        for path, data in (("/journeys/red_band_save/edit", {"yaml": text, "action": "save"}),
                           ("/journeys/new", {"yaml": text, "action": "save"}),
                           ("/journeys/red_band_save/enabled", {"enabled": "false"})):
            assert client.post(path, data={**data, "csrf_token": token}, follow_redirects=False).status_code == 403
        assert "/journeys/red_band_save/edit" not in client.get("/journeys/red_band_save").text
    with open_store(store_url) as store:
        assert store.scalar("SELECT count(*) FROM journey_versions") == 0


def test_an_admin_sees_the_error_line_runs_dry_then_saves_and_the_change_is_audited(store_url):
    with _client_with_users(store_url) as client:
        log_in(client, "ana", "a long password")
        token = page_csrf(client, "/journeys/red_band_save/edit")
        text = journey_yaml(load_journeys().journey("red_band_save"))
        bad = client.post("/journeys/red_band_save/edit",
                          data={"yaml": text.replace("band_entered: red", "band_entered: red\n  churn_risk: high"),
                                "action": "dry_run", "csrf_token": token})
        assert bad.status_code == 422 and "journey.yaml:12: entry.churn_risk: Extra inputs are not permitted" in bad.text
        edited = text.replace("holdout: 0.1", "holdout: 0.0")
        dry = client.post("/journeys/red_band_save/edit", data={"yaml": edited, "action": "dry_run", "csrf_token": token})
        assert dry.status_code == 200 and "1 accounts would enter today" in dry.text
        assert "An offer for Acme Trading: a discount or a free upgrade" in dry.text  # the e-mail a1 would get
        assert "عرض خاص لـ Acme Trading" in dry.text
        with client.app.state.store_lock:
            assert client.app.state.store.scalar("SELECT count(*) FROM journey_versions") == 0  # a dry run saves nothing
        saved = client.post("/journeys/red_band_save/edit", data={"yaml": edited, "action": "save", "csrf_token": token},
                            follow_redirects=False)
        assert saved.status_code == 303 and saved.headers["location"] == "/journeys/red_band_save?saved=1"
        page = client.get("/journeys/red_band_save?saved=1").text
        assert "Saved: the daily run follows this version" in page and "ana" in page and "edited" in page
        disabled = client.post("/journeys/red_band_save/enabled", data={"enabled": "false", "csrf_token": token},
                               follow_redirects=False)
        assert disabled.status_code == 303 and "(disabled)" in client.get("/journeys").text
    with open_store(store_url) as store:
        assert [(r["action"], r["saved_by"]) for r in journey_history(store)] == [("disabled", "ana"), ("edited", "ana")]
        assert journeys_in_force(store).journey("red_band_save").holdout == 0.0
