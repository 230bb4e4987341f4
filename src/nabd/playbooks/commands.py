"""The `nabd` commands of the playbooks package: tasks, outbox, playbooks (check, backtest).

cli.py calls :func:`register`.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nabd.console import DatabaseOption, console, errors, open_configured_store
from nabd.errors import NabdError
from nabd.health.scorecard import load_scorecard
from nabd.playbooks.indicators import load_indicator_settings
from nabd.playbooks.onboarding import load_onboarding
from nabd.playbooks.outbox import outbox_rows, retry_failed
from nabd.playbooks.playbook import load_playbooks
from nabd.playbooks.tasks import close_task, playbook_outcomes, reopen_task, task_list

def _file(option: str, help: str) -> typer.models.OptionInfo:
    return typer.Option(option, help=help, show_default=False, exists=True, dir_okay=False)


tasks_app = typer.Typer(help="Tasks made by playbooks and people: list (plain `nabd tasks`), close, reopen.")


@tasks_app.callback(invoke_without_command=True)
def tasks(
    context: typer.Context,
    database: DatabaseOption = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Only this user's tasks (a login).")] = None,
    status: Annotated[str, typer.Option("--status", help="open, done, dismissed or all.")] = "open",
    account: Annotated[str | None, typer.Option("--account", help="Only this account's tasks.")] = None,
) -> None:
    """List tasks, overdue first, then soonest due."""
    if context.invoked_subcommand:
        return
    if status not in {"open", "done", "dismissed", "all"}:
        raise NabdError("--status must be open, done, dismissed or all")
    with open_configured_store(database) as store:
        rows = task_list(store, owner=owner, status=None if status == "all" else status, account_id=account)
    table = Table("task", "account", "title", "owner", "priority", "due", "status")
    for row in rows:
        due = f"{row['due_at']:%Y-%m-%d}" if row["due_at"] else ""
        table.add_row(row["task_id"], row["account_name"] or row["account_id"], row["title"], row["owner"] or "",
                      row["priority"] or "", f"[red]{due} overdue[/]" if row["overdue"] else due, row["status"])
    console.print(table)
    console.print(f"{len(rows)} tasks")


OutcomeOption = Annotated[str, typer.Option("--outcome", "-o", help="What happened, in a few words.")]


@tasks_app.command("done")
def task_done(task_id: str, outcome: OutcomeOption, database: DatabaseOption = None) -> None:
    """Mark a task done, with its outcome."""
    with open_configured_store(database) as store:
        close_task(store, task_id, "done", outcome)
    console.print(f"{task_id} done")


@tasks_app.command("dismiss")
def task_dismiss(task_id: str, outcome: OutcomeOption, database: DatabaseOption = None) -> None:
    """Dismiss a task, saying why."""
    with open_configured_store(database) as store:
        close_task(store, task_id, "dismissed", outcome)
    console.print(f"{task_id} dismissed")


@tasks_app.command("reopen")
def task_reopen(task_id: str, database: DatabaseOption = None) -> None:
    """Open a closed task again."""
    with open_configured_store(database) as store:
        reopen_task(store, task_id)
    console.print(f"{task_id} open")


@tasks_app.command("outcomes")
def outcomes(
    database: DatabaseOption = None,
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="Churned = not active on this day (default: today).",
        show_default=False)] = None,
) -> None:
    """Per playbook and task status: accounts, and how many of them have churned since."""
    day = as_of.date() if as_of else date.today()
    with open_configured_store(database) as store:
        rows = playbook_outcomes(store, day)
    table = Table("playbook", "status", "tasks", "accounts", "churned", "churn rate")
    for row in rows:
        rate = f"{row['churn_rate']:.1%}" if row["churn_rate"] is not None else "-"
        table.add_row(row["playbook"], row["status"], str(row["tasks"]), str(row["accounts"]), str(row["churned"]), rate)
    console.print(table)


def outbox(
    database: DatabaseOption = None,
    status: Annotated[str | None, typer.Option("--status", help="Only pending, sent or failed.")] = None,
    retry: Annotated[bool, typer.Option("--retry-failed", help="Give failed notifications new attempts.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="How many to show, newest first.")] = 50,
) -> None:
    """Notifications waiting, sent and failed, with the last error of each."""
    with open_configured_store(database) as store:
        if retry:
            console.print(f"{retry_failed(store)} failed notifications will be retried on the next run")
        rows = outbox_rows(store, status, limit)
    table = Table("id", "channel", "target", "subject", "status", "attempts", "next attempt", "last error")
    for row in rows:
        table.add_row(row["notification_id"], row["channel"], row["target"], row["subject"], row["status"],
                      str(row["attempts"]), f"{row['next_attempt_at']:%Y-%m-%d %H:%M}", row["last_error"] or "")
    console.print(table)


playbooks_app = typer.Typer(help="Check playbook, indicator and onboarding YAML files.")


@playbooks_app.command("check")
def check(
    playbooks: Annotated[Path | None, typer.Argument(help="Playbooks YAML (default: the shipped ones).")] = None,
    indicators: Annotated[Path | None, _file("--indicators", "Indicator thresholds YAML to check too.")] = None,
    onboarding: Annotated[Path | None, _file("--onboarding", "Onboarding milestones YAML to check too.")] = None,
) -> None:
    """Validate the files; each problem is reported with its file, line and field."""
    checked = load_playbooks(playbooks)
    load_indicator_settings(indicators)
    load_onboarding(onboarding)
    for playbook in checked.playbooks:
        console.print(f"{playbook.id}: {playbook.name} ({len(playbook.steps)} steps, cooldown {playbook.cooldown_days} days)")
    console.print("valid")


def register(app: typer.Typer) -> None:
    """Add tasks, outbox and playbooks to the `nabd` command."""
    app.add_typer(tasks_app, name="tasks")
    app.command("outbox")(outbox)
    app.add_typer(playbooks_app, name="playbooks")
