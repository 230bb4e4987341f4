"""The tasks page: a CSM's own tasks by default, anyone's (or everyone's) on request; overdue first,
50 a page, each worded in the reader's language (nabd.playbooks.wording) and closed with an outcome.

Admins and viewers (leaders) land on everyone's tasks; a CSM on her own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nabd.playbooks.tasks import close_task, reopen_task, task_count, task_list
from nabd.playbooks.wording import Words, cause_name, task_title
from nabd.web.pages import MAX_PAGE, _local_target, _query, language_of, render
from nabd.web.read.permissions import writable_task
from nabd.web.read.portfolio import filter_choices
from nabd.web.security import page_guard

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])
TASKS_PER_PAGE = 50
EVERYONE = "*"


@router.get("/tasks")
async def my_tasks(
    request: Request,
    status: Annotated[str, Query(pattern="^(open|done|dismissed|all)$")] = "open",
    owner: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    """``owner``: a login, or ``*`` for everyone; by default a CSM's own, everyone's for admins and viewers."""
    user = request.state.user
    shown_owner = owner or (user.login if user.role == "csm" else EVERYONE)
    filters = {"owner": None if shown_owner == EVERYONE else shown_owner, "status": None if status == "all" else status}

    def read(store):
        rows = task_list(store, **filters, limit=TASKS_PER_PAGE, offset=(page - 1) * TASKS_PER_PAGE)
        return rows, task_count(store, **filters), filter_choices(store)["csm"]

    rows, total, owners = await _query(request, read)
    lang = language_of(request)
    words = Words(lang.code, lang.digits)
    for row in rows:
        row["shown_title"] = task_title(row, lang.code, lang.digits)
        row["cause_name"] = cause_name(row["cause"], words) if row.get("cause") else None
    return render(
        request, "tasks.html", active="tasks", tasks=rows, status=status, owner=shown_owner, owners=owners,
        everyone=EVERYONE, overdue=sum(row["overdue"] for row in rows), total=total, page=page,
        pages=max(1, -(-total // TASKS_PER_PAGE)),
        page_url=lambda number: str(request.url.include_query_params(page=number)),
    )


@router.post("/tasks/{task_id}/outcome")
async def task_outcome(
    request: Request,
    task_id: str,
    status: Annotated[str, Form(pattern="^(open|done|dismissed)$")],
    outcome: Annotated[str, Form(max_length=500)] = "",
    next: Annotated[str, Form()] = "/tasks",
) -> Response:
    """Close a task as done or dismissed with its outcome, or reopen it; back to ``next`` (My tasks)."""
    def write(store):
        writable_task(store, request.state.user, task_id)
        if status == "open":
            reopen_task(store, task_id)
        else:
            close_task(store, task_id, status, outcome)

    await _query(request, write)
    return RedirectResponse(_local_target(next, "/tasks"), status_code=303)
