"""Hand-built account histories for the playbooks tests.

Every account made by :func:`add_account` has an open subscription from 2025-01-01 (so it is an
active customer on AS_OF), 5 licences, MRR 100 USD, CSM carla, unless told otherwise.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from nabd.ingest.activity import record_event_types
from nabd.playbooks.indicators import (
    INDICATORS,
    IndicatorSettings,
    evaluate_indicators,
    load_indicator_settings,
)
from nabd.store import Store

AS_OF = date(2026, 6, 30)


def add_account(
    store: Store, account_id: str, *, plan: str = "pro", segment: str = "smb", csm: str = "carla",
    created: datetime = datetime(2025, 1, 1), licences: int = 5, mrr: float = 100,
    renewal: date | None = None, name: str | None = None,
) -> None:
    store.execute(
        "INSERT INTO accounts (account_id, name, segment, plan, csm, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [account_id, name or f"Account {account_id}", segment, plan, csm, created],
    )
    store.execute(
        "INSERT INTO subscriptions VALUES (?, ?, 'core', ?, 'USD', ?, ?, NULL, ?)",
        [f"s-{account_id}", account_id, mrr, licences, min(created.date(), date(2025, 1, 1)), renewal],
    )


def add_activity(
    store: Store, account_id: str, day: date, event_type: str, *, events: int = 1, minutes: float = 0.0,
    contact: str = "c1",
) -> None:
    store.execute(
        "INSERT INTO activity_daily VALUES (?, ?, ?, ?, ?, ?)", [account_id, contact, day, event_type, events, minutes]
    )
    record_event_types(store, "SELECT event_type, day FROM activity_daily")  # as ingest does


def add_ticket(
    store: Store, ticket_id: str, account_id: str, opened: datetime, *, category: str = "how-to",
    closed: datetime | None = None, csat: int | None = None,
) -> None:
    store.execute(
        "INSERT INTO tickets (ticket_id, account_id, opened_at, closed_at, category, csat) VALUES (?, ?, ?, ?, ?, ?)",
        [ticket_id, account_id, opened, closed, category, csat],
    )


def add_response(store: Store, response_id: str, account_id: str, kind: str, score: int, when: datetime) -> None:
    store.execute(
        "INSERT INTO survey_responses (response_id, account_id, kind, score, responded_at) VALUES (?, ?, ?, ?, ?)",
        [response_id, account_id, kind, score, when],
    )


def only(indicator: str, **thresholds) -> IndicatorSettings:
    """Settings with just ``indicator`` enabled (its thresholds the shipped file's unless given)."""
    settings = load_indicator_settings()
    values = {name: {"enabled": False} for name in INDICATORS}
    values[indicator] = {**getattr(settings, indicator).model_dump(), **thresholds}
    return IndicatorSettings.model_validate(values)


def fired(store: Store, indicator: str, as_of: date = AS_OF, **kwargs) -> dict[str, dict]:
    """Evaluate one indicator on as_of; {account_id: evidence} of the accounts it fired on."""
    evaluate_indicators(store, as_of, only(indicator), **kwargs)
    rows = store.fetchall(
        "SELECT account_id, CAST(evidence AS TEXT) FROM indicator_firings WHERE indicator = ? AND as_of = ?",
        [indicator, as_of],
    )
    return {account_id: json.loads(evidence) for account_id, evidence in rows}


def add_score(store: Store, account_id: str, as_of: date, score: int, band: str, version: str) -> None:
    store.execute(
        "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, band, "
        "coverage, computed_at) VALUES (?, ?, ?, 'default', ?, ?, ?, 1.0, ?)",
        [account_id, as_of, version, score, float(score), band, datetime(2026, 1, 1)],
    )
