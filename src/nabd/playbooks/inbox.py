"""The risk inbox: every open warning (an indicator that fired on an account in the last WINDOW_DAYS days)
and every at-risk account (in the scorecard's worst band on the newest scoring run), ranked by value at
risk, with what CSMs did about them (a task of the same cause, a snooze with a reason, a dismissal as a
false alarm) and each indicator's measured precision and lead time.

value_at_risk = MRR (reporting currency, today) x churn probability, when a churn model's ``churn_risk``
table has a row for the account (its newest as_of); without one the inbox ranks by band (worst first),
then by MRR. Snoozes and dismissals hide a warning (account, cause) until their ``hidden_until`` day;
dismissals are kept for the warning backtest (:func:`record_warning_figures`: how many dismissed firings
were followed by churn all the same).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from statistics import median
from typing import Any

from nabd.errors import NabdError
from nabd.health.backtest import WARNING_LEAD_MAX, WARNING_LEAD_MIN
from nabd.health.versions import active_scorecard, scorecard_of_version
from nabd.metrics.active import account_mrr, next_renewals
from nabd.playbooks.backtest import _CHURNS as CHURNS_SQL, warning_backtest
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.sql import string_literal

WINDOW_DAYS = 30  # a warning stays in the inbox this long after the indicator last fired
DISMISSED_DAYS = 30  # a false alarm is hidden this long (a new firing after that shows again)
FIGURES_KEY = "warning_figures"  # nabd_meta: the warning backtest of the newest daily run (JSON)
BACKTEST_YEARS = 2  # the firings of these last years feed precision and lead time
ACTIONS = ("snoozed", "dismissed")
INBOX_COLUMNS = (
    "account_id", "cause", "kind", "as_of", "days", "evidence", "name", "csm", "score", "band", "band_rank",
    "mrr", "renewal_date", "risk", "value_at_risk",
)


def latest_run(store: Store) -> tuple[str, date] | None:
    """(scorecard version, as_of) of the newest scoring run, or None before any."""
    found = store.fetchall(
        "SELECT scorecard_version, as_of FROM health_scores ORDER BY as_of DESC, computed_at DESC LIMIT 1"
    )
    return (found[0][0], found[0][1]) if found else None


def inbox_day(store: Store, today: date) -> date:
    """The day the inbox looks from: the newest day the indicators were evaluated (the last daily run), or
    ``today`` when they never were (or only for days after it)."""
    newest = store.scalar("SELECT max(as_of) FROM indicator_firings WHERE as_of <= ?", [today])
    return newest or today


def churn_risk_sql(store: Store) -> str:
    """account_id, risk: each account's churn probability on the newest as_of of ``churn_risk`` (a churn
    model's predictions); no rows when the table is missing."""
    if "churn_risk" not in store.tables():
        return "SELECT CAST(NULL AS TEXT) AS account_id, CAST(NULL AS DOUBLE PRECISION) AS risk WHERE 1 = 0"
    return (
        "SELECT c.account_id, avg(CAST(c.probability AS DOUBLE PRECISION)) AS risk FROM churn_risk c "
        "JOIN (SELECT account_id, max(as_of) AS newest FROM churn_risk GROUP BY account_id) n "
        "ON n.account_id = c.account_id AND n.newest = c.as_of GROUP BY c.account_id"
    )


def inbox_items(store: Store, today: date, reporting_currency: str = "USD") -> list[dict[str, Any]]:
    """As of :func:`inbox_day`: every warning of the last WINDOW_DAYS days (per account and indicator: its newest firing, and on how
    many days it fired) and every account of the worst band on the newest run, for every CSM, ranked:
    value at risk (highest first, unknown last), then band (worst first), then MRR. Snoozes, dismissals
    and tasks are not applied here (see :func:`hidden_warnings`, :func:`open_causes`)."""
    today = inbox_day(store, today)
    run = latest_run(store)
    card = (scorecard_of_version(store, run[0]) if run else None) or active_scorecard(store)
    ranks = " ".join(f"WHEN {string_literal(b.id)} THEN {b.range[0]}" for b in card.bands)
    worst = min(card.bands, key=lambda b: b.range[0])
    version, as_of = run if run else (card.version, today)
    mrr = store.ibis.compile(account_mrr(store, today, reporting_currency))
    renewals = store.ibis.compile(next_renewals(store, today))
    sql = f"""
WITH newest AS (
  SELECT account_id, indicator, max(as_of) AS as_of, count(*) AS days FROM indicator_firings
  WHERE as_of > ? AND as_of <= ? GROUP BY account_id, indicator),
warnings AS (
  SELECT n.account_id, n.indicator AS cause, 'warning' AS kind, n.as_of, n.days, CAST(f.evidence AS TEXT) AS evidence
  FROM newest n JOIN indicator_firings f ON f.account_id = n.account_id AND f.indicator = n.indicator AND f.as_of = n.as_of),
scored AS (SELECT account_id, score, band FROM health_scores WHERE scorecard_version = ? AND as_of = ?),
at_risk AS (
  SELECT account_id, 'band:' || band AS cause, 'account' AS kind, CAST(? AS DATE) AS as_of, 1 AS days,
         CAST(NULL AS TEXT) AS evidence
  FROM scored WHERE band = ?),
items AS (SELECT * FROM warnings UNION ALL SELECT * FROM at_risk),
risk AS ({churn_risk_sql(store)})
SELECT i.account_id, i.cause, i.kind, i.as_of, i.days, i.evidence, a.name, a.csm, s.score, s.band,
       CASE s.band {ranks} ELSE 1000 END AS band_rank, coalesce(m.mrr, 0) AS mrr, r.renewal_date, k.risk,
       coalesce(m.mrr, 0) * k.risk AS value_at_risk
FROM items i JOIN accounts a ON a.account_id = i.account_id
LEFT JOIN scored s ON s.account_id = i.account_id
LEFT JOIN ({mrr}) m ON m.account_id = i.account_id
LEFT JOIN ({renewals}) r ON r.account_id = i.account_id
LEFT JOIN risk k ON k.account_id = i.account_id
ORDER BY value_at_risk DESC NULLS LAST, band_rank, mrr DESC, i.account_id, i.cause"""
    return store.records(sql, [today - timedelta(days=WINDOW_DAYS), today, version, as_of, as_of, worst.id])


def hidden_warnings(store: Store, today: date) -> set[tuple[str, str]]:
    """(account_id, cause) snoozed or dismissed until after ``today``."""
    return set(store.fetchall(
        "SELECT DISTINCT account_id, cause FROM warning_actions WHERE hidden_until > ?", [today]
    ))


def open_causes(store: Store, account_ids: list[str]) -> dict[tuple[str, str], str]:
    """(account_id, cause) -> the open task of that cause, for ``account_ids``."""
    if not account_ids:
        return {}
    marks = ", ".join("?" for _ in account_ids)
    return {(account, cause): task for account, cause, task in store.fetchall(
        f"SELECT account_id, cause, min(task_id) FROM tasks WHERE status = 'open' AND cause IS NOT NULL "
        f"AND account_id IN ({marks}) GROUP BY account_id, cause", account_ids,
    )}


def act_on_warning(
    store: Store, account_id: str, cause: str, action: str, reason: str, as_of: date, hidden_until: date, login: str,
) -> str:
    """Snooze a warning with a reason until ``hidden_until``, or dismiss it as a false alarm; returns the id."""
    if action not in ACTIONS:
        raise NabdError("a warning is %(actions)s, not %(action)r", actions=" or ".join(ACTIONS), action=action)
    if not reason.strip():
        raise NabdError("say why: snoozing or dismissing a warning needs a reason")
    if store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?", [account_id]) == 0:
        raise NabdError("there is no account %(account)r", account=account_id)
    action_id = f"wa-{uuid.uuid4().hex[:16]}"
    store.execute(
        "INSERT INTO warning_actions (action_id, account_id, cause, action, reason, as_of, hidden_until, acted_by, "
        "acted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [action_id, account_id, cause, action, reason.strip(), as_of, hidden_until, login, utc_now()],
    )
    return action_id


def warning_of(store: Store, account_id: str, cause: str, today: date) -> dict[str, Any] | None:
    """The newest firing of ``cause`` on the account in the inbox's window (as_of, evidence), or for a band
    cause the account's newest score; None when there is nothing to act on."""
    if cause.startswith("band:"):
        found = store.records(
            "SELECT as_of, score, band FROM health_scores WHERE account_id = ? ORDER BY as_of DESC, computed_at DESC "
            "LIMIT 1", [account_id])
        if not found or f"band:{found[0]['band']}" != cause:
            return None
        return {"as_of": found[0]["as_of"], "evidence": {"score": found[0]["score"], "band": found[0]["band"]}}
    day = inbox_day(store, today)
    found = store.records(
        "SELECT as_of, CAST(evidence AS TEXT) AS evidence FROM indicator_firings WHERE account_id = ? AND indicator = ? "
        "AND as_of > ? AND as_of <= ? ORDER BY as_of DESC LIMIT 1",
        [account_id, cause, day - timedelta(days=WINDOW_DAYS), day],
    )
    return {"as_of": found[0]["as_of"], "evidence": json.loads(found[0]["evidence"])} if found else None


def record_warning_figures(
    store: Store, as_of: date, lead_min: int = WARNING_LEAD_MIN, lead_max: int = WARNING_LEAD_MAX
) -> dict[str, Any]:
    """Run the warning backtest over the firings stored for the last BACKTEST_YEARS years and keep, per
    indicator, its precision, recall, firings, median lead time (days from a firing to the churn that
    followed it, lead in [lead_min, lead_max]) and its dismissals (dismissed firings, and how many of them
    were followed by churn all the same) in ``nabd_meta``; the daily run calls it, the inbox reads it."""
    first = as_of - timedelta(days=365 * BACKTEST_YEARS)
    result = warning_backtest(store, first, as_of, lead_min, lead_max)
    leads: dict[str, list[int]] = {}
    for indicator, lead in store.fetchall(
        f"WITH c AS ({CHURNS_SQL}) SELECT f.indicator, min(c.churn_day - f.as_of) FROM indicator_firings f "
        "JOIN c ON c.account_id = f.account_id AND c.churn_day - f.as_of BETWEEN ? AND ? "
        "WHERE f.as_of BETWEEN ? AND ? GROUP BY f.indicator, f.account_id, f.as_of",
        [lead_min, lead_max, first, as_of],
    ):
        leads.setdefault(indicator, []).append(int(lead))
    dismissed = {indicator: (count, churned) for indicator, count, churned in store.fetchall(
        f"WITH c AS ({CHURNS_SQL}) SELECT w.cause, count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM c "
        "WHERE c.account_id = w.account_id AND c.churn_day - w.as_of BETWEEN 0 AND ?)) "
        "FROM warning_actions w WHERE w.action = 'dismissed' GROUP BY w.cause", [lead_max],
    )}
    figures = {
        "as_of": as_of.isoformat(), "first": first.isoformat(), "lead_min": lead_min, "lead_max": lead_max,
        "base_rate": result.base_rate,
        "indicators": {
            row.indicator: {
                "precision": row.precision, "recall": row.recall, "firings": row.firings,
                "followed_by_churn": row.followed_by_churn,
                "lead_days": median(leads[row.indicator]) if leads.get(row.indicator) else None,
                "dismissed": dismissed.get(row.indicator, (0, 0))[0],
                "dismissed_then_churned": dismissed.get(row.indicator, (0, 0))[1],
            }
            for row in result.indicators
        },
    }
    with store.transaction():
        store.execute("DELETE FROM nabd_meta WHERE key = ?", [FIGURES_KEY])
        store.execute("INSERT INTO nabd_meta (key, value) VALUES (?, ?)", [FIGURES_KEY, json.dumps(figures)])
    return figures


def warning_figures(store: Store) -> dict[str, Any] | None:
    """The figures :func:`record_warning_figures` kept last, or None before any daily run."""
    value = store.scalar("SELECT value FROM nabd_meta WHERE key = ?", [FIGURES_KEY])
    return json.loads(value) if value else None
