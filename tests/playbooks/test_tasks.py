"""Tasks: overdue first, closed with an outcome, reopened; outcomes judge playbooks."""

from datetime import date, datetime
from pathlib import Path

import pytest

import nabd
from nabd.errors import NabdError
from nabd.playbooks.tasks import add_task as add_task_of_person
from nabd.playbooks.tasks import (
    close_task,
    find_task,
    playbook_outcomes,
    reopen_task,
    task_count,
    task_list,
)
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


def test_a_person_s_task_is_open_listed_with_its_account_and_due_at_the_start_of_its_day(store):
    add_account(store, "a1", name="Acme")
    task_id = add_task_of_person(store, "a1", "  Call the sponsor ", "carla", date(2026, 6, 29))
    assert find_task(store, task_id, now=NOW) == {
        **find_task(store, task_id, now=NOW), "account_name": "Acme", "title": "Call the sponsor",
        "owner": "carla", "status": "open", "due_at": datetime(2026, 6, 29), "overdue": True, "playbook": None,
    }


def test_a_task_needs_a_title_and_a_known_account(store):
    add_account(store, "a1")
    with pytest.raises(NabdError, match="title"):
        add_task_of_person(store, "a1", "  ", "carla", None)
    with pytest.raises(NabdError, match="no account 'zz'"):
        add_task_of_person(store, "zz", "Call", "carla", None)


def test_the_count_is_of_every_matching_task_whatever_the_page(store):
    add_account(store, "a1")
    for number in range(3):
        add_task(store, f"k{number}", "a1", datetime(2026, 7, number + 1))
    assert len(task_list(store, limit=2, offset=2, now=NOW)) == 1 and task_count(store) == 3


def test_nabd_writes_tasks_in_one_place():
    """Playbooks, the web and the API open tasks through playbooks.tasks.open_tasks: one INSERT INTO tasks."""
    source = Path(nabd.__file__).parent
    writers = [path.relative_to(source).as_posix() for path in source.rglob("*.py")
               if "INSERT INTO tasks" in path.read_text(encoding="utf-8")]
    assert writers == ["playbooks/tasks.py"]


def test_nabd_tasks_outcomes_defaults_to_today_on_the_command_line(tmp_path):
    from nabd.store import open_store
    from tests.command_line import nabd

    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    open_store(url).close()
    result = nabd("tasks", "outcomes", database=url)
    assert result.returncode == 0, result.stderr
    assert "churn rate" in result.stdout
