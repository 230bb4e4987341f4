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

from nabd.config import load_settings
from nabd.health.overrides import current_override, end_override
from nabd.health.portfolio import PortfolioFilter
from nabd.playbooks.indicator_settings import INDICATORS
from nabd.playbooks.tasks import add_task, close_task, find_task, reopen_task, task_count, task_list
from nabd.risk.clv_storage import NO_FIT, account_clv
from nabd.store.calendar import today
from nabd.store.clock import utc_now
from nabd.web import account_input
from nabd.web.read import account as accounts
from nabd.web.read import timeline as timelines
from nabd.web.read import dashboard as dashboards
from nabd.web.read import risk as risks
from nabd.web.read import scorecards
from nabd.web.read.bands import band_table
from nabd.web.read.permissions import require_admin, task_owner, writable_account, writable_task
from nabd.web.read.portfolio import PortfolioPage, portfolio
from nabd.web.security import api_guard, in_store as _query

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
    computed_score: int | None = Field(None, description="the score the scorecard computed (score is the "
                                       "manual override's while one is in force)")
    overridden: bool = Field(False, description="a manual score override is in force: score and band are its")
    risk: float | None = Field(None, description="the newest stored churn-risk prediction (0-1)")


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


class Override(BaseModel):
    """A manual score override (in force from starts_on until expires_on, exclusive, unless ended before)."""

    override_id: str
    account_id: str
    score: int
    band: str | None
    reason: str
    owner: str
    starts_on: date
    expires_on: date


class AccountHealth(BaseModel):
    account_id: str
    latest: Score | None
    override: Override | None = Field(None, description="the manual override in force: it replaces the latest "
                                      "score and band wherever a score is shown")
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
    risk: Annotated[float | None, Query(ge=0, le=100, description="newest churn risk of at least this percent")] = None,
    top: Annotated[int | None, Query(ge=1, le=9999, description="only the N accounts of highest churn risk")] = None,
    indicator: Annotated[str | None, Query(pattern=f"^({'|'.join(INDICATORS)})$",
                                           description="an early-warning indicator fired in the last 30 days")] = None,
) -> dict[str, Any]:
    """Accounts with their latest health score, band, trend, MRR and next renewal (churned ones on request)."""
    wanted = PortfolioFilter(band, segment, csm, q, trend, churned, risk_min=None if risk is None else risk / 100,
                             risk_top=top, indicator=indicator)
    shown = PortfolioPage(wanted, sort, order == "desc", limit, offset)
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
        return (history, accounts.account_explanation(store, account_id), bands,
                current_override(store, account_id, today()))

    history, explanation, bands, override = await _query(request, read)
    latest = history[-1] if history else None
    band = bands.get(override["band"] if override else latest["band"]) if latest or override else None
    action = explanation["action"] if explanation and not override else (band["action"] if band else None)
    return {"account_id": account_id, "latest": latest, "override": override, "action": action,
            "explanation": explanation, "history": history}


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


class LifetimeValue(BaseModel):
    """The account's newest stored expected residual lifetime value (sBG: `nabd clv fit`, or the daily run)."""

    account_id: str
    as_of: date
    model: str = Field(description="sbg: the shifted-beta-geometric model of renewals, one fit per cadence")
    cadence: str
    currency: str
    value_per_period: float
    renewals: int
    p_renew_next: float | None
    residual_value: float | None = Field(description="discounted expected residual lifetime value (DERL x value)")
    residual_lower: float | None = Field(description="95% interval (parameter uncertainty)")
    residual_upper: float | None


@router.get("/accounts/{account_id}/clv", response_model=LifetimeValue)
async def account_lifetime_value(request: Request, account_id: str) -> dict[str, Any]:
    """The account's expected residual lifetime value with its 95% interval."""
    def read(store):
        if accounts.account(store, account_id) is None:
            raise HTTPException(404, f"there is no account {account_id}")
        found = account_clv(store, account_id)
        if found is None:
            raise HTTPException(404, f"account {account_id} has no lifetime value: {NO_FIT}")
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


# --- the account 360: timeline, contacts, notes and what a CSM records ---------------------------------

class MovedMeasure(BaseModel):
    measure: str
    name: dict[str, str]
    points: float = Field(description="change of the measure's contribution since the score before")


class TimelineItem(BaseModel):
    """One event of an account's timeline; what each column holds depends on ``kind`` (see the README)."""

    happened_at: UtcDateTime = Field(description="when it happened (a day's event at its midnight)")
    kind: str = Field(description=", ".join(timelines.KINDS))
    ref: str | None = Field(description="the row's id (task, note, ticket, response, invoice, subscription...)")
    title: str | None
    body: str | None
    value: float | None
    previous: float | None
    label: str | None
    detail: str | None
    actor: str | None
    evidence: dict[str, Any] | None = Field(None, description="a warning's numbers (indicator firings)")
    moved: list[MovedMeasure] = Field(default_factory=list, description="the measures that moved a score or band")


class TimelinePage(Page[TimelineItem]):
    counts: dict[str, int] = Field(description="events per kind (every kind, whatever the filter)")


class Contact(BaseModel):
    contact_id: str
    name: str | None
    email: str | None
    role: str | None
    language: str | None
    last_active: date | None = Field(description="the contact's latest day with activity")
    answers: list[dict[str, Any]] = Field(description="latest survey answers: kind, score, comment, responded_at")


class Note(BaseModel):
    note_id: str
    account_id: str
    kind: str
    happened_on: date
    participants: str | None
    outcome: str | None
    body: str
    author: str
    created_at: UtcDateTime


class NewNote(BaseModel):
    kind: str = Field("note", pattern="^(note|call|meeting|email|qbr)$")
    body: str = Field(min_length=1, max_length=4000)
    happened_on: DayText | None = Field(None, description="the day it happened (default today)")
    participants: str | None = Field(None, max_length=500)
    outcome: str | None = Field(None, max_length=500)


class NewOverride(BaseModel):
    score: int = Field(ge=0, le=100)
    reason: str = Field(min_length=1, max_length=500)
    expires_on: DayText = Field(description="the day it stops applying (after today, within a year)")


class NewRating(BaseModel):
    rating: int = Field(ge=1, le=5)
    note: str | None = Field(None, max_length=1000)


class NewReferral(BaseModel):
    referred: str = Field(min_length=1, max_length=200, description="the referred company's account id or name")


class Referral(BaseModel):
    referral_id: str
    account_id: str
    referred_account_id: str | None
    referred_at: UtcDateTime


class Rating(BaseModel):
    account_id: str
    rated_at: date
    rating: int
    note: str | None


def _known(store, account_id: str) -> None:
    if accounts.account(store, account_id) is None:
        raise HTTPException(404, f"there is no account {account_id}")


@router.get("/accounts/{account_id}/timeline", response_model=TimelinePage)
async def account_timeline(
    request: Request, account_id: str, limit: Limit = 50, offset: Offset = 0,
    kind: Annotated[list[str] | None, Query(max_length=20, description="kinds or groups ("
                                            + ", ".join(timelines.KIND_GROUPS) + "); default every kind")] = None,
) -> dict[str, Any]:
    """The account's timeline, newest first: score and band changes (with the measures that moved them),
    warnings, tasks, notes and activities, overrides, ratings, referrals, tickets, survey answers, invoices
    paid late and subscription changes."""
    def read(store):
        _known(store, account_id)
        return timelines.timeline(store, account_id, today(), timelines.kinds_of(kind), limit, offset)

    found = await _query(request, read)
    return {"items": found.items, "total": found.total, "limit": limit, "offset": offset, "counts": found.counts,
            "next": _next(request, limit, offset, found.total)}


@router.get("/accounts/{account_id}/contacts", response_model=list[Contact])
async def account_contacts(request: Request, account_id: str) -> list[dict[str, Any]]:
    """The account's contacts with role, language, last activity and their latest survey answers."""
    def read(store):
        _known(store, account_id)
        return timelines.contacts(store, account_id)

    return await _query(request, read)


@router.get("/accounts/{account_id}/notes", response_model=Page[Note])
async def account_notes(request: Request, account_id: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """The account's notes and logged activities (call, meeting, email, qbr), newest first."""
    def read(store):
        _known(store, account_id)
        return timelines.notes(store, account_id, limit, offset)

    items, total = await _query(request, read)
    return {"items": items, "total": total, "limit": limit, "offset": offset,
            "next": _next(request, limit, offset, total)}


@router.post("/accounts/{account_id}/notes", response_model=Note, status_code=201)
async def post_note(request: Request, account_id: str, new: NewNote) -> dict[str, Any]:
    """Add a note or log a call, meeting, e-mail or QBR (the account's CSM or an admin)."""
    user = request.state.user

    def write(store):
        writable_account(store, user, account_id, "add its notes")
        note_id = account_input.add_note(  # a bad value is a NabdError: 400 naming the field
            store, account_id, kind=new.kind, happened_on=new.happened_on or today(), body=new.body,
            author=user.login, today=today(), now=utc_now(), participants=new.participants, outcome=new.outcome)
        return store.records("SELECT * FROM account_notes WHERE note_id = ?", [note_id])[0]

    return await _query(request, write)


@router.post("/accounts/{account_id}/override", response_model=Override, status_code=201)
async def post_override(request: Request, account_id: str, new: NewOverride) -> dict[str, Any]:
    """Override the account's score until ``expires_on`` with a reason (the account's CSM or an admin); it
    replaces the override in force, and the change is kept in the audit log."""
    user = request.state.user

    def write(store):
        writable_account(store, user, account_id, "override its score")
        account_input.override_score(store, account_id, score=new.score, reason=new.reason,
                                     expires_on=new.expires_on, by=user.login, today=today(), now=utc_now())
        return current_override(store, account_id, today())

    return await _query(request, write)


@router.delete("/accounts/{account_id}/override", status_code=204, response_model=None)
async def delete_override(request: Request, account_id: str) -> None:
    """End the override in force (the computed score shows again); 404 when none is in force."""
    user = request.state.user

    def write(store):
        writable_account(store, user, account_id, "end its score override")
        if not end_override(store, account_id, by=user.login, today=today(), now=utc_now()):
            raise HTTPException(404, f"account {account_id} has no score override in force")

    await _query(request, write)


@router.post("/accounts/{account_id}/ratings", response_model=Rating, status_code=201)
async def post_rating(request: Request, account_id: str, new: NewRating) -> dict[str, Any]:
    """The CSM's relationship rating (1-5) with a note, for today (the account's CSM or an admin)."""
    user = request.state.user

    def write(store):
        writable_account(store, user, account_id, "rate the relationship")
        account_input.rate_relationship(store, account_id, rating=new.rating, note=new.note, rated_on=today())
        return store.records("SELECT * FROM relationship_ratings WHERE account_id = ? AND rated_at = ?",
                             [account_id, today()])[0]

    return await _query(request, write)


@router.post("/accounts/{account_id}/referrals", response_model=Referral, status_code=201)
async def post_referral(request: Request, account_id: str, new: NewReferral) -> dict[str, Any]:
    """A referral the account made (the account's CSM or an admin)."""
    user = request.state.user

    def write(store):
        writable_account(store, user, account_id, "record its referrals")
        referral_id = account_input.add_referral(store, account_id, referred=new.referred, now=utc_now())
        return store.records("SELECT * FROM referrals WHERE referral_id = ?", [referral_id])[0]

    return await _query(request, write)
