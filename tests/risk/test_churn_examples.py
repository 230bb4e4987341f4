"""The churn model's examples: features as of a day use only facts known by then (one test per family of
candidate measures), labels follow the subscription definition of churn, and the split is out of time."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from tests.health.health_history import (
    AS_OF,
    activity,
    customer,
    given,
    invoice,
    period,
    response,
    ticket,
    ts,
)

from nabd.errors import NabdError
from nabd.risk.churn_examples import example_frame, feature_specs, split_out_of_time

AFTER = AS_OF + timedelta(days=1)
LATER = AS_OF + timedelta(days=20)  # a day that does see the facts after AS_OF
ACCOUNTS = ["A", "B", "C", "D", "E"]


def _company(store):
    """Five customers (10 licences each, renewing 2024-12-31) using two event types over the last 60 days."""
    for a in ACCOUNTS:
        given(store, accounts=[("" + a, a, "SMB", "basic", "csm.a", "SA", "ar", None, "active")],
              subscriptions=[period(f"S-{a}", a, quantity=10, renewal=date(2024, 12, 31))])
    given(store, activity_daily=[
        activity(a, f"{a}1", AS_OF - timedelta(days=d), kind, 1 + d % 3, 5.0 if kind == "session" else 0.0)
        for a in ACCOUNTS for d in range(0, 60, 4) for kind in ("session", "report_run")
    ])


def _activity_later(store):
    given(store, activity_daily=[activity("A", "A1", AFTER, "session", 40, 500.0),
                                 activity("B", "B2", AFTER, "brand_new_type", 3)])


def _upgrade_later(store):
    store.execute("UPDATE subscriptions SET end_date = ? WHERE subscription_id = 'S-A'", [AFTER])
    given(store, subscriptions=[period("S-A2", "A", mrr=300, start=AFTER, quantity=30, renewal=date(2025, 6, 30))])


def _tickets(store):
    given(store, tickets=[ticket("T1", "A", ts(AS_OF - timedelta(days=3))),
                          ticket("T0", "B", ts(AS_OF - timedelta(days=40)), ts(AS_OF - timedelta(days=39)), 5)])


def _ticket_closes_later(store):
    store.execute("UPDATE tickets SET closed_at = ?, csat = 1 WHERE ticket_id = 'T1'", [ts(AFTER)])
    given(store, tickets=[ticket("T2", "C", ts(AFTER))])


def _invoices(store):
    given(store, invoices=[invoice("I1", "A", ts(AS_OF - timedelta(days=40)), ts(AS_OF - timedelta(days=10))),
                           invoice("I2", "B", ts(AS_OF - timedelta(days=40)), ts(AS_OF - timedelta(days=10)),
                                   ts(AS_OF - timedelta(days=12)))])


def _invoice_paid_later(store):
    store.execute("UPDATE invoices SET paid_at = ? WHERE invoice_id = 'I1'", [ts(AFTER)])


def _answers(store):
    given(store, survey_responses=[response("R1", "A", 9, ts(AS_OF - timedelta(days=20))),
                                   response("R0", "A", 8, ts(AS_OF - timedelta(days=200)))])


def _answer_later(store):
    given(store, survey_responses=[response("R2", "A", 0, ts(AFTER))])


def _referrals(store):
    given(store, referrals=[("F1", "A", None, ts(AS_OF - timedelta(days=30)))])


def _referral_later(store):
    given(store, referrals=[("F2", "B", None, ts(AFTER))])


def _ratings(store):
    given(store, relationship_ratings=[("A", AS_OF - timedelta(days=30), 4, None)])


def _rating_later(store):
    given(store, relationship_ratings=[("A", AFTER, 1, None), ("B", AFTER, 2, None)])


def _price_cut_later(store):
    store.execute("UPDATE subscriptions SET end_date = ? WHERE subscription_id = 'S-B'", [AFTER])
    given(store, subscriptions=[period("S-B2", "B", mrr=40, start=AFTER, renewal=date(2025, 6, 30))])


def _csat_ces(store):
    given(store, survey_responses=[response("C1", "A", 4, ts(AS_OF - timedelta(days=5)), "csat"),
                                   response("E1", "A", 6, ts(AS_OF - timedelta(days=5)), "ces")])


def _csat_ces_later(store):
    given(store, survey_responses=[response("C2", "A", 1, ts(AFTER), "csat"),
                                   response("E2", "A", 1, ts(AFTER), "ces")])


def _sentiment(store):
    given(store, survey_responses=[response("S1", "A", 9, ts(AS_OF - timedelta(days=5)))])
    store.execute("INSERT INTO feedback_analysis (source, source_id, account_id, language, sentiment, "
                  "sentiment_score, themes, text_md5, model_version, analysed_at) VALUES "
                  "('survey_response', 'S1', 'A', 'en', 'positive', 0.8, '[]', 'x', 'm', ?)", [ts(AS_OF)])


def _sentiment_later(store):
    given(store, survey_responses=[response("S2", "A", 0, ts(AFTER))])
    store.execute("INSERT INTO feedback_analysis (source, source_id, account_id, language, sentiment, "
                  "sentiment_score, themes, text_md5, model_version, analysed_at) VALUES "
                  "('survey_response', 'S2', 'A', 'en', 'negative', -0.9, '[]', 'y', 'm', ?)", [ts(AFTER)])


def _milestones(store):
    given(store, onboarding_milestones=[("A", "setup", AS_OF - timedelta(days=10)),
                                        ("B", "setup", AS_OF - timedelta(days=30)),
                                        ("B", "invite", AS_OF - timedelta(days=5))])


def _milestones_later(store):
    given(store, onboarding_milestones=[("A", "invite", AFTER), ("C", "setup", AFTER), ("C", "report", AFTER)])


def _firings(store):
    given(store, indicator_firings=[("A", "usage_drop", AS_OF - timedelta(days=3), "{}", ts(AS_OF)),
                                    ("B", "ticket_spike", AS_OF - timedelta(days=2), "{}", ts(AS_OF))])


def _firings_later(store):
    given(store, indicator_firings=[("A", "usage_drop", AFTER, "{}", ts(AFTER)),
                                    ("C", "usage_drop", AFTER, "{}", ts(AFTER))])


# family -> (facts known by AS_OF, facts after it, the measure types of the family)
FAMILIES = {
    "activity": (lambda store: None, _activity_later,
                 {"active_days", "events_per_active_day", "event_types_used", "days_since_last_event", "event_trend",
                  "event_rate"}),
    "subscriptions": (lambda store: None, _upgrade_later,
                      {"tenure_days", "new_licences", "licence_utilisation", "days_to_renewal", "renewal_exposure"}),
    "tickets": (_tickets, _ticket_closes_later, {"ticket_frequency", "ticket_trend", "ticket_csat"}),
    "invoices": (_invoices, _invoice_paid_later, {"payment_days_overdue", "late_invoice_share"}),
    "surveys": (_answers, _answer_later, {"nps_latest", "nps_trend"}),
    "referrals": (_referrals, _referral_later, {"referrals"}),
    "ratings": (_ratings, _rating_later, {"csm_rating"}),
    "mrr": (lambda store: None, _price_cut_later, {"mrr_change"}),
    "csat and ces": (_csat_ces, _csat_ces_later, {"csat_mean", "ces_mean"}),
    "sentiment": (_sentiment, _sentiment_later, {"sentiment"}),
    "onboarding": (_milestones, _milestones_later, {"onboarding_progress", "days_since_milestone"}),
    "indicator firings": (_firings, _firings_later, {"indicator_firings"}),
}


@pytest.mark.parametrize("family", FAMILIES)
def test_features_as_of_a_day_use_only_facts_known_by_then(store, family):
    known, later, types = FAMILIES[family]
    _company(store)
    known(store)
    specs = [s for s in feature_specs(store, AS_OF) if s.type in types]
    assert specs, f"the generator offers no {family} feature"
    before = example_frame(store, specs, [AS_OF, LATER], None).frame
    later(store)
    after = example_frame(store, specs, [AS_OF, LATER], None).frame
    on = lambda frame, day: frame[frame["as_of"] == day].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(on(before, AS_OF), on(after, AS_OF))
    assert not on(before, LATER).equals(on(after, LATER)), "the later facts are read once known"


def test_an_account_is_labelled_churned_when_not_active_at_the_end_of_the_horizon(store):
    # A stays; B ends 30 days after as_of (churn within 90); C ends after 120 days (not within 90);
    # D moves to a new period the day B ends (a price change, not churn)
    for a, end in (("A", None), ("B", AS_OF + timedelta(days=30)), ("C", AS_OF + timedelta(days=120)),
                   ("D", AS_OF + timedelta(days=30))):
        given(store, accounts=[(a, a, "SMB", "basic", "csm.a", "SA", "ar", None, "active")],
              subscriptions=[period(f"S-{a}", a, end=end)])
    given(store, subscriptions=[period("S-D2", "D", mrr=50, start=AS_OF + timedelta(days=30))])
    customer(store, "LATE")  # not active on as_of: no example
    store.execute("UPDATE subscriptions SET start_date = ? WHERE account_id = 'LATE'", [AFTER])
    specs = feature_specs(store, AS_OF)[:1]
    frame = example_frame(store, specs, [AS_OF], 90).frame
    assert dict(zip(frame["account_id"], frame["churned"])) == {"A": 0, "B": 1, "C": 0, "D": 0}


def test_fit_dates_horizons_end_before_the_validation_window():
    dates = [date(2025, 1, 1) + timedelta(days=14 * k) for k in range(30)]
    fit, validate = split_out_of_time(dates, 90)
    assert validate[-1] == dates[-1] and fit[0] == dates[0]
    assert fit[-1] + timedelta(days=90) <= validate[0]
    assert (dates[-1] - validate[0]).days == pytest.approx(0.3 * (dates[-1] - dates[0]).days, abs=14)


def test_a_horizon_leaving_nothing_to_fit_on_is_one_line():
    dates = [date(2025, 1, 1) + timedelta(days=14 * k) for k in range(10)]
    with pytest.raises(NabdError, match="no as-of date is early enough to fit on: its 365-day horizon"):
        split_out_of_time(dates, 365)
