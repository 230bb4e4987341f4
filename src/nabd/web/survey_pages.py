"""The public survey page (no login: the signed personal link is the key) and the feedback API.

``GET/POST /survey/{token}``: the question on a 0-10 / 1-5 / 1-7 scale and a comment box, in the
contact's language (right to left in Arabic); a bad, expired or used link gets a clear page with
its status (404 / 410 / 409), never a trace. ``/api/v1`` (bearer token): post responses run in
other tools, and read an account's analysed feedback.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse

from nabd.errors import NabdError
from nabd.feedback.links import LinkProblem
from nabd.feedback.responses import (
    PostedResponse,
    account_feedback,
    answer_link,
    check_reason,
    open_link,
    record_response,
)
from nabd.feedback.surveys import EXIT_REASONS
from nabd.feedback.themes import THEME_NAMES
from nabd.web.api import ERRORS
from nabd.web.i18n import LANGUAGES, Language, browser_language
from nabd.web.pages import templates
from nabd.web.read.permissions import writable_response
from nabd.web.security import api_guard, in_store as _run

public = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", dependencies=[Depends(api_guard)], responses=ERRORS)
PROBLEM_STATUS = {"invalid": 404, "expired": 410, "used": 409}


def visitor_language(request: Request, known: str | None = None) -> Language:
    """A visitor's language (survey, unsubscribe and onboarding links): ?lang= when given, else the one the
    link's contact or account is known by, else the browser's preference."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return Language(asked)
    if known in LANGUAGES:
        return Language(known)
    return Language(browser_language(request.headers.get("accept-language", "")))


def visitor_page(request: Request, template: str, lang: Language, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request, template,
        {"user": None, "lang": lang, "_": lang.gettext, "ngettext": lang.ngettext, "csrf": "",
         "languages": LANGUAGES, "exit_reasons": EXIT_REASONS, **context},
        status_code=status_code,
    )



def _problem(request: Request, problem: LinkProblem) -> HTMLResponse:
    """The page of a link that cannot be answered, in the contact's language when the link is genuine."""
    return visitor_page(request, "survey_problem.html", visitor_language(request, problem.language),
                 PROBLEM_STATUS[problem.reason], reason=problem.reason)


@public.get("/survey/{token}")
async def survey_form(request: Request, token: str) -> HTMLResponse:
    try:
        invitation = await _run(request, open_link, token)
    except LinkProblem as problem:
        return _problem(request, problem)
    return visitor_page(request, "survey_form.html", visitor_language(request, invitation.language),
                 invitation=invitation, token=token, chosen=None, comment="", missing=False, reason="", competitor="")


@public.post("/survey/{token}")
async def survey_answer(
    request: Request, token: str, score: Annotated[str, Form()] = "", comment: Annotated[str, Form(max_length=5000)] = "",
    reason: Annotated[str, Form(max_length=40)] = "", competitor: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    try:
        invitation = await _run(request, open_link, token)
    except LinkProblem as problem:
        return _problem(request, problem)
    lang = visitor_language(request, invitation.language)
    low, high = invitation.survey.scale
    chosen = int(score) if score.strip().isdigit() else None
    if chosen is None or not low <= chosen <= high:
        return visitor_page(request, "survey_form.html", lang, 422, invitation=invitation, token=token,
                     chosen=None, comment=comment, missing=True, reason=reason, competitor=competitor)
    if invitation.survey.reasons:
        try:
            check_reason(reason, competitor)
        except NabdError:
            return visitor_page(request, "survey_form.html", lang, 422, invitation=invitation, token=token, chosen=chosen,
                         comment=comment, missing_reason=True, reason=reason, competitor=competitor)
    try:
        await _run(request, answer_link, token, chosen, comment, reason=reason or None, competitor=competitor)
    except LinkProblem as problem:
        return _problem(request, problem)
    return visitor_page(request, "survey_done.html", lang)


@api.post("/survey-responses", status_code=201)
async def post_survey_response(request: Request, posted: PostedResponse) -> dict[str, Any]:
    """Store a survey response run in another tool (admins, or the CSM of its account and of the response it
    replaces); its comment is analysed at once."""
    def write(store):
        writable_response(store, request.state.user, posted.account_id, posted.response_id)
        try:
            response_id = record_response(store, posted)
        except NabdError as error:
            raise HTTPException(422 if "score" in str(error) else 404, str(error)) from None
        return {"response_id": response_id}

    return await _run(request, write)


@api.get("/accounts/{account_id}/feedback")
async def get_account_feedback(request: Request, account_id: str) -> dict[str, Any]:
    """The account's latest survey comments with their sentiment (and score -1..1) and themes."""
    items = await _run(request, account_feedback, account_id)
    for item in items:
        item["theme_names"] = [THEME_NAMES[theme] for theme in item["themes"]]
    return {"account_id": account_id, "items": items}
