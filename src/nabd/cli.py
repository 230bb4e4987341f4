"""The ``nabd`` command: every job of Nabd from a terminal.

Errors print one line and exit 1; ``--debug`` (anywhere on the line) shows the traceback instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from rich.table import Table

from nabd.console import (
    DatabaseOption, HandOff, console, errors, on_store_open, open_configured_store, print_error,
)
from nabd.demo.commands import register as register_demo
from nabd.feedback.commands import register as register_feedback
from nabd.handoff.jobs import command_in
from nabd.health.commands import register as register_health
from nabd.ingest.activity import follow_timezone
from nabd.ingest.commands import register as register_ingest
from nabd.metrics.commands import register as register_metrics
from nabd.metrics.engine import register as register_export
from nabd.outreach.commands import register as register_journeys
from nabd.outreach.reward_commands import register as register_rewards
from nabd.pipeline.commands import register as register_pipeline
from nabd.playbooks.commands import register as register_playbooks
from nabd.report.commands import register as register_report
from nabd.risk.churn_commands import register as register_risk
from nabd.risk.commands import register as register_clv
from nabd.secret import register as register_secret
from nabd.web.commands import register as register_web
from nabd.errors import NabdError
from nabd.store import CANONICAL_TABLES, schema_version
from nabd.store.refusal import refused

app = typer.Typer(
    name="nabd",
    help="Nabd (نبض): customer health scores, churn warnings and retention metrics for your accounts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    """Nabd: point it at your customer data; it scores every account and warns before churn."""


@app.command()
def init(database: DatabaseOption = None) -> None:
    """Create the schema in the database (safe to run again: it only applies what is missing)."""
    with open_configured_store(database, create=True) as store:
        console.print(f"Nabd schema version {schema_version(store)} ready at {store.url.display}")


@app.command()
def status(database: DatabaseOption = None) -> None:
    """Show the database URL, schema version and the number of rows in each table."""
    with open_configured_store(database) as store:
        console.print(f"database: {store.url.display}")
        console.print(f"schema version: {schema_version(store)}")
        table = Table("table", "rows")
        for name in CANONICAL_TABLES:
            table.add_row(name, f"{store.scalar(f'SELECT count(*) FROM {name}'):,}")
        console.print(table)


def run_handed_off(argv: list[str], cwd: Path) -> int:
    """Run a command line handed to `nabd serve` (paths relative to the client's ``cwd``): its exit code."""
    return run_command(argv, command_in(typer.main.get_command(app), cwd), prog_name="nabd")


for register in (register_pipeline, register_ingest, register_demo, register_metrics, register_health,
                 register_playbooks, register_journeys, register_feedback, register_clv, register_risk,
                 register_report, register_secret, register_export, register_rewards):
    register(app)
register_web(app, run_handed_off)  # the composition root gives `nabd serve` the command runner
on_store_open(follow_timezone)  # activity_daily counts days in NABD_TIMEZONE: recounted once when it changes


def run_command(argv: list[str], command: Any = None, prog_name: str | None = None) -> int:
    """Run one `nabd` command line here and return its exit code (also the job of a hand-off).

    ``--debug`` may stand anywhere before a ``--``: it is taken off the line, and errors then show
    their traceback; without it every error is one line.
    """
    debug = "--debug" in (argv[: argv.index("--")] if "--" in argv else argv)
    if debug:
        argv = [*_without_debug(argv)]
    try:
        (command or typer.main.get_command(app)).main(args=argv, prog_name=prog_name)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else int(done.code is not None)
    except NabdError as error:
        if debug:
            raise
        print_error(error)
        return 1
    except KeyboardInterrupt:
        errors.print("interrupted")
        return 130
    except Exception as error:  # a bug, or input no check foresaw: still one line, the traceback on --debug
        if debug:
            raise
        if (refusal := refused(error)) is not None:  # a check the engine ran inside the query
            print_error(refusal)
            return 1
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no message"
        print_error(NabdError(f"{type(error).__name__}: {first_line} (unexpected: run the command again with "
                              "--debug for the details)"))
        return 1
    return 0


def _without_debug(argv: list[str]):
    """``argv`` without the ``--debug`` flags before a ``--``."""
    ended = False
    for argument in argv:
        ended = ended or argument == "--"
        if ended or argument != "--debug":
            yield argument


def main() -> None:
    """Entry point of the console script: one clear line per error, tracebacks only with --debug.

    On a DuckDB file held by `nabd serve` the command line is handed to the server (nabd.handoff).
    """
    argv = sys.argv[1:]
    try:
        code = run_command(argv)
    except HandOff as handoff:
        from nabd.handoff.client import forward

        try:
            code = forward(handoff.server, argv)
        except NabdError as error:
            print_error(error)
            code = 1
        except KeyboardInterrupt:
            errors.print("interrupted")
            code = 130
    sys.exit(code)
