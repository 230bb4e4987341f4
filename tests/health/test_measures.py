"""The measure library, one point-in-time test per measure: facts after as_of (2024-06-30) never count.

Windows of N days are (as_of - N, as_of]: 30 days = 2024-06-01..2024-06-30.
"""

from datetime import date, datetime

import pytest
from tests.health.health_history import (
    AS_OF,
    account,
    activity,
    customer,
    given,
    invoice,
    measure,
    period,
    response,
    scorecard,
    ticket,
    ts,
)

from nabd.health.measures import measure_values

AFTER = date(2024, 7, 1)


def value(store, mtype, window=30, params="", account_id="A", rule="{kind: boolean}"):
    card = scorecard(measure("m", mtype, rule, window=window, params=params))
    rows = measure_values(store, list(card.measures), AS_OF).to_pyarrow().to_pylist()
    return {row["account_id"]: row["r__m"] for row in rows}[account_id]


def test_usage_time_daily_is_minutes_per_active_user_day(store):
    # (20 + 40 + 30) minutes / 3 (user, day) pairs = 30; 07-01 is after as_of, 05-31 before the window
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 29), "session", 1, 20), activity("A", "c1", AS_OF, "session", 2, 40),
        activity("A", "c2", AS_OF, "session", 1, 30), activity("A", "c1", AFTER, "session", 1, 100),
        activity("A", "c1", date(2024, 5, 31), "session", 1, 999),
    ])
    assert value(store, "usage_time_daily") == 30


def test_usage_time_weekly_is_minutes_per_active_user_week(store):
    # weeks counted back from as_of: 06-30 and 06-29 are week 0, 06-20 week 1
    # (10 + 20 + 30 + 15) / 3 (user, week) pairs = 25
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", AS_OF, "session", 1, 10), activity("A", "c1", date(2024, 6, 29), "session", 1, 20),
        activity("A", "c1", date(2024, 6, 20), "session", 1, 30), activity("A", "c2", AS_OF, "session", 1, 15),
        activity("A", "c1", AFTER, "session", 1, 500),
    ])
    assert value(store, "usage_time_weekly", window=28) == 25


def test_usage_time_weekly_counts_weeks_of_a_long_window_past_the_first_62(store):
    # a 448-day window has weeks 0..63: the weeks are kept as bits of two masks (0..61, 62..63)
    # c1: weeks 0, 61, 62, 63 (and week 0 twice); c2: week 62; 5 (user, week) pairs, 500 minutes
    customer(store, "A")
    days_ago = lambda n: date.fromordinal(AS_OF.toordinal() - n)  # noqa: E731
    given(store, activity_daily=[
        activity("A", "c1", AS_OF, "session", 1, 100), activity("A", "c1", days_ago(1), "session", 1, 50),
        activity("A", "c1", days_ago(61 * 7), "session", 1, 50), activity("A", "c1", days_ago(62 * 7 + 3), "session", 1, 100),
        activity("A", "c1", days_ago(447), "session", 1, 100), activity("A", "c2", days_ago(62 * 7), "session", 1, 100),
        activity("A", "c1", days_ago(448), "session", 1, 999),  # week 64: before the window
    ])
    assert value(store, "usage_time_weekly", window=448) == 100


def test_weekly_usage_and_active_users_share_the_contact_grain_with_their_own_windows(store):
    # users over 730 days, weekly over 28: the grain reads 730 days (weeks up to 104) for both.
    # c1: a session on 06-01 (before the 28-day window); c2: a session in week 0 and a login; c3: only a
    # login; c4: a session 700 days ago. Users 4; weekly: c2's 40 minutes / 1 (user, week)
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 1), "session", 1, 500), activity("A", "c2", AS_OF, "session", 1, 40),
        activity("A", "c2", AS_OF, "login"), activity("A", "c3", date(2024, 6, 20), "login"),
        activity("A", "c4", date.fromordinal(AS_OF.toordinal() - 700), "session", 1, 70),
    ])
    card = scorecard(
        measure("users", "active_users", "{kind: boolean}", window=730)
        + measure("weekly", "usage_time_weekly", "{kind: boolean}", window=28)
    )
    rows = measure_values(store, list(card.measures), AS_OF).to_pyarrow().to_pylist()
    assert (rows[0]["r__users"], rows[0]["r__weekly"]) == (4, 40)


def test_an_account_without_sessions_has_zero_usage_time(store):
    customer(store, "A")
    assert value(store, "usage_time_daily") == 0


def _users(store):
    # c1 and c2 active in the window; '' is no contact; c3 only after as_of
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 10), "login"), activity("A", "c2", AS_OF, "feature:x"),
        activity("A", "", AS_OF, "login"), activity("A", "c3", AFTER, "login"),
    ])


def test_active_users_are_distinct_contacts_with_events_in_the_window(store):
    customer(store, "A")
    _users(store)
    assert value(store, "active_users") == 2


def test_licence_utilisation_is_active_users_over_licences_on_as_of(store):
    # 2 users / 4 licences = 0.5; the period adding 6 licences starts after as_of
    given(store, accounts=[account("A")], subscriptions=[
        period("S1", "A", quantity=4), period("S2", "A", start=AFTER, quantity=6),
    ])
    _users(store)
    assert value(store, "licence_utilisation") == 0.5


def test_feature_adoption_is_features_used_over_the_catalogue_seen_by_as_of(store):
    # catalogue: a (A), b (B); c appears only after as_of -> A used 1 of 2
    customer(store, "A")
    customer(store, "B")
    given(store, activity_daily=[
        activity("A", "c1", AS_OF, "feature:a"), activity("B", "c9", date(2024, 3, 1), "feature:b"),
        activity("A", "c1", AFTER, "feature:c"),
    ])
    assert value(store, "feature_adoption") == 0.5
    assert value(store, "feature_adoption", params="features: [a, b, c, d]") == 0.25


def test_usage_trend_compares_minutes_with_the_previous_window(store):
    # this window 60 min, previous (05-02..05-31) 40 min: 60 / 40 - 1 = 0.5; 07-01 is after as_of
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 15), "session", 1, 60), activity("A", "c1", date(2024, 5, 15), "session", 1, 40),
        activity("A", "c1", AFTER, "session", 1, 1000),
    ])
    assert value(store, "usage_trend") == pytest.approx(0.5)


def test_page_visits_count_views_of_the_page_in_the_window(store):
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 15), "page:cancel", 2), activity("A", "c1", AFTER, "page:cancel", 5),
        activity("A", "c1", date(2024, 6, 15), "page:pricing", 7),
    ])
    assert value(store, "page_visits", params="page: cancel") == 2


def test_account_grain_measures_together_read_only_their_rows(store):
    # The account grain reads the union of its measures' rows (sessions, page:cancel): B's logins and
    # features are not read, so B has the values of an account without those events, not missing ones.
    customer(store, "A")
    customer(store, "B")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 15), "session", 1, 60), activity("A", "c1", date(2024, 5, 15), "session", 1, 40),
        activity("A", "", date(2024, 6, 16), "session", 1, 30), activity("A", "c1", date(2024, 6, 15), "page:cancel", 2),
        activity("A", "c1", date(2024, 6, 15), "login", 5), activity("B", "c9", date(2024, 6, 15), "login", 3),
        activity("B", "c9", date(2024, 5, 15), "feature:x", 1, 10),
    ])
    card = scorecard(
        measure("daily", "usage_time_daily", "{kind: boolean}") + measure("trend", "usage_trend", "{kind: boolean}")
        + measure("cancel", "page_visits", "{kind: boolean}", params="page: cancel")
    )
    rows = {row["account_id"]: row for row in measure_values(store, list(card.measures), AS_OF).to_pyarrow().to_pylist()}
    # A: 60 min of c1 on one (user, day); the trend counts the unidentified 30 too: 90 / 40 - 1
    assert (rows["A"]["r__daily"], rows["A"]["r__trend"], rows["A"]["r__cancel"]) == (60, pytest.approx(1.25), 2)
    assert (rows["B"]["r__daily"], rows["B"]["r__trend"], rows["B"]["r__cancel"]) == (0, None, 0)


def test_per_type_rates_trends_and_recency_measured_together_are_each_types_own(store):
    # Event rates, trends and recency aggregate per (account, event type) with no type named, and the
    # selectors choose the types afterwards; a rate's and a trend's equal sums are computed once.
    customer(store, "A")
    given(store, activity_daily=[
        activity("A", "c1", date(2024, 6, 20), "post", 3), activity("A", "", date(2024, 6, 10), "post", 1),
        activity("A", "c1", date(2024, 5, 20), "post", 2), activity("A", "c1", date(2024, 6, 25), "report", 4, 7.5),
        activity("A", "c1", date(2024, 4, 20), "report", 6, 1.0), activity("A", "c1", date(2024, 7, 2), "post", 9),
    ])
    card = scorecard(
        measure("rate_post", "event_rate", "{kind: boolean}", params="events: [post]")
        + measure("trend_post", "event_trend", "{kind: boolean}", params="events: [post]")
        + measure("rate_report_value", "event_rate", "{kind: boolean}", params="events: [report], sum: value")
        + measure("trend_report", "event_trend", "{kind: boolean}", params="events: [report]")
        + measure("rate_all", "event_rate", "{kind: boolean}", window=60)
        + measure("last_post", "days_since_last_event", "{kind: boolean}", window=90, params="events: [post]")
        + measure("last_report", "days_since_last_event", "{kind: boolean}", window=90, params="events: ['rep*']")
    )
    row = measure_values(store, list(card.measures), AS_OF).to_pyarrow().to_pylist()[0]
    # 30-day window 2024-06-01..06-30: post 3 + 1 = 4 events (2 in the window before: trend 4 / 2 - 1 = 1);
    # report value 7.5 (none in the window before: no trend); 60 days: 4 + 2 post + 4 report = 10 x 28 / 60
    assert row["r__rate_post"] == pytest.approx(4 * 28 / 30)
    assert row["r__trend_post"] == pytest.approx(1.0)
    assert row["r__rate_report_value"] == pytest.approx(7.5 * 28 / 30)
    assert row["r__trend_report"] is None
    assert row["r__rate_all"] == pytest.approx(10 * 28 / 60)
    assert (row["r__last_post"], row["r__last_report"]) == (10, 5)  # the post of 07-02 is after as_of


def test_new_licences_compare_licences_on_as_of_with_the_day_before_the_window(store):
    # 90-day window from 04-02: licences on 04-01 = 5, on 06-30 = 8 -> 3; the 07-01 period is not yet known
    given(store, accounts=[account("A")], subscriptions=[
        period("S1", "A", quantity=5, end=date(2024, 5, 1)), period("S2", "A", start=date(2024, 5, 1), end=AFTER, quantity=8),
        period("S3", "A", start=AFTER, quantity=10),
    ])
    assert value(store, "new_licences", window=90) == 3


def test_solution_upgrade_is_a_new_period_with_higher_mrr_than_the_one_it_follows(store):
    # A: 100 -> 150 on 03-01 (in the 180-day window); B: 100 -> 200 only on 07-01, after as_of
    given(store, accounts=[account("A"), account("B")], subscriptions=[
        period("A1", "A", mrr=100, start=date(2023, 1, 1), end=date(2024, 3, 1)),
        period("A2", "A", mrr=150, start=date(2024, 3, 1)),
        period("B1", "B", mrr=100, start=date(2023, 1, 1), end=AFTER), period("B2", "B", mrr=200, start=AFTER),
    ])
    assert value(store, "solution_upgrade", window=180, account_id="A") == 1
    assert value(store, "solution_upgrade", window=180, account_id="B") == 0


def test_ticket_frequency_counts_tickets_opened_in_the_window(store):
    # 06-05 and 06-30 23:00 count; 07-01 00:00 is after as_of; 05-31 is before the window
    customer(store, "A")
    given(store, tickets=[
        ticket("T1", "A", ts(date(2024, 6, 5))), ticket("T2", "A", datetime(2024, 6, 30, 23)),
        ticket("T3", "A", datetime(2024, 7, 1, 0)), ticket("T4", "A", ts(date(2024, 5, 31))),
    ])
    assert value(store, "ticket_frequency") == 2


def test_ticket_trend_is_tickets_this_window_minus_the_previous_window(store):
    # this window 2, previous 1 (05-10), after as_of ignored: 2 - 1 = 1
    customer(store, "A")
    given(store, tickets=[
        ticket("T1", "A", ts(date(2024, 6, 5))), ticket("T2", "A", ts(date(2024, 6, 20))),
        ticket("T3", "A", ts(date(2024, 5, 10))), ticket("T4", "A", ts(date(2024, 7, 2))),
    ])
    assert value(store, "ticket_trend") == 1


def test_ticket_csat_averages_tickets_closed_by_as_of(store):
    # (2 + 4) / 2 = 3; the ticket closed on 07-02 is still open on as_of, its CSAT unknown
    customer(store, "A")
    given(store, tickets=[
        ticket("T1", "A", ts(date(2024, 6, 1)), ts(date(2024, 6, 10)), csat=2),
        ticket("T2", "A", ts(date(2024, 6, 1)), ts(date(2024, 6, 20)), csat=4),
        ticket("T3", "A", ts(date(2024, 6, 25)), ts(date(2024, 7, 2)), csat=1),
    ])
    assert value(store, "ticket_csat") == 3


def test_payment_days_overdue_treat_an_invoice_paid_after_as_of_as_unpaid(store):
    # I1 due 05-31, paid 07-05 (after as_of): 30 days overdue; I2 paid in time; I3 issued after as_of
    customer(store, "A")
    given(store, invoices=[
        invoice("I1", "A", date(2024, 5, 1), date(2024, 5, 31), paid=date(2024, 7, 5)),
        invoice("I2", "A", date(2024, 4, 1), date(2024, 4, 30), paid=date(2024, 4, 20)),
        invoice("I3", "A", AFTER, date(2024, 7, 2)),
    ])
    assert value(store, "payment_days_overdue") == 30


def test_late_invoice_share_counts_late_payments_and_unpaid_past_due(store):
    # due in the 90-day window: I1 unpaid on as_of past due (late), I2 on time, I3 paid after due (late),
    # I4 due today (not late yet) -> 2 / 4 = 0.5; I5 issued after as_of is unknown
    customer(store, "A")
    given(store, invoices=[
        invoice("I1", "A", date(2024, 5, 1), date(2024, 5, 31), paid=date(2024, 7, 5)),
        invoice("I2", "A", date(2024, 4, 1), date(2024, 4, 30), paid=date(2024, 4, 28)),
        invoice("I3", "A", date(2024, 6, 1), date(2024, 6, 15), paid=date(2024, 6, 20)),
        invoice("I4", "A", date(2024, 6, 1), AS_OF),
        invoice("I5", "A", AFTER, date(2024, 6, 30)),
    ])
    assert value(store, "late_invoice_share", window=90) == 0.5


def test_nps_latest_is_the_most_recent_answer_by_as_of(store):
    customer(store, "A")
    given(store, survey_responses=[
        response("R1", "A", 3, ts(date(2024, 3, 1))), response("R2", "A", 9, datetime(2024, 6, 30, 10)),
        response("R3", "A", 0, ts(AFTER)), response("R4", "A", 1, ts(AS_OF), kind="csat"),
    ])
    assert value(store, "nps_latest", window=365) == 9


def test_nps_trend_is_the_mean_answer_minus_the_previous_windows(store):
    # 90-day window: (8 + 10) / 2 = 9; previous: 6 -> 3; the 0 on 07-01 is after as_of
    customer(store, "A")
    given(store, survey_responses=[
        response("R1", "A", 8, ts(date(2024, 5, 1))), response("R2", "A", 10, ts(date(2024, 6, 1))),
        response("R3", "A", 6, ts(date(2024, 2, 1))), response("R4", "A", 0, ts(AFTER)),
    ])
    assert value(store, "nps_trend", window=90) == 3


def analysis(source, source_id, account_id, score):
    return (source, source_id, account_id, "en", "neutral", score, "[]", "md5", "test", ts(AS_OF))


def test_sentiment_reports_no_data_when_no_comment_was_analysed(store):
    customer(store, "A")
    given(store, survey_responses=[response("R1", "A", 9, ts(AS_OF))])
    assert value(store, "sentiment") is None


def test_sentiment_is_the_mean_score_of_comments_known_on_as_of(store):
    # survey R1 (-0.5) and ticket T1 (+0.3) are in the 30-day window: (-0.5 + 0.3) / 2 = -0.1;
    # R2 was answered after as_of and R3 before the window: both left out
    customer(store, "A")
    given(
        store,
        survey_responses=[
            response("R1", "A", 3, ts(AS_OF)), response("R2", "A", 10, ts(AFTER)),
            response("R3", "A", 10, ts(date(2024, 1, 1))),
        ],
        tickets=[ticket("T1", "A", ts(AS_OF))],
        feedback_analysis=[
            analysis("survey_response", "R1", "A", -0.5), analysis("survey_response", "R2", "A", 1.0),
            analysis("survey_response", "R3", "A", 1.0), analysis("ticket", "T1", "A", 0.3),
        ],
    )
    assert value(store, "sentiment", window=30) == pytest.approx(-0.1)


def test_referrals_count_referrals_made_in_the_window(store):
    customer(store, "A")
    given(store, referrals=[
        ("F1", "A", "X", ts(date(2024, 2, 1))), ("F2", "A", "Y", ts(AS_OF)), ("F3", "A", "Z", ts(AFTER)),
    ])
    assert value(store, "referrals", window=365) == 2


def test_csm_rating_is_the_latest_rating_by_as_of(store):
    customer(store, "A")
    given(store, relationship_ratings=[
        ("A", date(2024, 1, 10), 2, None), ("A", AS_OF, 4, None), ("A", AFTER, 1, None),
    ])
    assert value(store, "csm_rating", window=365) == 4


def test_days_to_renewal_is_the_nearest_renewal_of_an_active_period(store):
    # 2024-09-28 - 2024-06-30 = 90 days; the period starting 07-01 is not active yet
    given(store, accounts=[account("A")], subscriptions=[
        period("S1", "A", renewal=date(2024, 9, 28)), period("S2", "A", start=AFTER, renewal=date(2024, 7, 15)),
    ])
    assert value(store, "days_to_renewal") == 90


def _renewal_terms(store):
    """On 2024-06-30, a year back to 2023-07-01: monthly A (customer 181 days, renews 07-01, 08-01, 09-01 in the
    next 90 days) and B (91 days, churned 04-01); annual C (303 days, renews 09-01); weekly E, started that day
    (0 days: its term had no customer in the year, so the rate of all terms pooled)."""
    given(store, accounts=[account(a) for a in "ABCE"], subscriptions=[
        period("SA", "A", renewal=date(2024, 2, 1)),
        period("SB", "B", end=date(2024, 4, 1), renewal=date(2024, 2, 1)),
        period("SC", "C", start=date(2023, 9, 1), renewal=date(2024, 9, 1)),
        period("SE", "E", start=AS_OF, renewal=date(2024, 7, 7)),
    ])


def test_renewal_exposure_is_the_churn_per_renewal_of_the_term_over_the_renewals_due(store):
    _renewal_terms(store)
    monthly = 1 / ((181 + 91) / 30.4375)  # B churned, over the renewals A and B faced in the year
    assert value(store, "renewal_exposure", window=90) == pytest.approx(1 - (1 - monthly) ** 3, abs=1e-9)
    assert value(store, "renewal_exposure", window=90, account_id="C") == 0  # no annual customer left


def test_renewal_exposure_of_a_term_without_history_pools_every_term(store):
    _renewal_terms(store)
    pooled = 1 / ((181 + 91) / 30.4375 + 303 / 365.25)
    # E renews 07-07 and every 7 days after it: 12 renewals by 09-28
    assert value(store, "renewal_exposure", window=90, account_id="E") == pytest.approx(1 - (1 - pooled) ** 12, abs=1e-9)


def test_renewal_exposure_reads_no_churn_after_as_of(store):
    _renewal_terms(store)
    given(store, accounts=[account("F")], subscriptions=[period("SF", "F", end=AFTER, renewal=date(2024, 2, 1))])
    monthly = 1 / ((181 + 91 + 181) / 30.4375)  # F is a customer on as_of: it left after
    assert value(store, "renewal_exposure", window=90) == pytest.approx(1 - (1 - monthly) ** 3, abs=1e-9)


def _milestones(store):
    """A and B on plan basic, C on plan pro: the plan basic has met {setup, invite} by as_of, pro {setup}."""
    given(store, accounts=[account("A"), account("B"), ("C", "C", "SMB", "pro", "csm.a", "SA", "ar", None, "active")],
          subscriptions=[period("SA", "A"), period("SB", "B"), period("SC", "C")],
          onboarding_milestones=[("A", "setup", date(2024, 6, 10)), ("B", "setup", date(2024, 5, 1)),
                                 ("B", "invite", date(2024, 6, 2)), ("A", "invite", AFTER),
                                 ("C", "setup", date(2024, 6, 20)), ("C", "report", AFTER)])


def test_onboarding_progress_is_milestones_met_by_as_of_over_the_plans_milestones(store):
    # A: 1 of basic's 2 (its invite on 07-01 is after as_of); B: 2 of 2; C: 1 of pro's 1 (report is later)
    _milestones(store)
    assert [value(store, "onboarding_progress", account_id=a) for a in "ABC"] == [0.5, 1.0, 1.0]


def test_days_since_milestone_is_as_of_minus_the_last_milestone_met_by_then(store):
    # A: 06-30 - 06-10 = 20 (not 07-01's); B: 06-30 - 06-02 = 28
    _milestones(store)
    assert [value(store, "days_since_milestone", account_id=a) for a in "AB"] == [20, 28]


def test_indicator_firings_count_the_windows_firings_of_every_or_the_named_indicators(store):
    # window 90 days = 04-02..06-30: A fired usage_drop on 06-01 and 06-29, no_login on 06-20 (04-01 and 07-01
    # are outside); B never fired: 0
    customer(store, "A")
    customer(store, "B")
    fired = [("A", "usage_drop", date(2024, 6, 1)), ("A", "usage_drop", date(2024, 6, 29)),
             ("A", "no_login", date(2024, 6, 20)), ("A", "usage_drop", date(2024, 4, 1)),
             ("A", "no_login", AFTER)]
    given(store, indicator_firings=[(a, i, d, "{}", ts(d)) for a, i, d in fired])
    assert value(store, "indicator_firings", window=90) == 3
    assert value(store, "indicator_firings", window=90, account_id="B") == 0
    assert value(store, "indicator_firings", window=90, params="indicators: [usage_drop]") == 2


def test_a_custom_measure_runs_its_sql_with_as_of(store):
    # tickets opened before as_of: 2 (the 07-02 ticket is after it)
    customer(store, "A")
    given(store, tickets=[
        ticket("T1", "A", ts(date(2024, 6, 5))), ticket("T2", "A", ts(date(2024, 1, 5))),
        ticket("T3", "A", ts(date(2024, 7, 2))),
    ])
    sql = "sql: 'SELECT account_id, count(*) AS value FROM tickets WHERE opened_at < :as_of GROUP BY account_id'"
    assert value(store, "custom", params=sql) == 2


def test_only_accounts_active_on_as_of_are_measured(store):
    given(store, accounts=[account("A"), account("OLD"), account("LATE")], subscriptions=[
        period("S1", "A"), period("S2", "OLD", end=date(2024, 6, 1)), period("S3", "LATE", start=AFTER),
    ])
    card = scorecard(measure("m", "referrals", "{kind: boolean}"))
    rows = measure_values(store, list(card.measures), AS_OF).to_pyarrow().to_pylist()
    assert [row["account_id"] for row in rows] == ["A"]
