"""Explanations: contributions largest first, and what would move an account up a band."""

from datetime import date, timedelta

import pytest
from tests.health.health_history import AS_OF, customer, scorecard, sql_scorecard

from nabd.errors import NabdError
from nabd.health.explain import explain, render_explanation
from nabd.health.scoring import run_scoring, score_trend


def _card():
    # licence utilisation 0.35 scores 35 / 0.6 x 100 = 58.33 (weight 60); tickets 4 score 70 (weight 40)
    # weighted: 0.6 x 58.33 + 0.4 x 70 = 35 + 28 = 63 -> neutral; healthy needs 79.5: 16.5 more points
    return scorecard(
        "  - id: licences\n    type: custom\n    name: {en: licence utilisation, ar: نسبة استخدام التراخيص}\n"
        "    unit: ratio\n    weight: 60\n"
        "    params: {sql: \"SELECT account_id, 0.35 AS value FROM accounts\"}\n"
        "    rule: {kind: piecewise, points: [[0, 0], [0.6, 100]]}\n"
        "  - id: tickets\n    type: custom\n    name: {en: tickets opened, ar: التذاكر}\n    unit: count\n    weight: 40\n"
        "    params: {sql: \"SELECT account_id, 4 AS value FROM accounts\"}\n"
        "    rule: {kind: thresholds, steps: [{min: 0, score: 100}, {min: 3, score: 70}, {min: 6, score: 30}]}\n"
    )


@pytest.fixture
def explained(store):
    customer(store, "A")
    card = _card()
    run_scoring(store, card, AS_OF)
    return explain(store, card, "A"), card


def test_contributions_are_sorted_largest_first(explained):
    explanation, _ = explained
    assert [(c.measure, round(c.points, 2)) for c in explanation.contributions] == [("licences", 35.0), ("tickets", 28.0)]
    assert (explanation.score, explanation.band.id, explanation.next_band.id) == (63, "neutral", "healthy")
    assert explanation.points_needed == pytest.approx(16.5)


def test_the_move_up_a_band_names_the_raw_value_and_the_points_it_adds(explained):
    # licences: 16.5 points (shown half-up: 17) / 0.6 = 27.5 score points -> 85.83 -> 0.515 utilisation = 52%
    # tickets: 100 at most -> +30 x 0.4 = 12 points: not enough alone
    explanation, _ = explained
    assert [(m.text, m.enough) for m in explanation.moves] == [
        ("licence utilisation from 35% to 52% adds 17 points", True),
        ("tickets opened from 4 to below 3 adds 12 points", False),
    ]


def test_the_rendered_explanation_reads_as_sentences(explained):
    explanation, card = explained
    assert render_explanation(explanation, card) == [
        "A on 2024-06-30: 63 (neutral, yellow) - send a survey",
        "coverage 100%; contributions (points of the weighted score):",
        "  licence utilisation: 35% scores 58 x weight 60.0 = 35.0 points",
        "  tickets opened: 4 scores 70 x weight 40.0 = 28.0 points",
        "to reach healthy (80) it needs 16.5 more points:",
        "  licence utilisation from 35% to 52% adds 17 points",
        "  tickets opened from 4 to below 3 adds 12 points (not enough alone)",
    ]


def test_an_unscored_account_is_a_clear_error(store):
    with pytest.raises(NabdError, match="account 'ZZ' has no score"):
        explain(store, _card(), "ZZ")


def test_the_explanations_trend_is_the_score_trend_of_that_account(store):
    # A: 40 on 03-31, 50 on 05-31, no score on 06-23, 70 on 06-30 -> 7 days: 70 - 50, 30: 70 - 50, 90: 70 - 40
    # B: 65 on every earlier day -> +5 over 7, 30 and 90 days
    for account_id in ("A", "B"):
        customer(store, account_id)
    sql = (
        "SELECT account_id, CASE WHEN :as_of = DATE '2024-06-30' THEN 70.0 WHEN account_id = 'B' THEN 65.0 "
        "WHEN :as_of = DATE '2024-03-31' THEN 40.0 WHEN :as_of = DATE '2024-05-31' THEN 50.0 END AS value FROM accounts"
    )
    card = sql_scorecard(sql)
    for day in (date(2024, 3, 31), date(2024, 5, 31), date(2024, 6, 23), AS_OF):
        run_scoring(store, card, day)
    trend = {row["account_id"]: {n: row[f"change_{n}d"] for n in (7, 30, 90)}
             for row in score_trend(store, card.version, AS_OF).to_pyarrow().to_pylist()}
    assert trend == {"A": {7: 20, 30: 20, 90: 30}, "B": {7: 5, 30: 5, 90: 5}}
    assert {account_id: explain(store, card, account_id).changes for account_id in ("A", "B")} == trend


def test_the_explanation_shows_the_trend_against_earlier_scores(store):
    # the same scorecard scores 63 on 06-23 and on 06-30: +0 vs 7 days ago; nothing 30 or 90 days earlier
    customer(store, "A")
    card = _card()
    run_scoring(store, card, AS_OF - timedelta(days=7))
    run_scoring(store, card, AS_OF)
    explanation = explain(store, card, "A")
    assert explanation.changes == {7: 0, 30: None, 90: None}
    assert render_explanation(explanation, card)[0] == (
        "A on 2024-06-30: 63 (neutral, yellow) - send a survey; trend +0 vs 7 days ago"
    )
