"""Usage from activity_daily: active users, session minutes, feature adoption."""

from datetime import date

import pytest

from nabd.metrics.usage import active_users, feature_adoption, session_minutes
from tests.metrics.metrics_history import FEB, JAN, acct, activity, given, rows, sub


def two_customers(store, *activity_rows):
    given(store, accounts=[acct("A"), acct("B")], subscriptions=[sub("S1", "A", 100, JAN), sub("S2", "B", 100, JAN)],
          activity_daily=list(activity_rows))


def test_daily_and_weekly_active_users_per_account(store):
    # Week period starting Mon Jan 1 (7 days, 1 Monday), 2 customers.
    # user-days: A/u1 on Jan 1 and 2, A/u2 on Jan 2, B/u3 on Jan 5 -> 4 -> DAU/account = 4 / 7 / 2
    # user-weeks: u1, u2, u3 -> 3 -> WAU/account = 3 / 1 / 2 = 1.5. The '' contact is not a user.
    two_customers(
        store,
        activity("A", "u1", date(2024, 1, 1), "login"), activity("A", "u1", date(2024, 1, 2), "session", 1, 30),
        activity("A", "u2", date(2024, 1, 2), "login"), activity("B", "u3", date(2024, 1, 5), "page:pricing"),
        activity("B", "", date(2024, 1, 5), "login"),
    )
    [week] = rows(active_users(store, period="week", start=JAN, end=JAN))
    assert week["dau_per_account"] == pytest.approx(4 / 7 / 2, abs=1e-12)
    assert week["wau_per_account"] == pytest.approx(1.5, abs=1e-12)
    assert week["active_users"] == 3


def test_a_week_counts_in_the_period_of_its_monday_even_when_its_days_reach_past_the_period(store):
    # Sat 3 Feb 2024 is in the week of Mon 29 Jan: a January user-week (5 Mondays, 2 customers -> 1 / 5 / 2),
    # counted though the range ends in January; February's weeks start on 5 Feb, so it has none, and the day
    # itself is a February user-day (1 / 29 / 2) and user.
    two_customers(store, activity("A", "u1", date(2024, 2, 3), "login"))
    january, february = rows(active_users(store, period="month", start=JAN, end=FEB),
                             "wau_per_account", "dau_per_account", "active_users")
    assert january == {"wau_per_account": 0.1, "dau_per_account": 0.0, "active_users": 0}
    assert february["wau_per_account"] == 0.0
    assert (february["dau_per_account"], february["active_users"]) == (1 / 29 / 2, 1)
    [january_alone] = rows(active_users(store, period="month", start=JAN, end=JAN), "wau_per_account")
    assert january_alone == {"wau_per_account": 0.1}


def test_session_minutes_per_account_and_per_session(store):
    # A: 2 sessions, 50 min; B: 1 session, 10 min -> 60 / 2 accounts = 30; 60 / 3 sessions = 20
    two_customers(
        store,
        activity("A", "u1", date(2024, 1, 3), "session", 2, 50), activity("B", "u3", date(2024, 1, 9), "session", 1, 10),
        activity("B", "u3", date(2024, 1, 9), "feature:export", 4, 0),
    )
    [january] = rows(session_minutes(store, start=JAN, end=JAN))
    assert (january["minutes_per_account"], january["minutes_per_session"]) == (30.0, 20.0)


def test_feature_adoption_is_features_used_over_features_offered(store):
    # Offered: export, reports, alerts (seen ever). Jan: A uses export + reports, B uses export -> 3 / (2 x 3) = 50%.
    # Feb: nobody -> 0%.
    two_customers(
        store,
        activity("A", "u1", date(2024, 1, 3), "feature:export"), activity("A", "u1", date(2024, 1, 4), "feature:reports"),
        activity("B", "u3", date(2024, 1, 9), "feature:export"), activity("B", "u3", date(2023, 12, 9), "feature:alerts"),
    )
    result = rows(feature_adoption(store, start=JAN, end=FEB), "features_used", "features_offered", "adoption_pct")
    assert result == [
        {"features_used": 3, "features_offered": 3, "adoption_pct": 50.0},
        {"features_used": 0, "features_offered": 3, "adoption_pct": 0.0},
    ]


def test_features_offered_can_be_given(store):
    # 3 / (2 x 4) = 37.5%
    two_customers(
        store,
        activity("A", "u1", date(2024, 1, 3), "feature:export"), activity("A", "u1", date(2024, 1, 4), "feature:reports"),
        activity("B", "u3", date(2024, 1, 9), "feature:export"),
    )
    [january] = rows(feature_adoption(store, start=JAN, end=JAN, features_offered=4))
    assert january["adoption_pct"] == 37.5
