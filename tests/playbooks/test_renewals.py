"""The renewal forecast's band churn rates (nabd.playbooks.renewals)."""

from __future__ import annotations

from datetime import date

from nabd.health.candidates import candidate_measures
from nabd.health.scorecard_init import candidate_scorecard
from nabd.playbooks.renewals import band_churn_rates
from tests.health.health_history import account, activity, given, period


def _every_account_scored(store):
    """A scorecard that scores every account (tenure alone, no minimum coverage); data until 2025-09-01."""
    given(store, activity_daily=[activity("A1", "c1", date(2025, 9, 1), "session")])
    return candidate_scorecard([s for s in candidate_measures(store, date(2025, 6, 1)) if s.id == "tenure_days"])


def test_band_churn_rates_are_measured_once_a_subscription_period_has_ended(store):
    given(store, accounts=[account("A1"), account("A2")],
          subscriptions=[period("S1", "A1"), period("S2", "A2", end=date(2025, 3, 1))])
    assert band_churn_rates(store, _every_account_scored(store))


def test_no_band_churn_rate_is_claimed_while_no_subscription_period_has_ended(store):
    given(store, accounts=[account("A1"), account("A2")], subscriptions=[period("S1", "A1"), period("S2", "A2")])
    assert band_churn_rates(store, _every_account_scored(store)) == {}


def test_a_quarters_forecast_is_the_renewing_mrr_less_each_bands_churn_and_its_actual_what_stayed(store):
    """Quarter 2024-Q2: A (score 20, unhealthy, MRR 100) and B (90, healthy, 200) renew in it and leave before
    July; C (90, healthy, 300) renews and stays; D renews in August (not in the quarter).
    forecast = 100 x (1 - 0.5) + (200 + 300) x (1 - 0.1) = 500; actual = 300; error = 200, relative 200 / 300."""
    from tests.health.health_history import IDENTITY, custom, scorecard

    from nabd.playbooks.renewals import quarters_accuracy

    jan = date(2024, 1, 1)
    given(store, accounts=[account(a) for a in "ABCD"], subscriptions=[
        period("SA", "A", 100, jan, end=date(2024, 6, 1), renewal=date(2024, 5, 1)),
        period("SB", "B", 200, jan, end=date(2024, 6, 15), renewal=date(2024, 4, 15)),
        period("SC", "C", 300, jan, renewal=date(2024, 6, 30)),
        period("SD", "D", 400, jan, renewal=date(2024, 8, 1)),
    ])
    card = scorecard(custom("m", {"A": 20, "B": 90, "C": 90, "D": 90}, IDENTITY))
    rates = {"unhealthy": 0.5, "healthy": 0.1}
    quarter, next_quarter = quarters_accuracy(store, card, rates, [date(2024, 4, 1), date(2024, 7, 1)], "USD")
    # two quarters run as one prepared query on PostgreSQL: the second as measured alone
    assert next_quarter == quarters_accuracy(store, card, rates, [date(2024, 7, 1)], "USD")[0]
    assert next_quarter["accounts"] == 1
    assert quarter == {
        "quarter": "2024-Q2", "first": "2024-04-01", "accounts": 3, "renewing_mrr": 600.0, "forecast": 500.0,
        "actual": 300.0, "error": 200.0, "relative_error": 200 / 300, "unscored": 0,
    }
