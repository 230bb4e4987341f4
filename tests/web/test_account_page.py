"""The account 360 page and its API: the header's figures, the timeline with what a CSM records, contacts,
the score override shown as such everywhere, and the account page's words in Arabic."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from nabd.store.calendar import today
from tests.web.conftest import log_in, page_csrf


@pytest.fixture
def carla(client):
    """carla, the CSM of a1 and a3, logged in."""
    log_in(client, "carla")
    return client


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _post(client, path: str, **fields):
    return client.post(path, data={**fields, "csrf_token": page_csrf(client, "/accounts/a1")}, follow_redirects=False)


def test_the_header_shows_money_tenure_next_renewal_csm_band_and_trend(carla):
    text = _text(carla.get("/accounts/a1").text)
    renews = today() + timedelta(days=30)
    assert "MRR $100 " in text and "ARR $1,200 " in text  # one subscription of 100 USD a month
    assert f"Next renewal {renews.strftime('%b')} {renews.day}, {renews.year} ($100 MRR renewing)" in text
    assert "Customer for 10 months" in text  # its subscription started 300 days ago
    assert "CSM carla" in text and "Segment smb" in text and "Plan pro" in text and "Country Saudi Arabia" in text
    assert "▼ -5" in text  # 40 now, 45 the week before


def test_a_renewal_date_already_passed_shows_the_next_one_a_term_later(carla):
    store = carla.app.state.store
    with carla.app.state.store_lock:  # a yearly term (368 days -> 12 months) renewed 3 days ago: next, a year on
        store.execute("UPDATE subscriptions SET start_date = ?, renewal_date = ? WHERE account_id = 'a1'",
                      [today() - timedelta(days=368), today() - timedelta(days=3)])
    renewed = today() - timedelta(days=3)
    renews = date(renewed.year + 1, renewed.month, min(renewed.day, 28 if renewed.month == 2 else renewed.day))
    text = _text(carla.get("/accounts/a1").text)
    assert f"Next renewal {renews.strftime('%b')} {renews.day}, {renews.year} ($100 MRR renewing)" in text


def test_a_churned_account_says_churned_not_no_score_yet(carla):
    store = carla.app.state.store
    ended = today() - timedelta(days=10)
    with carla.app.state.store_lock:
        store.execute("UPDATE subscriptions SET end_date = ? WHERE account_id = 'a3'", [ended])
        store.execute("DELETE FROM health_scores WHERE account_id = 'a3'")
    text = _text(carla.get("/accounts/a3").text)
    assert "Cedar Labs Churned" in text and "This account churned on" in text
    assert "no health score yet" not in text and "MRR $0 " in text


def test_an_invoice_not_yet_due_is_due_and_an_overdue_one_says_by_how_many_days(carla):
    store = carla.app.state.store
    with carla.app.state.store_lock:
        store.execute("INSERT INTO invoices VALUES ('i3', 'a1', 100, 'USD', ?, ?, NULL)",
                      [today(), today() + timedelta(days=14)])
    page = carla.get("/accounts/a1").text
    assert "overdue by 10 days" in page  # i1 was due 10 days ago
    assert re.search(r'band-none">due [A-Z][a-z]{2} \d', page)  # i3 is due in 14 days: not red


def test_the_usage_chart_shows_every_week_with_zero_weeks_and_the_last_activity(carla):
    page = carla.get("/accounts/a1").text
    labels = re.search(r'"kind": "bars", "labels": \[([^\]]*)\]', page).group(1)
    values = re.search(r'"values": \[([^\]]*)\]', page[page.index('"kind": "bars"'):]).group(1)
    assert len(labels.split(",")) == 26 and set(values.split(", ")) == {"0"}
    assert "Last activity: never" in _text(page)


def test_a_csm_adds_a_note_and_a_logged_call_and_reads_them_on_the_timeline(carla):
    assert _post(carla, "/accounts/a1/notes", kind="note", body="Sponsor leaves in March").status_code == 303
    _post(carla, "/accounts/a1/notes", kind="call", body="Walked through exports", participants="Omar (CFO)",
          outcome="Will renew", happened_on=str(today() - timedelta(days=1)))
    text = _text(carla.get("/accounts/a1").text)
    timeline = text[text.index("Timeline"):]
    assert timeline.index("Sponsor leaves in March") < timeline.index("Walked through exports")  # newest first
    assert "With: Omar (CFO)" in timeline and "Outcome: Will renew" in timeline
    only_activities = _text(carla.get("/accounts/a1?kind=activities").text)
    only_activities = only_activities[only_activities.index("Timeline"):only_activities.index("Contacts")]
    assert "Walked through exports" in only_activities and "Export keeps failing" not in only_activities


def test_a_note_dated_in_the_future_is_refused_with_the_field(carla):
    response = _post(carla, "/accounts/a1/notes", kind="note", body="x", happened_on=str(today() + timedelta(days=2)))
    assert response.status_code == 400 and "happened_on" in response.text


def test_an_override_shows_on_the_account_the_portfolio_and_the_api_beside_the_computed_score(carla, tokens):
    expires = today() + timedelta(days=30)
    assert _post(carla, "/accounts/a1/override", score="85", reason="Signed a 2-year extension",
                 expires_on=str(expires)).status_code == 303
    text = _text(carla.get("/accounts/a1").text)
    assert "85 green · healthy" in text and "Overridden by carla until" in text and "Computed score: 40" in text
    row = next(r for r in _text(carla.get("/portfolio?q=Acme").text).split("Acme Trading")[1:2])
    assert row.strip().startswith("85 (overridden)")
    api = carla.get("/api/v1/accounts?q=Acme", headers={"Authorization": f"Bearer {tokens['carla']}"}).json()
    assert {"score": 85, "computed_score": 40, "overridden": True, "band": "healthy"}.items() <= api["items"][0].items()
    health = carla.get("/api/v1/accounts/a1", headers={"Authorization": f"Bearer {tokens['carla']}"}).json()
    assert health["override"]["reason"] == "Signed a 2-year extension" and health["latest"]["score"] == 40
    assert "Score override" in text[text.index("Timeline"):]


def test_an_override_expires_by_itself_and_every_change_is_in_the_audit_log(carla):
    store = carla.app.state.store
    _post(carla, "/accounts/a1/override", score="85", reason="renewal signed", expires_on=str(today() + timedelta(days=5)))
    _post(carla, "/accounts/a1/override", score="70", reason="changed my mind", expires_on=str(today() + timedelta(days=5)))
    _post(carla, "/accounts/a1/override/end")
    assert sorted(store.fetchall("SELECT action, by_login FROM score_override_audit")) == [
        ("ended", "carla"), ("replaced", "carla"), ("set", "carla"), ("set", "carla")]
    assert store.scalar("SELECT count(*) FROM score_overrides WHERE ended_by = 'carla'") == 2
    _post(carla, "/accounts/a1/override", score="90", reason="QBR went well", expires_on=str(today() + timedelta(days=1)))
    with carla.app.state.store_lock:  # a day later it no longer applies: nobody ended it
        store.execute("UPDATE score_overrides SET starts_on = starts_on - 1, expires_on = expires_on - 1 "
                      "WHERE reason = 'QBR went well'")
    text = _text(carla.get("/accounts/a1").text)
    assert 'class="score">40' in carla.get("/accounts/a1").text and "Overridden by" not in text


def test_a_viewer_sees_the_timeline_but_no_form(client):
    log_in(client, "vic")
    page = client.get("/accounts/a1").text
    assert 'id="timeline"' in page and "/accounts/a1/notes" not in page and "/override" not in page


def test_another_csm_sees_no_form_on_an_account_that_is_not_hers(client):
    log_in(client, "dan")
    page = client.get("/accounts/a1").text
    assert "/accounts/a1/notes" not in page and "/override" not in page
    assert "/accounts/a2/notes" in client.get("/accounts/a2").text


def test_the_api_gives_the_timeline_contacts_and_notes(carla, tokens):
    store = carla.app.state.store
    with carla.app.state.store_lock:
        store.execute("INSERT INTO contacts VALUES ('c1', 'a1', 'Omar', 'omar@acme.test', 'CFO', 'ar')")
        store.execute("UPDATE survey_responses SET contact_id = 'c1' WHERE response_id = 'r1'")
        store.execute("INSERT INTO activity_daily VALUES ('a1', 'c1', ?, 'login', 3, 0)", [today() - timedelta(days=4)])
    bearer = {"Authorization": f"Bearer {tokens['carla']}"}
    posted = carla.post("/api/v1/accounts/a1/notes", json={"kind": "qbr", "body": "Q3 review", "outcome": "expand"},
                        headers=bearer)
    assert posted.status_code == 201 and posted.json()["author"] == "carla"
    notes = carla.get("/api/v1/accounts/a1/notes", headers=bearer).json()
    assert notes["total"] == 1 and notes["items"][0]["body"] == "Q3 review"
    timeline = carla.get("/api/v1/accounts/a1/timeline?kind=activities&kind=tickets", headers=bearer).json()
    assert [item["kind"] for item in timeline["items"]] == ["qbr", "ticket"] and timeline["counts"]["survey"] == 1
    contacts = carla.get("/api/v1/accounts/a1/contacts", headers=bearer).json()
    assert {"name": "Omar", "role": "CFO", "language": "ar",
            "last_active": str(today() - timedelta(days=4))}.items() <= contacts[0].items()
    assert contacts[0]["answers"][0]["comment"] == "الخدمة بطيئة جدا"
    assert carla.get("/api/v1/accounts/nope/timeline", headers=bearer).status_code == 404


def test_the_account_page_in_arabic_translates_priorities_countries_money_and_plurals(carla):
    carla.post("/preferences", data={"language": "ar", "digits": "latn", "csrf_token": page_csrf(carla)})
    text = _text(carla.get("/accounts/a1").text)
    assert "عالية" in text and "Export keeps failing" in text  # the ticket's priority high
    assert "المملكة العربية السعودية" in text
    assert "‏100 US$" in text and "$US" not in text
    assert "متأخرة 10 أيام" in text  # overdue by 10 days, CLDR's "few" form


def test_the_404_page_of_an_unknown_account_is_in_arabic(carla):
    carla.post("/preferences", data={"language": "ar", "digits": "latn", "csrf_token": page_csrf(carla)})
    response = carla.get("/accounts/nope")
    assert response.status_code == 404 and "لا يوجد حساب nope" in response.text
    assert "لا توجد صفحة في /nowhere" in carla.get("/nowhere").text
