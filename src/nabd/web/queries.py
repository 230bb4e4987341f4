"""Every read and write of the web app and the API, and the one place that calls other packages.

Pages and API routes call only these functions. They read the canonical tables with Ibis (or a
few portable SQL statements for writes), and call ``nabd.health`` (scorecards) and
``nabd.metrics`` (customers, MRR, churn); re-point a function here when those packages grow.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

import ibis

from nabd.errors import NabdError
from nabd.health.scorecard import Scorecard, load_scorecard, parse_scorecard
from nabd.metrics.active import account_mrr
from nabd.metrics.churn import customer_churn
from nabd.metrics.mrr import MOVEMENTS, mrr_movements
from nabd.metrics.revenue import revenue_retention
from nabd.metrics.voice import ces, csat, nps
from nabd.store import CANONICAL_TABLES, Store
from nabd.store.clock import utc_now
from nabd.web.users import User

SORTS = ("score", "mrr", "renewal", "name", "trend")


@dataclass(frozen=True)
class PortfolioFilter:
    """What the portfolio shows: band (id or colour), segment, CSM, name search, trend, sort order."""

    band: str | None = None
    segment: str | None = None
    csm: str | None = None
    search: str | None = None
    trend: str | None = None  # up | down | flat
    sort: str = "score"
    descending: bool = False
    limit: int = 50
    offset: int = 0


@dataclass
class Portfolio:
    accounts: list[dict[str, Any]]
    total: int
    bands: list[dict[str, Any]] = field(default_factory=list)  # band, accounts, mrr (all filters but band)


@cache
def default_scorecard() -> Scorecard:
    """The scorecard whose bands colour the pages: the shipped default (read once)."""
    return load_scorecard()


def band_table() -> dict[str, dict[str, Any]]:
    """Band id -> {id, colour, name, colour_name, action, range} from the default scorecard."""
    return {band.id: band.model_dump() for band in default_scorecard().bands}


def _band_ids(wanted: str) -> list[str]:
    """Band ids matching ``wanted``, given as a band id or a colour name (red, yellow, green)."""
    return [b["id"] for b in band_table().values() if wanted in (b["id"], b["colour"])] or [wanted]


def latest_scores(store: Store) -> ibis.Table:
    """Latest health_scores row per account (by as_of, then computed_at), with trend = score - previous score."""
    scores = store.table("health_scores")
    order = ibis.window(group_by="account_id", order_by=[ibis.desc("as_of"), ibis.desc("computed_at")])
    ranked = scores.mutate(rank=ibis.row_number().over(order), previous=scores.score.lead().over(order))
    latest = ranked.filter(ranked["rank"] == 0)
    return latest.mutate(trend=latest.score - latest.previous).drop("rank")


def _next_renewals(store: Store, today: date) -> ibis.Table:
    """(account_id, renewal_date): the earliest renewal on or after ``today`` of an active period."""
    periods = store.table("subscriptions")
    open_periods = periods.filter(
        (periods.start_date <= today) & (periods.end_date.isnull() | (periods.end_date > today))
        & (periods.renewal_date >= today)
    )
    return open_periods.group_by("account_id").aggregate(renewal_date=open_periods.renewal_date.min())


def _portfolio_rows(store: Store, today: date, reporting_currency: str) -> ibis.Table:
    accounts = store.table("accounts").filter(lambda a: a.status != "unmatched")
    scores = latest_scores(store).select("account_id", "score", "band", "trend", "as_of")
    mrr = account_mrr(store, today, reporting_currency)
    renewals = _next_renewals(store, today)
    joined = (
        accounts.left_join(scores, "account_id").drop("account_id_right")
        .left_join(mrr, "account_id").drop("account_id_right")
        .left_join(renewals, "account_id").drop("account_id_right")
    )
    return joined.select(
        "account_id", "name", "segment", "plan", "csm", "country", "score", "band", "trend",
        "as_of", "renewal_date", mrr=joined.mrr.fill_null(0),
    )


def _filtered(rows: ibis.Table, wanted: PortfolioFilter, *, with_band: bool = True) -> ibis.Table:
    if with_band and wanted.band:
        rows = rows.filter(rows.band.isin(_band_ids(wanted.band)))
    if wanted.segment:
        rows = rows.filter(rows.segment == wanted.segment)
    if wanted.csm:
        rows = rows.filter(rows.csm == wanted.csm)
    if wanted.search:
        rows = rows.filter(rows.name.lower().contains(wanted.search.lower()))
    if wanted.trend == "up":
        rows = rows.filter(rows.trend > 0)
    elif wanted.trend == "down":
        rows = rows.filter(rows.trend < 0)
    elif wanted.trend == "flat":
        rows = rows.filter(rows.trend == 0)
    return rows


def portfolio(
    store: Store, wanted: PortfolioFilter, today: date, reporting_currency: str = "USD"
) -> Portfolio:
    """One page of accounts with their latest score, band, trend, MRR and next renewal, plus per-band counts and MRR."""
    if wanted.sort not in SORTS:
        raise NabdError(f"sort must be one of {', '.join(SORTS)}")
    rows = _portfolio_rows(store, today, reporting_currency)
    chosen = _filtered(rows, wanted)
    key = {"renewal": "renewal_date"}.get(wanted.sort, wanted.sort)
    ordering = ibis.desc(key) if wanted.descending else ibis.asc(key)
    page = chosen.order_by([ordering, "account_id"]).limit(wanted.limit, offset=wanted.offset)
    summary_rows = _filtered(rows, wanted, with_band=False)
    summary = summary_rows.group_by("band").aggregate(
        accounts=summary_rows.count(), mrr=summary_rows.mrr.sum()
    )
    return Portfolio(
        accounts=page.to_pyarrow().to_pylist(),
        total=int(chosen.count().to_pyarrow().as_py()),
        bands=summary.to_pyarrow().to_pylist(),
    )


def filter_choices(store: Store) -> dict[str, list[str]]:
    """Distinct segments and CSMs, for the portfolio's filter menus."""
    accounts = store.table("accounts")
    return {
        column: sorted(v for v in accounts.select(column).distinct().to_pyarrow().column(0).to_pylist() if v)
        for column in ("segment", "csm")
    }


def account(store: Store, account_id: str) -> dict[str, Any] | None:
    """The accounts row of ``account_id``, or None."""
    accounts = store.table("accounts")
    rows = accounts.filter(accounts.account_id == account_id).to_pyarrow().to_pylist()
    return rows[0] if rows else None


def score_history(store: Store, account_id: str) -> list[dict[str, Any]]:
    """Every score of the account, oldest first: as_of, score, band, scorecard_version, measures."""
    scores = store.table("health_scores")
    history = (
        scores.filter(scores.account_id == account_id)
        .select("as_of", "score", "band", "scorecard_version", "coverage", "measures")
        .order_by(["as_of", "scorecard_version"])
        .to_pyarrow().to_pylist()
    )
    for row in history:
        row["measures"] = measure_breakdown(row["measures"])
    return history


def measure_breakdown(measures: Any) -> list[dict[str, Any]]:
    """The measures JSON of a score as a list of {id, name, value, score, weight, contribution, gain}.

    contribution = weight x score / 100 (points of the 0-100 score); gain = weight x (100 - score) / 100
    is "what would move it": the points the account would gain if this measure scored 100.
    """
    if isinstance(measures, str):
        measures = json.loads(measures)
    if isinstance(measures, dict):
        measures = [{"id": key, **(value if isinstance(value, dict) else {"score": value})} for key, value in measures.items()]
    names = {m.id: m.name.model_dump() for m in default_scorecard().measures}
    breakdown = []
    for measure in measures or []:
        score, weight = measure.get("score"), measure.get("weight")
        known = score is not None and weight is not None
        breakdown.append({
            "id": measure.get("id"),
            "name": names.get(measure.get("id"), {"en": measure.get("id"), "ar": measure.get("id")}),
            "value": measure.get("value", measure.get("raw")),
            "score": score,
            "weight": weight,
            "contribution": measure.get("contribution", weight * score / 100 if known else None),
            "gain": weight * (100 - score) / 100 if known else None,
        })
    return breakdown


def account_records(store: Store, account_id: str, limit: int = 20) -> dict[str, list[dict[str, Any]]]:
    """The account's latest tickets, invoices, survey responses, referrals and tasks, newest first."""
    newest_first = {
        "tickets": "opened_at", "invoices": "issued_at", "survey_responses": "responded_at",
        "referrals": "referred_at", "tasks": "created_at",
    }
    records = {}
    for table_name, column in newest_first.items():
        table = store.table(table_name)
        records[table_name] = (
            table.filter(table.account_id == account_id).order_by(ibis.desc(column)).limit(limit)
            .to_pyarrow().to_pylist()
        )
    return records


def usage_trend(store: Store, account_id: str, today: date, weeks: int = 26) -> list[dict[str, Any]]:
    """Weekly events and value (e.g. minutes) of the account from activity_daily, last ``weeks`` weeks."""
    activity = store.table("activity_daily")
    recent = activity.filter(
        (activity.account_id == account_id) & (activity.day > today - timedelta(weeks=weeks))
        & (activity.day <= today)
    )
    weekly = recent.mutate(week=recent.day.truncate("W")).group_by("week").aggregate(
        events=recent.events.sum(), value=recent.value_sum.sum()
    )
    return weekly.order_by("week").to_pyarrow().to_pylist()


def dashboard(
    store: Store, today: date, months: int = 12, segment: str | None = None, reporting_currency: str = "USD"
) -> dict[str, Any]:
    """The last ``months`` whole months, for one segment or all: customer churn, GRR/NRR, MRR movements, NPS/CSAT/CES.

    Every figure comes from nabd.metrics (customer_churn, revenue_retention, mrr_movements, nps, csat, ces).
    """
    end = today.replace(day=1) - timedelta(days=1)
    start = (end.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    by = "segment" if segment else None
    money = {"reporting_currency": reporting_currency}
    tables = {
        "churn": customer_churn(store, start=start, end=end, by=by),
        "revenue": revenue_retention(store, start=start, end=end, by=by, **money),
        "movements": mrr_movements(store, start=start, end=end, by=by, **money),
        "nps": nps(store, start=start, end=end, by=by),
        "csat": csat(store, start=start, end=end, by=by),
        "ces": ces(store, start=start, end=end, by=by),
    }
    shown: dict[str, Any] = {"start": start, "end": end, "currency": reporting_currency, "movement_names": MOVEMENTS}
    for name, table in tables.items():
        if segment:
            table = table.filter(table.segment == segment)
        shown[name] = table.order_by("period_start").to_pyarrow().to_pylist()
    return shown


def data_overview(store: Store, limit: int = 50) -> dict[str, Any]:
    """Latest imports, latest quarantined rows with their reasons, and row counts of the canonical tables."""
    imports = store.table("imports").order_by(ibis.desc("finished_at")).limit(limit)
    quarantine = store.table("quarantine").order_by(ibis.desc("received_at")).limit(limit)
    counts = {name: store.scalar(f"SELECT count(*) FROM {name}") for name in CANONICAL_TABLES}
    return {
        "imports": imports.to_pyarrow().to_pylist(),
        "quarantine": quarantine.to_pyarrow().to_pylist(),
        "counts": counts,
        "unmatched": store.scalar("SELECT count(*) FROM accounts WHERE status = 'unmatched'"),
    }


# --- scorecards ---------------------------------------------------------------------------

def scorecards(store: Store) -> list[dict[str, Any]]:
    """Each scorecard by name: its newest saved YAML, or the shipped default; with version and who saved it."""
    default = default_scorecard()
    shipped = {
        default.name: {"name": default.name, "version": default.version, "saved_by": None,
                       "saved_at": None, "yaml": _shipped_yaml()}
    }
    saved = store.table("scorecard_versions")
    order = ibis.window(group_by="name", order_by=ibis.desc("saved_at"))
    newest = saved.mutate(rank=ibis.row_number().over(order))
    for row in newest.filter(newest["rank"] == 0).drop("rank").to_pyarrow().to_pylist():
        shipped[row["name"]] = row
    return sorted(shipped.values(), key=lambda card: card["name"])


def scorecard(store: Store, name: str) -> dict[str, Any] | None:
    """The current YAML of the scorecard ``name``, or None."""
    return next((card for card in scorecards(store) if card["name"] == name), None)


def validate_scorecard(text: str, name: str) -> tuple[Scorecard | None, list[str]]:
    """The validated scorecard, or the list of ``file:line: field: message`` problems."""
    try:
        return parse_scorecard(text, f"{name}.yaml"), []
    except NabdError as error:
        return None, str(error).split("; ")


def save_scorecard(store: Store, text: str, name: str, user: User) -> tuple[Scorecard | None, list[str]]:
    """Validate and store a new version of a scorecard; nothing is stored when it has problems."""
    card, problems = validate_scorecard(text, name)
    if card is None:
        return None, problems
    store.execute("DELETE FROM scorecard_versions WHERE name = ? AND version = ?", [card.name, card.version])
    store.execute(
        "INSERT INTO scorecard_versions (name, version, yaml, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)",
        [card.name, card.version, text, user.login, utc_now()],
    )
    return card, []


def _shipped_yaml() -> str:
    from nabd.health.scorecard import DEFAULT_SCORECARD

    return DEFAULT_SCORECARD.read_text(encoding="utf-8")


# --- tasks --------------------------------------------------------------------------------

TASK_STATUSES = ("open", "done", "dismissed")


def tasks(
    store: Store, *, account_id: str | None = None, owner: str | None = None, status: str | None = None,
    limit: int = 50, offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Tasks matching the filters, soonest due first, and how many match."""
    table = store.table("tasks")
    for column, wanted in (("account_id", account_id), ("owner", owner), ("status", status)):
        if wanted:
            table = table.filter(table[column] == wanted)
    page = table.order_by([ibis.asc("due_at"), "task_id"]).limit(limit, offset=offset)
    return page.to_pyarrow().to_pylist(), int(table.count().to_pyarrow().as_py())


def task(store: Store, task_id: str) -> dict[str, Any] | None:
    rows = store.table("tasks").filter(lambda t: t.task_id == task_id).to_pyarrow().to_pylist()
    return rows[0] if rows else None


def may_write_account(store: Store, user: User, account_id: str) -> bool:
    """Admins write every account; a CSM writes the accounts whose csm is their login; viewers none."""
    if user.role == "admin":
        return True
    if user.role != "csm":
        return False
    return store.scalar("SELECT csm FROM accounts WHERE account_id = ?", [account_id]) == user.login


def may_write_task(store: Store, user: User, task_row: dict[str, Any]) -> bool:
    """A task is writable by admins, its owner, and the CSM of its account."""
    if user.role == "csm" and task_row.get("owner") == user.login:
        return True
    return may_write_account(store, user, task_row["account_id"])


def add_task(
    store: Store, account_id: str, title: str, owner: str, due_at: date | None, playbook: str | None = None
) -> str:
    """Create an open task on the account; returns its id."""
    if not title.strip():
        raise NabdError("a task needs a title")
    if account(store, account_id) is None:
        raise NabdError(f"there is no account {account_id!r}")
    task_id = f"task-{uuid.uuid4().hex[:16]}"
    store.execute(
        "INSERT INTO tasks (task_id, account_id, playbook, title, owner, due_at, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
        [task_id, account_id, playbook, title.strip(), owner, due_at, utc_now()],
    )
    return task_id


def set_task_status(store: Store, task_id: str, status: str, outcome: str | None = None) -> None:
    """Open, finish or dismiss a task; closed_at is set when it leaves 'open' and cleared when reopened."""
    if status not in TASK_STATUSES:
        raise NabdError(f"status must be one of {', '.join(TASK_STATUSES)}")
    closed_at = None if status == "open" else utc_now()
    store.execute(
        "UPDATE tasks SET status = ?, closed_at = ?, outcome = coalesce(?, outcome) WHERE task_id = ?",
        [status, closed_at, outcome, task_id],
    )
