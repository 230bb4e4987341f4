"""The loyalty and referral programmes on the web (nabd.outreach.referrals, loyalty, rewards).

Public (the signed link is the key): ``GET /refer/{token}`` records a prospect's first visit (a cookie,
``nabd_referral``, keeps its referral id on this path only, so a second visit records nothing new) and shows
the sign-up form in the visitor's language (?lang=, else the browser's); ``POST`` records the sign-up. A bad
or expired link is a 404 / 410 page and stores nothing.

Logged in: ``/rewards`` lists the ledger and the referral funnel; only admins approve or reject
(``POST /rewards/{id}/approve|reject``), everyone else reads. API: ``GET /api/v1/rewards``, ``POST
/api/v1/rewards/{id}/approve|reject`` (admins), ``GET /api/v1/referrals`` (the funnel and prospects) and
``POST /api/v1/referrals/signups`` (a sign-up on the company's own site: the referrer's CSM or an admin).
"""

from __future__ import annotations

import functools
import os
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, model_validator

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.feedback.links import LinkProblem
from nabd.outreach.loyalty import DEFAULT_LOYALTY, load_loyalty
from nabd.outreach.referrals import (
    list_prospects,
    record_visit,
    referral_funnel,
    referrer,
    referrer_of_code,
    sign_up,
)
from nabd.outreach.rewards import STATUSES, decide, list_rewards, reward_counts
from nabd.store.clock import utc_now
from nabd.web.api import ERRORS, Error
from nabd.web.pages import _query, render, templates
from nabd.web.read.permissions import require_admin, writable_account
from nabd.web.security import api_guard, page_guard, in_store as _run
from nabd.web.survey_pages import PROBLEM_STATUS, visitor_language, visitor_page

public = APIRouter(include_in_schema=False)
router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])
api = APIRouter(prefix="/api/v1", dependencies=[Depends(api_guard)], responses=ERRORS)
COOKIE = "nabd_referral"
COOKIE_DAYS = 90


@functools.lru_cache(maxsize=8)
def _tier_names(path: str, modified: float) -> dict[str, Any]:
    """Each tier's names in the loyalty YAML at ``path`` (read again when the file changes)."""
    return {tier.id: tier.name for tier in load_loyalty(path).tiers}


def tier_name(tier: str | None, language: str) -> str:
    """A tier's name in ``language`` (the loyalty YAML's), the id for a tier no longer in it."""
    if not tier:
        return "–"
    path = str(load_settings().loyalty or DEFAULT_LOYALTY)
    found = _tier_names(path, os.stat(path).st_mtime).get(tier)
    return found.text(language) if found else tier


templates.env.globals["tier_name"] = tier_name  # the account page and the portfolio show the tier



def _problem(request: Request, problem: LinkProblem) -> HTMLResponse:
    return visitor_page(request, "unsubscribe.html", visitor_language(request), PROBLEM_STATUS[problem.reason],
                        state="problem", reason=problem.reason)


def _landing(request: Request, found, prospect: dict[str, Any], status_code: int = 200, **context: Any) -> HTMLResponse:
    page = visitor_page(request, "referral.html", visitor_language(request), status_code, referrer=found,
                        prospect=prospect, **{"error": None, "form": {}, **context})
    page.set_cookie(COOKIE, prospect["referral_id"], max_age=COOKIE_DAYS * 86400, path="/refer/", httponly=True,
                    samesite="lax")
    return page


@public.get("/refer/{token}")
async def referral_landing(request: Request, token: str) -> HTMLResponse:
    """The referred prospect's landing page; the first visit records a prospect (visited)."""
    try:
        found, prospect = await _run(request, record_visit, token, request.cookies.get(COOKIE))
    except LinkProblem as problem:
        return _problem(request, problem)
    return _landing(request, found, prospect)


@public.post("/refer/{token}")
async def referral_sign_up(
    request: Request, token: str, email: Annotated[str, Form(max_length=300)] = "",
    name: Annotated[str, Form(max_length=200)] = "", company: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """The landing page's sign-up form: the prospect is signed up (422 with the form again for a bad e-mail)."""
    def write(store):
        found = referrer(store, token)
        try:
            return found, sign_up(store, found, referral_id=request.cookies.get(COOKIE), email=email, name=name,
                                  company=company), None
        except NabdError as error:
            return found, None, error

    try:
        found, prospect, error = await _run(request, write)
    except LinkProblem as problem:
        return _problem(request, problem)
    if error is not None:
        lang = visitor_language(request)
        return visitor_page(request, "referral.html", lang, 422, referrer=found, prospect=None,
                            error=lang.error(error), form={"email": email, "name": name, "company": company})
    return _landing(request, found, prospect, signed_up=True)


# --- the rewards page -------------------------------------------------------------------------------

@router.get("/rewards")
async def rewards_page(request: Request, status: Literal["", "pending", "approved", "rejected"] = "") -> HTMLResponse:
    def read(store):
        return {"rewards": list_rewards(store, status=status or None), "counts": reward_counts(store),
                "funnel": referral_funnel(store), "prospects": list_prospects(store, limit=50)}

    shown = await _query(request, read)
    return render(request, "rewards.html", active="rewards", status=status, statuses=STATUSES, **shown)


@router.post("/rewards/{reward_id}/{decision}")
async def decide_reward(request: Request, reward_id: str, decision: Literal["approve", "reject"],
                        note: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Approve or reject a pending reward (admins only)."""
    require_admin(request.state.user, "approve or reject rewards")

    def write(store):
        _decide(store, reward_id, decision, request.state.user.login, note)

    await _query(request, write)
    return RedirectResponse("/rewards", status_code=303)


def _decide(store, reward_id: str, decision: str, login: str, note: str | None) -> dict[str, Any]:
    """decide() with its refusals as HTTP errors: 404 for an unknown reward, 409 for one already decided."""
    if not store.scalar("SELECT count(*) FROM rewards WHERE reward_id = ?", [reward_id]):
        raise HTTPException(404, f"there is no reward {reward_id}")
    try:
        return decide(store, reward_id, decision, by=login, now=utc_now(), note=note)
    except NabdError as error:
        raise HTTPException(409, str(error)) from None


# --- the API --------------------------------------------------------------------------------------

class Decision(BaseModel):
    note: str | None = Field(None, max_length=500)


class SignUp(BaseModel):
    """A referred prospect's sign-up: by the link's ``token`` or the referral ``code`` it was shown, with the
    e-mail address it signed up with and/or the account it became."""

    token: str | None = Field(None, max_length=500)
    code: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=300)
    name: str | None = Field(None, max_length=200)
    company: str | None = Field(None, max_length=200)
    account_id: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _one_way_in(self) -> SignUp:
        if (self.token is None) == (self.code is None):
            raise ValueError("give exactly one of token (the referral link's) and code (the referral code)")
        return self


@api.get("/rewards")
async def get_rewards(request: Request, status: Literal["pending", "approved", "rejected"] | None = None) -> dict:
    """The rewards ledger (newest first), optionally of one status, with the counts per status."""
    def read(store):
        return {"rewards": list_rewards(store, status=status), "counts": reward_counts(store)}

    return await _run(request, read)


DECIDED = {409: {"model": Error, "description": "The reward was approved or rejected already"}}
EXPIRED = {410: {"model": Error, "description": "The referral link has expired"}}


@api.post("/rewards/{reward_id}/{decision}", responses=DECIDED)
async def post_reward_decision(request: Request, reward_id: str, decision: Literal["approve", "reject"],
                               body: Decision | None = None) -> dict[str, Any]:
    """Approve or reject a pending reward (admins only): 409 when it was decided already."""
    require_admin(request.state.user, "approve or reject rewards")
    login = request.state.user.login
    return await _run(request, _decide, reward_id, decision, login, body.note if body else None)


@api.get("/referrals")
async def get_referrals(request: Request, account_id: str | None = None) -> dict[str, Any]:
    """The referral funnel (visited, signed_up, paying) and the newest prospects, of one referrer or all."""
    def read(store):
        return {"funnel": referral_funnel(store, account_id), "prospects": list_prospects(store, account_id)}

    return await _run(request, read)


@api.post("/referrals/signups", status_code=201, responses=EXPIRED)
async def post_referral_sign_up(request: Request, posted: SignUp) -> dict[str, Any]:
    """Record a referred prospect's sign-up (the referrer account's CSM or an admin); a bad link is a 404 and
    stores nothing."""
    def write(store):
        try:
            if posted.token is not None:
                found, code = referrer(store, posted.token), None
            else:
                found, code = referrer_of_code(store, posted.code or "")
        except LinkProblem as problem:
            raise HTTPException(PROBLEM_STATUS[problem.reason], f"the referral link is {problem.reason}") from None
        except NabdError as error:
            raise HTTPException(404, str(error)) from None
        writable_account(store, request.state.user, found.account_id, "record its referrals")
        try:
            return sign_up(store, found, referral_id=code, email=posted.email, name=posted.name,
                           company=posted.company, account_id=posted.account_id)
        except NabdError as error:
            raise HTTPException(400, str(error)) from None

    return await _run(request, write)
