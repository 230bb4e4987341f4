"""Who is asking: signed session cookies, CSRF tokens, API bearer tokens, and the role rules.

The session is a signed (itsdangerous), HttpOnly, SameSite=Lax cookie holding the login, the
user's session generation (nabd.web.users: logging out, a password reset, disabling and a role
change replace it, ending every session of the user) and a CSRF token; an anonymous visitor gets
one too (CSRF token and language only), so the login form is protected like every other. Guards are router dependencies, so every route of a router is
covered, including routes added later:

- :func:`page_guard`: pages need a logged-in user (else a redirect to the login page), every
  unsafe method needs the CSRF token, and viewers get 403 on every unsafe method;
- :func:`self_guard`: the user's own session and preferences (logout, language), any role;
- :func:`admin_guard`: the users page: admins only, 403 for csm and viewer on every method;
- :func:`anonymous_guard`: the login form: CSRF only;
- :func:`api_guard`: ``Authorization: Bearer TOKEN``, else 401; viewers get 403 on every write.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import HTTPException, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from nabd.store import Store
from nabd.web.users import User, session_owner, token_user

SESSION_COOKIE = "nabd_session"
SESSION_MAX_AGE = 12 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """A page was asked for without a session: the answer is a redirect to the login page."""


@contextmanager
def store_of(request: Request) -> Iterator[Store]:
    """The app's one store, held under its lock (one DuckDB connection is not thread-safe)."""
    lock: threading.Lock = request.app.state.store_lock
    with lock:
        yield request.app.state.store


async def in_store(request: Request, function, *args, **kwargs):
    """``function(store, *args, **kwargs)`` on the app's store, under its lock, off the event loop."""
    def run():
        with store_of(request) as store:
            return function(store, *args, **kwargs)

    return await run_in_threadpool(run)


def serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="nabd-session")


def load_session(request: Request) -> dict[str, Any]:
    """The visitor's session from the cookie, or a new anonymous one with a fresh CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            session = request.app.state.serializer.loads(cookie, max_age=SESSION_MAX_AGE)
            if isinstance(session, dict) and session.get("csrf"):
                return session
        except BadSignature:
            pass
    return {"login": None, "csrf": secrets.token_urlsafe(32), "lang": None, "new": True}


def session_cookie(request: Request, session: dict[str, Any]) -> dict[str, Any]:
    """Arguments of ``response.set_cookie`` for ``session``."""
    payload = {key: value for key, value in session.items() if key != "new"}
    return {
        "key": SESSION_COOKIE,
        "value": request.app.state.serializer.dumps(payload),
        "max_age": SESSION_MAX_AGE,
        "httponly": True,
        "samesite": "lax",
        "secure": request.url.scheme == "https",
        "path": "/",
    }


def start_session(request: Request, login: str | None, lang: str | None = None,
                  generation: str | None = None) -> None:
    """Replace the session (a new CSRF token too, so a token seen before login is worthless after);
    a logged-in session carries the user's session ``generation``."""
    request.state.session = {"login": login, "csrf": secrets.token_urlsafe(32), "lang": lang}
    if login:
        request.state.session["generation"] = generation
    request.state.session_changed = True


def session_user(request: Request) -> User | None:
    return getattr(request.state, "user", None)


async def user_from_session(request: Request) -> User | None:
    """The user the request's session names (None without one, or when it ended)."""
    login = request.state.session.get("login")
    if not login:
        return None

    generation = request.state.session.get("generation")

    def lookup() -> User | None:
        with store_of(request) as store:
            return session_owner(store, login, generation)

    return await run_in_threadpool(lookup)


async def _check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(CSRF_FIELD)
    if not isinstance(sent, str) or not secrets.compare_digest(sent, request.state.session["csrf"]):
        raise HTTPException(403, "the form has expired or did not come from Nabd: reload the page and try again")


async def anonymous_guard(request: Request) -> None:
    """The login form: CSRF on unsafe methods; the user (if any) is known to the page."""
    request.state.user = await user_from_session(request)
    await _check_csrf(request)


async def self_guard(request: Request) -> None:
    """A logged-in user's own session and preferences: any role, CSRF on unsafe methods."""
    request.state.user = await user_from_session(request)
    if request.state.user is None:
        raise LoginRequired()
    await _check_csrf(request)


async def page_guard(request: Request) -> None:
    """Pages: logged-in user, CSRF on unsafe methods, and no writes for viewers."""
    await self_guard(request)
    if request.method not in SAFE_METHODS and not request.state.user.can_write:
        raise HTTPException(403, "viewers can read but not change anything")


async def admin_guard(request: Request) -> None:
    """Admin pages (users): logged-in admins only, 403 for every other role; CSRF on unsafe methods."""
    await self_guard(request)
    if request.state.user.role != "admin":
        raise HTTPException(403, "only an admin can manage users")


async def api_guard(request: Request) -> None:
    """The REST API: a valid bearer token, and no writes for viewers."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "send an API token: Authorization: Bearer TOKEN (make one with `nabd token add`)")

    def lookup() -> User | None:
        with store_of(request) as store:
            return token_user(store, token.strip())

    request.state.user = await run_in_threadpool(lookup)
    if request.state.user is None:
        raise HTTPException(401, "the API token is not valid")
    if request.method not in SAFE_METHODS and not request.state.user.can_write:
        raise HTTPException(403, "viewers can read but not change anything")
