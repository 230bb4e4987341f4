"""Who may write what: admins everything, a CSM their accounts and tasks, viewers nothing."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from nabd.playbooks.tasks import find_task
from nabd.store import Store
from nabd.web.users import User


def may_write_account(store: Store, user: User, account_id: str) -> bool:
    """Admins write every account; a CSM writes the accounts whose csm is their login; viewers none."""
    if user.role == "admin":
        return True
    if user.role != "csm":
        return False
    return store.scalar("SELECT csm FROM accounts WHERE account_id = ?", [account_id]) == user.login


def may_write_task(store: Store, user: User, task_row: dict[str, Any]) -> bool:
    """A task is writable by admins, its owner, and the CSM of its account."""
    if user.role == "csm" and task_row.get("owner") == user.login:
        return True
    return may_write_account(store, user, task_row["account_id"])


def writable_task(store: Store, user: User, task_id: str) -> dict[str, Any]:
    """The task ``task_id`` if ``user`` may change it; 404 when it does not exist, 403 when not theirs."""
    found = find_task(store, task_id)
    if found is None:
        raise HTTPException(404, f"there is no task {task_id}")
    if not may_write_task(store, user, found):
        raise HTTPException(403, "only the task's owner, the account's CSM or an admin can change it")
    return found
