"""Saved views of the portfolio: save the current filter with a name, open one by its shareable link
(``/views/<id>``: anyone logged in), delete one's own (admins any)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from nabd.web.pages import _query
from nabd.web.read.views import delete_view, find_view, save_view
from nabd.web.security import page_guard

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])


@router.post("/views")
async def save(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    query: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Save the portfolio's filter (CSMs and admins; viewers only read)."""
    user = request.state.user
    if user.role == "viewer":
        raise HTTPException(403, "only a CSM or an admin can save a view")
    view_id = await _query(request, save_view, name, query, user.login)
    return RedirectResponse(f"/views/{view_id}", status_code=303)


@router.get("/views/{view_id}")
async def open_view(request: Request, view_id: str) -> Response:
    """A saved view's shareable link: the portfolio with its filter."""
    found = await _query(request, find_view, view_id)
    if found is None:
        raise HTTPException(404, f"there is no saved view {view_id}")
    return RedirectResponse(f"/portfolio?{found['query']}&view={view_id}" if found["query"] else
                            f"/portfolio?view={view_id}", status_code=303)


@router.post("/views/{view_id}/delete")
async def delete(request: Request, view_id: str) -> Response:
    """Delete a saved view: its owner or an admin."""
    user = request.state.user

    def write(store):
        found = find_view(store, view_id)
        if found is None:
            raise HTTPException(404, f"there is no saved view {view_id}")
        if user.role != "admin" and not (user.role == "csm" and found["owner"] == user.login):
            raise HTTPException(403, "only the view's owner or an admin can delete it")
        delete_view(store, view_id)

    await _query(request, write)
    return RedirectResponse("/portfolio", status_code=303)
