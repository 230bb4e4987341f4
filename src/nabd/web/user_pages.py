"""The users page (admins only): who can log in, with which role and language; add, change, disable, delete.

Every change goes through :mod:`nabd.web.users` (the functions behind ``nabd user add``), so the page
and the CLI keep the same rules: argon2 hashes, a minimum password length, and always one enabled admin.
An admin cannot disable, delete or demote themselves here (another admin can).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from nabd.errors import NabdError
from nabd.web.pages import _query, language_of, render
from nabd.web.security import admin_guard, store_of
from nabd.web.users import (
    LANGUAGES,
    MINIMUM_PASSWORD_LENGTH,
    ROLES,
    add_user,
    delete_user,
    list_tokens,
    list_users,
    revoke_token,
    set_disabled,
    set_password,
    set_role,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(admin_guard)])
DONE = ("added", "role", "password", "disabled", "enabled", "deleted", "revoked")


async def _users_page(request: Request, status_code: int = 200, problem: str | None = None,
                      done: str | None = None, login: str | None = None, **form: str) -> HTMLResponse:
    users, api_tokens = await _query(request, lambda store: (list_users(store), list_tokens(store)))
    return render(request, "users.html", status_code=status_code, users=users, api_tokens=api_tokens, roles=ROLES,
                  user_languages=LANGUAGES, minimum_password=MINIMUM_PASSWORD_LENGTH, problem=problem,
                  done=done if done in DONE else None, done_login=login, form=form)


@router.get("/users")
async def users_page(request: Request, done: str | None = None, login: str | None = None) -> HTMLResponse:
    return await _users_page(request, done=done, login=login)


async def _change(request: Request, change, done: str, login: str, *args, **form: str) -> Response:
    """Run ``change(store, login, *args)``; back to the list with what was done, or the page with the problem."""
    def write():
        with store_of(request) as store:
            change(store, login, *args)

    try:
        await run_in_threadpool(write)
    except NabdError as error:
        return await _users_page(request, status_code=422, problem=language_of(request).error(error), **form)
    return RedirectResponse(f"/users?done={done}&login={login}", status_code=303)


def _not_yourself(request: Request, login: str) -> None:
    if login == request.state.user.login:
        raise NabdError("you cannot change your own role or disable or delete yourself: ask another admin")


@router.post("/users")
async def add(
    request: Request,
    login: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()] = "viewer",
    language: Annotated[str, Form()] = "en",
) -> Response:
    login = login.strip()
    return await _change(
        request, lambda store, name: add_user(store, name, password, role, language, replace=False), "added",
        login, new_login=login, new_role=role, new_language=language,
    )


@router.post("/users/{login}/role")
async def change_role(request: Request, login: str, role: Annotated[str, Form()]) -> Response:
    def change(store, name):
        _not_yourself(request, name)
        set_role(store, name, role)

    return await _change(request, change, "role", login)


@router.post("/users/{login}/password")
async def reset_password(request: Request, login: str, password: Annotated[str, Form()]) -> Response:
    return await _change(request, set_password, "password", login, password)


@router.post("/users/{login}/disable")
async def disable(request: Request, login: str) -> Response:
    def change(store, name):
        _not_yourself(request, name)
        set_disabled(store, name, True)

    return await _change(request, change, "disabled", login)


@router.post("/users/{login}/enable")
async def enable(request: Request, login: str) -> Response:
    return await _change(request, lambda store, name: set_disabled(store, name, False), "enabled", login)


@router.post("/users/{login}/delete")
async def delete(request: Request, login: str) -> Response:
    def change(store, name):
        _not_yourself(request, name)
        delete_user(store, name)

    return await _change(request, change, "deleted", login)


@router.post("/users/tokens/{token_id}/revoke")
async def revoke(request: Request, token_id: str) -> Response:
    """Revoke one API token for good (enabling its user again does not bring it back)."""
    return await _change(request, lambda store, name: revoke_token(store, name), "revoked", token_id)
