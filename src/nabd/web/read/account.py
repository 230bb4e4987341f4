"""The account page's read model (and ``/api/v1/accounts/{id}``): the account, its scores and why,
its records, onboarding and usage.

One account's rows are read through ``account_id`` indexes (migration 0007) and Ibis expressions
compiled once and kept (``nabd.store.compiled.kept_account_rows``); explanations come from
:func:`nabd.health.explain.explain`.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from nabd.health import versions
from nabd.health.explain import Explanation, explain, render_explanation, rounded_points
from nabd.health.overrides import current_override
from nabd.health.scorecard import Scorecard
from nabd.playbooks.onboarding import load_onboarding, onboarding_progress
from nabd.store import Store
from nabd.store.compiled import kept_account_rows
from nabd.web.read.portfolio import portfolio_row


def account(store: Store, account_id: str) -> dict[str, Any] | None:
    """The accounts row of ``account_id``, or None."""
    rows = store.records("SELECT * FROM accounts WHERE account_id = ?", [account_id])
    return rows[0] if rows else None


def score_history(store: Store, account_id: str) -> list[dict[str, Any]]:
    """Every score of the account, oldest first: as_of, score, band, scorecard_version, coverage."""
    return store.records(
        "SELECT as_of, score, band, scorecard_version, coverage FROM health_scores WHERE account_id = ? "
        "ORDER BY as_of, computed_at",
        [account_id],
    )


_explanations: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
_explanations_lock = threading.Lock()
KEPT_EXPLANATIONS = 2000


def account_explanation(store: Store, account_id: str) -> dict[str, Any] | None:
    """Why the account has its latest score, from :func:`nabd.health.explain.explain` with the scorecard
    that scored it: contributions largest first, the next band, the moves that would reach it, the
    score's change over 7/30/90 days, the band's action (en/ar) and the explanation as text lines.

    None when the account has no score, or was scored by a scorecard this database does not hold.
    The newest KEPT_EXPLANATIONS are kept per (database, account, its newest score's version, as_of
    and computed_at): an explanation reads only the account's stored scores.
    """
    latest = store.fetchall(  # the account's rows first: its zone maps, then the newest (not a Top-N over the table)
        "WITH own AS MATERIALIZED (SELECT scorecard_version, as_of, computed_at FROM health_scores WHERE account_id = ?) "
        "SELECT scorecard_version, as_of, max(computed_at) OVER () FROM own ORDER BY as_of DESC, computed_at DESC LIMIT 1",
        [account_id],
    )
    if not latest:
        return None
    version, as_of, computed_at = latest[0]
    key = (str(store.url), account_id, version, as_of, computed_at)
    with _explanations_lock:
        if key in _explanations:
            _explanations.move_to_end(key)
            return _explanations[key]
    card = versions.scorecard_of_version(store, version)
    if card is None:
        return None
    found = _explanation_fields(explain(store, card, account_id, as_of), card)
    with _explanations_lock:
        _explanations[key] = found
        while len(_explanations) > KEPT_EXPLANATIONS:
            _explanations.popitem(last=False)
    return found


def _explanation_fields(found: Explanation, card: Scorecard) -> dict[str, Any]:
    names = {m.id: m.name.model_dump() for m in card.measures}
    units = {m.id: m.unit for m in card.measures}
    return {
        "account_id": found.account_id,
        "as_of": found.as_of,
        "scorecard": card.name,
        "scorecard_version": card.version,
        "score": found.score,
        "weighted_score": found.weighted_score,
        "band": found.band.id if found.band else None,
        "action": found.band.action.model_dump() if found.band else None,
        "coverage": found.coverage,
        "contributions": [
            {"measure": c.measure, "name": names[c.measure], "unit": units[c.measure], "raw": c.raw,
             "score": c.score, "weight": c.weight, "points": c.points}
            for c in found.contributions
        ],
        "next_band": found.next_band.id if found.next_band else None,
        "points_needed": found.points_needed,
        "moves": [
            {"measure": m.measure, "name": names[m.measure], "unit": units[m.measure], "text": m.text,
             "raw": m.raw, "target": m.target, "reach": m.reach, "points": m.points,
             "shown_points": rounded_points(m.points), "enough": m.enough}
            for m in found.moves
        ],
        "changes": {str(days): change for days, change in found.changes.items()},
        "text": render_explanation(found, card),
    }


def account_records(store: Store, account_id: str, limit: int = 20) -> dict[str, list[dict[str, Any]]]:
    """The account's latest tickets, invoices, survey responses (with their sentiment and themes), referrals
    and tasks, newest first."""
    newest_first = {
        "tickets": "opened_at", "invoices": "issued_at", "survey_responses": "responded_at",
        "referrals": "referred_at", "tasks": "created_at",
    }
    # The account's rows first, then the newest: DuckDB looks up the account_id index only for a scan with that one
    # filter (under ORDER BY ... LIMIT it scans the whole table: 9-15 ms instead of 1-2 ms at 100k accounts).
    records = {
        table_name: store.records(
            f"WITH own AS MATERIALIZED (SELECT * FROM {table_name} WHERE account_id = ?) "
            f"SELECT * FROM own ORDER BY {column} DESC LIMIT ?",
            [account_id, limit],
        )
        for table_name, column in newest_first.items() if table_name != "survey_responses"
    }
    records["survey_responses"] = [
        {**row, "themes": json.loads(row["themes"]) if isinstance(row["themes"], str) else row["themes"] or []}
        for row in store.records(
            "WITH own AS MATERIALIZED (SELECT * FROM survey_responses WHERE account_id = ?)"
            " SELECT r.*, f.sentiment, f.themes FROM own r LEFT JOIN feedback_analysis f"
            " ON f.source = 'survey_response' AND f.source_id = r.response_id"
            " ORDER BY r.responded_at DESC LIMIT ?",
            [account_id, limit],
        )
    ]
    return records


def account_onboarding(store: Store, account_id: str, today: date) -> dict[str, Any] | None:
    """The account's onboarding: completed, milestones, progress (completed / milestones), last_completed_on;
    None when its plan has no milestones."""
    onboarding = load_onboarding()  # its milestones are part of the kept SQL's recipe, as for the portfolio's
    found = kept_account_rows(store, f"onboarding-progress {today} {onboarding.model_dump_json()}",
                              lambda: onboarding_progress(store, onboarding, today), account_id)
    return found[0] if found else None


def usage_trend(store: Store, account_id: str, today: date, weeks: int = 26) -> list[dict[str, Any]]:
    """Weekly events and value (e.g. minutes) of the account from activity_daily, last ``weeks`` weeks:
    events = sum(events), value = sum(value_sum) per ISO week (Monday)."""
    # The account's rows first (DuckDB looks up its account_id index only for a scan with that one filter).
    return store.records(
        "WITH account_days AS MATERIALIZED (SELECT day, events, value_sum FROM activity_daily WHERE account_id = ?) "
        "SELECT CAST(date_trunc('week', day) AS DATE) AS week, sum(events) AS events, sum(value_sum) AS value "
        "FROM account_days WHERE day > ? AND day <= ? GROUP BY 1 ORDER BY 1",
        [account_id, today - timedelta(weeks=weeks), today],
    )


def account_header(store: Store, account_id: str, today: date, reporting_currency: str) -> dict[str, Any]:
    """The account's 360 header: status (customer, churned or none: never a customer), churned_on,
    customer_since and tenure_days (since its first subscription period), MRR and ARR (= 12 x MRR) today in
    the reporting currency (metrics.active.account_mrr), next renewal and the MRR renewing then
    (metrics.active.renewing_mrr: a stored date already passed rolls on by the term), the score of the newest run with its trend (score minus
    the one before) and the override in force (health.overrides), the computed score staying beside it.

    The money, score and trend are the account's row of the kept portfolio (nabd.web.read.portfolio), computed
    once for every account: one account's MRR alone costs as much as everyone's (the currency conversion).
    """
    row = portfolio_row(store, account_id, today, reporting_currency) or {}
    first, last_end, open_periods, periods, active = store.fetchall(
        "SELECT min(start_date), max(end_date), count(*) - count(end_date), count(*), "
        "count(CASE WHEN start_date <= ? AND (end_date IS NULL OR end_date > ?) THEN 1 END) "
        "FROM subscriptions WHERE account_id = ?", [today, today, account_id])[0]
    status = "customer" if active else ("churned" if row.get("churned") else "none")  # metrics.active.churned_by
    override = current_override(store, account_id, today)
    monthly = row.get("mrr") or Decimal(0)
    return {
        "status": status,
        "churned_on": last_end if status == "churned" and not open_periods else None,
        "customer_since": first,
        "tenure_days": (min(today, last_end or today) - first).days if first and first <= today else None,
        "mrr": monthly,
        "arr": monthly * 12,
        "currency": reporting_currency,
        "renewal_date": row.get("renewal_date"),
        "renewal_mrr": row.get("renewal_mrr"),
        "score": row.get("computed_score"),
        "band": None if override else row.get("band"),  # the kept band is the override's while one is in force
        "as_of": row.get("as_of"),
        "trend": row.get("trend"),
        "override": override,
    }


def usage_weeks(store: Store, account_id: str, today: date, weeks: int = 26) -> dict[str, Any]:
    """The usage chart: every ISO week (Monday) of the last ``weeks`` weeks with its events and value, zero for
    a week without activity (a silent week shows), and the account's last day with any activity."""
    found = {row["week"]: row for row in usage_trend(store, account_id, today, weeks)}
    monday = today - timedelta(days=today.weekday())
    shown = [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    first_day = today - timedelta(weeks=weeks)
    rows = [{"week": week, "events": found[week]["events"] if week in found else 0,
             "value": found[week]["value"] if week in found else 0}
            for week in shown if week + timedelta(days=6) > first_day]
    last = store.scalar("WITH own AS MATERIALIZED (SELECT day FROM activity_daily WHERE account_id = ?) "
                        "SELECT max(day) FROM own WHERE day <= ?", [account_id, today])
    return {"weeks": rows, "last_activity": last}
