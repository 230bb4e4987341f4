"""Tasks: overdue first, closed with an outcome, reopened; outcomes judge playbooks."""

from datetime import date, datetime

import pytest

from nabd.errors import NabdError
from nabd.playbooks.tasks import close_task, playbook_outcomes, reopen_task, task_list
from tests.playbooks.conftest import add_account

NOW = datetime(2026, 6, 30, 12)


def add_task(store, task_id, account_id, due, owner="carla", playbook="red_save", status="open"):
    store.execute(
        "INSERT INTO tasks (task_id, account_id, playbook, title, owner, due_at, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [task_id, account_id, playbook, f"do {task_id}", owner, due, status, NOW],
    )


def test_my_open_tasks_list_overdue_ones_first_then_soonest_due(store):
    add_account(store, "a1", name="Acme")
    add_task(store, "k1", "a1", datetime(2026, 7, 5))
    add_task(store, "k2", "a1", datetime(2026, 6, 29))   # due yesterday: overdue
    add_task(store, "k3", "a1", datetime(2026, 7, 1))
    add_task(store, "k4", "a1", datetime(2026, 6, 1), owner="dan")
    add_task(store, "k5", "a1", datetime(2026, 6, 1), status="done")
    rows = task_list(store, owner="carla", now=NOW)
    assert [(r["task_id"], r["overdue"], r["account_name"]) for r in rows] == [
        ("k2", True, "Acme"), ("k3", False, "Acme"), ("k1", False, "Acme"),
    ]


def test_closing_a_task_needs_an_outcome_and_keeps_it(store):
    add_account(store, "a1")
    add_task(store, "k1", "a1", NOW)
    with pytest.raises(NabdError, match="needs an outcome"):
        close_task(store, "k1", "done", "  ")
    with pytest.raises(NabdError, match="closed as done or dismissed"):
        close_task(store, "k1", "open", "x")
    close_task(store, "k1", "done", "offered a discount; renewed")
    assert store.fetchall("SELECT status, outcome, closed_at IS NOT NULL FROM tasks") == [
        ("done", "offered a discount; renewed", True)
    ]
    reopen_task(store, "k1")
    assert store.fetchall("SELECT status, closed_at FROM tasks") == [("open", None)]


def test_an_unknown_task_is_a_clear_error(store):
    with pytest.raises(NabdError, match="there is no task 'nope'"):
        close_task(store, "nope", "done", "x")


def test_outcomes_compare_churn_of_accounts_whose_play_was_done_or_dismissed(store):
    add_account(store, "stays")
    add_account(store, "stays2")
    add_account(store, "left")
    store.execute("UPDATE subscriptions SET end_date = ? WHERE account_id = 'left'", [date(2026, 6, 1)])
    add_task(store, "k1", "stays", NOW, status="done")
    add_task(store, "k2", "stays2", NOW, status="dismissed")
    add_task(store, "k3", "left", NOW, status="dismissed")
    rows = playbook_outcomes(store, date(2026, 6, 30))
    # dismissed: 2 accounts, 1 no longer active on June 30 -> 1/2; done: 0/1.
    assert [(r["status"], r["accounts"], r["churned"], r["churn_rate"]) for r in rows] == [
        ("dismissed", 2, 1, 0.5), ("done", 1, 0, 0.0),
    ]
