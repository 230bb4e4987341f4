"""Every number in the report is the metric computed directly: the report compares and words, never recomputes."""

from datetime import date
from decimal import Decimal

import pytest

from nabd.health.portfolio import portfolio
from nabd.health.versions import active_scorecard
from nabd.metrics.mrr import MOVEMENTS
from nabd.metrics.registry import compute
from nabd.report.figures import HEADLINES, monthly_figures
from nabd.report.monthly import monthly_report
from tests.report.conftest import TODAY

OCTOBER = date(2026, 10, 1)


@pytest.fixture(scope="module")
def october(scored_demo):
    return monthly_figures(scored_demo, OCTOBER)


def _direct(store, metric: str, month: date, column: str):
    extra = {"reporting_currency": "USD"} if metric in ("revenue_churn", "revenue_retention", "mrr_movements", "lifetime_value") else {}
    rows = compute(store, metric, period="month", start=month, end=month, **extra).to_pylist()
    return rows[0][column]


@pytest.mark.parametrize("spec", HEADLINES, ids=lambda spec: spec.key)
def test_every_headline_equals_its_metric_for_the_month_the_month_before_and_a_year_before(scored_demo, october, spec):
    shown = next(h for h in october["headlines"] if h["key"] == spec.key)
    for field, month in (("value", OCTOBER), ("previous", date(2026, 9, 1)), ("year_ago", date(2025, 10, 1))):
        assert shown[field] == _direct(scored_demo, spec.table, month, spec.column), field


def test_the_waterfall_is_the_months_mrr_movements_and_closes(scored_demo, october):
    waterfall = october["waterfall"]
    for column in ("opening_mrr", *MOVEMENTS, "closing_mrr"):
        assert waterfall[column] == _direct(scored_demo, "mrr_movements", OCTOBER, column)
    moved = sum((waterfall[m] * (-1 if m in ("contraction", "churned") else 1) for m in MOVEMENTS), Decimal(0))
    assert waterfall["opening_mrr"] + moved == waterfall["closing_mrr"]


def test_the_accounts_lost_are_the_largest_churned_and_contracted_mrr(scored_demo, october):
    lost = october["accounts"]["lost"]
    assert lost and [a["amount"] for a in lost] == sorted((a["amount"] for a in lost), reverse=True)
    waterfall = october["waterfall"]
    assert sum(a["amount"] for a in lost) <= waterfall["churned"] + waterfall["contraction"]
    assert all(a["closing"] == a["opening"] - a["amount"] for a in lost)


def test_the_health_portfolio_at_each_edge_is_the_portfolio_of_that_scoring(scored_demo, october):
    health = october["health"]
    assert health["opening_day"] <= OCTOBER < health["closing_day"] <= date(2026, 10, 31)
    scorecard = active_scorecard(scored_demo)
    for edge in ("opening", "closing"):
        shown = portfolio(scored_demo, scorecard, as_of=health[f"{edge}_day"])
        assert {(b["band"].id if b["band"] else None): b[f"{edge}_accounts"] for b in health["bands"]} == \
            {(s.band.id if s.band else None): s.accounts for s in shown.bands}
        assert sum(b[f"{edge}_mrr"] for b in health["bands"]) == sum(s.mrr for s in shown.bands)


def test_band_transitions_and_the_accounts_that_kept_their_band_cover_every_account_scored_at_both_edges(october):
    health = october["health"]
    moved = sum(t["accounts"] for t in health["transitions"])
    assert moved > 0
    assert moved + health["stayed"] <= sum(b["closing_accounts"] for b in health["bands"])


def test_the_cohort_table_is_cohort_retention_of_the_last_twelve_months(scored_demo, october):
    rows = compute(scored_demo, "cohort_retention", period="month", start=date(2025, 11, 1), end=date(2026, 10, 31)).to_pylist()
    shown = {(r["cohort"], age): share for r in october["cohorts"]["rows"] for age, share in r["retention"].items()}
    assert shown == {(r["cohort_start"], r["age"]): r["logo_retention"] for r in rows}


def test_a_month_without_survey_answers_says_so_and_shows_no_interval(scored_demo):
    september = monthly_report(scored_demo, "2026-09", "en", today=TODAY)
    assert september.figures["voice"]["nps"]["responses"] == 0
    assert "no answers this month" in september.html
    assert "-100" not in september.html


def test_the_report_names_the_month_and_its_comparisons_in_each_language(scored_demo):
    assert "October 2026" in monthly_report(scored_demo, "2026-10", "en", today=TODAY).html
    arabic = monthly_report(scored_demo, "2026-10", "ar", today=TODAY).html
    assert 'dir="rtl"' in arabic and "أكتوبر 2026" in arabic and "سبتمبر 2026" in arabic


def test_the_default_month_is_the_last_closed_one(scored_demo):
    assert monthly_report(scored_demo, None, "en", today=TODAY).month == date(2026, 11, 1)
    assert monthly_report(scored_demo, None, "en", today=date(2026, 11, 1)).month == date(2026, 10, 1)
