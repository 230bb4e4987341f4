"""Each indicator fires exactly when it should on a hand-built history, with its evidence.

AS_OF is 2026-06-30; a window of N days is (AS_OF - N, AS_OF], e.g. 30 days = June 1 .. June 30.
"""

import json
from datetime import date, datetime, timedelta

from nabd.health.scorecard import load_scorecard
from nabd.playbooks.indicator_settings import load_indicator_settings
from nabd.playbooks.indicators import (
    evaluate_indicators, evaluate_indicators_on_days, indicator_expressions, indicator_sql,
)
from nabd.playbooks.onboarding import load_onboarding, refresh_onboarding
from tests.playbooks.conftest import (
    AS_OF,
    add_account,
    add_activity,
    add_response,
    add_score,
    only,
    add_ticket,
    fired,
)
from tests.snapshot import assert_sql_matches


def test_negative_feedback_fires_on_a_detractor_or_a_low_csat_in_the_last_30_days(store):
    for account in ("a1", "a2", "a3", "a4", "a5"):
        add_account(store, account)
    add_response(store, "r1", "a1", "nps", 6, datetime(2026, 6, 10, 9))   # detractor (<= 6) in the window
    add_response(store, "r2", "a2", "nps", 6, datetime(2026, 5, 31, 23))  # one hour before the window opens
    add_response(store, "r3", "a3", "nps", 7, datetime(2026, 6, 10, 9))   # a passive, not a detractor
    add_ticket(store, "t4", "a4", datetime(2026, 6, 18), closed=datetime(2026, 6, 20), csat=2)  # low ticket CSAT
    add_response(store, "r5", "a5", "nps", 3, datetime(2026, 7, 1, 8))   # after as_of: not known yet
    assert fired(store, "negative_feedback") == {
        "a1": {"detractors": 1, "low_csat": 0, "negative_comments": 0, "lowest_nps": 6, "lowest_csat": None},
        "a4": {"detractors": 0, "low_csat": 1, "negative_comments": 0, "lowest_nps": None, "lowest_csat": 2},
    }


def test_negative_feedback_fires_on_a_comment_analysed_as_clearly_negative(store):
    for account in ("a1", "a2", "a3", "a4"):
        add_account(store, account)
    add_response(store, "r1", "a1", "csat", 4, datetime(2026, 6, 10, 9))  # a fine score, a negative comment
    add_response(store, "r2", "a2", "csat", 4, datetime(2026, 6, 10, 9))  # negative, but only mildly (-0.2)
    add_ticket(store, "t3", "a3", datetime(2026, 6, 18))                  # a ticket whose text is negative
    add_response(store, "r4", "a4", "csat", 4, datetime(2026, 5, 20))     # negative, before the window
    for source, source_id, account, score in (
        ("survey_response", "r1", "a1", -0.8), ("survey_response", "r2", "a2", -0.2),
        ("ticket", "t3", "a3", -0.5), ("survey_response", "r4", "a4", -0.9),
    ):
        store.execute(
            "INSERT INTO feedback_analysis VALUES (?, ?, ?, 'en', 'negative', ?, '[]', 'md5', 'test', ?)",
            [source, source_id, account, score, datetime(2026, 6, 30)],
        )
    assert fired(store, "negative_feedback") == {
        "a1": {"detractors": 0, "low_csat": 0, "negative_comments": 1, "lowest_nps": None, "lowest_csat": None},
        "a3": {"detractors": 0, "low_csat": 0, "negative_comments": 1, "lowest_nps": None, "lowest_csat": None},
    }


def test_neutral_rating_fires_on_a_passive_nps_or_a_csat_of_3(store):
    for account in ("a1", "a2", "a3"):
        add_account(store, account)
    add_response(store, "r1", "a1", "nps", 8, datetime(2026, 6, 20))
    add_response(store, "r2", "a2", "nps", 9, datetime(2026, 6, 20))  # a promoter
    add_ticket(store, "t3", "a3", datetime(2026, 6, 1), closed=datetime(2026, 6, 2), csat=3)
    assert fired(store, "neutral_rating") == {
        "a1": {"passives": 1, "middling_csat": 0},
        "a3": {"passives": 0, "middling_csat": 1},
    }


def test_ticket_burst_compares_14_days_with_the_accounts_own_180_day_baseline(store):
    for account in ("a1", "a2", "a3"):
        add_account(store, account)
    recent = [datetime(2026, 6, 20) + timedelta(days=n) for n in range(4)]   # 4 tickets in June 17..30
    earlier = datetime(2026, 3, 1)                                            # inside the 180 days before
    for n, when in enumerate(recent):
        add_ticket(store, f"a1-r{n}", "a1", when)
        add_ticket(store, f"a2-r{n}", "a2", when)
    for n in range(6):  # a1: 6 in the baseline -> 6 x 14 / 180 = 0.47 per 14 days; 4 >= 2 x 0.47
        add_ticket(store, f"a1-b{n}", "a1", earlier + timedelta(days=n))
    for n in range(60):  # a2: 60 -> 4.67 per 14 days; 4 < 2 x 4.67: its usual pace
        add_ticket(store, f"a2-b{n}", "a2", earlier + timedelta(hours=n))
    for n in range(2):  # a3: 2 recent tickets and no baseline, below min_tickets = 3
        add_ticket(store, f"a3-r{n}", "a3", recent[n])
    assert fired(store, "ticket_burst") == {
        "a1": {"recent_tickets": 4, "baseline_tickets": 6, "baseline_per_window": 0.47},
    }


def test_renewal_request_needs_a_request_within_60_days_of_the_renewal(store):
    add_account(store, "a1", renewal=date(2026, 8, 15))   # renews in 46 days
    add_account(store, "a2", renewal=date(2026, 10, 1))   # renews in 93 days: too far
    add_account(store, "a3", renewal=date(2026, 8, 1))    # a bug report is not a request
    add_account(store, "a4", renewal=date(2026, 7, 20))   # cancel intent sent as an event
    for account, category in (("a1", "discount request"), ("a2", "discount request"), ("a3", "bug")):
        add_ticket(store, f"t-{account}", account, datetime(2026, 6, 20), category=category)
    add_activity(store, "a4", date(2026, 6, 25), "cancel_intent")
    assert fired(store, "renewal_request") == {
        "a1": {"requests": 1, "categories": "discount request", "renewal_date": "2026-08-15", "days_to_renewal": 46},
        "a4": {"requests": 1, "categories": "cancel_intent", "renewal_date": "2026-07-20", "days_to_renewal": 20},
    }


def test_usage_drop_fires_when_weekly_usage_falls_30_percent_below_the_trailing_8_weeks(store):
    add_account(store, "a1")
    add_account(store, "a2")
    # Baseline: the 8 weeks April 22 .. June 16, one 100-minute session a week = 100 minutes a week.
    for week in range(8):
        for account in ("a1", "a2"):
            add_activity(store, account, date(2026, 4, 22) + timedelta(weeks=week), "session", minutes=100)
    # Recent 14 days (June 17 .. 30): a1 2 x 60 = 120 -> 60 a week (-40%); a2 2 x 75 -> 75 a week (-25%).
    for day in (date(2026, 6, 20), date(2026, 6, 27)):
        add_activity(store, "a1", day, "session", minutes=60)
        add_activity(store, "a2", day, "session", minutes=75)
    assert fired(store, "usage_drop") == {
        "a1": {"recent_per_week": 60.0, "baseline_per_week": 100.0, "change": -0.4},
    }


def test_low_usage_fires_when_under_a_quarter_of_the_licences_logged_in_in_28_days(store):
    add_account(store, "a1", licences=10)
    add_account(store, "a2", licences=4)
    for contact in ("c1", "c2"):  # a1: 2 / 10 = 0.2 < 0.25
        add_activity(store, "a1", date(2026, 6, 20), "login", contact=contact)
    add_activity(store, "a2", date(2026, 6, 20), "login", contact="c1")  # a2: 1 / 4 = 0.25, not below
    add_activity(store, "a2", date(2026, 6, 2), "login", contact="c2")   # June 2 is outside (June 3 .. 30)
    assert fired(store, "low_usage") == {"a1": {"licences": 10, "active_users": 2, "active_share": 0.2}}


def test_invoice_overdue_fires_past_30_days_unpaid_as_known_on_as_of(store):
    for account in ("a1", "a2", "a3", "a4"):
        add_account(store, account)
    invoices = [
        ("i1", "a1", date(2026, 5, 15), None),                 # 46 days overdue
        ("i2", "a2", date(2026, 5, 31), None),                 # exactly 30 days: not more than 30
        ("i3", "a3", date(2026, 5, 1), date(2026, 6, 1)),      # paid
        ("i4", "a4", date(2026, 5, 1), date(2026, 7, 5)),      # paid after as_of: unpaid on as_of, 60 days
    ]
    for invoice_id, account, due, paid in invoices:
        store.execute(
            "INSERT INTO invoices VALUES (?, ?, 1200, 'USD', ?, ?, ?)",
            [invoice_id, account, due - timedelta(days=30), due, paid],
        )
    assert fired(store, "invoice_overdue") == {
        "a1": {"invoices": 1, "max_days_overdue": 46, "amount_due": 1200.0},
        "a4": {"invoices": 1, "max_days_overdue": 60, "amount_due": 1200.0},
    }


def test_band_down_fires_on_a_move_to_a_lower_band_in_the_last_7_days(store):
    scorecard = load_scorecard()
    for account in ("a1", "a2", "a3"):
        add_account(store, account)
    changes = [
        ("a1", date(2026, 6, 28), "healthy", "neutral", 84, 77),     # down, in the window
        ("a2", date(2026, 6, 29), "unhealthy", "neutral", 45, 55),   # up
        ("a3", date(2026, 6, 20), "neutral", "unhealthy", 60, 40),   # down, but before June 24
    ]
    for account, day, was, now, previous, score in changes:
        store.execute(
            "INSERT INTO health_band_changes VALUES (?, ?, ?, ?, ?, ?, ?)",
            [account, day, scorecard.version, was, now, previous, score],
        )
    assert fired(store, "band_down", scorecard=scorecard) == {
        "a1": {"from_band": "healthy", "to_band": "neutral", "previous_score": 84, "score": 77,
               "changed_on": "2026-06-28"},
    }


def test_intent_pages_fires_on_two_pricing_or_cancel_visits_in_14_days(store):
    for account in ("a1", "a2", "a3"):
        add_account(store, account)
    add_activity(store, "a1", date(2026, 6, 25), "page:pricing")
    add_activity(store, "a1", date(2026, 6, 26), "page:cancel")
    add_activity(store, "a2", date(2026, 6, 25), "page:pricing")             # one visit only
    add_activity(store, "a3", date(2026, 6, 16), "page:cancel", events=3)    # June 16 is before June 17
    assert fired(store, "intent_pages") == {"a1": {"visits": 2, "page_pricing": 1, "page_cancel": 1}}


def test_onboarding_stalled_fires_for_a_young_account_with_no_milestone_in_21_days(store):
    add_account(store, "a1", created=datetime(2026, 5, 1))   # 60 days old
    add_account(store, "a2", created=datetime(2026, 5, 1))
    add_account(store, "a3", created=datetime(2026, 6, 15))  # 15 days old: too young to be stalled
    add_activity(store, "a1", date(2026, 5, 2), "login")     # first_login met May 2, nothing since
    add_activity(store, "a2", date(2026, 6, 20), "login")    # first_login met June 20: within 21 days
    onboarding = load_onboarding()
    refresh_onboarding(store, onboarding)
    assert fired(store, "onboarding_stalled", onboarding=onboarding) == {
        "a1": {"completed": 1, "milestones": 4, "progress": 0.25, "days_since_signup": 60},
    }


def test_a_rerun_of_the_same_day_replaces_its_firings(store):
    add_account(store, "a1")
    add_response(store, "r1", "a1", "nps", 2, datetime(2026, 6, 10))
    fired(store, "negative_feedback")
    fired(store, "negative_feedback")
    assert store.scalar("SELECT count(*) FROM indicator_firings") == 1


def test_the_compiled_indicator_queries_match_their_snapshot(store, request):
    # each shipped indicator's firings query for 2026-06-30 (with the default scorecard's band_down), compiled once
    # (nabd.store.per_day); any change is a diff of snapshots/<this test>/<backend>.sql to review
    compiled = indicator_sql(store, load_indicator_settings(), load_scorecard(), load_onboarding())
    assert_sql_matches([sql(AS_OF) for sql in compiled.values()], request, store.kind)


def test_the_sql_compiled_once_gives_each_dates_own_firings(store):
    # compiling on the as-of parameter and writing 2026-06-30 into it fires as compiling on 2026-06-30 does
    add_account(store, "a1")
    add_response(store, "r1", "a1", "nps", 2, datetime(2026, 6, 10))
    add_activity(store, "a1", date(2026, 6, 25), "page:pricing", events=3)
    expressions = indicator_expressions(store, load_indicator_settings(), AS_OF)
    direct = {name: sorted(store.fetchall(store.ibis.compile(expression))) for name, expression in expressions.items()}
    compiled = indicator_sql(store, load_indicator_settings())
    evaluate_indicators(store, AS_OF, compiled=compiled)
    stored = {name: store.fetchall("SELECT account_id FROM indicator_firings WHERE indicator = ?", [name])
              for name in compiled}
    assert {name: [row[0] for row in rows] for name, rows in direct.items()} == {
        name: [row[0] for row in sorted(rows)] for name, rows in stored.items()
    }
    assert direct["negative_feedback"] and direct["intent_pages"]


def test_indicators_evaluated_on_many_days_at_once_store_what_each_day_alone_stores(store):
    # on PostgreSQL the days share one prepared statement per indicator (nabd.store.per_day); evidence included
    add_account(store, "a1")
    add_account(store, "a2")
    add_response(store, "r1", "a1", "nps", 2, datetime(2026, 6, 10))
    add_response(store, "r2", "a2", "nps", 3, datetime(2026, 6, 24))
    add_activity(store, "a1", date(2026, 6, 25), "page:pricing", events=3)
    days = [date(2026, 6, 16), date(2026, 6, 23), AS_OF]
    compiled = indicator_sql(store, load_indicator_settings())

    def firings() -> list[tuple]:
        return sorted((str(row[0]), row[1], row[2], json.loads(row[3]) if isinstance(row[3], str) else row[3])
                      for row in store.fetchall("SELECT as_of, account_id, indicator, evidence FROM indicator_firings"))

    alone = [evaluate_indicators(store, day, compiled=compiled) for day in days]
    expected = firings()
    store.execute("DELETE FROM indicator_firings")
    assert evaluate_indicators_on_days(store, days, compiled) == alone
    assert firings() == expected and len({row[0] for row in expected}) == len(days)


def test_competitor_mentioned_fires_when_an_at_risk_account_names_a_competitor_in_30_days(store):
    from nabd.feedback.analysis import analyse_comments

    scorecard = load_scorecard()
    for account in ("a1", "a2", "a3", "a4"):
        add_account(store, account)
    store.execute(
        "INSERT INTO survey_responses (response_id, account_id, kind, score, comment, language, responded_at) VALUES "
        "('r1', 'a1', 'nps', 3, 'Zendesk does this better and cheaper', 'en', TIMESTAMP '2026-06-20 09:00:00'), "
        "('r2', 'a2', 'nps', 9, 'أفضل من زندسك بكثير', 'ar', TIMESTAMP '2026-06-25 09:00:00'), "   # healthy: no
        "('r3', 'a3', 'nps', 4, 'moving to hubspot', 'en', TIMESTAMP '2026-05-20 09:00:00'), "     # before May 31
        "('r4', 'a4', 'nps', 5, 'we compare you with Totango', 'en', TIMESTAMP '2026-06-29 09:00:00')")
    store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, subject, body) VALUES "
                  "('t1', 'a1', TIMESTAMP '2026-06-28 10:00:00', 'Export', 'نحتاج التصدير مثل هب سبوت')")
    analyse_comments(store)
    for account, band in (("a1", "unhealthy"), ("a2", "healthy"), ("a3", "unhealthy"), ("a4", "neutral")):
        add_score(store, account, date(2026, 6, 29), 40, band, scorecard.version)
    found = fired(store, "competitor_mentioned", scorecard=scorecard)
    assert {account: (e["mentions"], sorted(e["competitors"].split(", ")), e["band"]) for account, e in found.items()} == {
        "a1": (2, ["HubSpot", "Zendesk"], "unhealthy"), "a4": (1, ["Totango"], "neutral")}
    anyone = {a for a in fired_with(store, "competitor_mentioned", bands=[])}
    assert anyone == {"a1", "a2", "a4"}  # without bands: every account naming one in the window


def fired_with(store, indicator: str, **thresholds) -> dict[str, dict]:
    from nabd.playbooks.indicators import evaluate_indicators

    evaluate_indicators(store, AS_OF, only(indicator, **thresholds))
    rows = store.fetchall("SELECT account_id, CAST(evidence AS TEXT) FROM indicator_firings WHERE indicator = ? "
                          "AND as_of = ?", [indicator, AS_OF])
    return {account_id: json.loads(evidence) for account_id, evidence in rows}
