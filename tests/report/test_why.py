"""Why a headline moved: each split's contributions add up to the change the report states, and the
sentences show those numbers."""

from datetime import date

import pytest

from nabd.report.figures import monthly_figures
from nabd.report.noise import change_noise, history_noise
from nabd.report.why import DIMENSIONS, explanations
from nabd.report.wording import contributions, plain, why_sentence

OCTOBER = date(2026, 10, 1)


@pytest.fixture(scope="module")
def october(scored_demo):
    figures = monthly_figures(scored_demo, OCTOBER)
    return figures, explanations(scored_demo, figures["headlines"], OCTOBER, only_moved=False)


def test_every_explainable_headline_is_split_by_segment_plan_csm_and_cohort(october):
    figures, why = october
    explainable = {h["key"] for h in figures["headlines"] if h["explained_by"] and h["change"] is not None}
    assert set(why) == explainable and {"customer_churn", "nrr", "csat"} <= explainable
    assert all(set(splits) == set(DIMENSIONS) for splits in why.values())


def test_each_splits_contributions_sum_to_the_headlines_change(october):
    figures, why = october
    for key, splits in why.items():
        change = float(next(h for h in figures["headlines"] if h["key"] == key)["change"])
        for by, rows in splits.items():
            assert sum(row["contribution"] for row in rows) == pytest.approx(change, abs=1e-9), (key, by)
            assert rows[0]["total_change"] == pytest.approx(change, abs=1e-9), (key, by)


def test_a_sentences_shown_contributions_and_others_add_up_to_its_total(october):
    figures, why = october
    rows = why["customer_churn"]["segment"]
    shown = contributions(rows, shown=1)
    assert sum(amount for _, amount in shown) == pytest.approx(rows[0]["total_change"], abs=1e-12)
    headline = next(h for h in figures["headlines"] if h["key"] == "customer_churn")
    sentence = plain(why_sentence(headline, "segment", rows, "en"))
    assert sentence.startswith("By segment: ") and f"{rows[0]['total_change'] * 100:+.1f} pts." in sentence
    arabic = plain(why_sentence(headline, "segment", rows, "ar"))
    assert arabic.startswith("حسب الشريحة: ") and "المجموع" in arabic


def test_only_headlines_beyond_their_noise_are_explained_by_default(scored_demo, october):
    figures, _ = october
    moved = {h["key"] for h in figures["headlines"] if h["moved"]}
    assert set(explanations(scored_demo, figures["headlines"], OCTOBER)) == moved & {
        h["key"] for h in figures["headlines"] if h["explained_by"]}


def test_the_noise_of_a_churn_rate_is_its_binomial_standard_error():
    month, before = {"customers_start": 100, "churn_rate": 0.05}, {"customers_start": 100, "churn_rate": 0.02}
    expected = 1.959963984540054 * (0.05 * 0.95 / 100 + 0.02 * 0.98 / 100) ** 0.5
    assert change_noise("customer_churn", month, before) == pytest.approx(expected)
    assert change_noise("nps", {"responses": 0}, {"responses": 5, "promoters": 3, "detractors": 1}) is None


def test_history_noise_needs_three_changes():
    assert history_noise([None, 1.0, 1.1, None]) is None
    assert history_noise([1.0, 1.1, 1.0, 1.1]) == pytest.approx(1.959963984540054 * 0.1154700538, rel=1e-6)
