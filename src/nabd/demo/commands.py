"""The `nabd demo` command; cli.py calls :func:`register`."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from nabd.config import load_settings
from nabd.console import DatabaseOption, console, open_configured_store
from nabd.demo.build import DemoSummary
from nabd.demo.companies import COMPANIES, build_company, export_company
from nabd.feedback.analysis import analyse_comments
from nabd.health.versions import active_scorecard
from nabd.playbooks.onboarding import load_onboarding, refresh_onboarding
from nabd.health.scoring import ScoringRun, as_of_dates, run_backfill
from nabd.playbooks.indicators import evaluate_indicators_on_days, indicator_sql, load_indicator_settings
from nabd.pipeline.daily import DailyRun, run_daily
from nabd.store import Store
from nabd.store.calendar import today
from nabd.web.commands import serve
from nabd.web.users import LOGIN_PATTERN, add_user

DEMO_LOGIN, DEMO_PASSWORD = "demo", "nabd-demo"
HISTORY_WEEKS = 8
ANALYSED_DAYS = 180
WARNING_EVERY_DAYS = 14


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `nabd` application."""
    app.command("demo")(demo_command)


def demo_command(
    accounts: Annotated[
        int, typer.Option("--accounts", min=1, help="Number of customer accounts to generate.")
    ] = 500,
    months: Annotated[
        int, typer.Option("--months", min=3, help="Months of history, ending on --end-date.")
    ] = 18,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the generator: the same seed gives the same company.")
    ] = 7,
    end_date: Annotated[
        datetime | None,
        typer.Option(
            "--end-date", formats=["%Y-%m-%d"], show_default=False,
            help="The demo's today: the history runs up to this date (default: today in NABD_TIMEZONE).",
        ),
    ] = None,
    workdir: Annotated[
        Path, typer.Option("--workdir", help="Folder for the generated import files (CSV and Parquet).")
    ] = Path("nabd-demo"),
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after loading and scoring (for scripts and CI).")
    ] = False,
    port: Annotated[int, typer.Option("--port", help="Port of the web app served at the end.")] = 8000,
    company: Annotated[
        str, typer.Option("--company", help=f"Which demo company: {' or '.join(COMPANIES)} (a project and invoicing "
                                            "tool with its own event names, seats and causes of churn).")
    ] = "standard",
    export: Annotated[
        Path | None, typer.Option("--export", help="Only write the company's import files into this folder, then stop.")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Generate a realistic demo subscription company and load it through the real import path.

    Only an empty database or one holding an earlier demo (which is replaced) is used; a database
    with other data is refused. The files stay in --workdir, ready to inspect or re-import.
    """
    last_day = end_date.date() if end_date else today()
    if export is not None:
        files = export_company(company, export, accounts=accounts, months=months, seed=seed, end_date=last_day)
        console.print(f"Wrote the {company} company's import files to {export}/: "
                      + ", ".join(path.name for path in files.values()) + " (nabd import TABLE FILE, accounts first)")
        return
    with open_configured_store(database, handoff=False, create=True) as store:  # replaces it: never inside a server
        console.print(f"Building the demo company in {store.url.display}: {accounts:,} accounts, "
                      f"{months} months to {last_day}, seed {seed}")
        with _StepProgress() as show:
            summary = build_company(company, store, accounts=accounts, months=months, seed=seed,
                                    end_date=last_day, workdir=workdir, progress=show)
        _print_summary(summary, store.url.display, workdir)
        # the comments the scores and warnings read (180 days); `nabd feedback analyse` does the rest
        since = datetime.combine(summary.as_of - timedelta(days=ANALYSED_DAYS), datetime.min.time())
        analysed = analyse_comments(store, since=since)
        refresh_onboarding(store, load_onboarding())
        runs = score_history(store, summary.as_of)
        add_user(store, DEMO_LOGIN, DEMO_PASSWORD, "admin")
        csms = add_csm_logins(store)
        warning_history(store, summary.as_of)
        daily = run_daily(store, summary.as_of, notify=False)  # tasks, warnings: what a CSM finds in the morning
        per_csm = store.fetchall(
            "SELECT owner, count(*) FROM tasks WHERE status = 'open' GROUP BY owner ORDER BY 2 DESC, 1"
        )
    latest = runs[-1]
    console.print(f"Analysed the {analysed:,} comments of the last {ANALYSED_DAYS} days (sentiment and themes, "
                  "Arabic and English); `nabd feedback analyse` analyses the older ones")
    console.print(
        f"Scored {latest.accounts:,} accounts on {latest.as_of} ({len(runs)} weekly scores of history): "
        + ", ".join(f"{band} {count:,}" for band, count in latest.bands.items())
    )
    _print_daily_run(daily, per_csm)
    console.print(f"Web login: [bold]{DEMO_LOGIN}[/] / [bold]{DEMO_PASSWORD}[/] (admin); each CSM logs in with their "
                  f"login and the same password: {', '.join(csms)}", highlight=False)
    if no_serve:
        console.print("Next: nabd portfolio, nabd metrics, nabd serve (the web app)")
        return
    serve(host="127.0.0.1", port=port, database=database)


def add_csm_logins(store: Store) -> list[str]:
    """A web login (role csm, password DEMO_PASSWORD) for each CSM the demo's accounts name; their logins."""
    logins = [login for (login,) in store.fetchall(
        "SELECT DISTINCT csm FROM accounts WHERE csm IS NOT NULL AND csm <> '' ORDER BY 1"
    ) if LOGIN_PATTERN.match(login)]
    for login in logins:
        add_user(store, login, DEMO_PASSWORD, "csm")
    return logins


def _print_daily_run(daily: DailyRun, per_csm: list[tuple[str, int]]) -> None:
    fired = sum(daily.indicators.fired.values()) if daily.indicators else 0
    opened = sum(count for _, count in per_csm)
    waiting = sum(daily.playbooks.waiting.values()) if daily.playbooks else 0
    console.print(
        f"Ran the daily pipeline on {daily.as_of}: {fired:,} early warnings, {opened:,} open tasks for "
        f"{len(per_csm)} CSMs (at most {load_settings().tasks_per_csm} a day each; {waiting:,} more wait for the next "
        "days, their accounts in the risk inbox, /inbox)"
    )


def warning_history(store: Store, as_of: date) -> int:
    """Evaluate the early-warning indicators every WARNING_EVERY_DAYS over the last year before ``as_of``, so
    that the risk inbox shows each indicator's measured precision and lead time; returns the days evaluated."""
    onboarding = load_onboarding()
    compiled = indicator_sql(store, load_indicator_settings(), active_scorecard(store), onboarding)
    days = as_of_dates(as_of - timedelta(days=364), as_of - timedelta(days=1), WARNING_EVERY_DAYS)
    evaluate_indicators_on_days(store, days, compiled)
    return len(days)


def score_history(store: Store, as_of: date) -> list[ScoringRun]:
    """Score every account with the active scorecard weekly over the last HISTORY_WEEKS, up to ``as_of``."""
    return run_backfill(store, active_scorecard(store), as_of - timedelta(weeks=HISTORY_WEEKS), as_of, 7)


class _StepProgress:
    """One spinner line per build step, closed with its row count and time when the next begins."""

    def __init__(self) -> None:
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                            console=console, transient=False)
        self.task: int | None = None
        self.label = ""
        self.started = 0.0

    def __enter__(self) -> _StepProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish()
        self.bar.stop()

    def __call__(self, kind: str, what: str, rows: int | None) -> None:
        if kind.startswith("import ") and self.task is not None:
            return  # the import's own stages: the current line already names the file
        self._finish()
        self.label = f"generate {what}" if kind == "generate" else f"import {what} ({rows:,} rows)"
        self.started = time.perf_counter()
        self.task = self.bar.add_task(self.label, total=1)

    def _finish(self) -> None:
        if self.task is not None:
            seconds = time.perf_counter() - self.started
            self.bar.update(self.task, completed=1, description=f"[green]✓[/] {self.label} in {seconds:.1f}s")
            self.task = None


def _print_summary(summary: DemoSummary, url: str, workdir: Path) -> None:
    table = Table("table", "rows", "quarantined", title="Demo company loaded")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}", f"{summary.imports[name].quarantined:,}")
    console.print(table)
    console.print(
        f"{summary.accounts:,} accounts, {summary.churned:,} churned by {summary.as_of}, "
        f"{summary.events:,} events, MRR ${summary.mrr_usd:,.2f} (USD) on {summary.as_of}."
    )
    console.print(f"Files: {workdir}/  ·  next: nabd status --database {url}")

