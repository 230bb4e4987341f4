"""The CSM's workspace in the REST API (``/api/v1``): the risk inbox and its actions, renewals with their
forecast, and one's own morning digest. The same read models and permission rules as the pages: a CSM reads
her own inbox and renewals, admins and viewers everyone's (or one CSM's); viewers cannot write.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field, StrictBool, StrictInt

from nabd.config import load_settings
from nabd.playbooks.digest import DEFAULT_SEND_HOUR, digest_of, set_digest
from nabd.playbooks.renewals import WINDOWS
from nabd.store.calendar import today
from nabd.web.api import ERRORS, Limit, Offset, Page, _next, _query
from nabd.web.read.inbox import KINDS, act_on_item, inbox_page
from nabd.web.read.renewals import renewals
from nabd.web.security import api_guard

router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_guard)], responses=ERRORS)


class Measured(BaseModel):
    """The indicator's figures from the daily run's warning backtest."""

    precision: float | None = Field(None, description="share of its firings followed by churn 30-120 days later")
    recall: float | None = None
    firings: int | None = None
    lead_days: float | None = Field(None, description="median days from a firing to the churn that followed it")


class InboxItem(BaseModel):
    account_id: str
    name: str
    csm: str | None
    kind: str = Field(description="warning (an indicator fired) or account (an account of the worst band)")
    cause: str = Field(description="the indicator, or band:<id>")
    cause_name: str
    reason: str = Field(description="the evidence in words, in the reader's language")
    as_of: date
    days: int = Field(description="days the indicator fired in the inbox's window")
    evidence: dict[str, Any] = Field(description="the numbers that fired it")
    score: int | None
    band: str | None
    mrr: float
    renewal_date: date | None
    risk: float | None = Field(description="the churn model's probability, when a model exists")
    value_at_risk: float | None = Field(description="MRR x risk")
    measured: Measured | None
    task_id: str | None = Field(description="the open task of this account and cause")


class InboxAction(BaseModel):
    """Open a task from the warning, snooze it ``days`` days with a reason, or dismiss it as a false alarm."""

    action: Annotated[str, Field(pattern="^(task|snoozed|dismissed)$")]
    reason: Annotated[str, Field(max_length=500)] = ""
    days: Annotated[int, Field(ge=1, le=365)] = 7


class InboxActed(BaseModel):
    account_id: str
    cause: str
    action: str
    task_id: str | None


class RenewalRow(BaseModel):
    account_id: str
    name: str
    csm: str | None
    renewal_date: date
    days: int
    mrr: float
    score: int | None
    band: str | None
    risk: float | None
    p: float | None = Field(description="churn probability used by the forecast: the model's, else the band's rate")
    open_tasks: int
    last_touch: Any | None


class RenewalWindow(BaseModel):
    days: int
    accounts: int
    mrr: float
    forecast: float | None = Field(description="renewing MRR x (1 - churn probability), summed")


class Renewals(BaseModel):
    items: list[RenewalRow]
    total: int
    limit: int
    offset: int
    next: str | None
    windows: list[RenewalWindow]
    quarters: list[dict[str, Any]] = Field(description="past quarters: forecast against what renewed, and the error")


class Digest(BaseModel):
    login: str
    email: str | None = None
    webhook_url: str | None = None
    enabled: bool = False
    sent_on: date | None = None
    send_hour: int = Field(DEFAULT_SEND_HOUR, description="the hour (0-23, company timezone) from which it is sent")


class DigestChange(BaseModel):
    email: Annotated[str | None, Field(max_length=300)] = None
    webhook_url: Annotated[str | None, Field(max_length=1000)] = None
    enabled: StrictBool = True
    send_hour: Annotated[StrictInt | None, Field(ge=0, le=23, description="0-23 in the company's timezone; "
                                           "not given: the one set (07 by default)")] = None


def _shown_csm(request: Request, csm: str | None) -> str | None:
    """A CSM sees her own; admins and viewers everyone's (None) or one CSM's."""
    user = request.state.user
    return user.login if user.role == "csm" else csm


@router.get("/inbox", response_model=Page[InboxItem])
async def list_inbox(
    request: Request, limit: Limit = 50, offset: Offset = 0,
    csm: Annotated[str | None, Query(max_length=200, description="one CSM's (admins and viewers)")] = None,
    cause: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(pattern=f"^({'|'.join(KINDS)})$")] = None,
    lang: Annotated[str, Query(pattern="^(en|ar)$")] = "en",
) -> dict[str, Any]:
    """The risk inbox ranked by value at risk, with each item's evidence and its indicator's precision and lead."""
    found = await _query(request, inbox_page, today(), csm=_shown_csm(request, csm), cause=cause, kind=kind,
                         limit=limit, offset=offset, currency=load_settings().reporting_currency, language=lang)
    items = [{**item, "evidence": item["evidence_numbers"]} for item in found.items]
    return {"items": items, "total": found.total, "limit": limit, "offset": offset,
            "next": _next(request, limit, offset, found.total)}


@router.post("/inbox/{account_id}/{cause}", response_model=InboxActed)
async def act_on_inbox(request: Request, account_id: str, cause: str, acted: InboxAction) -> dict[str, Any]:
    """Open a task (one open task per account and cause), snooze with a reason, or dismiss as a false alarm
    (the account's CSM or an admin)."""
    task_id = await _query(request, act_on_item, request.state.user, account_id, cause, acted.action,
                           acted.reason, acted.days, today())
    return {"account_id": account_id, "cause": cause, "action": acted.action, "task_id": task_id}


@router.get("/renewals", response_model=Renewals)
async def list_renewals(
    request: Request, limit: Limit = 50, offset: Offset = 0,
    days: Annotated[int, Query(ge=min(WINDOWS), le=max(WINDOWS), description=f"the renewal window: one of {WINDOWS} days")
                    ] = max(WINDOWS),
    csm: Annotated[str | None, Query(max_length=200, description="one CSM's (admins and viewers)")] = None,
) -> dict[str, Any]:
    """Renewals in the next ``days`` days with MRR, band, risk, last touch and open tasks; the forecast of renewing
    MRR per window, and each past quarter's forecast against what renewed."""
    if days not in WINDOWS:
        raise HTTPException(400, f"days: one of {', '.join(map(str, WINDOWS))}, not {days}")
    found = await _query(request, renewals, today(), csm=_shown_csm(request, csm), within=days, limit=limit,
                         offset=offset, currency=load_settings().reporting_currency)
    return {"items": found.rows, "total": found.total, "limit": limit, "offset": offset,
            "next": _next(request, limit, offset, found.total), "windows": found.windows,
            "quarters": found.quarters}


@router.get("/me/digest", response_model=Digest)
async def my_digest(request: Request) -> dict[str, Any]:
    """Where one's morning digest goes and whether it is sent (not set: disabled)."""
    login = request.state.user.login
    return await _query(request, digest_of, login) or {"login": login}


@router.put("/me/digest", response_model=Digest)
async def change_my_digest(request: Request, change: DigestChange) -> dict[str, Any]:
    """Set one's morning digest (CSMs and admins; viewers only read)."""
    user = request.state.user
    if user.role == "viewer":
        raise HTTPException(403, "only a CSM or an admin can set a morning digest")

    def write(store):
        set_digest(store, user.login, email=(change.email or "").strip() or None,
                   webhook_url=(change.webhook_url or "").strip() or None, enabled=change.enabled,
                   send_hour=change.send_hour)
        return digest_of(store, user.login)

    return await _query(request, write)
