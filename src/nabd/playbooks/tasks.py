"""Tasks: open -> done or dismissed with an outcome; overdue when open past their due time.

Outcomes stay on the task so that playbooks can be judged later (``playbook_outcomes``: did the
accounts whose save-play was done churn less than those whose play was dismissed?).
"""

from __future__ import annotations

from datetime import date, datetime

import ibis

from nabd.errors import NabdError
from nabd.metrics.active import active_accounts
from nabd.store import Store
from nabd.store.clock import utc_now

CLOSED = ("done", "dismissed")
TASK_COLUMNS = (
    "task_id", "account_id", "account_name", "playbook", "title", "owner", "priority", "due_at", "status",
    "created_at", "closed_at", "outcome", "overdue",
)


def task_list(
    store: Store, *, owner: str | None = None, status: str | None = "open", account_id: str | None = None,
    now: datetime | None = None, limit: int = 200,
) -> list[dict]:
    """Tasks with their account's name and ``overdue`` (open and due before now): overdue first, then soonest due."""
    now = now or utc_now()
    tasks = store.table("tasks")
    for column, wanted in (("owner", owner), ("status", status), ("account_id", account_id)):
        if wanted:
            tasks = tasks.filter(tasks[column] == wanted)
    accounts = store.table("accounts").select(named_account="account_id", account_name="name")
    joined = tasks.left_join(accounts, tasks.account_id == accounts.named_account)
    overdue = (joined.status == "open") & joined.due_at.notnull() & (joined.due_at < now)
    shown = joined.mutate(overdue=overdue.fill_null(False)).select(*TASK_COLUMNS)
    ordered = shown.order_by([ibis.desc("overdue"), ibis.asc("due_at"), "task_id"]).limit(limit)
    return ordered.to_pyarrow().to_pylist()


def close_task(store: Store, task_id: str, status: str, outcome: str) -> None:
    """Mark a task done or dismissed, with the outcome in a few words (kept to judge playbooks)."""
    if status not in CLOSED:
        raise NabdError(f"a task is closed as {' or '.join(CLOSED)}, not {status!r}")
    if not outcome.strip():
        raise NabdError("say what happened: closing a task needs an outcome")
    found = store.scalar("SELECT status FROM tasks WHERE task_id = ?", [task_id])
    if found is None:
        raise NabdError(f"there is no task {task_id!r}")
    store.execute(
        "UPDATE tasks SET status = ?, outcome = ?, closed_at = ? WHERE task_id = ?",
        [status, outcome.strip(), utc_now(), task_id],
    )


def reopen_task(store: Store, task_id: str) -> None:
    """Open a closed task again (its outcome is kept until it is closed anew)."""
    if store.scalar("SELECT count(*) FROM tasks WHERE task_id = ?", [task_id]) == 0:
        raise NabdError(f"there is no task {task_id!r}")
    store.execute("UPDATE tasks SET status = 'open', closed_at = NULL WHERE task_id = ?", [task_id])


def playbook_outcomes(store: Store, as_of: date) -> list[dict]:
    """Per playbook and status: tasks, accounts, and churned = accounts not active on as_of among them,
    churn_rate = churned / accounts (null when no account)."""
    tasks = store.table("tasks").filter(lambda t: t.playbook.notnull())
    active = active_accounts(store, as_of).mutate(still_active=ibis.literal(True))
    active = active.rename(active_account="account_id")
    per_account = tasks.group_by(["playbook", "status", "account_id"]).aggregate(tasks=tasks.count())
    joined = per_account.left_join(active, per_account.account_id == active.active_account)
    churned = joined.still_active.isnull()
    summary = joined.group_by(["playbook", "status"]).aggregate(
        tasks=joined.tasks.sum(), accounts=joined.count(), churned=churned.sum().cast("int64"),
    )
    summary = summary.mutate(churn_rate=summary.churned.cast("float64") / summary.accounts)
    return summary.order_by(["playbook", "status"]).to_pyarrow().to_pylist()
