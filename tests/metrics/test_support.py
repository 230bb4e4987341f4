"""Support metrics: tickets per account, response and handle times, backlog, ticket CSAT."""

from datetime import date, datetime

import pytest

from nabd.metrics.support import ticket_csat, ticket_times, ticket_volume
from tests.metrics.metrics_history import FEB, JAN, acct, given, rows, sub, ticket


def at(day, hour=0, minute=0):
    return datetime(2024, day.month, day.day, hour, minute)


def test_tickets_per_account_and_the_backlog_at_period_end(store):
    # 2 customers at Jan 1; 3 tickets opened in Jan -> 1.5 per account.
    # Backlog at Feb 1: T2 (closed Feb 3) and T3 (never closed) -> 2; T1 closed Jan 5. Feb: T3 only -> 1.
    given(
        store,
        accounts=[acct("A"), acct("B")],
        subscriptions=[sub("S1", "A", 100, JAN), sub("S2", "B", 100, JAN)],
        tickets=[
            ticket("T1", "A", at(date(2024, 1, 2)), closed=at(date(2024, 1, 5))),
            ticket("T2", "A", at(date(2024, 1, 20)), closed=at(date(2024, 2, 3))),
            ticket("T3", "B", at(date(2024, 1, 31), 23)),
        ],
    )
    jan, feb = rows(ticket_volume(store, start=JAN, end=FEB))
    assert (jan["tickets_opened"], jan["tickets_per_account"], jan["backlog"]) == (3, 1.5, 2)
    assert (feb["tickets_opened"], feb["tickets_per_account"], feb["backlog"]) == (0, 0.0, 1)


def test_first_response_and_handle_times_in_hours(store):
    # T1: opened 09:00, first response 10:30 (1.5 h), closed 21:00 (12 h). T2: response after 0.5 h, closed after 36 h.
    # mean first response = (1.5 + 0.5) / 2 = 1.0; mean handle = (12 + 36) / 2 = 24.0
    day = date(2024, 1, 10)
    given(
        store,
        accounts=[acct("A")],
        tickets=[
            ticket("T1", "A", at(day, 9), at(day, 10, 30), at(day, 21)),
            ticket("T2", "A", at(day, 8), at(day, 8, 30), at(date(2024, 1, 11), 20)),
        ],
    )
    [january] = rows(ticket_times(store, start=JAN, end=JAN))
    assert january["first_response_hours"] == pytest.approx(1.0, abs=1e-9)
    assert january["handle_hours"] == pytest.approx(24.0, abs=1e-9)
    assert january["handle_median_hours"] == pytest.approx(24.0, abs=1e-9)


def test_a_period_without_closed_tickets_has_no_handle_time_and_says_why(store):
    given(store, accounts=[acct("A")], tickets=[ticket("T1", "A", at(date(2024, 1, 10), 9), at(date(2024, 1, 10), 10))])
    [january] = rows(ticket_times(store, start=JAN, end=JAN))
    assert january["handle_hours"] is None
    assert january["note"] == "no tickets closed in the period"


def test_ticket_csat_counts_rated_tickets_closed_in_the_period(store):
    # Closed in Jan with ratings 5, 4, 2 (and one unrated): 2/3 = 66.67%; mean 11/3.
    day = date(2024, 1, 10)
    given(
        store,
        accounts=[acct("A")],
        tickets=[ticket(f"T{i}", "A", at(day), closed=at(day, 5), csat=c) for i, c in enumerate([5, 4, 2, None])],
    )
    [january] = rows(ticket_csat(store, start=JAN, end=JAN))
    assert january["rated"] == 3
    assert january["ticket_csat_pct"] == pytest.approx(200 / 3, abs=1e-9)
    assert january["ticket_csat_mean"] == pytest.approx(11 / 3, abs=1e-9)
