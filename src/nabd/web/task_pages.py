"""The "My tasks" page: the user's tasks, overdue first, each closed with an outcome.

Admins may look at anyone's tasks (``?owner=``); everyone else sees their own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nabd.playbooks.tasks import close_task, reopen_task, task_list
from nabd.web.pages import _local_target, _query, render
from nabd.web.read.permissions import writable_task
from nabd.web.security import page_guard

router = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])


@router.get("/tasks")
async def my_tasks(
    request: Request,
    status: Annotated[str, Query(pattern="^(open|done|dismissed|all)$")] = "open",
    owner: str | None = None,
) -> HTMLResponse:
    user = request.state.user
    shown_owner = owner if owner and user.role == "admin" else user.login
    rows = await _query(request, task_list, owner=shown_owner, status=None if status == "all" else status)
    return render(
        request, "tasks.html", active="tasks", tasks=rows, status=status, owner=shown_owner,
        overdue=sum(row["overdue"] for row in rows),
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
