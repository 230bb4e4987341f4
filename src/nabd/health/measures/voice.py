"""Measures of what customers say: NPS answers and the sentiment of their comments."""

from __future__ import annotations

import ibis

from nabd.health.measures.table import only
from nabd.health.scorecard import MeasureParams
from nabd.store import Store
from nabd.store.window import Window


def _responses(store: Store, window: Window, since: ibis.TimestampValue, kind: str) -> ibis.Table:
    responses = store.table("survey_responses")
    return responses.filter(
        (responses.kind == kind) & (responses.responded_at >= since) & (responses.responded_at < window.end)
    )


def nps_latest(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """score (0-10) of the account's most recent NPS answer in the window."""
    answers = _responses(store, window, window.start, "nps")
    return answers.group_by("account_id").aggregate(value=answers.score.argmax(answers.responded_at))


def nps_trend(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean NPS answer in the window - mean in the window before it; null when either has none."""
    answers = _responses(store, window, window.previous_start, "nps")
    current = answers.responded_at >= window.start
    return answers.group_by("account_id").aggregate(
        value=only(answers.score.cast("float64"), current).mean()
        - only(answers.score.cast("float64"), ~current).mean()
    )


def sentiment(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean sentiment_score (-1..1) of the account's analysed comments in the window: survey comments
    by responded_at, tickets by opened_at; null ("no data") when none was analysed (`nabd feedback analyse`)."""
    analysed = store.table("feedback_analysis")
    responses = store.table("survey_responses")
    tickets = store.table("tickets")
    legs = []
    for source, facts, key, moment in (
        ("survey_response", responses, "response_id", "responded_at"),
        ("ticket", tickets, "ticket_id", "opened_at"),
    ):
        known = facts.filter((facts[moment] >= window.start) & (facts[moment] < window.end))
        rows = analysed.filter(analysed.source == source)
        legs.append(
            rows.join(known, rows.source_id == known[key]).select(
                account_id=known.account_id, score=rows.sentiment_score
            )
        )
    comments = legs[0].union(legs[1], distinct=False)
    return comments.group_by("account_id").aggregate(value=comments.score.mean())
