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
