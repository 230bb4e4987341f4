"""The `nabd` commands of the playbooks package: tasks, outbox, playbooks (check, backtest).

cli.py calls :func:`register`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nabd.console import DatabaseOption, console, open_configured_store
from nabd.errors import NabdError
from nabd.health.backtest import WARNING_LEAD_MAX, WARNING_LEAD_MIN, data_end
from nabd.health.commands import date_option, days
from nabd.health.scorecard import load_scorecard
from nabd.health.scoring import as_of_dates
from nabd.store.calendar import today
from nabd.health.versions import active_scorecard
from nabd.playbooks.backtest import render_warning_backtest, warning_backtest
from nabd.playbooks.indicators import evaluate_indicators_on_days, indicator_sql, load_indicator_settings
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
    day = as_of.date() if as_of else today()
    with open_configured_store(database) as store:
        rows = playbook_outcomes(store, day)
    table = Table("playbook", "status", "tasks", "accounts", "churned", "churn rate")
    for row in rows:
        rate = f"{row['churn_rate']:.1%}" if row["churn_rate"] is not None else "-"
        table.add_row(row["playbook"], row["status"], str(row["tasks"]), str(row["accounts"]), str(row["churned"]), rate)
    console.print(table)


def outbox(
    database: DatabaseOption = None,
    status: Annotated[str | None, typer.Option("--status", help="Only pending, sent, failed or cancelled.")] = None,
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


playbooks_app = typer.Typer(help="Check playbook, indicator and onboarding YAML files; backtest the indicators.")


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


@playbooks_app.command("backtest")
def backtest(
    first: Annotated[datetime | None, date_option("--from", help="First as-of day (default: a year before --to).")] = None,
    last: Annotated[datetime | None, date_option("--to", help="Last as-of day (default: the last day with data).")] = None,
    every: Annotated[str, typer.Option("--every", help="Step between as-of days: day, week, month or N days.")] = "14d",
    lead_min: Annotated[int, typer.Option("--lead-min", min=0, help="A warning counts from this many days before the churn.")] = WARNING_LEAD_MIN,
    lead_max: Annotated[int, typer.Option("--lead-max", min=1, help="... up to this many days before it.")] = WARNING_LEAD_MAX,
    stored: Annotated[bool, typer.Option("--stored", help="Use only the firings already stored by daily runs; "
                                         "by default the indicators are evaluated on each as-of day first.")] = False,
    indicators: Annotated[Path | None, _file("--indicators", "Indicator thresholds YAML (default: shipped).")] = None,
    onboarding: Annotated[Path | None, _file("--onboarding", "Onboarding milestones YAML (default: shipped).")] = None,
    scorecard: Annotated[Path | None, _file("--scorecard", "Scorecard YAML for band_down (default: the active one).")] = None,
    database: DatabaseOption = None,
) -> None:
    """Did the indicators warn before churn? Recall and precision per indicator over past as-of days.

    Unless --stored, each as-of day's firings are evaluated and stored first, as a daily run that day would have.
    """
    if lead_min > lead_max:
        raise NabdError(f"--lead-min {lead_min} is more than --lead-max {lead_max}")
    step = days(every, "--every")
    with open_configured_store(database) as store:
        last_day = last.date() if last else data_end(store)
        first_day = first.date() if first else last_day - timedelta(days=364)
        if first_day > last_day:
            raise NabdError(f"--from {first_day} is after --to {last_day}")
        if not stored:
            card = load_scorecard(scorecard) if scorecard else active_scorecard(store)
            compiled = indicator_sql(store, load_indicator_settings(indicators), card, load_onboarding(onboarding))
            dates = as_of_dates(first_day, last_day, step)
            console.print(f"evaluating the indicators on {len(dates)} as-of days, {first_day} .. {last_day}")
            evaluate_indicators_on_days(store, dates, compiled)
        result = warning_backtest(store, first_day, last_day, lead_min, lead_max)
    console.print(render_warning_backtest(result), highlight=False)


def register(app: typer.Typer) -> None:
    """Add tasks, outbox and playbooks to the `nabd` command."""
    app.add_typer(tasks_app, name="tasks")
    app.command("outbox")(outbox)
    app.add_typer(playbooks_app, name="playbooks")
