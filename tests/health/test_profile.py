"""`nabd profile`: what the store holds and what the active scorecard's measures can read, on both backends."""

import json
from datetime import date

from tests.health.health_history import BANDS, account, activity, given, measure, period, scorecard
from tests.health.test_commands import run

from nabd.health.profile import profile
from nabd.store import open_store

CARD = (measure("days", "active_days", "{kind: percentile}", window=28)
        + measure("trend", "usage_trend", "{kind: percentile}")
        + measure("tenure", "tenure_days", "{kind: percentile}"))


def _company(store):
    """A (monthly, 3 active days, one event with a contact) and B (annual, 1 day); A leaves on 2024-06-01."""
    given(store, accounts=[account("A"), account("B")], subscriptions=[
        period("SA", "A", start=date(2024, 1, 1), end=date(2024, 6, 1), renewal=date(2024, 2, 1)),
        period("SB", "B", start=date(2024, 1, 1), renewal=date(2025, 1, 1)),
    ], activity_daily=[
        activity("A", "", date(2024, 5, 20), "task_done", 2), activity("A", "c1", date(2024, 5, 21), "comment", 1),
        activity("A", "", date(2024, 5, 22), "task_done", 1), activity("B", "", date(2024, 6, 29), "invoice_sent", 4),
    ])


def test_the_profile_counts_tables_event_types_contacts_cadence_and_churn(store):
    _company(store)
    found = profile(store, scorecard(CARD), date(2024, 6, 30))
    assert {t["table"]: t["rows"] for t in found.tables}["subscriptions"] == 2
    assert [(e["event_type"], e["events"], e["accounts"]) for e in found.event_types] == [
        ("invoice_sent", 4, 1), ("task_done", 3, 1), ("comment", 1, 1)]
    assert found.events_with_contact == 1 / 8
    assert found.cadence == {"monthly": 1, "annual": 1}
    assert {(str(m["period_start"]), m["customers_lost"]) for m in found.churn_per_month} >= {("2024-05-01", 1)}


def test_the_profile_gives_each_measures_coverage_distribution_and_feed(store):
    _company(store)
    measures = {m.measure: m for m in profile(store, scorecard(CARD), date(2024, 6, 30)).measures}
    # only B is active on 2024-06-30: one account, so no measure can be called constant
    assert (measures["days"].coverage, measures["days"].minimum, measures["days"].status) == (1.0, 1.0, "ok")
    assert (measures["trend"].coverage, measures["trend"].status) == (0.0, "dead")
    assert "`session` events" in measures["trend"].feed


def test_nabd_profile_prints_json(store_url, tmp_path):
    with open_store(store_url) as store:
        _company(store)
    card = tmp_path / "card.yaml"
    card.write_text(f"name: p\nmeasures:\n{CARD}{BANDS}", encoding="utf-8")
    result = run("profile", "--scorecard", str(card), "--as-of", "2024-06-30", "--format", "json", url=store_url)
    found = json.loads(result.stdout)
    assert found["as_of"] == "2024-06-30"
    assert [m["status"] for m in found["measures"]] == ["ok", "dead", "ok"]
    assert run("profile", "--scorecard", str(card), url=store_url).returncode == 0
