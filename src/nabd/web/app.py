"""The web application: one FastAPI app serving the pages, the REST API, /health and /metrics (monitoring.py).

The app opens ONE store in its lifespan and serialises access to it with a lock, so on DuckDB the
server process is the one owner of the database file (DESIGN.md, the one-writer rule).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import URLSafeTimedSerializer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.handoff import routes as handoff_routes
from nabd.handoff.jobs import CommandRunner
from nabd.ingest.activity import follow_timezone
from nabd.ingest.intake import routes as intake_routes
from nabd.ingest.intake.service import start_intake, stop_intake
from nabd.pipeline.schedule import start_schedule, stop_schedule
from nabd.store import open_store
from nabd.store.signing import signing_keys
from nabd.web import (
    api, inbox_pages, loyalty_pages, monitoring, outreach_pages, pages, renewal_pages, report_pages, survey_pages,
    task_pages, user_pages, view_pages, workspace_api,
)
from nabd.web.input import nul_character_in
from nabd.web.read.generation import data_generation
from nabd.web.security import (
    LoginRequired,
    load_session,
    serializer,
    session_cookie,
    session_user,
    user_from_session,
)
from nabd.web.warm import start_warming, stop_warming
from nabd.store.refusal import refused

log = logging.getLogger("nabd.web")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


def create_app(database_url: str, *, secret_key: str | None = None,
               address: tuple[str, int] | None = None, run_command: CommandRunner | None = None,
               run_every: float | None = None, inbox: Path | None = None,
               trusted_proxies: tuple[str, ...] | None = None) -> FastAPI:
    """The Nabd web app over the database at ``database_url``.

    The session key is ``secret_key``, else NABD_SECRET_KEY, else the database's key file's, made on
    first start (never in the database: nabd.store.signing), so sessions survive a restart and a
    `nabd secret rotate` ends them all from the next request. Served at ``address``
    (`nabd serve`) on a DuckDB file, it takes the CLI's commands (nabd.handoff), run by ``run_command``.
    With ``run_every`` (seconds) it runs the pipeline itself, importing ``inbox`` first (nabd.pipeline.schedule).
    X-Forwarded-For and -Proto are believed only from ``trusted_proxies`` (default NABD_TRUSTED_PROXIES; none:
    the client is the peer of the connection), so a client cannot choose the address the login limit counts.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "running", False):  # its parts live in app.state: a second start would orphan the first's
            raise RuntimeError("this Nabd app is already running: start it once, or make another with create_app")
        app.state.running = True
        try:
            async with _started(app):
                yield
        finally:
            app.state.running = False

    @asynccontextmanager
    async def _started(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(database_url)
        try:
            follow_timezone(store, log.warning)  # activity_daily counts days in NABD_TIMEZONE
            app.state.store = store
            app.state.store_lock = threading.Lock()
            app.state.serializer = _SessionSigner(lambda: secret_key or signing_keys(store.url).session)
            app.state.started = time.time()
            app.state.schedule = start_schedule(  # the pipeline, every run_every and after new data
                store, app.state.store_lock, run_every, generation=data_generation, inbox=inbox,
            ) if run_every else None
            app.state.intake = start_intake(database_url, store, app.state.store_lock,
                                            on_change=app.state.schedule and app.state.schedule.data_changed)
            app.state.warming = start_warming(  # the dashboard, computed ahead
                store, app.state.store_lock, lambda: load_settings().reporting_currency
            )
            app.state.handoff = handoff_routes.start_handoff(database_url, address, run_command)
            try:
                yield
            finally:
                with ExitStack() as stopping:  # each is stopped, last registered first, even if one fails
                    stopping.callback(stop_intake, app.state.intake)  # drains the event journal into the store
                    stopping.callback(stop_warming, app.state.warming)
                    if app.state.schedule:
                        stopping.callback(stop_schedule, app.state.schedule)
                    stopping.callback(handoff_routes.stop_handoff, database_url, app.state.handoff)
        finally:
            store.close()

    app = FastAPI(
        title="Nabd API",
        version="1",
        description="Accounts, health scores and their explanations, metrics, tasks and scorecards. "
        "Authenticate with `Authorization: Bearer TOKEN` (make a token with `nabd token add LOGIN`).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by api.py at /api/v1/openapi.json, behind a token
    )
    app.state.requests = Counter()
    app.state.seconds = Counter()
    app.mount("/static", StaticFiles(directory=str(files("nabd.web") / "static")), name="static")
    app.router.routes.extend(_routes())
    intake_routes.install(app)  # the intake's JSON error answers
    _add_handlers(app)
    app.middleware("http")(_session_and_headers)
    proxies = load_settings().trusted_proxies if trusted_proxies is None else trusted_proxies
    if proxies:  # outermost: the session's Secure cookie and the login limit see the real client
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(proxies))
    return app


@functools.cache
def _routes() -> tuple[BaseRoute, ...]:
    """Every page, API and intake route of the app, in matching order, included once per process. FastAPI
    analyses an included route's parameters and dependencies on the first request that reaches it and keeps
    the result on the inclusion, so every app made afterwards (a restarted server's, each test's) shares that
    work instead of doing it again (~0.1 s an app)."""
    composed = APIRouter()
    for router in (
        monitoring.router,  # /health, /metrics
        pages.login,
        pages.own,
        pages.router,
        task_pages.router,  # My tasks (nabd.playbooks)
        inbox_pages.router,  # the risk inbox, the home page (nabd.playbooks.inbox)
        renewal_pages.router,  # renewals and their forecast (nabd.playbooks.renewals)
        view_pages.router,  # saved portfolio views, shareable links
        user_pages.router,  # Users (admins only)
        api.router,
        workspace_api.router,  # /api/v1/inbox, /renewals, /me/digest
        report_pages.pages,  # /reports: the monthly reports (nabd.report)
        report_pages.api,  # /api/v1/reports/monthly
        survey_pages.public,
        survey_pages.api,
        outreach_pages.public,  # /unsubscribe, /onboarding: the signed links of journey e-mails
        outreach_pages.router,  # /journeys
        loyalty_pages.public,  # /refer: the signed referral links' landing page
        loyalty_pages.router,  # /rewards
        loyalty_pages.api,  # /api/v1/rewards, /api/v1/referrals
        outreach_pages.widget,  # /widget/v1: the in-app survey widget (signed users, CORS)
        intake_routes.router,  # /v1/*: Segment-compatible event intake, by write key
        handoff_routes.router,  # /admin/v1/run: CLI commands, loopback and token only
    ):
        composed.include_router(router)
    return tuple(composed.routes)


class _SessionSigner:
    """The session serializer of the key in force, asked for each request: a rotated key holds at once."""

    def __init__(self, key: Callable[[], str]) -> None:
        self._key = key
        self._signed_with: tuple[str, URLSafeTimedSerializer] | None = None

    def _current(self) -> URLSafeTimedSerializer:
        key, made = self._key(), self._signed_with
        if made is None or made[0] != key:
            made = self._signed_with = (key, serializer(key))
        return made[1]

    def loads(self, *args: Any, **kwargs: Any) -> Any:
        return self._current().loads(*args, **kwargs)

    def dumps(self, *args: Any, **kwargs: Any) -> Any:
        return self._current().dumps(*args, **kwargs)


async def _session_and_headers(request: Request, call_next) -> Response:
    """Load the session cookie, refuse a NUL character, time the request, then set the cookie and the
    security headers. An unexpected error is answered 500 here, so the connection stays open for the next."""
    started = time.perf_counter()
    problem = None
    if not request.url.path.startswith(("/static/", "/v1/", "/admin/", "/widget/")):  # keys, signatures: no sessions
        request.state.session = load_session(request)
        request.state.session_changed = request.state.session.get("new", False)
        problem = await nul_character_in(request)
    if problem:
        response = _error(request, 400, f"the request holds a NUL character in its {problem}: remove it")
    else:
        try:
            response = await call_next(request)
        except Exception as error:  # noqa: BLE001 - the one place every unexpected error is answered
            log.exception("%s %s failed", request.method, request.url.path)
            response = _unexpected(request, error)
    if getattr(request.state, "session_changed", False):
        response.set_cookie(**session_cookie(request, request.state.session))
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    route = request.scope.get("route")
    path = getattr(route, "path", "static" if request.url.path.startswith("/static/") else "unmatched")
    request.app.state.requests[(request.method, path, response.status_code)] += 1
    request.app.state.seconds[(request.method, path)] += time.perf_counter() - started
    return response


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/v1/"))


def _error(request: Request, status_code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """``{"error": message}`` for the APIs, else the error page, in the visitor's language."""
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status_code, headers=headers)
    page = pages.error_page(request, status_code, message)
    page.headers.update(headers or {})
    return page


def _allowed_methods(request: Request) -> str:
    """Every method some route of the app answers at the request's path (the Allow header of a 405)."""
    def routes(of):
        for route in of:
            if hasattr(route, "original_router"):  # an included router (FastAPI keeps it whole)
                yield from routes(route.original_router.routes)
            else:
                yield route

    methods: set[str] = set()
    for route in routes(request.app.router.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and pattern.match(request.url.path):
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods - {"HEAD"}))


def _unexpected(request: Request, error: Exception) -> Response:
    message = f"an unexpected error happened ({type(error).__name__}); the server log has the details"
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=500)
    return PlainTextResponse(message, status_code=500)


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _: LoginRequired) -> Response:
        target = "/login?next=" + request.url.path if request.method == "GET" else "/login"
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else "the request failed"
        if error.status_code == 404 and message == "Not Found":
            message = f"there is no page at {request.url.path}"
        if error.status_code == 405:
            message = f"{request.method} is not allowed at {request.url.path}"
        headers = dict(error.headers or {})
        if error.status_code == 404 and not _is_api(request) and session_user(request) is None:
            session = getattr(request.state, "session", {})  # a page no route matched: no guard read the user
            if session.get("login"):
                request.state.user = await user_from_session(request)  # their language and menu
        if error.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        if error.status_code == 401 and _is_api(request):
            headers["WWW-Authenticate"] = "Bearer"
        return _error(request, error.status_code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in problem['loc'][1:]) or 'body'}: {problem['msg']}"
            for problem in error.errors()
        )
        if _is_api(request):
            return JSONResponse({"error": problems}, status_code=422)
        return pages.error_page(request, 422, problems)

    @app.exception_handler(NabdError)
    async def nabd_error(request: Request, error: NabdError) -> Response:
        if _is_api(request):
            return JSONResponse({"error": str(error)}, status_code=400)
        return pages.error_page(request, 400, str(error))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        if (refusal := refused(error)) is not None:  # a check the engine ran inside the query (a missing rate)
            return await nabd_error(request, refusal)
        return _unexpected(request, error)
