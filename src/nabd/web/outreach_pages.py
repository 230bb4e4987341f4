"""Reaching the customer on the web: the public pages of journey e-mails' signed links, and the journeys pages.

Public (no login: the signed link is the key): ``GET /unsubscribe/{token}`` asks to confirm, ``POST`` (the
form, or a mail client's RFC 8058 one-click ``List-Unsubscribe=One-Click``) records it; ``GET
/onboarding/{token}``: the account's onboarding milestones with a progress bar and the next step. Both speak
the contact's (account's) language, ``?lang=`` switching; a bad or expired link gets a 404 / 410 page.

The in-app survey widget (``/static/nabd-widget.js``): ``GET /widget/v1/question`` and ``POST
/widget/v1/answers`` answer only the origins of NABD_WIDGET_ORIGINS (CORS), for users their company signed
(nabd.feedback.widget), without cookies; anything else is a 403 and stores nothing.

Logged in: ``/journeys`` (each journey with its accounts by state) and ``/journeys/{id}`` (its steps, the
dry run of today and treated vs held-out churn, band moves and NPS with 95% intervals, its changes). Admins
create (``/journeys/new``), edit (``/journeys/{id}/edit``: the journey's YAML, validated with line and field,
a dry run before saving) and disable or enable journeys; every save is a version of the journeys in force
(nabd.outreach.journey_versions), with who and when. Others get 403.
"""

from __future__ import annotations

import json

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.feedback.links import LinkProblem
from nabd.feedback.widget import WidgetRefused, widget_answer, widget_question
from nabd.health.versions import active_scorecard
from nabd.outreach.dry_run import DryRun, dry_run, journey_states
from nabd.outreach.effect import journey_effect
from nabd.outreach.journey_versions import (
    journey_history,
    journey_yaml,
    journeys_in_force,
    parse_journey,
    save_journey,
    set_enabled,
)
from nabd.outreach.onboarding_page import customer_onboarding
from nabd.outreach.unsubscribe import subscriber, unsubscribe
from nabd.store.calendar import today
from nabd.web.i18n import catalogue
from nabd.web.pages import _query, render
from nabd.web.read.permissions import require_admin
from nabd.web.survey_pages import PROBLEM_STATUS, visitor_language, visitor_page
from nabd.web.security import page_guard, in_store as _run

public = APIRouter(include_in_schema=False)
router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])



@public.get("/unsubscribe/{token}")
async def unsubscribe_form(request: Request, token: str) -> HTMLResponse:
    try:
        found = await _run(request, subscriber, token)
    except LinkProblem as problem:
        return visitor_page(request, "unsubscribe.html", visitor_language(request), PROBLEM_STATUS[problem.reason],
                     state="problem", reason=problem.reason)
    return visitor_page(request, "unsubscribe.html", visitor_language(request, found.language),
                 state="done" if found.unsubscribed else "confirm")


@public.post("/unsubscribe/{token}")
async def unsubscribe_now(request: Request, token: str) -> HTMLResponse:
    """Unsubscribe the link's contact: from the page's button or a mail client's one-click POST."""
    try:
        found = await _run(request, unsubscribe, token)
    except LinkProblem as problem:
        return visitor_page(request, "unsubscribe.html", visitor_language(request), PROBLEM_STATUS[problem.reason],
                     state="problem", reason=problem.reason)
    return visitor_page(request, "unsubscribe.html", visitor_language(request, found.language), state="done")


@public.get("/onboarding/{token}")
async def onboarding_page(request: Request, token: str) -> HTMLResponse:
    try:
        found = await _run(request, customer_onboarding, token)
    except LinkProblem as problem:
        return visitor_page(request, "unsubscribe.html", visitor_language(request), PROBLEM_STATUS[problem.reason],
                     state="problem", reason=problem.reason)
    return visitor_page(request, "customer_onboarding.html", visitor_language(request, found["language"]), onboarding=found)


@router.get("/journeys")
async def journeys_page(request: Request) -> HTMLResponse:
    def read(store):
        return journey_states(store, journeys_in_force(store)), journey_history(store, limit=10)

    rows, history = await _query(request, read)
    return render(request, "journeys.html", active="journeys", rows=rows, history=history)


NEW_JOURNEY = """\
id: new_journey
name: {en: New journey, ar: رحلة جديدة}
description: {en: What this journey is for., ar: الغرض من هذه الرحلة.}
entry: {band_entered: yellow}
exit: [churned]
steps:
  - task: {title: "Call {{ account_name }}", due_in_days: 3}
"""


def _editor(request: Request, journey_id: str | None, text: str, *, problems: list[str] | None = None,
            dry: DryRun | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, "journey_edit.html", status_code=status_code, active="journeys", journey_id=journey_id,
                  text=text, problems=problems or [], dry=dry, day=today())


@router.get("/journeys/new")
async def new_journey_form(request: Request) -> HTMLResponse:
    require_admin(request.state.user, "create a journey")
    return _editor(request, None, NEW_JOURNEY)


@router.get("/journeys/{journey_id}/edit")
async def edit_journey_form(request: Request, journey_id: str) -> HTMLResponse:
    require_admin(request.state.user, "change a journey")
    journeys = await _query(request, journeys_in_force)
    try:
        return _editor(request, journey_id, journey_yaml(journeys.journey(journey_id)))
    except NabdError:
        raise HTTPException(404, f"there is no journey {journey_id!r}") from None


async def _dry_run_or_save(request: Request, journey_id: str | None, text: str, action: str) -> Response:
    """Validate the editor's text; then its dry run (``action`` dry_run, nothing written) or its save."""
    by = request.state.user.login
    day = today()

    def act(store):
        if action == "save":
            return save_journey(store, text, by, journey_id), None
        journey = parse_journey(text)
        return journey, dry_run(store, journey, day, active_scorecard(store))

    try:
        journey, dry = await _query(request, act)
    except NabdError as error:
        return _editor(request, journey_id, text, problems=str(error).split("; "), status_code=422)
    if dry is not None:
        return _editor(request, journey_id, text, dry=dry)
    return RedirectResponse(f"/journeys/{journey.id}?saved=1", status_code=303)


@router.post("/journeys/new")
async def create_journey(request: Request, text: Annotated[str, Form(alias="yaml")],
                         action: Annotated[str, Form()] = "dry_run") -> Response:
    require_admin(request.state.user, "create a journey")
    return await _dry_run_or_save(request, None, text, action)


@router.post("/journeys/{journey_id}/edit")
async def edit_journey(request: Request, journey_id: str, text: Annotated[str, Form(alias="yaml")],
                       action: Annotated[str, Form()] = "dry_run") -> Response:
    require_admin(request.state.user, "change a journey")
    return await _dry_run_or_save(request, journey_id, text, action)


@router.post("/journeys/{journey_id}/enabled")
async def enable_journey(request: Request, journey_id: str, enabled: Annotated[bool, Form()]) -> Response:
    """Enable or disable a journey (admins); saved as a new version, audited."""
    require_admin(request.state.user, "change a journey")
    try:
        await _query(request, set_enabled, journey_id, enabled, request.state.user.login)
    except NabdError:
        raise HTTPException(404, f"there is no journey {journey_id!r}") from None
    return RedirectResponse(f"/journeys/{journey_id}?saved=1", status_code=303)


@router.get("/journeys/{journey_id}")
async def journey_page(request: Request, journey_id: str, saved: bool = False) -> HTMLResponse:
    day = today()

    def read(store):
        journey = journeys_in_force(store).journey(journey_id)
        return (journey, dry_run(store, journey, day, active_scorecard(store)), journey_effect(store, journey.id, day),
                journey_history(store, journey.id))

    try:
        journey, found, effect, history = await _query(request, read)
    except NabdError:
        raise HTTPException(404, f"there is no journey {journey_id!r}") from None
    return render(request, "journey.html", active="journeys", journey=journey, dry=found, effect=effect, day=day,
                  history=history, saved=saved)


# --- the in-app survey widget ---------------------------------------------------------------------

widget = APIRouter(include_in_schema=False)
# The words at the ends of each kind's scale (as on the survey page) and the widget's buttons, from the catalogue.
_SCALE_ENDS = {"nps": ("Not at all likely", "Extremely likely"), "csat": ("Very dissatisfied", "Very satisfied"),
               "ces": ("Very difficult", "Very easy")}
_WIDGET_TEXT = {"send": "Send", "thanks": "Thank you!", "close": "Close"}


def _allowed_origin(request: Request) -> str | None:
    """The request's Origin when NABD_WIDGET_ORIGINS lists it, else None."""
    origin = (request.headers.get("origin") or "").lower().rstrip("/")
    return origin if origin and origin in load_settings().widget_origins else None


def _cors(origin: str, body: dict, status_code: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code, headers={"Access-Control-Allow-Origin": origin, "Vary": "Origin"})


@widget.get("/widget/v1/question")
async def widget_question_route(request: Request, account: str = "", contact: str = "",
                                signature: str = "") -> JSONResponse:
    """The question for a signed user (or ``ask: false``); only for the configured origins."""
    origin = _allowed_origin(request)
    if origin is None:
        return JSONResponse({"error": "this origin may not use the widget: add it to NABD_WIDGET_ORIGINS"}, 403)
    try:
        asked = await _run(request, widget_question, account, contact, signature)
    except WidgetRefused as refused:
        return _cors(origin, {"error": str(refused)}, 403)
    if asked is None:
        return _cors(origin, {"ask": False})
    language = asked.language
    low, high = asked.survey.scale
    words = catalogue(language).gettext
    return _cors(origin, {
        "ask": True, "survey_id": asked.survey.id, "kind": asked.survey.kind, "language": language,
        "direction": "rtl" if language == "ar" else "ltr",
        "question": asked.survey.question.text(language), "follow_up": asked.survey.follow_up.text(language),
        "low": low, "high": high, "ends": [words(end) for end in _SCALE_ENDS[asked.survey.kind]],
        **{name: words(text) for name, text in _WIDGET_TEXT.items()},
    })


@widget.post("/widget/v1/answers")
async def widget_answer_route(request: Request) -> JSONResponse:
    """A signed user's answer, posted as text/plain JSON (no preflight, no cookies); 403 and nothing stored for
    a foreign origin or a bad signature, 422 for a bad score."""
    origin = _allowed_origin(request)
    if origin is None:
        return JSONResponse({"error": "this origin may not use the widget: add it to NABD_WIDGET_ORIGINS"}, 403)
    try:
        posted = json.loads((await request.body())[:20000] or b"{}")
        fields = (str(posted["account"]), str(posted["contact"]), str(posted["signature"]), int(posted["score"]))
    except (ValueError, KeyError, TypeError):
        return _cors(origin, {"error": "send JSON with account, contact, signature and score"}, 422)
    try:
        response_id = await _run(request, widget_answer, *fields, posted.get("comment"), posted.get("language"))
    except WidgetRefused as refused:
        return _cors(origin, {"error": str(refused)}, 403)
    except NabdError as error:
        return _cors(origin, {"error": str(error)}, 422)
    return _cors(origin, {"response_id": response_id}, 201)
