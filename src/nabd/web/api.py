"""The REST API, ``/api/v1``: accounts, health scores and explanations, metrics, tasks, scorecards.

Bearer-token auth (security.api_guard); lists are paginated with ``limit``/``offset`` and give the
``next`` URL; every error is ``{"error": "..."}``. Money is a decimal string (exact).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from starlette.concurrency import run_in_threadpool

from nabd.config import load_settings
from nabd.health.portfolio import PortfolioFilter
from nabd.playbooks.tasks import add_task, close_task, find_task, reopen_task, task_count, task_list
from nabd.store.calendar import today
from nabd.web.read import account as accounts
from nabd.web.read import dashboard as dashboards
from nabd.web.read import risk as risks
from nabd.web.read import scorecards
from nabd.web.read.bands import band_table
from nabd.web.read.permissions import require_admin, task_owner, writable_account, writable_task
from nabd.web.read.portfolio import PortfolioPage, portfolio
from nabd.web.security import api_guard, store_of

class Error(BaseModel):
    """Every error answer: what went wrong, in a sentence naming the field or object."""

    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Error, "description": "A value that cannot be used (the message names the field)"},
    401: {"model": Error, "description": "No API token, or one that is not valid (or was revoked)"},
    403: {"model": Error, "description": "Your role may not do this, or the object is not yours"},
    404: {"model": Error, "description": "No such object"},
    405: {"model": Error, "description": "Method not allowed (the Allow header lists the allowed ones)"},
    422: {"model": Error, "description": "The request does not match this document"},
}
router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_guard)], responses=ERRORS)
Item = TypeVar("Item")
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
MAX_OFFSET = 1_000_000_000  # far beyond any list, well inside a 64-bit OFFSET
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]


def _utc(moment: datetime) -> datetime:
    """The store's naive UTC timestamps, answered with their offset (RFC 3339)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _day_text(value: Any) -> Any:
    """A day is sent as text (2026-01-31): a number such as 0 is not a day."""
    if value is not None and not isinstance(value, str | date):
        raise ValueError("a day is written as text like 2026-01-31")
    return value


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]
DayText = Annotated[date, BeforeValidator(_day_text)]


class Page(BaseModel, Generic[Item]):
    """One page of a list; ``next`` is the URL of the following page, null on the last."""

    items: list[Item]
    total: int
    limit: int
    offset: int
    next: str | None


class AccountSummary(BaseModel):
    account_id: str
    name: str
    segment: str | None
    plan: str | None
    csm: str | None
    country: str | None
    score: int | None
    band: str | None
    trend: int | None = Field(description="score minus the account's previous score")
    as_of: date | None
    renewal_date: date | None
    mrr: Decimal = Field(description="MRR today in the reporting currency")
    churned: bool = Field(False, description="a customer before today with no active subscription today")


class Score(BaseModel):
    as_of: date
    score: int | None
    band: str | None
    scorecard_version: str
    coverage: float | None


class Contribution(BaseModel):
    measure: str
    name: dict[str, str]
    unit: str | None
    raw: float | None
    score: float | None = Field(description="the measure's 0-100 score; null = no data")
    weight: float = Field(description="weight normalised to 100")
    points: float | None = Field(description="points of the weighted score this measure contributes")


class Move(BaseModel):
    measure: str
    name: dict[str, str]
    unit: str | None
    text: str = Field(description="the raw value that would raise the score, in English")
    raw: float = Field(description="the measure's raw value now")
    target: float | None = Field(description="the raw value to reach (none when reach is 'yes')")
    reach: str = Field(description="value (to target), below (to under target), yes (turn the flag on), "
                       "percentile (to the target-th percentile of the segment)")
    points: float
    enough: bool = Field(description="alone, it reaches the next band")


class Explanation(BaseModel):
    """Why the account has its latest score (nabd.health.explain), with the scorecard that scored it."""

    account_id: str
    as_of: date
    scorecard: str
    scorecard_version: str
    score: int | None
    weighted_score: float | None
    band: str | None
    action: dict[str, str] | None = Field(description="the band's action, in English and Arabic")
    coverage: float
    contributions: list[Contribution]
    next_band: str | None
    points_needed: float | None
    moves: list[Move]
    changes: dict[str, int | None] = Field(description="score change vs 7, 30 and 90 days earlier")
    text: list[str] = Field(description="the explanation as plain text lines")


class AccountHealth(BaseModel):
    account_id: str
    latest: Score | None
    action: dict[str, str] | None = Field(description="the latest band's action, in English and Arabic")
    explanation: Explanation | None
    history: list[Score]


class Task(BaseModel):
    task_id: str
    account_id: str
    account_name: str | None
    playbook: str | None
    title: str
    owner: str | None
    priority: str | None
    due_at: UtcDateTime | None
    status: str
    created_at: UtcDateTime
    closed_at: UtcDateTime | None
    outcome: str | None
    overdue: bool = Field(description="open and due before now")


class NewTask(BaseModel):
    account_id: str
    title: str = Field(min_length=1, max_length=200)
    owner: str | None = Field(None, description="login of the owner; default: you")
    due_at: DayText | None = Field(None, description="the day it is due (2026-01-31)")


class TaskChange(BaseModel):
    status: str = Field(pattern="^(open|done|dismissed)$")
    outcome: str | None = None


class ScorecardText(BaseModel):
    name: str
    version: str | None
    saved_by: str | None
    saved_at: UtcDateTime | None
    yaml: str
    active: bool = Field(False, description="this version is the active scorecard")


class ScorecardUpdate(BaseModel):
    yaml: str


class ActiveScorecard(BaseModel):
    """The scorecard `nabd score`, the daily run and the backtest use when no file is given."""

    name: str
    version: str
    yaml: str


class Activation(BaseModel):
    version: str = Field(description="a saved version (or the shipped default's), or its first 4+ hex digits")


def _next(request: Request, limit: int, offset: int, total: int) -> str | None:
    if offset + limit >= total:
        return None
    return str(request.url.include_query_params(limit=limit, offset=offset + limit))


async def _query(request: Request, function, *args, **kwargs):
    def run():
        with store_of(request) as store:
            return function(store, *args, **kwargs)

    return await run_in_threadpool(run)


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> dict[str, Any]:
    """The OpenAPI document of this API."""
    return request.app.openapi()


@router.get("/accounts", response_model=Page[AccountSummary])
async def list_accounts(
    request: Request,
    limit: Limit = 50,
    offset: Offset = 0,
    band: Annotated[str | None, Query(description="band id, colour or name (English or Arabic), any case")] = None,
    segment: Annotated[str | None, Query(description="segment, any case")] = None,
    csm: str | None = None,
    q: Annotated[str | None, Query(description="part of the account name")] = None,
    trend: Annotated[str | None, Query(pattern="^(up|down|flat)$")] = None,
    sort: Annotated[str, Query(pattern="^(score|mrr|renewal|name|trend|risk)$")] = "score",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    churned: Annotated[bool, Query(description="also churned accounts (no active subscription)")] = False,
) -> dict[str, Any]:
    """Accounts with their latest health score, band, trend, MRR and next renewal (churned ones on request)."""
    shown = PortfolioPage(PortfolioFilter(band, segment, csm, q, trend, churned), sort, order == "desc", limit, offset)
    found = await _query(request, portfolio, shown, today(), load_settings().reporting_currency)
    return {"items": found.accounts, "total": found.total, "limit": limit, "offset": offset,
            "next": _next(request, limit, offset, found.total)}


@router.get("/accounts/{account_id}", response_model=AccountHealth)
async def account_health(request: Request, account_id: str) -> dict[str, Any]:
    """The account's score history, the explanation of its latest score, and the band's action."""
    def read(store):
        if accounts.account(store, account_id) is None:
            raise HTTPException(404, f"there is no account {account_id}")
        history = accounts.score_history(store, account_id)
        bands = band_table(store, history[-1]["scorecard_version"] if history else None)
        return history, accounts.account_explanation(store, account_id), bands

    history, explanation, bands = await _query(request, read)
    latest = history[-1] if history else None
    band = bands.get(latest["band"]) if latest else None
    action = explanation["action"] if explanation else (band["action"] if band else None)
    return {"account_id": account_id, "latest": latest, "action": action, "explanation": explanation,
            "history": history}


@router.get("/accounts/{account_id}/explanation", response_model=Explanation)
async def account_explanation(request: Request, account_id: str) -> dict[str, Any]:
    """Why the account has its latest score: contributions, the moves that reach the next band, as text too."""
    def read(store):
        if accounts.account(store, account_id) is None:
            raise HTTPException(404, f"there is no account {account_id}")
        found = accounts.account_explanation(store, account_id)
        if found is None:
            raise HTTPException(404, f"account {account_id} has no score to explain: run `nabd score` first")
        return found

    return await _query(request, read)


class RiskReason(BaseModel):
    measure: str
    value: float | None
    contribution: float = Field(description="log-odds of churn this measure adds (SHAP or coefficient x z)")
    en: str
    ar: str


class ChurnRisk(BaseModel):
    """The account's newest predicted churn risk (nabd risk predict, or the daily run) and its reasons."""

    account_id: str
    as_of: date
    model_version: str
    horizon_days: int
    probability: float = Field(description="calibrated P(churn within horizon_days of as_of)")
    reasons: list[RiskReason]


@router.get("/accounts/{account_id}/risk", response_model=ChurnRisk)
async def account_churn_risk(request: Request, account_id: str) -> dict[str, Any]:
    """The account's probability of churning within the model's horizon, with the reasons, largest first."""
    def read(store):
        if accounts.account(store, account_id) is None:
            raise HTTPException(404, f"there is no account {account_id}")
        found = risks.risk_of(store, account_id)
        if found is None:
            raise HTTPException(404, f"account {account_id} has no churn risk: run `nabd risk fit` and `nabd risk predict`")
        return found

    return await _query(request, read)


@router.get("/health-scores", response_model=Page[AccountSummary])
async def health_scores(
    request: Request, limit: Limit = 50, offset: Offset = 0,
    band: Annotated[str | None, Query(description="band id or colour")] = None,
) -> dict[str, Any]:
    """Latest health score of every account, lowest first."""
    return await list_accounts(request, limit, offset, band, None, None, None, None, "score", "asc", False)


@router.get("/metrics")
async def metrics(
    request: Request, months: Annotated[int, Query(ge=2, le=36)] = 12, segment: str | None = None
) -> dict[str, Any]:
    """The dashboard's figures (monthly customer churn = lost / customers at start, GRR/NRR, MRR movements,
    cohorts, NPS, CSAT and CES with response counts), money in the reporting currency (NABD_REPORTING_CURRENCY).
    ``segment`` in any letter case; one no account is in gives empty tables (nothing is computed for it)."""
    currency = load_settings().reporting_currency
    return await _query(request, dashboards.dashboard, today(), months, segment or None, currency)


@router.get("/tasks", response_model=Page[Task])
async def list_tasks(
    request: Request, limit: Limit = 50, offset: Offset = 0, account_id: str | None = None,
    owner: str | None = None, status: Annotated[str | None, Query(pattern="^(open|done|dismissed)$")] = None,
) -> dict[str, Any]:
    """Tasks with their account's name and ``overdue``: overdue first, then soonest due (as `nabd tasks`)."""
    def read(store):
        filters = {"account_id": account_id, "owner": owner, "status": status}
        return task_list(store, **filters, limit=limit, offset=offset), task_count(store, **filters)

    items, total = await _query(request, read)
    return {"items": items, "total": total, "limit": limit, "offset": offset,
            "next": _next(request, limit, offset, total)}


@router.post("/tasks", response_model=Task, status_code=201)
async def create_task(request: Request, new: NewTask) -> dict[str, Any]:
    """Add an open task to an account (admins, or the account's CSM)."""
    user = request.state.user

    def write(store):
        writable_account(store, user, new.account_id, "add its tasks")
        task_id = add_task(store, new.account_id, new.title, task_owner(store, user, new.owner), new.due_at)
        return find_task(store, task_id)

    return await _query(request, write)


@router.patch("/tasks/{task_id}", response_model=Task)
async def change_task(request: Request, task_id: str, change: TaskChange) -> dict[str, Any]:
    """Finish or dismiss a task with its outcome (required), or reopen it (admins, its owner, or the account's CSM)."""
    def write(store):
        writable_task(store, request.state.user, task_id)
        if change.status == "open":
            reopen_task(store, task_id)
        else:
            close_task(store, task_id, change.status, change.outcome or "")
        return find_task(store, task_id)

    return await _query(request, write)


@router.get("/scorecards", response_model=list[ScorecardText])
async def list_scorecards(request: Request) -> list[dict[str, Any]]:
    """Every scorecard's current YAML and version."""
    return await _query(request, scorecards.scorecards)


@router.put("/scorecards/{name}", response_model=ScorecardText)
async def put_scorecard(request: Request, name: str, update: ScorecardUpdate) -> dict[str, Any]:
    """Save a new version of a scorecard (admins); 422 with every problem when it is not valid."""
    require_admin(request.state.user, "change a scorecard")

    def write(store):
        saved, problems = scorecards.save_scorecard(store, update.yaml, name, request.state.user)
        if problems:
            raise HTTPException(422, "; ".join(problems))
        return scorecards.scorecard(store, saved.name)

    return await _query(request, write)


@router.get("/active-scorecard", response_model=ActiveScorecard)
async def get_active_scorecard(request: Request) -> dict[str, Any]:
    """The active scorecard: its name, version and YAML."""
    return await _query(request, scorecards.active_scorecard)


@router.put("/active-scorecard", response_model=ActiveScorecard)
async def put_active_scorecard(request: Request, activation: Activation) -> dict[str, Any]:
    """Make a saved version the active scorecard (admins); 400 naming the problem when there is no such version."""
    require_admin(request.state.user, "choose the active scorecard")

    def write(store):
        scorecards.activate_scorecard(store, activation.version, request.state.user)
        return scorecards.active_scorecard(store)

    return await _query(request, write)
