"""Why customers left: every number the report states is the metric computed directly, by another route."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from nabd.feedback.themes import THEME_NAMES
from nabd.health.explain import stored_measures
from nabd.health.versions import active_scorecard
from nabd.metrics.churn import customer_churn
from nabd.report import wording
from nabd.health.backtest import WARNING_LEAD_MAX as LEAD_MAX, WARNING_LEAD_MIN as LEAD_MIN
from nabd.report.reasons import churn_reasons, churned_accounts, competitor_counts, csm_notes, exit_reasons

OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)


@pytest.fixture(scope="module")
def october(scored_demo):
    return churn_reasons(scored_demo, OCTOBER)


def _lost(store) -> dict[str, date]:
    """Churned accounts and churn day, in SQL written here: customer on Oct 1, not on Nov 1; last period end."""
    active = "start_date <= ? AND (end_date IS NULL OR end_date > ?)"
    rows = store.fetchall(
        f"SELECT account_id, max(end_date) FILTER (WHERE end_date <= ?) FROM subscriptions s "
        f"WHERE account_id IN (SELECT account_id FROM subscriptions WHERE {active}) "
        f"AND account_id NOT IN (SELECT account_id FROM subscriptions WHERE {active}) "
        f"AND account_id IN (SELECT account_id FROM accounts) GROUP BY account_id",
        [NOVEMBER, OCTOBER, OCTOBER, NOVEMBER, NOVEMBER])
    return dict(rows)


def test_the_churned_accounts_are_the_headlines_customers_lost(scored_demo, october):
    lost = customer_churn(scored_demo, start=OCTOBER, end=OCTOBER).to_pyarrow().to_pylist()[0]["customers_lost"]
    assert october["churned"] == lost == len(_lost(scored_demo)) > 0
    found = {r["account_id"]: r["churn_day"] for r in churned_accounts(scored_demo, OCTOBER).to_pyarrow().to_pylist()}
    assert found == _lost(scored_demo)


def test_each_churned_accounts_weakest_measure_is_the_one_that_lost_most_points_on_its_last_score(scored_demo, october):
    version = active_scorecard(scored_demo).version
    expected: Counter[str] = Counter()
    scored = 0
    for account, churn_day in _lost(scored_demo).items():
        as_of = scored_demo.scalar("SELECT max(as_of) FROM health_scores WHERE account_id = ? AND scorecard_version = ? "
                                   "AND as_of <= ?", [account, version, churn_day])
        if as_of is None:
            continue
        scored += 1
        measures = {m: v for m, v in stored_measures(scored_demo, account, as_of, version).items() if v["score"] is not None}
        weakest = min(measures, key=lambda m: (-(measures[m]["weight"] * (100 - measures[m]["score"]) / 100), m))
        expected[weakest] += 1
    assert october["weakest"]["scored"] == scored > 0
    assert {m["measure"]: m["accounts"] for m in october["weakest"]["measures"]} == dict(expected)


def test_the_detractor_themes_are_counted_from_the_detractors_comments(scored_demo, october):
    def counts(first: date, following: date) -> dict[str, int]:
        return dict(scored_demo.fetchall(
            "SELECT t.theme, count(*) FROM feedback_themes t JOIN survey_responses r ON t.source = 'survey_response' "
            "AND t.source_id = r.response_id JOIN feedback_analysis a ON a.source = t.source AND a.source_id = t.source_id "
            "WHERE ((r.kind = 'nps' AND r.score <= 6) OR (r.kind = 'csat' AND r.score <= 2) OR (r.kind = 'ces' AND r.score <= 3)) "
            "AND r.responded_at >= ? AND r.responded_at < ? GROUP BY t.theme", [first, following]))
    this, before = counts(OCTOBER, NOVEMBER), counts(date(2026, 9, 1), OCTOBER)
    themes = october["themes"]
    assert {t["theme"]: t["this"] for t in themes["themes"] if t["this"]} == this and this
    assert {t["theme"]: t["before"] for t in themes["themes"] if t["before"]} == before
    grew = {theme: this[theme] - before.get(theme, 0) for theme in this if this[theme] > before.get(theme, 0)}
    assert {t["theme"]: t["change"] for t in themes["grew"]} == grew
    sentence = wording.plain(wording.themes_sentence(themes, THEME_NAMES, "en"))
    for theme in themes["grew"][:wording.TOP_THEMES]:
        assert f"{THEME_NAMES[theme['theme']]['en']} {theme['this']} ({theme['change']:+d})" in sentence


def test_the_warnings_recall_and_lead_are_those_of_the_stored_firings(scored_demo, october):
    firings = scored_demo.fetchall("SELECT account_id, as_of FROM indicator_firings")
    leads = {}
    for account, churn_day in _lost(scored_demo).items():
        ahead = [(churn_day - as_of).days for a, as_of in firings if a == account]
        ahead = [lead for lead in ahead if LEAD_MIN <= lead <= LEAD_MAX]
        if ahead:
            leads[account] = max(ahead)
    found = october["warnings"]
    ordered = sorted(leads.values())
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    assert found["warned"] == len(leads) and found["churned"] == len(_lost(scored_demo))
    assert found["recall"] == pytest.approx(len(leads) / found["churned"]) and found["median_lead"] == median
    assert found["runs"] == len({d for _, d in firings if OCTOBER - timedelta(days=LEAD_MAX) <= d <= NOVEMBER - timedelta(days=LEAD_MIN)})
    english = wording.plain(wording.warnings_sentence(found, "en"))
    assert f"caught {len(leads)} of the {found['churned']} churned accounts (recall {found['recall'] * 100:.0f}%" in english
    arabic = wording.plain(wording.warnings_sentence(found, "ar"))
    assert f"{found['recall'] * 100:.0f}%" in arabic and "الإنذارات المبكرة" in arabic


def test_without_indicator_runs_the_report_says_it_cannot_tell(october):
    silent = {**october["warnings"], "runs": 0}
    assert "cannot be told" in wording.plain(wording.warnings_sentence(silent, "en"))


def test_the_churn_sentence_states_the_counts_in_both_languages(october):
    english = wording.plain(wording.churned_sentence(october, "October 2026", "en"))
    assert english.startswith(f"{october['churned']} accounts left in October 2026; {october['weakest']['scored']} of them")
    top = october["weakest"]["measures"][0]
    assert f"{top['name'].en} {top['accounts']}" in english
    arabic = wording.plain(wording.churned_sentence(october, "أكتوبر 2026", "ar"))
    assert f"{top['name'].ar} {top['accounts']}" in arabic and "أكتوبر 2026" in arabic


# --- a small company on both backends: competitor mentions, exit reasons and CSM notes -------------

@pytest.fixture
def small(store):
    """c1 and c2 customers from January; c2 leaves on 2026-10-15; c1 stays. Comments name competitors."""
    from nabd.feedback.analysis import analyse_comments

    store.execute("INSERT INTO accounts (account_id, name) VALUES ('c1', 'Cedar'), ('c2', 'Dune')")
    store.execute("INSERT INTO subscriptions VALUES ('s1', 'c1', 'core', 100, 'USD', 1, DATE '2026-01-01', NULL, NULL), "
                  "('s2', 'c2', 'core', 50, 'USD', 1, DATE '2026-01-01', DATE '2026-10-15', NULL)")
    store.execute(
        "INSERT INTO survey_responses (response_id, account_id, kind, score, comment, language, responded_at) VALUES "
        "('r1', 'c2', 'nps', 2, 'We are moving to Zendesk, it is cheaper', 'en', TIMESTAMP '2026-10-03 10:00:00'), "
        "('r2', 'c1', 'nps', 9, 'Better than HubSpot for us', 'en', TIMESTAMP '2026-10-20 10:00:00'), "
        "('r3', 'c1', 'nps', 6, 'نفكر في الانتقال إلى زندسك', 'ar', TIMESTAMP '2026-09-20 10:00:00')")
    analyse_comments(store)
    return store


def test_competitor_mentions_of_the_month_and_the_month_before_per_competitor(small):
    found = competitor_counts(small, OCTOBER, churned_accounts(small, OCTOBER))
    assert {c["competitor"]: (c["mentions"], c["before"], c["accounts"]) for c in found["competitors"]} == {
        "Zendesk": (1, 1, 1), "HubSpot": (1, 0, 1)}
    assert found["mentions"] == 2 and found["before"] == 1 and found["churned_naming"] == 1
    assert "named in 2 comments and tickets (1 the month before): HubSpot 1, Zendesk 1; 1 of the churned" in \
        wording.plain(wording.competitors_sentence(found, "en"))


def test_the_churned_accounts_exit_reasons_and_csm_notes_are_counted(small):
    lost = churned_accounts(small, OCTOBER)
    small.execute("INSERT INTO exit_reasons VALUES ('e1', 'c2', NULL, 'competitor', 'Zendesk', 'cheaper', TIMESTAMP '2026-10-16 09:00:00'), "
                  "('e2', 'c2', NULL, 'price', NULL, NULL, TIMESTAMP '2026-10-17 09:00:00'), "
                  "('e3', 'c1', NULL, 'price', NULL, NULL, TIMESTAMP '2026-10-17 09:00:00')")
    small.execute("INSERT INTO account_notes VALUES ('n1', 'c2', 'call', DATE '2026-10-01', NULL, 'at risk', "
                  "'Asked for a discount; compared us with Zendesk', 'carla', TIMESTAMP '2026-10-01 12:00:00')")
    answers = exit_reasons(small, lost, OCTOBER)
    assert answers["accounts"] == 1  # c1 did not churn: its answer is not counted
    assert {r["reason"]: r["accounts"] for r in answers["reasons"]} == {"competitor": 1, "price": 1}
    assert answers["competitors"] == [{"competitor": "Zendesk", "accounts": 1}]
    assert "Exit surveys: 1 churned accounts answered; reasons (accounts): went to a competitor 1, price 1; competitors named: Zendesk 1." \
        == wording.plain(wording.exit_sentence(answers, "en"))
    notes = csm_notes(small, lost, OCTOBER)
    assert notes["accounts"] == 1 and notes["latest"][0]["body"].startswith("Asked for a discount")
    assert churn_reasons(small, OCTOBER)["exit"]["accounts"] == 1
