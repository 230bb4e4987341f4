"""The ``nabd`` command: every job of Nabd from a terminal.

Errors print one line and exit 1; ``--debug`` (anywhere on the line) shows the traceback instead.
"""

from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
import typer.main
from rich.table import Table

from nabd.console import (
    DatabaseOption, HandOff, console, errors, on_store_open, open_configured_store, print_error,
)
from nabd.handoff.jobs import command_in
from nabd.ingest.activity import follow_timezone
from nabd.errors import NabdError
from nabd.store import CANONICAL_TABLES, schema_version
from nabd.store.refusal import refused

# The commands of each module, in the order `nabd --help` lists them. A module is imported when one of its
# commands runs (or --help lists them all), so a command pays for the imports it needs, not for every command's.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "nabd.pipeline.commands": ("run", "import"),
    "nabd.ingest.commands": ("quarantine", "key"),
    "nabd.demo.commands": ("demo",),
    "nabd.metrics.commands": ("metrics",),
    "nabd.health.commands": ("profile", "score", "scorecard"),
    "nabd.playbooks.commands": ("outbox", "tasks", "playbooks"),
    "nabd.outreach.commands": ("journeys",),
    "nabd.feedback.commands": ("feedback",),
    "nabd.risk.commands": ("clv",),
    "nabd.risk.churn_commands": ("portfolio", "risk"),
    "nabd.report.commands": ("report",),
    "nabd.secret": ("secret",),
    "nabd.metrics.engine": ("export",),
    "nabd.outreach.reward_commands": ("rewards", "referrals", "loyalty"),
    "nabd.web.commands": ("serve", "user", "token"),
}
_MODULE_OF = {name: module for module, names in COMMAND_MODULES.items() for name in names}


class _Commands(typer.core.TyperGroup):
    """The `nabd` group: its own commands (init, status), then each module's, built when asked for."""

    def list_commands(self, ctx: typer.Context | None) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in _MODULE_OF if name not in self.commands)]

    def get_command(self, ctx: typer.Context | None, name: str) -> Any:
        if name in self.commands or name not in _MODULE_OF:  # built already (every_command), or our own
            return super().get_command(ctx, name)
        return typer.main.get_command(_registered(_MODULE_OF[name])).commands.get(name)  # type: ignore[attr-defined]


@functools.cache
def _registered(module: str) -> typer.Typer:
    """A Typer holding the commands ``module`` registers (a group: it has a callback)."""
    commands = typer.Typer()
    commands.callback()(lambda: None)
    register = importlib.import_module(module).register
    if module == "nabd.web.commands":
        register(commands, run_handed_off)  # the composition root gives `nabd serve` the command runner
    else:
        register(commands)
    return commands


app = typer.Typer(
    name="nabd",
    cls=_Commands,
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
    return run_command(argv, command_in(every_command(), cwd), prog_name="nabd")


def every_command() -> typer.core.TyperGroup:
    """A freshly built `nabd` group with every command in it (a hand-off job adapts the whole tree)."""
    group = typer.main.get_command(app)
    for name in _MODULE_OF:
        group.add_command(group.get_command(None, name), name)
    return group


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
