"""Measures that read any vocabulary: selectors (names, globs, vocabulary groups), the vocabulary-free
measures over activity_daily, and one clear line for a bad selector or vocabulary.

As of 2024-06-30; a 28-day window is 2024-06-03..2024-06-30, the one before 2024-05-06..2024-06-02.
"""

from datetime import date

import pytest
from tests.health.health_history import AS_OF, activity, customer, given, measure, scorecard, scores_by_account

from nabd.errors import NabdError
from nabd.health.measures import measure_values
from nabd.health.scorecard import load_scorecard, parse_scorecard, resolved_measures, with_vocabulary
from nabd.health.selectors import glob_regex, parse_vocabulary

AFTER = date(2024, 7, 1)
RULE = "{kind: boolean}"
VOCABULARY = "vocabulary:\n  groups:\n    billing: [invoice_sent, 'payment_*']\n  roles:\n    login: [signed_in]\n"


def values(store, mtype, window=28, params="", extra="", account_id="A"):
    card = scorecard(measure("m", mtype, RULE, window=window, params=params), extra)
    rows = measure_values(store, resolved_measures(card), AS_OF).to_pyarrow().to_pylist()
    return {row["account_id"]: row["r__m"] for row in rows}[account_id]


@pytest.fixture
def ledger_like(store):
    """Account A: events of its own names, no contact id, on three days of the window, one day before it
    and one after as_of."""
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "", date(2024, 6, 10), "report_exported", 2),
        activity("A", "", date(2024, 6, 10), "invoice_sent", 1, 300.0),
        activity("A", "", date(2024, 6, 20), "report_shared", 1),
        activity("A", "", date(2024, 6, 25), "payment_reminder", 3),
        activity("A", "", date(2024, 5, 20), "report_exported", 4),
        activity("A", "", AFTER, "invoice_sent", 9, 900.0),
    ])
    return store


def test_active_days_count_days_with_any_event_in_the_window(ledger_like):
    assert values(ledger_like, "active_days") == 3


def test_a_glob_selects_the_event_types_it_matches(ledger_like):
    assert values(ledger_like, "active_days", params="events: ['report_*']") == 2


def test_a_list_of_names_selects_exactly_those(ledger_like):
    assert values(ledger_like, "event_rate", params="events: [invoice_sent, report_shared]") == 2


def test_a_vocabulary_group_selects_its_event_types(ledger_like):
    assert values(ledger_like, "event_rate", params="events: ['group:billing']", extra=VOCABULARY) == 4


def test_event_rate_is_per_28_days_and_can_sum_the_value(ledger_like):
    # 7 events in 28 days; over 56 days 11 events -> 5.5 per 28 days; invoice value 300 in the window
    assert values(ledger_like, "event_rate") == 7
    assert values(ledger_like, "event_rate", window=56) == 5.5
    assert values(ledger_like, "event_rate", params="events: [invoice_sent], sum: value") == 300


def test_events_per_active_day_divides_events_by_days_with_one(ledger_like):
    assert values(ledger_like, "events_per_active_day") == pytest.approx(7 / 3)


def test_event_types_used_counts_distinct_selected_types(ledger_like):
    assert values(ledger_like, "event_types_used") == 4
    assert values(ledger_like, "event_types_used", params="events: ['report_*']") == 2


def test_event_trend_compares_the_window_with_the_one_before(ledger_like):
    # reports: 3 in the window, 4 in the one before -> 3 / 4 - 1
    assert values(ledger_like, "event_trend", params="events: ['report_*']") == pytest.approx(-0.25)
    assert values(ledger_like, "event_trend", params="events: [invoice_sent]") is None  # none before


def test_days_since_last_event_ignores_events_after_as_of(ledger_like):
    assert values(ledger_like, "days_since_last_event") == 5
    assert values(ledger_like, "days_since_last_event", params="events: [nothing_like_it]") == 28


def test_tenure_is_days_since_the_first_subscription_period_started(ledger_like):
    assert values(ledger_like, "tenure_days") == (AS_OF - date(2024, 1, 1)).days


def test_active_days_by_contact_count_contact_day_pairs(store):
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 10), "comment_added"), activity("A", "c2", date(2024, 6, 10), "comment_added"),
        activity("A", "c1", date(2024, 6, 11), "comment_added"), activity("A", "", date(2024, 6, 12), "task_done"),
    ])
    assert values(store, "active_days", params="grain: contact") == 3
    assert values(store, "active_days") == 3  # days: 06-10, 06-11, 06-12


def test_an_account_with_no_contact_ids_is_scored_by_the_starter_scorecard(ledger_like):
    card = load_scorecard("src/nabd/health/scorecards/any_events.yaml")
    row = scores_by_account(ledger_like, card)["A"]
    assert row["score"] is not None and row["coverage"] >= 0.5


def test_a_group_the_vocabulary_does_not_name_is_one_clear_line():
    with pytest.raises(NabdError, match=r"test.yaml:\d+: vocabulary: measure 'm': unknown event selector 'group:bill'"):
        scorecard(measure("m", "event_rate", RULE, params="events: ['group:bill']"), VOCABULARY)


def test_a_group_selector_without_a_vocabulary_is_one_clear_line(ledger_like):
    card = scorecard(measure("m", "event_rate", RULE, params="events: ['group:billing']"))
    with pytest.raises(NabdError, match="unknown event selector 'group:billing': the vocabulary has no groups"):
        resolved_measures(card)


def test_selectors_are_for_event_measures_only():
    with pytest.raises(NabdError, match="params.events selects events for"):
        scorecard(measure("m", "ticket_frequency", RULE, params="events: ['*']"))


def test_a_vocabulary_file_with_a_typo_names_its_file_and_line():
    with pytest.raises(NabdError, match=r"^vocab.yaml:3: roles: unknown role sesion: the roles are"):
        parse_vocabulary("groups:\n  billing: [invoice_sent]\nroles:\n  sesion: [app_open]\n", "vocab.yaml")


def test_a_vocabulary_file_given_apart_feeds_the_scorecards_groups(ledger_like):
    card = scorecard(measure("m", "event_rate", RULE, window=28, params="events: ['group:billing']"))
    vocabulary = parse_vocabulary("groups:\n  billing: [invoice_sent]\n", "vocab.yaml")
    rows = measure_values(ledger_like, resolved_measures(with_vocabulary(card, vocabulary)), AS_OF)
    assert rows.to_pyarrow().to_pylist()[0]["r__m"] == 1


def test_a_glob_becomes_an_anchored_expression_with_special_characters_escaped():
    assert glob_regex("report_*") == "^report_.*$"
    assert glob_regex("page:a.b?") == "^page:a\\.b.$"


def test_the_new_parameters_leave_the_default_scorecards_version_unchanged():
    assert load_scorecard().version == "96dc620b7622"
    card = parse_scorecard(load_scorecard("src/nabd/health/scorecards/any_events.yaml").model_dump_json(), "again.yaml")
    assert card.version == load_scorecard("src/nabd/health/scorecards/any_events.yaml").version


ROLES = "vocabulary:\n  roles:\n    session: [app_session]\n    feature_use: ['report_*']\n"


def test_the_session_role_feeds_nabds_session_measures(store):
    # (20 + 40) minutes of app_session / 2 (user, day) pairs; a `session` event is not this company's session
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 20), "app_session", 1, 20.0), activity("A", "c1", AS_OF, "app_session", 1, 40.0),
        activity("A", "c1", AS_OF, "session", 1, 999.0),
    ])
    assert values(store, "usage_time_daily", window=30, extra=ROLES) == 30


def test_the_feature_use_role_feeds_feature_adoption(ledger_like):
    # report types used in the window: report_exported, report_shared, of the 2 report types seen by as_of
    assert values(ledger_like, "feature_adoption", window=30, extra=ROLES) == 1.0


def test_a_written_scorecard_leaves_out_the_selector_fields_it_does_not_use(tmp_path):
    from nabd.health.suggest import write_scorecard

    write_scorecard(load_scorecard(), tmp_path / "copy.yaml")
    text = (tmp_path / "copy.yaml").read_text(encoding="utf-8")
    assert "events:" not in text and "vocabulary:" not in text
    assert load_scorecard(tmp_path / "copy.yaml").version == load_scorecard().version
