"""The account timeline's read model (the account page and ``/api/v1/accounts/{id}/timeline``): one feed,
newest first, of everything that happened to an account.

The feed is ONE relational query: a UNION ALL of one SELECT per kind over the account's rows (each read
through its ``account_id`` index), filtered by kind, ordered and paginated by the engine; the same SQL
runs on DuckDB and PostgreSQL. Every row has the same columns:

happened_at (timestamp: a stored instant, or a day at midnight), kind, ref (the row's id), title, body, value,
previous, label, detail, actor.

| kind | from | value / previous | label / detail |
|---|---|---|---|
| band | health_band_changes | score / previous score | from band / to band |
| score | health_scores: a move of >= SCORE_MOVE points within a band | score / previous score | band |
| warning | indicator_firings | | indicator / evidence (JSON) |
| task_opened, task_closed | tasks | | playbook or status / owner; body = outcome |
| note, call, meeting, email, qbr | account_notes | | outcome; title = participants |
| override | score_overrides | score | band / expires_on |
| rating | relationship_ratings | rating 1-5 | |
| referral | referrals | | referred account |
| ticket | tickets | | priority / category |
| survey | survey_responses | score | nps/csat/ces / language; title = contact |
| exit_reason | exit_reasons (the exit survey) | | reason code / competitor; title = contact, body = comment |
| invoice_late | invoices paid after due | amount / days late | currency |
| subscription | subscriptions | mrr / previous mrr | new, upgrade, downgrade, cancel / currency |

The measures that moved a score or band change (largest change of contribution first) are read for the
shown page only, in one more query over ``health_measure_scores``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from nabd.report.wording import REASON_NAMES  # noqa: F401 - the exit reasons' names (ar, en), for the page
from nabd.store import Store
from nabd.web.read.bands import scorecard_shown

ACTIVITY_KINDS = ("note", "call", "meeting", "email", "qbr")
KINDS = (
    "band", "score", "warning", "task_opened", "task_closed", *ACTIVITY_KINDS, "override", "rating",
    "referral", "ticket", "survey", "exit_reason", "invoice_late", "subscription",
)
KIND_GROUPS = {  # the filter's choices: one name for several kinds
    "scores": ("band", "score", "override"),
    "warnings": ("warning",),
    "tasks": ("task_opened", "task_closed"),
    "activities": ACTIVITY_KINDS,
    "tickets": ("ticket",),
    "surveys": ("survey", "rating", "referral"),
    "exit_reasons": ("exit_reason",),
    "billing": ("invoice_late", "subscription"),
}
SCORE_MOVE = 10  # a score change within a band shows when it moved at least this many points
MOVED_MEASURES = 3  # the measures shown per score or band change
COLUMNS = ("happened_at", "kind", "ref", "title", "body", "value", "previous", "label", "detail", "actor")


def _select(kind: str, at: str, ref: str, source: str, *, title: str = "NULL", body: str = "NULL",
            value: str = "NULL", previous: str = "NULL", label: str = "NULL", detail: str = "NULL",
            actor: str = "NULL") -> str:
    """One kind's SELECT with the feed's columns, typed alike on both engines."""
    return (
        f"SELECT CAST({at} AS TIMESTAMP) AS happened_at, {kind} AS kind, CAST({ref} AS TEXT) AS ref, "
        f"CAST({title} AS TEXT) AS title, CAST({body} AS TEXT) AS body, "
        f"CAST({value} AS DOUBLE PRECISION) AS value, CAST({previous} AS DOUBLE PRECISION) AS previous, "
        f"CAST({label} AS TEXT) AS label, CAST({detail} AS TEXT) AS detail, CAST({actor} AS TEXT) AS actor "
        f"FROM {source}"
    )


# Each SELECT reads one account (its ? is the account id; the subscription ones take today too).
_PARTS: tuple[tuple[str, str], ...] = (
    ("band", _select("'band'", "as_of", "scorecard_version", "health_band_changes WHERE account_id = ?",
                     value="score", previous="previous_score", label="from_band", detail="to_band")),
    ("score", _select(
        "'score'", "as_of", "scorecard_version",
        "(SELECT as_of, scorecard_version, score, band, "
        " lag(score) OVER (PARTITION BY scorecard_version ORDER BY as_of) AS previous_score, "
        " lag(band) OVER (PARTITION BY scorecard_version ORDER BY as_of) AS previous_band "
        " FROM health_scores WHERE account_id = ?) AS runs "
        f"WHERE band = previous_band AND abs(score - previous_score) >= {SCORE_MOVE}",
        value="score", previous="previous_score", label="band")),
    ("warning", _select("'warning'", "as_of", "indicator", "indicator_firings WHERE account_id = ?",
                        label="indicator", detail="evidence")),
    ("task_opened", _select("'task_opened'", "created_at", "task_id", "tasks WHERE account_id = ?",
                            title="title", label="playbook", actor="owner")),
    ("task_closed", _select("'task_closed'", "closed_at", "task_id",
                            "tasks WHERE account_id = ? AND closed_at IS NOT NULL",
                            title="title", body="outcome", label="status", actor="owner")),
    ("activity", _select(
        "kind", "CASE WHEN happened_on = CAST(created_at AS DATE) THEN created_at "
        "ELSE CAST(happened_on AS TIMESTAMP) END", "note_id", "account_notes WHERE account_id = ?",
        title="participants", body="body", label="outcome", actor="author")),
    ("override", _select("'override'", "created_at", "override_id", "score_overrides WHERE account_id = ?",
                         body="reason", value="score", label="band", detail="expires_on", actor="owner")),
    ("rating", _select("'rating'", "rated_at", "rated_at", "relationship_ratings WHERE account_id = ?",
                       body="note", value="rating")),
    ("referral", _select("'referral'", "r.referred_at", "r.referral_id",
                         "referrals r LEFT JOIN accounts a ON a.account_id = r.referred_account_id "
                         "WHERE r.account_id = ?", title="coalesce(a.name, r.referred_account_id)")),
    ("ticket", _select("'ticket'", "opened_at", "ticket_id", "tickets WHERE account_id = ?",
                       title="subject", label="priority", detail="category")),
    ("survey", _select("'survey'", "s.responded_at", "s.response_id",
                       "survey_responses s LEFT JOIN contacts c ON c.contact_id = s.contact_id "
                       "WHERE s.account_id = ?", title="coalesce(c.name, s.contact_id)", body="s.comment",
                       value="s.score", label="s.kind", detail="s.language")),
    ("exit_reason", _select("'exit_reason'", "x.responded_at", "x.response_id",
                            "exit_reasons x LEFT JOIN contacts c ON c.contact_id = x.contact_id "
                            "WHERE x.account_id = ?", title="coalesce(c.name, x.contact_id)", body="x.comment",
                            label="x.reason", detail="x.competitor")),
    ("invoice_late", _select("'invoice_late'", "paid_at", "invoice_id",
                             "invoices WHERE account_id = ? AND paid_at > due_at",
                             value="amount", previous="paid_at - due_at", label="currency")),
    ("subscription", _select(
        "'subscription'", "start_date", "subscription_id",
        "(SELECT subscription_id, product, start_date, mrr, currency, "
        " lag(mrr) OVER (PARTITION BY product ORDER BY start_date, subscription_id) AS previous_mrr, "
        " lag(end_date) OVER (PARTITION BY product ORDER BY start_date, subscription_id) AS previous_end "
        " FROM subscriptions WHERE account_id = ?) AS periods "
        "WHERE start_date <= ? AND (previous_mrr IS NULL OR previous_end IS NULL OR previous_end < start_date "
        " OR mrr <> previous_mrr)",
        title="product", value="mrr", previous="CASE WHEN previous_end >= start_date THEN previous_mrr END",
        label="CASE WHEN previous_mrr IS NULL OR previous_end IS NULL OR previous_end < start_date THEN 'new' "
              "WHEN mrr > previous_mrr THEN 'upgrade' ELSE 'downgrade' END",
        detail="currency")),
    ("cancel", _select(
        "'subscription'", "end_date", "subscription_id",
        "(SELECT subscription_id, product, end_date, mrr, currency, "
        " lead(start_date) OVER (PARTITION BY product ORDER BY start_date, subscription_id) AS next_start "
        " FROM subscriptions WHERE account_id = ?) AS periods "
        "WHERE end_date IS NOT NULL AND end_date <= ? AND (next_start IS NULL OR next_start > end_date)",
        title="product", value="mrr", label="'cancel'", detail="currency")),
)
_FEED = " UNION ALL ".join(f"({sql})" for _, sql in _PARTS)
_TODAY_PARTS = {"subscription", "cancel"}


def _feed_params(account_id: str, today: date) -> list[Any]:
    params: list[Any] = []
    for name, _ in _PARTS:
        params += [account_id, today] if name in _TODAY_PARTS else [account_id]
    return params


INDICATOR_NAMES = {  # the early-warning indicators (nabd.playbooks.indicators) in both languages
    "negative_feedback": {"en": "Negative feedback", "ar": "ملاحظات سلبية"},
    "neutral_rating": {"en": "Lukewarm rating", "ar": "تقييم فاتر"},
    "ticket_burst": {"en": "Burst of tickets", "ar": "موجة من التذاكر"},
    "renewal_request": {"en": "Request before renewal", "ar": "طلب قبل التجديد"},
    "usage_drop": {"en": "Usage dropped", "ar": "تراجع الاستخدام"},
    "low_usage": {"en": "Few users active", "ar": "قلة المستخدمين النشطين"},
    "invoice_overdue": {"en": "Invoice overdue", "ar": "فاتورة متأخرة"},
    "band_down": {"en": "Band went down", "ar": "تراجع الفئة"},
    "intent_pages": {"en": "Visited pricing or cancel pages", "ar": "زيارة صفحات الأسعار أو الإلغاء"},
    "onboarding_stalled": {"en": "Onboarding stalled", "ar": "تعثّر التهيئة"},
}


@dataclass
class Timeline:
    items: list[dict[str, Any]]
    total: int  # items of the chosen kinds
    counts: dict[str, int]  # items per kind (every kind)

    @property
    def group_counts(self) -> dict[str, int]:
        """Items per group of KIND_GROUPS (the filter's choices)."""
        return {group: sum(self.counts[kind] for kind in kinds) for group, kinds in KIND_GROUPS.items()}


def kinds_of(chosen: list[str] | None) -> tuple[str, ...]:
    """The kinds a filter names: kinds or groups of KIND_GROUPS; every kind when none. Unknown names are ignored."""
    if not chosen:
        return KINDS
    wanted: list[str] = []
    for name in chosen:
        wanted += KIND_GROUPS.get(name, (name,) if name in KINDS else ())
    return tuple(dict.fromkeys(wanted))


def timeline(store: Store, account_id: str, today: date, kinds: tuple[str, ...] = KINDS, limit: int = 25,
             offset: int = 0) -> Timeline:
    """One page of the account's timeline, newest first (ties: kind, ref), with the measures that moved each
    score or band change, the total of the chosen kinds and the count of every kind."""
    marks = ", ".join("?" for _ in kinds) or "NULL"
    # The page and the count of every kind in one pass over the account's feed: count rows carry the kind and
    # its count (in ``value``) with no time.
    rows = store.records(
        f"WITH feed AS MATERIALIZED ({_FEED}), "
        f"page AS (SELECT {', '.join(COLUMNS)} FROM feed WHERE kind IN ({marks}) "
        "ORDER BY happened_at DESC, kind, ref LIMIT ? OFFSET ?) "
        f"SELECT 0 AS part, {', '.join(COLUMNS)} FROM page "
        "UNION ALL SELECT 1, NULL, kind, NULL, NULL, NULL, CAST(count(*) AS DOUBLE PRECISION), NULL, NULL, NULL, NULL "
        "FROM feed GROUP BY kind "
        "ORDER BY part, happened_at DESC, kind, ref",
        [*_feed_params(account_id, today), *kinds, limit, offset],
    )
    counts = {kind: 0 for kind in KINDS}
    counts.update({row["kind"]: int(row["value"]) for row in rows if row["part"] == 1})
    total = sum(counts[kind] for kind in kinds)
    items = [{column: row[column] for column in COLUMNS} for row in rows if row["part"] == 0]
    for item in items:
        item["evidence"] = _evidence(item) if item["kind"] == "warning" else None
        item["until"] = date.fromisoformat(item["detail"][:10]) if item["kind"] == "override" else None
        item["moved"] = []
    _add_moved_measures(store, account_id, items)
    return Timeline(items, total, counts)


def _evidence(item: dict[str, Any]) -> dict[str, Any]:
    try:
        found = json.loads(item["detail"]) if item["detail"] else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _add_moved_measures(store: Store, account_id: str, items: list[dict[str, Any]]) -> None:
    """Each score or band change of ``items`` gets ``moved``: its MOVED_MEASURES measures whose contribution
    changed most since the account's previous score (measure, name {en, ar}, points)."""
    changes = [item for item in items if item["kind"] in ("band", "score")]
    if not changes:
        return
    days = sorted({item["happened_at"].date() for item in changes})
    marks = ", ".join("?" for _ in days)
    rows = store.records(
        f"""
WITH runs AS (
  SELECT as_of, scorecard_version, lag(as_of) OVER (PARTITION BY scorecard_version ORDER BY as_of) AS previous_as_of
  FROM health_scores WHERE account_id = ?
),
changed AS (SELECT * FROM runs WHERE as_of IN ({marks})),
measures AS (SELECT as_of, scorecard_version, measure, contribution FROM health_measure_scores WHERE account_id = ?),
moved AS (
  SELECT c.as_of, c.scorecard_version, now.measure, now.contribution - before.contribution AS points
  FROM changed c
  JOIN measures now ON now.as_of = c.as_of AND now.scorecard_version = c.scorecard_version
  JOIN measures before ON before.as_of = c.previous_as_of AND before.scorecard_version = c.scorecard_version
   AND before.measure = now.measure
),
ranked AS (
  SELECT as_of, scorecard_version, measure, points,
         row_number() OVER (PARTITION BY as_of, scorecard_version ORDER BY abs(points) DESC, measure) AS n
  FROM moved WHERE abs(points) >= 0.5
)
SELECT as_of, scorecard_version, measure, points FROM ranked WHERE n <= {MOVED_MEASURES} ORDER BY as_of, n""",
        [account_id, *days, account_id],
    )
    by_change: dict[tuple[date, str], list[dict[str, Any]]] = {}
    for row in rows:
        card = scorecard_shown(store, row["scorecard_version"])
        names = {m.id: m.name.model_dump() for m in card.measures}
        by_change.setdefault((row["as_of"], row["scorecard_version"]), []).append(
            {"measure": row["measure"], "name": names.get(row["measure"], {"en": row["measure"], "ar": row["measure"]}),
             "points": float(row["points"])})
    for item in changes:
        item["moved"] = by_change.get((item["happened_at"].date(), item["ref"]), [])


def contacts(store: Store, account_id: str, answers: int = 3) -> list[dict[str, Any]]:
    """The account's contacts with role, language, last activity (their latest day in activity_daily) and
    their ``answers`` latest survey answers (kind, score, comment, responded_at), the most recently active first."""
    people = store.records(
        "WITH own AS MATERIALIZED (SELECT contact_id, day FROM activity_daily WHERE account_id = ?), "
        "active AS (SELECT contact_id, max(day) AS last_active FROM own GROUP BY contact_id) "
        "SELECT c.contact_id, c.name, c.email, c.role, c.language, a.last_active FROM contacts c "
        "LEFT JOIN active a ON a.contact_id = c.contact_id WHERE c.account_id = ? "
        "ORDER BY a.last_active DESC NULLS LAST, c.name, c.contact_id",
        [account_id, account_id],
    )
    responses = store.records(
        "SELECT contact_id, kind, score, comment, language, responded_at FROM ("
        " SELECT contact_id, kind, score, comment, language, responded_at, "
        " row_number() OVER (PARTITION BY contact_id ORDER BY responded_at DESC, response_id) AS n "
        " FROM survey_responses WHERE account_id = ? AND contact_id IS NOT NULL) AS answered "
        "WHERE n <= ? ORDER BY responded_at DESC",
        [account_id, answers],
    )
    for person in people:
        person["answers"] = [r for r in responses if r["contact_id"] == person["contact_id"]]
    return people


def notes(store: Store, account_id: str, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The account's notes and logged activities, newest first, and how many there are."""
    rows = store.records(
        "SELECT note_id, account_id, kind, happened_on, participants, outcome, body, author, created_at "
        "FROM account_notes WHERE account_id = ? ORDER BY happened_on DESC, created_at DESC LIMIT ? OFFSET ?",
        [account_id, limit, offset],
    )
    return rows, int(store.scalar("SELECT count(*) FROM account_notes WHERE account_id = ?", [account_id]))
