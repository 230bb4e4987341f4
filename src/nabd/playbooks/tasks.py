"""Tasks: open -> done or dismissed with an outcome; overdue when open past their due time.

The one task list (CLI ``nabd tasks``, the web's task pages and ``/api/v1/tasks``) and the one way a
task is opened (``open_tasks``: by people on the web and the API, by playbooks in the daily run).

Outcomes stay on the task so that playbooks can be judged later (``playbook_outcomes``: did the
accounts whose save-play was done churn less than those whose play was dismissed?).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

import ibis

from nabd.errors import NabdError
from nabd.metrics.active import active_accounts
from nabd.store import Store
from nabd.store.clock import utc_now

CLOSED = ("done", "dismissed")
TASK_COLUMNS = (
    "task_id", "account_id", "account_name", "playbook", "title", "owner", "priority", "due_at", "status",
    "created_at", "closed_at", "outcome", "overdue", "cause", "evidence", "wording",
)


NEW_TASK_COLUMNS = (
    "task_id", "account_id", "playbook", "title", "owner", "priority", "due_at", "cause", "evidence", "wording", "as_of",
)
_TYPES = {"due_at": "TIMESTAMP", "as_of": "DATE"}  # the other new-task columns are text
ROWS_PER_INSERT = 500


def _where(
    owner: str | None, status: str | None, account_id: str | None, task_id: str | None,
) -> tuple[str, list[Any]]:
    """The WHERE clause (over tasks ``t``) of the filters given, and its parameters."""
    wanted = [(column, value) for column, value in
              (("owner", owner), ("status", status), ("account_id", account_id), ("task_id", task_id)) if value]
    clause = " AND ".join(f"t.{column} = ?" for column, _ in wanted)
    return (f"WHERE {clause}" if clause else ""), [value for _, value in wanted]


def _listed(
    store: Store, *, owner: str | None, status: str | None, account_id: str | None, task_id: str | None,
    now: datetime, limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Tasks matching the filters, with their account's name and ``overdue`` (open and due before now):
    overdue first, then soonest due (plain SQL: the tasks page runs it on every request)."""
    where, params = _where(owner, status, account_id, task_id)
    columns = ", ".join(f"t.{column}" for column in TASK_COLUMNS if column not in ("account_name", "overdue"))
    overdue = "(t.status = 'open' AND t.due_at IS NOT NULL AND t.due_at < ?)"
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    rows = store.records(
        f"SELECT {columns}, a.name AS account_name, {overdue} AS overdue FROM tasks t "
        f"LEFT JOIN accounts a ON a.account_id = t.account_id {where} "
        f"ORDER BY {overdue} DESC, t.due_at ASC NULLS LAST, t.task_id{page}",
        [now, *params, now],
    )
    return [{column: row[column] for column in TASK_COLUMNS} for row in rows]


def task_list(
    store: Store, *, owner: str | None = None, status: str | None = "open", account_id: str | None = None,
    now: datetime | None = None, limit: int = 200, offset: int = 0,
) -> list[dict]:
    """Tasks with their account's name and ``overdue`` (open and due before now): overdue first, then soonest due."""
    return _listed(store, owner=owner, status=status, account_id=account_id, task_id=None, now=now or utc_now(),
                   limit=limit, offset=offset)


def task_count(
    store: Store, *, owner: str | None = None, status: str | None = "open", account_id: str | None = None,
) -> int:
    """How many tasks :func:`task_list` would list with these filters and no limit."""
    where, params = _where(owner, status, account_id, None)
    return int(store.scalar(f"SELECT count(*) FROM tasks t {where}", params))


def find_task(store: Store, task_id: str, now: datetime | None = None) -> dict[str, Any] | None:
    """The task ``task_id`` as :func:`task_list` shows it (with account_name and overdue), or None."""
    found = _listed(store, owner=None, status=None, account_id=None, task_id=task_id, now=now or utc_now())
    return found[0] if found else None


def new_task_rows(rows: Sequence[dict[str, Any]]) -> Iterator[tuple[str, list[Any]]]:
    """(SELECT, parameters) for :func:`open_tasks` of ``rows`` (dicts of NEW_TASK_COLUMNS), ROWS_PER_INSERT at a time."""
    one = ", ".join(f"CAST(? AS {_TYPES.get(column, 'TEXT')}) AS {column}" for column in NEW_TASK_COLUMNS)
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start:start + ROWS_PER_INSERT]
        sql = " UNION ALL ".join(f"SELECT {one}" for _ in chunk)
        yield sql, [row.get(column) for row in chunk for column in NEW_TASK_COLUMNS]


def open_tasks(store: Store, rows_sql: str, params: Sequence[Any] = (), now: datetime | None = None) -> None:
    """Open one task per row of ``rows_sql``, a SELECT naming the columns NEW_TASK_COLUMNS, created ``now``.

    The one ``INSERT INTO tasks``: playbooks pass a SELECT over the accounts they act on; a person's
    task is :func:`add_task`."""
    columns = ", ".join(NEW_TASK_COLUMNS)
    store.execute(
        f"INSERT INTO tasks ({columns}, status, created_at) "
        f"SELECT {', '.join(f'n.{column}' for column in NEW_TASK_COLUMNS)}, 'open', CAST(? AS TIMESTAMP) "
        f"FROM ({rows_sql}) n",
        [now or utc_now(), *params],  # the created_at parameter comes first in the statement
    )


def keep_within_cap(store: Store, table: str, as_of: date, cap: int) -> None:
    """Delete from ``table`` (columns task_owner, place: the row's rank among its owner's rows) the rows past
    their owner's cap of tasks for as_of: ``cap`` (NABD_TASKS_PER_CSM_PER_DAY) less the tasks playbooks and
    journeys already opened for that owner on as_of. The one cap: playbooks and journeys both call it."""
    store.execute(
        f"DELETE FROM {table} WHERE place > ? - (SELECT count(*) FROM tasks t WHERE t.as_of = ? "
        f"AND t.playbook IS NOT NULL AND coalesce(t.owner, '') = {table}.task_owner)",
        [cap, as_of],
    )


def add_task(
    store: Store, account_id: str, title: str, owner: str, due_at: date | None, playbook: str | None = None, *,
    cause: str | None = None, evidence: dict[str, Any] | None = None, wording: dict[str, str] | None = None,
) -> str:
    """Open a task on the account for ``owner`` (due at the start of ``due_at``); returns its id. A task
    opened from a warning keeps its ``cause``, ``evidence`` and ``wording`` (shown in the reader's language)."""
    if not title.strip():
        raise NabdError("a task needs a title")
    if store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?", [account_id]) == 0:
        raise NabdError(f"there is no account {account_id!r}")
    task_id = f"task-{uuid.uuid4().hex[:16]}"
    due = datetime.combine(due_at, datetime.min.time()) if due_at else None
    row = {
        "task_id": task_id, "account_id": account_id, "playbook": playbook, "title": title.strip(), "owner": owner,
        "due_at": due, "cause": cause,
        "evidence": None if evidence is None else json.dumps(evidence, ensure_ascii=False, default=str),
        "wording": None if wording is None else json.dumps(wording, ensure_ascii=False),
    }
    for sql, params in new_task_rows([row]):
        open_tasks(store, sql, params)
    return task_id


def open_task_of(store: Store, account_id: str, cause: str) -> str | None:
    """The id of the account's open task of ``cause``, or None (one open task per account and cause)."""
    found = store.fetchall(
        "SELECT task_id FROM tasks WHERE account_id = ? AND cause = ? AND status = 'open' ORDER BY created_at LIMIT 1",
        [account_id, cause],
    )
    return found[0][0] if found else None


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
