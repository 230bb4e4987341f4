"""The account timeline (nabd.web.read.timeline): one feed of everything that happened to an account,
newest first, from one UNION query that runs the same on DuckDB and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from nabd.store import open_store
from nabd.store.clock import utc_now
from nabd.web.account_input import add_note, override_score, rate_relationship, add_referral
from nabd.web.read.timeline import KINDS, kinds_of, timeline
from nabd.store.calendar import today as company_today
from tests.web.conftest import log_in, page_csrf, seed_company


def _company_with_history(store):
    """The test company, plus on a1: a band change, a warning, a closed task, a late invoice, an upgrade and
    a cancelled product, a note, a call, an override, a rating and a referral."""
    seed_company(store)
    today = utc_now().date()
    store.execute("INSERT INTO health_band_changes VALUES ('a1', ?, 'v1', 'neutral', 'unhealthy', 62, 45)",
                  [today - timedelta(days=7)])
    store.execute("INSERT INTO indicator_firings VALUES ('a1', 'usage_drop', ?, '{\"drop\": 0.45}', ?)",
                  [today - timedelta(days=2), utc_now()])
    store.execute("UPDATE tasks SET status = 'done', closed_at = ?, outcome = 'Called, renewing' WHERE task_id = 'k1'",
                  [utc_now() - timedelta(hours=1)])
    store.execute("INSERT INTO invoices VALUES ('i2', 'a1', 300, 'USD', ?, ?, ?)",
                  [today - timedelta(days=80), today - timedelta(days=60), today - timedelta(days=50)])
    store.execute("INSERT INTO subscriptions VALUES ('s9', 'a1', 'addon', 20, 'USD', 1, ?, ?, NULL), "
                  "('s10', 'a1', 'addon', 35, 'USD', 2, ?, ?, NULL)",
                  [today - timedelta(days=200), today - timedelta(days=100), today - timedelta(days=100),
                   today - timedelta(days=20)])
    return today


def test_every_kind_lands_on_one_feed_newest_first(store_url):
    with open_store(store_url) as store:
        today = _company_with_history(store)
        add_note(store, "a1", kind="note", happened_on=today, body="Sponsor is leaving", author="carla",
                 today=today, now=utc_now())
        add_note(store, "a1", kind="call", happened_on=today - timedelta(days=3), body="Walked through exports",
                 participants="Omar (CFO)", outcome="Will renew", author="carla", today=today, now=utc_now())
        override_score(store, "a1", score=70, reason="Signed a 2-year extension", expires_on=today + timedelta(days=30),
                       by="carla", today=today, now=utc_now())
        rate_relationship(store, "a1", rating=4, note="warm", rated_on=today)
        add_referral(store, "a1", referred="a3", now=utc_now())
        found = timeline(store, "a1", today)
    kinds = [item["kind"] for item in found.items]
    assert set(kinds) == {"band", "warning", "task_opened", "task_closed", "note", "call", "override", "rating",
                          "referral", "ticket", "survey", "invoice_late", "subscription"}
    assert [item["happened_at"] for item in found.items] == sorted((item["happened_at"] for item in found.items), reverse=True)
    assert found.total == len(found.items) == sum(found.counts.values())
    by_kind = {item["kind"]: item for item in found.items}
    assert (by_kind["band"]["label"], by_kind["band"]["detail"], by_kind["band"]["value"]) == ("neutral", "unhealthy", 45)
    assert by_kind["warning"]["evidence"] == {"drop": 0.45}
    assert by_kind["task_closed"]["body"] == "Called, renewing"
    assert (by_kind["call"]["title"], by_kind["call"]["label"]) == ("Omar (CFO)", "Will renew")
    assert (by_kind["override"]["value"], by_kind["override"]["body"]) == (70, "Signed a 2-year extension")
    assert by_kind["override"]["until"] == today + timedelta(days=30)
    assert by_kind["invoice_late"]["previous"] == 10  # due 60 days ago, paid 50 days ago
    assert by_kind["referral"]["title"] == "Cedar Labs"
    changes = sorted((item["label"], item["value"], item["previous"]) for item in found.items
                     if item["kind"] == "subscription")
    # core and addon start (new), addon 20 -> 35 (upgrade), addon ends 20 days ago with no next period (cancel)
    assert changes == [("cancel", 35, None), ("new", 20, None), ("new", 100, None), ("upgrade", 35, 20)]


def test_the_feed_filters_by_kind_and_pages(store_url):
    with open_store(store_url) as store:
        today = _company_with_history(store)
        for day in range(5):
            add_note(store, "a1", kind="meeting", happened_on=today - timedelta(days=day), body=f"meeting {day}",
                     author="carla", today=today, now=utc_now())
        first = timeline(store, "a1", today, kinds_of(["activities"]), limit=2)
        third = timeline(store, "a1", today, kinds_of(["activities"]), limit=2, offset=4)
        nothing = timeline(store, "a1", today, kinds_of(["activities"]), limit=2, offset=6)
    assert first.total == 5 and [item["body"] for item in first.items] == ["meeting 0", "meeting 1"]
    assert [item["body"] for item in third.items] == ["meeting 4"]
    assert nothing.items == [] and nothing.total == 5


def test_a_filter_names_groups_or_kinds_and_ignores_unknown_names():
    assert kinds_of(None) == KINDS
    assert kinds_of(["tasks", "ticket", "nonsense"]) == ("task_opened", "task_closed", "ticket")


def test_a_band_change_names_the_measures_that_moved_it(store_url):
    # v1 weighs usage 60 and tickets 40; usage's score fell from 80 to 20: its contribution from
    # 60 x 80 / 100 = 48 to 60 x 20 / 100 = 12, so -36 points; tickets stayed at 40 x 50 / 100 = 20.
    with open_store(store_url) as store:
        seed_company(store)
        today = utc_now().date()
        store.execute("DELETE FROM health_scores WHERE account_id = 'a1'")
        store.execute("INSERT INTO health_score_layouts VALUES ('v1', 1, 'usage'), ('v1', 2, 'tickets')")
        store.execute("INSERT INTO health_score_weights VALUES ('v1', 0, 1, 60, NULL), ('v1', 0, 2, 40, NULL)")
        for days_ago, score, band, usage in ((14, 68, "neutral", 80.0), (7, 32, "unhealthy", 20.0)):
            store.execute(
                "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, "
                "band, coverage, measure_values, weight_set, computed_at) VALUES ('a1', ?, 'v1', 'default', ?, ?, ?, "
                "1.0, ?, 0, ?)",
                [today - timedelta(days=days_ago), score, float(score), band, [1.0, usage, 3.0, 50.0], utc_now()])
        store.execute("INSERT INTO health_band_changes VALUES ('a1', ?, 'v1', 'neutral', 'unhealthy', 68, 32)",
                      [today - timedelta(days=7)])
        found = timeline(store, "a1", today, kinds_of(["scores"]))
    assert [(item["kind"], item["value"], item["previous"]) for item in found.items] == [("band", 32, 68)]
    moved = found.items[0]["moved"]
    assert [(m["measure"], round(m["points"], 9)) for m in moved] == [("usage", -36.0)]


def test_a_score_move_of_ten_points_within_a_band_is_on_the_timeline_and_a_smaller_one_is_not(store_url):
    with open_store(store_url) as store:
        seed_company(store)  # a3: 80 then 88, both healthy: 8 points, not shown
        today = utc_now().date()
        store.execute("INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, band, "
                      "coverage, computed_at) VALUES ('a3', ?, 'v1', 'default', 98, 'healthy', 1.0, ?)",
                      [today, utc_now()])
        found = timeline(store, "a3", today, kinds_of(["scores"]))
    assert [(item["kind"], item["previous"], item["value"]) for item in found.items] == [("score", 88, 98)]


def _exit_reasons(store, today):
    store.execute("INSERT INTO contacts (contact_id, account_id, name, email, language) "
                  "VALUES ('c9', 'a1', 'Huda', 'huda@acme.test', 'ar')")
    store.execute("INSERT INTO exit_reasons VALUES ('x1', 'a1', 'c9', 'competitor', 'Zoho', 'They had Arabic invoices', ?), "
                  "('x2', 'a1', NULL, 'price', NULL, NULL, ?)",
                  [datetime.combine(today - timedelta(days=1), datetime.min.time()),
                   datetime.combine(today - timedelta(days=3), datetime.min.time())])


def test_an_exit_reason_is_on_the_feed_with_its_competitor_and_comment_and_filters_alone(store_url):
    with open_store(store_url) as store:
        today = _company_with_history(store)
        _exit_reasons(store, today)
        found = timeline(store, "a1", today, kinds_of(["exit_reasons"]))
    assert [(item["kind"], item["label"], item["detail"], item["title"], item["body"]) for item in found.items] == [
        ("exit_reason", "competitor", "Zoho", "Huda", "They had Arabic invoices"),
        ("exit_reason", "price", None, None, None)]
    assert found.total == 2 and found.counts["exit_reason"] == 2


def test_the_account_page_names_the_exit_reason_in_english_and_arabic(client):
    log_in(client, "carla")
    with client.app.state.store_lock:
        _exit_reasons(client.app.state.store, company_today())
    english = client.get("/accounts/a1?kind=exit_reasons").text
    assert "Why they left" in english and "went to a competitor" in english and "Zoho" in english
    client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(client)})
    arabic = client.get("/accounts/a1?kind=exit_reasons").text
    assert "أسباب المغادرة" in arabic and "انتقل إلى منافس" in arabic and "السعر" in arabic
