"""The referral landing page, the rewards page and their API, served by the real app on DuckDB and PostgreSQL:
a tampered link stores nothing, a visit is recorded once, the sign-up form and API sign a prospect up, and
only admins approve or reject rewards (viewers and CSMs read)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi.testclient import TestClient

from nabd.feedback.links import link_key
from nabd.outreach.messages import signed_token
from nabd.outreach.rewards import Reward, earn
from nabd.store import Store
from tests.web.conftest import log_in, page_csrf

NOW = datetime(2026, 6, 1, 6)


def _contact_token(store: Store, contact_id: str = "wc1", account_id: str = "a1", language: str = "ar") -> str:
    """A contact of ``account_id`` and its signed referral link's token."""
    store.execute("INSERT INTO contacts (contact_id, account_id, name, email, language) VALUES (?, ?, 'Huda', "
                  "'huda@a1.test', ?) ON CONFLICT DO NOTHING", [contact_id, account_id, language])
    return signed_token(link_key(store), "referral", contact_id, NOW)


def _reward(store: Store, account_id: str = "a1") -> str:
    reward = Reward(kind="credit", amount=50, currency="USD", description={"en": "Referral credit", "ar": "رصيد"})
    earn(store, reward, "tier", "SELECT ? AS reward_id, ? AS account_id, 'gold' AS source_id, "
         "CAST(? AS DATE) AS earned_on", [f"tier:{account_id}:gold", account_id, date(2026, 6, 1)], NOW)
    return f"tier:{account_id}:gold"


def _prospects(store: Store) -> list[tuple]:
    return store.fetchall("SELECT status, email_domain FROM referral_prospects ORDER BY referral_id")


def test_the_landing_page_records_the_first_visit_once_and_signs_the_prospect_up(client):
    store = client.app.state.store
    with client.app.state.store_lock:
        token = _contact_token(store)
    page = client.get(f"/refer/{token}?lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and "دعوة من" in page.text
    assert client.cookies.get("nabd_referral")
    assert client.get(f"/refer/{token}", headers={"Accept-Language": "en"}).status_code == 200  # the same visitor
    with client.app.state.store_lock:
        assert _prospects(store) == [("visited", None)]
    bad = client.post(f"/refer/{token}?lang=en", data={"email": "not an address", "company": "Gamma"})
    assert bad.status_code == 422 and "is not an e-mail address" in bad.text and 'value="Gamma"' in bad.text
    done = client.post(f"/refer/{token}?lang=en", data={"email": "ali@gamma.test", "name": "Ali", "company": "Gamma"})
    assert done.status_code == 200 and "Your referral code: R" in done.text
    with client.app.state.store_lock:
        assert _prospects(store) == [("signed_up", "gamma.test")]


def test_a_tampered_referral_link_is_a_404_and_stores_nothing(client, tokens):
    store = client.app.state.store
    with client.app.state.store_lock:
        token = _contact_token(store)
        unsubscribe = signed_token(link_key(store), "unsubscribe", "wc1", NOW)
    for bad in (token[:-2] + "xx", unsubscribe, "nonsense"):
        assert client.get(f"/refer/{bad}").status_code == 404
        assert client.post(f"/refer/{bad}", data={"email": "ali@gamma.test"}).status_code == 404
        api = client.post("/api/v1/referrals/signups", json={"token": bad, "email": "ali@gamma.test"},
                          headers={"Authorization": f"Bearer {tokens['ana']}"})
        assert api.status_code == 404
    with client.app.state.store_lock:
        assert _prospects(store) == []


def test_the_sign_up_api_takes_the_link_or_the_referral_code(client, tokens):
    store = client.app.state.store
    with client.app.state.store_lock:
        token = _contact_token(store)
    admin = {"Authorization": f"Bearer {tokens['ana']}"}
    first = client.post("/api/v1/referrals/signups", json={"token": token, "email": "ali@gamma.test"}, headers=admin)
    assert first.status_code == 201 and first.json()["status"] == "signed_up"
    again = client.post("/api/v1/referrals/signups", json={"code": first.json()["referral_id"], "account_id": "a3"},
                        headers=admin)
    assert again.status_code == 201 and again.json()["referred_account_id"] == "a3"
    assert client.post("/api/v1/referrals/signups", json={"code": "R-NOPE", "email": "x@y.test"},
                       headers=admin).status_code == 404
    funnel = client.get("/api/v1/referrals", headers={"Authorization": f"Bearer {tokens['vic']}"}).json()["funnel"]
    assert funnel == {"visited": 1, "signed_up": 1, "paying": 0}


def test_only_an_admin_approves_or_rejects_a_reward(client):
    if True:
        store = client.app.state.store
        with client.app.state.store_lock:
            reward_id = _reward(store)
            _reward(store, "a2")
        for login in ("vic", "carla"):
            browser = TestClient(client.app)
            log_in(browser, login)
            page = browser.get("/rewards")
            assert page.status_code == 200 and "Referral credit" in page.text and "/approve" not in page.text
            refused = browser.post(f"/rewards/{reward_id}/approve", data={"csrf_token": page_csrf(browser, "/rewards")},
                                   follow_redirects=False)
            assert refused.status_code == 403, login
        with client.app.state.store_lock:
            assert store.scalar("SELECT status FROM rewards WHERE reward_id = ?", [reward_id]) == "pending"
        log_in(client, "ana")
        page = client.get("/rewards")
        assert 'action="/rewards/tier%3Aa1%3Agold/approve"' in page.text
        done = client.post("/rewards/tier%3Aa1%3Agold/approve", data={"csrf_token": page_csrf(client, "/rewards")},
                           follow_redirects=False)
        assert done.status_code == 303
        with client.app.state.store_lock:
            assert store.fetchall("SELECT status, decided_by FROM rewards WHERE reward_id = ?", [reward_id]) \
                == [("approved", "ana")]
        assert "ana" in client.get("/rewards?status=approved&lang=ar").text


def test_the_rewards_api_lists_and_lets_only_admins_decide(client, tokens):
    store = client.app.state.store
    with client.app.state.store_lock:
        reward_id = _reward(store)
    listed = client.get("/api/v1/rewards?status=pending", headers={"Authorization": f"Bearer {tokens['vic']}"})
    assert [r["reward_id"] for r in listed.json()["rewards"]] == [reward_id]
    assert listed.json()["counts"] == {"pending": 1, "approved": 0, "rejected": 0}
    for login, status in (("vic", 403), ("carla", 403), ("ana", 200)):
        response = client.post(f"/api/v1/rewards/{reward_id}/reject", json={"note": "duplicate"},
                               headers={"Authorization": f"Bearer {tokens[login]}"})
        assert response.status_code == status, login
    assert response.json()["status"] == "rejected" and response.json()["decision_note"] == "duplicate"
    twice = client.post(f"/api/v1/rewards/{reward_id}/approve", headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert twice.status_code == 409 and "already rejected by ana" in twice.json()["error"]
    assert client.post("/api/v1/rewards/nope/approve",
                       headers={"Authorization": f"Bearer {tokens['ana']}"}).status_code == 404
