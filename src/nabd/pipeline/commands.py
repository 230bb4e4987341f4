"""The `nabd run` and `nabd import` commands: the pipeline from a terminal (cron) and an import with
its comment analysis. cli.py calls :func:`register`.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nabd.config import duration
from nabd.console import DatabaseOption, console, errors, open_configured_store, running_job
from nabd.errors import NabdError
from nabd.feedback.analysis import COMMENT_TABLES
from nabd.health.scorecard import load_scorecard
from nabd.ingest.files import importable_table
from nabd.ingest.tables import IMPORTABLE_TABLES
from nabd.pipeline.daily import DailyRun, run_daily
from nabd.pipeline.imports import AnalysedImport, import_and_analyse
from nabd.playbooks.indicators import load_indicator_settings
from nabd.playbooks.onboarding import load_onboarding
from nabd.playbooks.playbook import load_playbooks
from nabd.store.calendar import today

PROGRESS_BAR_ROWS = 100_000
PROGRESS_BAR_COMMENTS = 2_000  # analysing a comment takes ~100x longer than writing a row


def register(app: typer.Typer) -> None:
    """Add run and import to the `nabd` command."""
    app.command("run")(run)
    app.command("import")(import_command)


def interval_seconds(text: str) -> int:
    """``--every``: '90s', '30m', '1h', '1d' -> seconds."""
    try:
        every = duration(text)
    except ValueError as error:
        raise NabdError(f"--every {text!r} is not {error}") from None
    if every is None:
        raise NabdError("--every off: leave --every out to run once")
    return int(every.total_seconds())


def _file(option: str, help: str) -> typer.models.OptionInfo:
    return typer.Option(option, help=help, show_default=False, exists=True, dir_okay=False)


def print_run(run: DailyRun) -> None:
    """What one run did, a line per step."""
    for summary in run.imported:
        console.print(f"imported {summary.source} into {summary.table}: {summary.inserted} new, "
                      f"{summary.updated} updated, {summary.quarantined} quarantined")
    if run.scoring:
        bands = ", ".join(f"{band} {count}" for band, count in run.scoring.bands.items())
        console.print(f"scored {run.scoring.accounts} accounts as of {run.as_of} ({bands}); "
                      f"{run.scoring.band_changes} band changes")
    console.print(f"comments analysed: {run.comments_analysed}")
    console.print(f"onboarding milestones met: {run.milestones}")
    if run.indicators:
        fired = ", ".join(f"{name} {count}" for name, count in run.indicators.fired.items() if count)
        console.print(f"indicators fired: {fired or 'none'}")
    if run.playbooks:
        acted = ", ".join(f"{name} {count}" for name, count in run.playbooks.accounts.items() if count)
        console.print(f"playbooks acted on: {acted or 'no new accounts'}; {run.playbooks.tasks} tasks, "
                      f"{run.playbooks.notifications} notifications queued, {run.playbooks.tags} tags")
        for note in run.playbooks.notes:
            console.print(f"  note: {note}")
    if run.referrals and run.tiers:
        console.print(f"referrals: {run.referrals.paying} became paying; loyalty tiers: {run.tiers.accounts} accounts, "
                      f"{run.tiers.entered} entered one; rewards earned: {run.referrals.rewards + run.tiers.rewards}")
    if run.journeys:
        entered = ", ".join(f"{name} {count}" for name, count in run.journeys.entered.items() if count)
        console.print(f"journeys entered: {entered or 'none'}; {run.journeys.steps} steps, {run.journeys.emails} "
                      f"e-mails queued, {run.journeys.tasks} tasks")
        for note in sorted(set(run.journeys.notes)):
            console.print(f"  note: {note}")
    if run.delivery:
        cancelled = f", {run.delivery.cancelled} cancelled" if run.delivery.cancelled else ""
        console.print(f"notifications: {run.delivery.sent} sent, {run.delivery.retrying} to retry, "
                      f"{run.delivery.failed} failed{cancelled} (see `nabd outbox`)")
    for note in run.notes:
        errors.print(f"note: {note}", highlight=False)


def run(
    database: DatabaseOption = None,
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="The day to run for, YYYY-MM-DD (default: today in NABD_TIMEZONE).",
        show_default=False)] = None,
    inbox: Annotated[Path | None, typer.Option(
        "--inbox", envvar="NABD_INBOX", file_okay=False,
        help="Folder of files to import first, named <table>*.csv|parquet|jsonl; imported files move to done/.",
        show_default=False)] = None,
    scorecard: Annotated[Path | None, _file("--scorecard", "Scorecard YAML (default: the active scorecard).")] = None,
    playbooks: Annotated[Path | None, _file("--playbooks", "Playbooks YAML (default: the shipped ones).")] = None,
    indicators: Annotated[Path | None, _file("--indicators", "Indicator thresholds YAML (default: shipped).")] = None,
    onboarding: Annotated[Path | None, _file("--onboarding", "Onboarding milestones YAML (default: shipped).")] = None,
    notify: Annotated[bool, typer.Option("--notify/--no-notify", help="Send due notifications at the end.")] = True,
    every: Annotated[str | None, typer.Option(
        "--every", help="Keep running, once per interval (30m, 1h, 1d); each run is for that day. "
        "`nabd serve` needs none: it runs the pipeline itself (NABD_RUN_EVERY).",
        show_default=False)] = None,
) -> None:
    """The daily job: import pending files, score, evaluate indicators, run playbooks, send notifications.

    Safe to run again for the same day: nothing is repeated. For cron; `nabd serve` runs it by itself.
    """
    pause = interval_seconds(every) if every else None
    if pause is not None and running_job() is not None:
        raise NabdError("the server holding this database runs the pipeline itself (every NABD_RUN_EVERY, "
                        "and after new data): run `nabd run` without --every, or stop the server")
    configs = {
        "scorecard": load_scorecard(scorecard) if scorecard else None,  # None: the active one, read per run
        "playbooks": load_playbooks(playbooks),
        "indicators": load_indicator_settings(indicators), "onboarding": load_onboarding(onboarding),
    }
    while True:
        day = as_of.date() if as_of else today()
        with open_configured_store(database, create=inbox is not None) as store:  # an inbox is an import
            print_run(run_daily(store, day, inbox=inbox, notify=notify, **configs))
        if pause is None:
            return
        console.print(f"next run in {every} (Ctrl-C stops)")
        time.sleep(pause)


def import_command(
    table: Annotated[str, typer.Argument(help=f"Table to import into: {', '.join(IMPORTABLE_TABLES)}.", show_default=False)],
    files: Annotated[list[Path], typer.Argument(help="Files to import: .csv (or .csv.gz, UTF-8, comma-separated), .parquet, .jsonl/.ndjson.", show_default=False)],
    database: DatabaseOption = None,
) -> None:
    """Import files into a table: good rows are upserted by key, bad rows go to quarantine with the reason.

    A file that cannot be used (wrong delimiter, missing column, not UTF-8) is refused whole and
    nothing of it is written. Re-importing a file repeats nothing. The comments of imported survey
    responses and tickets that are new or changed are analysed (language, sentiment, themes).
    """
    importable_table(table)
    with open_configured_store(database, create=True) as store:
        for path in files:
            with _LazyProgressBar() as show:
                summary = import_and_analyse(store, table, path, progress=show)
            _print_summary(summary)


class _LazyProgressBar:
    """A rich progress bar that appears only once a stage reports more than 100,000 rows (2,000
    comments to analyse)."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> _LazyProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None and total > (PROGRESS_BAR_COMMENTS if stage == "analyse" else PROGRESS_BAR_ROWS):
            self.bar = Progress(
                TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=console, transient=False,
            )
            self.bar.start()
        if self.bar is None:
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total or None)
        self.bar.update(self.tasks[stage], completed=done, total=total or None)


def _print_summary(summary: AnalysedImport) -> None:
    table = Table(title=f"{summary.source} -> {summary.table}", show_header=False)
    table.add_column("what")
    table.add_column("rows", justify="right")
    for label, value in (
        ("rows read", summary.rows_read), ("inserted", summary.inserted), ("updated", summary.updated),
        ("unchanged", summary.unchanged), ("quarantined", summary.quarantined),
    ):
        table.add_row(label, f"{value:,}")
    if summary.table in COMMENT_TABLES:
        table.add_row("comments analysed", f"{summary.comments_analysed:,}")
    if summary.ignored_columns:
        table.add_row("ignored columns", ", ".join(summary.ignored_columns))
    console.print(table)
    if summary.quarantined:
        console.print(
            f"{summary.quarantined:,} rows were quarantined; see them with "
            f"`nabd quarantine --import {summary.import_id}`",
            highlight=False, soft_wrap=True,
        )
