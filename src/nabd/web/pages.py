"""The HTML pages: login, portfolio, account, dashboard, scorecards, data (/health and /metrics: monitoring.py).

Three routers, each with its guard (see security.py): ``login`` (the login form), ``own`` (logout and
the user's preferences), ``router`` (everything else). Each page reads through its read model (nabd.web.read).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from nabd.config import load_settings
from nabd.feedback.themes import THEME_NAMES
from nabd.health import overrides, versions
from nabd.health.overrides import override_audit
from nabd.health.portfolio import PortfolioFilter
from nabd.outreach.loyalty import stored_tier
from nabd.playbooks import tasks
from nabd.playbooks.indicator_settings import INDICATORS
from nabd.risk.clv_storage import account_clv, clv_by_segment
from nabd.store import reading_connection
from nabd.store.calendar import today
from nabd.store.clock import utc_now
from nabd.web import account_input
from nabd.web.i18n import LANGUAGES, Language, browser_language, choose_language
from nabd.web.read import account as accounts
from nabd.web.read import dashboard as dashboards
from nabd.web.read import risk as risks
from nabd.web.read import scorecards
from nabd.web.read import timeline as timelines
from nabd.web.read.bands import band_table, bands_of
from nabd.web.read.data import data_overview
from nabd.web.read.unscored import account_unscored, portfolio_unscored
from nabd.web.read.permissions import may_write_account, require_admin, writable_account
from nabd.web.read.portfolio import PortfolioPage, filter_choices, portfolio
from nabd.web.read.views import find_view, view_query, views_of
from nabd.web.security import in_store as _query
from nabd.web.security import (
    anonymous_guard,
    page_guard,
    self_guard,
    session_user,
    start_session,
    store_of,
)
from nabd.web.users import (
    DIGITS,
    authenticate,
    end_sessions,
    record_failure,
    session_generation,
    set_preferences,
    too_many_failures,
)

PAGE_SIZE = 50
HOME = "/inbox"  # where a login lands: the risk inbox
MAX_PAGE = 1_000_000  # 50 million accounts: far beyond any portfolio, well inside a 64-bit OFFSET
_environment = Environment(
    loader=FileSystemLoader(str(files("nabd.web") / "templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_environment)

login = APIRouter(include_in_schema=False, dependencies=[Depends(anonymous_guard)])
own = APIRouter(include_in_schema=False, dependencies=[Depends(self_guard)])
router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])


def language_of(request: Request) -> Language:
    """The user's saved language and digits; before login, ``?lang=``, else the language chosen on the
    login page (kept in the session), else the browser's (Accept-Language), else English."""
    user = session_user(request)
    if user is not None:
        return Language(choose_language(user.language), user.digits)
    session = getattr(request.state, "session", {})
    for asked in (request.query_params.get("lang"), session.get("lang")):
        if asked in LANGUAGES:
            return Language(asked)
    return Language(browser_language(request.headers.get("accept-language", "")))


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in the visitor's language, with the user and CSRF token every page needs."""
    lang = language_of(request)
    session = getattr(request.state, "session", {})
    return templates.TemplateResponse(
        request, template,
        {
            "user": session_user(request), "lang": lang, "_": lang.gettext, "ngettext": lang.ngettext,
            "csrf": session.get("csrf", ""), "languages": LANGUAGES,
            **context,
        },
        status_code=status_code,
    )


# Error messages the pages raise, as templates a language translates (messages.po); others show as they are.
ERROR_TEMPLATES = (
    (re.compile(r"there is no account (?P<account>.+)", re.S), "there is no account %(account)s"),
    (re.compile(r"there is no page at (?P<path>.+)", re.S), "there is no page at %(path)s"),
    (re.compile(r"there is no task (?P<task>.+)", re.S), "there is no task %(task)s"),
    (re.compile(r"only the account's CSM or an admin can (?P<what>.+)", re.S),
     "only the account's CSM or an admin can change this account"),
)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """The error page in the visitor's language: a known message (ERROR_TEMPLATES) is translated."""
    lang = language_of(request)
    for pattern, template in ERROR_TEMPLATES:
        found = pattern.fullmatch(message)
        if found:
            message = lang.gettext(template, **found.groupdict())
            break
    return render(request, "error.html", status_code=status_code, status=status_code, message=message)


def _local_target(target: str | None, default: str = "/portfolio") -> str:
    """``target`` when it is a path on this site (never //host or a full URL), else ``default``."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default



# --- login --------------------------------------------------------------------------------

@login.get("/login")
async def login_form(request: Request, next: str | None = None, lang: str | None = None) -> HTMLResponse:
    if lang in LANGUAGES:  # ?lang=ar: kept for the rest of the visit (a failed login's page too)
        request.state.session["lang"] = lang
        request.state.session_changed = True
    return render(request, "login.html", next=_local_target(next, HOME), failed=False)


@login.post("/login")
async def log_in(
    request: Request,
    login_name: Annotated[str, Form(alias="login")],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = HOME,
) -> Response:
    client_ip = request.client.host if request.client else "unknown"

    def check():
        with store_of(request) as store:
            if too_many_failures(store, login_name, client_ip):
                return "limited", None, None
            user = authenticate(store, login_name, password)
            if user is None:
                record_failure(store, login_name, client_ip)
                return "checked", None, None
            return "checked", user, session_generation(store, user.login)

    outcome, user, generation = await run_in_threadpool(check)
    if outcome == "limited":
        return render(request, "login.html", status_code=429, next=_local_target(next, HOME), failed=False,
                      limited=True)
    if user is None:
        return render(request, "login.html", status_code=401, next=_local_target(next, HOME), failed=True)
    start_session(request, user.login, generation=generation)
    return RedirectResponse(_local_target(next, HOME), status_code=303)


@login.post("/language")
async def anonymous_language(request: Request, language: Annotated[str, Form()]) -> Response:
    """The language of the login page for a visitor who is not logged in (kept in their session)."""
    request.state.session["lang"] = choose_language(language)
    request.state.session_changed = True
    return RedirectResponse("/login", status_code=303)


# --- the user's own session ---------------------------------------------------------------

@own.post("/logout")
async def log_out(request: Request) -> Response:
    """Log out: every session of the user ends (on every browser), not only this one."""
    await _query(request, end_sessions, request.state.user.login)
    start_session(request, None, request.state.user.language)
    return RedirectResponse("/login", status_code=303)


@own.post("/preferences")
async def preferences(
    request: Request,
    language: Annotated[str, Form()],
    digits: Annotated[str, Form()] = "latn",
    back: Annotated[str, Form()] = "/portfolio",
) -> Response:
    """Store the user's language and digits; back to the page they were on."""
    await _query(request, set_preferences, request.state.user.login, choose_language(language),
                 digits if digits in DIGITS else "latn")
    return RedirectResponse(_local_target(back), status_code=303)


# --- pages --------------------------------------------------------------------------------

@router.get("/")
async def home() -> Response:
    """The risk inbox is everyone's home page (nabd.web.inbox_pages)."""
    return RedirectResponse(HOME, status_code=303)


@router.get("/portfolio")
async def portfolio_page(
    request: Request,
    band: str | None = None,
    segment: str | None = None,
    csm: str | None = None,
    q: str | None = None,
    trend: str | None = None,
    sort: Annotated[str, Query(pattern="^(score|mrr|renewal|name|trend|risk)$")] = "score",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    churned: bool = False,
    renewal: Annotated[str | None, Query(pattern="^([1-9][0-9]{0,2})?$")] = None,  # days; "" = any
    view: Annotated[str | None, Query(max_length=40)] = None,
    risk: Annotated[str | None, Query(pattern="^(100|[0-9]{1,2})?$")] = None,  # churn risk >= this %; "" = any
    top: Annotated[str | None, Query(pattern="^([1-9][0-9]{0,3})?$")] = None,  # the N of highest risk; "" = all
    indicator: Annotated[str | None, Query(pattern=f"^({'|'.join(INDICATORS)})?$")] = None,
) -> HTMLResponse:
    """A CSM lands on her own accounts (``csm=*``: everyone's); churned accounts only with ``churned``;
    ``renewal``: renewing within that many days; ``risk``/``top``: churn risk of at least that percent / the N
    riskiest; ``indicator``: fired in the last 30 days; ``view``: the saved view shown (nabd.web.view_pages)."""
    if csm is None and request.state.user.role == "csm":
        csm = request.state.user.login
    wanted = PortfolioFilter(
        band=band or None, segment=segment or None, csm=None if csm in (None, "", "*") else csm, search=q or None,
        trend=trend or None, churned=churned, renewal_by=today() + timedelta(days=int(renewal)) if renewal else None,
        risk_min=int(risk) / 100 if risk else None, risk_top=int(top) if top else None, indicator=indicator or None,
    )
    shown = PortfolioPage(wanted, sort=sort, descending=order == "desc", limit=PAGE_SIZE,
                          offset=(page - 1) * PAGE_SIZE)
    currency = load_settings().reporting_currency

    def read(store):
        saved = views_of(store, request.state.user.login)
        shown_view = find_view(store, view) if view else None
        return (portfolio(store, shown, today(), currency), filter_choices(store), portfolio_unscored(store), saved,
                shown_view)

    found, choices, unscored, saved, shown_view = await _query(request, read)
    template = "_portfolio_table.html" if request.headers.get("hx-request") else "portfolio.html"
    return render(
        request, template, portfolio=found, bands=found.band_table, wanted=wanted, order=shown, choices=choices,
        page=page, unscored=unscored, views=saved, view=shown_view, renewal=int(renewal) if renewal else None,
        indicators=INDICATORS, indicator_names=timelines.INDICATOR_NAMES,
        query=view_query(request.url.query),
        pages=max(1, -(-found.total // PAGE_SIZE)), currency=currency,
        page_url=lambda number: str(request.url.include_query_params(page=number)),
    )


TIMELINE_PAGE = 25


@router.get("/accounts/{account_id}")
async def account_page(
    request: Request,
    account_id: str,
    kind: Annotated[list[str] | None, Query(max_length=20)] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    currency = load_settings().reporting_currency
    kinds = timelines.kinds_of(kind)

    def read(store):
        found = accounts.account(store, account_id)
        if found is None:
            return None
        history = accounts.score_history(store, account_id)
        return {
            "account": found,
            "history": history,
            "bands": band_table(store, history[-1]["scorecard_version"] if history else None),
            "explanation": accounts.account_explanation(store, account_id),
            "records": accounts.account_records(store, account_id),
            "usage": accounts.usage_weeks(store, account_id, today()),
            "onboarding": accounts.account_onboarding(store, account_id, today()),
            "writable": may_write_account(store, request.state.user, account_id),
            "risk": risks.risk_of(store, account_id),
            "clv": account_clv(store, account_id),
            "header": accounts.account_header(store, account_id, today(), currency),
            "timeline": timelines.timeline(store, account_id, today(), kinds, TIMELINE_PAGE,
                                           (page - 1) * TIMELINE_PAGE),
            "contacts": timelines.contacts(store, account_id),
            "audit": override_audit(store, account_id, 10),
            "unscored": account_unscored(store, account_id),
            "tier": stored_tier(store, account_id),
        }

    shown = await _query(request, read)
    if shown is None:
        raise HTTPException(404, f"there is no account {account_id}")
    latest = shown["history"][-1] if shown["history"] else None
    return render(
        request, "account.html", latest=latest, theme_names=THEME_NAMES, today=today(), chosen_kinds=kind or [],
        kind_groups=timelines.KIND_GROUPS, activity_kinds=timelines.ACTIVITY_KINDS, timeline_page=page,
        indicator_names=timelines.INDICATOR_NAMES, reason_names=timelines.REASON_NAMES, timedelta=timedelta,
        timeline_pages=max(1, -(-shown["timeline"].total // TIMELINE_PAGE)),
        page_url=lambda number: str(request.url.include_query_params(page=number)) + "#timeline",
        **shown,
    )


def _back_to(account_id: str, part: str = "timeline") -> Response:
    return RedirectResponse(f"/accounts/{account_id}#{part}", status_code=303)


@router.post("/accounts/{account_id}/notes")
async def add_note(
    request: Request,
    account_id: str,
    body: Annotated[str, Form(min_length=1, max_length=4000)],
    kind: Annotated[str, Form(pattern="^(note|call|meeting|email|qbr)$")] = "note",
    happened_on: Annotated[date | None, Form()] = None,
    participants: Annotated[str | None, Form(max_length=500)] = None,
    outcome: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    """A note or a logged call, meeting, e-mail or QBR (the account's CSM or an admin)."""
    def write(store):
        writable_account(store, request.state.user, account_id, "add its notes")
        account_input.add_note(store, account_id, kind=kind, happened_on=happened_on or today(), body=body,
                               author=request.state.user.login, today=today(), now=utc_now(),
                               participants=participants, outcome=outcome)

    await _query(request, write)
    return _back_to(account_id)


@router.post("/accounts/{account_id}/override")
async def override_score(
    request: Request,
    account_id: str,
    score: Annotated[int, Form(ge=0, le=100)],
    reason: Annotated[str, Form(min_length=1, max_length=500)],
    expires_on: Annotated[date, Form()],
) -> Response:
    """Override the account's score until an expiry date, with a reason (the account's CSM or an admin)."""
    def write(store):
        writable_account(store, request.state.user, account_id, "override its score")
        account_input.override_score(store, account_id, score=score, reason=reason, expires_on=expires_on,
                                     by=request.state.user.login, today=today(), now=utc_now())

    await _query(request, write)
    return _back_to(account_id, "score-title")


@router.post("/accounts/{account_id}/override/end")
async def end_score_override(request: Request, account_id: str) -> Response:
    """End the override in force: the computed score shows again (the account's CSM or an admin)."""
    def write(store):
        writable_account(store, request.state.user, account_id, "end its score override")
        overrides.end_override(store, account_id, by=request.state.user.login, today=today(), now=utc_now())

    await _query(request, write)
    return _back_to(account_id, "score-title")


@router.post("/accounts/{account_id}/rating")
async def rate_relationship(
    request: Request,
    account_id: str,
    rating: Annotated[int, Form(ge=1, le=5)],
    note: Annotated[str | None, Form(max_length=1000)] = None,
) -> Response:
    """The CSM's relationship rating (1-5) with a note, for today (the account's CSM or an admin)."""
    def write(store):
        writable_account(store, request.state.user, account_id, "rate the relationship")
        account_input.rate_relationship(store, account_id, rating=rating, note=note, rated_on=today())

    await _query(request, write)
    return _back_to(account_id)


@router.post("/accounts/{account_id}/referrals")
async def add_referral(
    request: Request, account_id: str, referred: Annotated[str, Form(min_length=1, max_length=200)],
) -> Response:
    """A referral the account made (the account's CSM or an admin)."""
    def write(store):
        writable_account(store, request.state.user, account_id, "record its referrals")
        account_input.add_referral(store, account_id, referred=referred, now=utc_now())

    await _query(request, write)
    return _back_to(account_id)


@router.post("/accounts/{account_id}/tasks")
async def add_task(
    request: Request,
    account_id: str,
    title: Annotated[str, Form(min_length=1, max_length=200)],
    due_at: Annotated[date | None, Form()] = None,
) -> Response:
    def write(store):
        writable_account(store, request.state.user, account_id, "add its tasks")
        tasks.add_task(store, account_id, title, request.state.user.login, due_at)

    await _query(request, write)
    return RedirectResponse(f"/accounts/{account_id}#tasks", status_code=303)


@router.get("/risk/model")
async def risk_model_page(request: Request) -> HTMLResponse:
    return render(request, "risk_model.html", model=await _query(request, risks.model_page))


@router.get("/dashboard")
async def dashboard_page(
    request: Request, segment: str | None = None, months: Annotated[int, Query(ge=2, le=36)] = 12
) -> HTMLResponse:
    currency = load_settings().reporting_currency

    def read(store):
        named = dashboards.segment_named(store, segment) if segment else None  # as the accounts spell it
        return named, dashboards.dashboard_key(store, today(), months, named, currency), filter_choices(store)

    named, key, choices = await _query(request, read)
    lifetime = await _query(request, clv_by_segment)
    if segment and named is None:  # no account is in it: nothing to compute
        shown = dashboards.empty_dashboard(today(), months, currency)
    else:
        shown = await run_in_threadpool(request.app.state.warming.ready, key)  # computed ahead (nabd.web.warm)
    if shown is None:
        shown = await _query(request, dashboards.dashboard, today(), months, named, currency)
    last = shown["movements"][-1] if shown["movements"] else None
    return render(request, "dashboard.html", dashboard=shown, choices=choices, segment=segment, months=months,
                  kpis=dashboards.headline_kpis(shown) if shown["churn"] else [],
                  falls=last and {**dashboards.waterfall(last), "month": last["period_start"]},
                  retention=dashboards.by_period(shown, "churn", "revenue"),
                  voice=dashboards.by_period(shown, "nps", "csat", "ces"), lifetime=lifetime)


@router.get("/scorecards")
async def scorecards_page(request: Request) -> HTMLResponse:
    cards = await _query(request, scorecards.scorecards)
    return render(request, "scorecards.html", cards=cards)


@router.get("/scorecards/{name}")
async def scorecard_page(request: Request, name: str, version: str | None = None) -> HTMLResponse:
    card = await _query(request, scorecards.scorecard, name, version or None)
    if card is None:
        raise HTTPException(404, f"there is no scorecard {name}" + (f" version {version}" if version else ""))
    return render(request, "scorecard.html", card=card, text=card["yaml"], problems=[], saved=None)


@router.post("/scorecards/{name}")
async def save_scorecard(request: Request, name: str, text: Annotated[str, Form(alias="yaml")]) -> HTMLResponse:
    require_admin(request.state.user, "change a scorecard")

    def write(store):
        saved, problems = scorecards.save_scorecard(store, text, name, request.state.user)
        card = scorecards.scorecard(store, saved.name if saved else name) or {"name": name, "version": None}
        return card, saved, problems

    card, saved, problems = await _query(request, write)
    return render(request, "scorecard.html", status_code=422 if problems else 200, card=card,
                  text=text, problems=problems, saved=saved)


@router.post("/scorecards/{name}/activate")
async def activate_scorecard(request: Request, name: str, version: Annotated[str, Form()]) -> Response:
    """Make a version the active scorecard (admins): the one `nabd score` and the daily run use."""
    require_admin(request.state.user, "choose the active scorecard")
    card = await _query(request, scorecards.activate_scorecard, version, request.state.user)
    return RedirectResponse(f"/scorecards/{card.name}?version={card.version}", status_code=303)


@router.get("/scorecards/{name}/backtest")
async def scorecard_backtest(request: Request, name: str, version: str) -> HTMLResponse:
    """The backtest of a version (an HTMX partial): run on its own connection, so other requests go on."""
    def run():
        with store_of(request) as store:
            card = versions.scorecard_of_version(store, version)
            if card is None:
                raise HTTPException(404, f"there is no scorecard version {version}")
            reader = reading_connection(store)
        with reader:
            return card, scorecards.scorecard_backtest(reader, card)

    card, (result, problem) = await run_in_threadpool(run)
    return render(request, "_backtest.html", card=card, result=result, problem=problem,
                  card_bands=bands_of(card))


@router.get("/warnings/backtest")
async def warning_backtest(request: Request) -> HTMLResponse:
    """The indicators' warning backtest (an HTMX partial of the scorecards page, every role): recall and
    precision of each indicator's stored firings; run on its own connection, so other requests go on."""
    def run():
        with store_of(request) as store:
            reader = reading_connection(store)
        with reader:
            return scorecards.indicator_warnings(reader)

    result = await run_in_threadpool(run)
    return render(request, "_warnings.html", result=result)


@router.get("/data")
async def data_page(request: Request) -> HTMLResponse:
    overview = await _query(request, data_overview)
    return render(request, "data.html", overview=overview)
