"""The risk inbox (the home page after login): a CSM's warnings and at-risk accounts (everyone's for admins
and viewers), ranked by value at risk, each with its evidence, its indicator's measured precision and lead
time, and one click to open a task, snooze it with a reason, or dismiss it as a false alarm.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nabd.config import load_settings
from nabd.playbooks.digest import DEFAULT_SEND_HOUR, digest_of, set_digest
from nabd.playbooks.wording import Words, cause_name
from nabd.store.calendar import today
from nabd.web.pages import MAX_PAGE, _local_target, _query, language_of, render
from nabd.web.read.bands import band_table
from nabd.web.read.inbox import KINDS, act_on_item, inbox_page
from nabd.web.read.portfolio import filter_choices
from nabd.web.security import page_guard

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])
ITEMS_PER_PAGE = 50
EVERYONE = "*"
SNOOZE_DAYS = (7, 14, 30)


@router.get("/inbox")
async def risk_inbox(
    request: Request,
    csm: Annotated[str | None, Query(max_length=200)] = None,
    cause: Annotated[str | None, Query(max_length=100)] = None,
    kind: Annotated[str | None, Query(pattern="^(warning|account)?$")] = None,  # "" = any
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    """A CSM sees her own accounts only; admins and viewers everyone's, or one CSM's (``csm``)."""
    user = request.state.user
    shown_csm = user.login if user.role == "csm" else (csm or EVERYONE)
    lang = language_of(request)
    currency = load_settings().reporting_currency

    def read(store):
        found = inbox_page(
            store, today(), csm=None if shown_csm == EVERYONE else shown_csm, cause=cause or None, kind=kind or None,
            limit=ITEMS_PER_PAGE, offset=(page - 1) * ITEMS_PER_PAGE, currency=currency, language=lang.code,
            digits=lang.digits,
        )
        return found, filter_choices(store)["csm"], band_table(store, None), digest_of(store, user.login)

    found, csms, bands, digest = await _query(request, read)
    words = Words(lang.code, lang.digits)
    return render(
        request, "inbox.html", active="inbox", inbox=found, csm=shown_csm, csms=csms, everyone=EVERYONE,
        cause=cause, kind=kind, kinds=KINDS, page=page, pages=max(1, -(-found.total // ITEMS_PER_PAGE)),
        bands=bands, currency=currency, snooze_days=SNOOZE_DAYS, digest=digest, default_send_hour=DEFAULT_SEND_HOUR,
        zone=load_settings().timezone,
        cause_names={c: cause_name(c, words) for c in found.causes},
        page_url=lambda number: str(request.url.include_query_params(page=number)),
    )


@router.post("/inbox/act")
async def act(
    request: Request,
    account_id: Annotated[str, Form(max_length=200)],
    cause: Annotated[str, Form(max_length=100)],
    action: Annotated[str, Form(pattern="^(task|snoozed|dismissed)$")],
    reason: Annotated[str, Form(max_length=500)] = "",
    days: Annotated[int, Form(ge=1, le=365)] = 7,
    next: Annotated[str, Form()] = "/inbox",
) -> Response:
    """Open a task from a warning (one open task per account and cause), snooze it for ``days`` with a
    reason, or dismiss it as a false alarm (hidden DISMISSED_DAYS, kept for the warning backtest)."""
    await _query(request, act_on_item, request.state.user, account_id, cause, action, reason, days, today())
    return RedirectResponse(_local_target(next, "/inbox"), status_code=303)


@router.post("/digest")
async def digest_settings(
    request: Request,
    email: Annotated[str, Form(max_length=300)] = "",
    webhook_url: Annotated[str, Form(max_length=1000)] = "",
    enabled: Annotated[bool, Form()] = False,
    send_hour: Annotated[int | None, Form(ge=0, le=23)] = None,
) -> Response:
    """The user's own morning digest: where it goes and whether it is sent (CSMs and admins; viewers only read)."""
    if request.state.user.role == "viewer":
        raise HTTPException(403, "only a CSM or an admin can set a morning digest")
    await _query(request, set_digest, request.state.user.login, email=email.strip() or None,
                 webhook_url=webhook_url.strip() or None, enabled=enabled, send_hour=send_hour)
    return RedirectResponse("/inbox#digest", status_code=303)
