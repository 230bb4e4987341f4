"""Who may write what: admins everything, a CSM their accounts and tasks, viewers nothing.

Every write of the pages and of ``/api/v1`` asks here, about the object it changes (not only the
route): :func:`writable_account`, :func:`writable_task`, :func:`writable_response`,
:func:`task_owner` and :func:`require_admin` answer 404 for what does not exist, 403 for what is
not the user's, 400 for a value that cannot be used.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from nabd.playbooks.tasks import find_task
from nabd.store import Store
from nabd.web.users import User, find_user


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


def require_admin(user: User, what: str) -> None:
    """403 unless ``user`` is an admin; ``what`` completes "only an admin can ..."."""
    if user.role != "admin":
        raise HTTPException(403, f"only an admin can {what}")


def writable_account(store: Store, user: User, account_id: str, what: str = "change it") -> None:
    """404 when there is no account ``account_id``, 403 when ``user`` may not write it."""
    if store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?", [account_id]) == 0:
        raise HTTPException(404, f"there is no account {account_id}")
    if not may_write_account(store, user, account_id):
        raise HTTPException(403, f"only the account's CSM or an admin can {what}")


def writable_task(store: Store, user: User, task_id: str) -> dict[str, Any]:
    """The task ``task_id`` if ``user`` may change it; 404 when it does not exist, 403 when not theirs."""
    found = find_task(store, task_id)
    if found is None:
        raise HTTPException(404, f"there is no task {task_id}")
    if not may_write_task(store, user, found):
        raise HTTPException(403, "only the task's owner, the account's CSM or an admin can change it")
    return found


def writable_response(store: Store, user: User, account_id: str, response_id: str | None) -> None:
    """A survey response is written on ``account_id`` (which ``user`` must write) and, when it replaces
    the response ``response_id``, that response's account must be the user's too (else 403)."""
    writable_account(store, user, account_id, "record its survey responses")
    if response_id is None:
        return
    replaced = store.scalar("SELECT account_id FROM survey_responses WHERE response_id = ?", [response_id])
    if replaced is not None and not may_write_account(store, user, replaced):
        raise HTTPException(403, f"response {response_id} belongs to an account you cannot change")


def task_owner(store: Store, user: User, owner: str | None) -> str:
    """Who owns a task ``user`` opens: ``owner`` (default: the user). 400 naming the field for a login
    that is not an enabled user; 403 when a CSM gives a task to someone else (only admins assign)."""
    if owner is None or owner == user.login:
        return user.login
    if find_user(store, owner) is None:
        raise HTTPException(400, f"owner: there is no user {owner!r}")
    if user.role != "admin":
        raise HTTPException(403, "owner: only an admin can give a task to someone else")
    return owner
