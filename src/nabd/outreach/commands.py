"""The `nabd journeys` commands: check a journeys file, list the journeys and their state, dry-run one.

cli.py calls :func:`register`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nabd.console import DatabaseOption, console, open_configured_store
from nabd.health.commands import date_option
from nabd.health.versions import active_scorecard
from nabd.outreach.dry_run import dry_run, journey_states
from nabd.outreach.effect import journey_effect
from nabd.outreach.journey import load_journeys
from nabd.outreach.journey_versions import journeys_in_force
from nabd.store.calendar import today

journeys_app = typer.Typer(help="Journeys: multi-step programmes of e-mails, waits, branches and tasks (YAML).")
FileOption = Annotated[Path | None, typer.Option(
    "--file", "-f", help="Journeys YAML (default: those in force: the newest saved on the web, else NABD_JOURNEYS, "
    "else the shipped ones).", show_default=False,
    exists=True, dir_okay=False)]


@journeys_app.command("check")
def check(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The journeys YAML to check.")]) -> None:
    """Validate a journeys file: every error names the file, line and field."""
    checked = load_journeys(file)
    for journey in checked.journeys:
        console.print(f"{journey.id}: {len(journey.steps)} steps, holdout {journey.holdout:.0%}"
                      f"{'' if journey.enabled else ' (disabled)'}")
    console.print(f"{file}: {len(checked.journeys)} journeys OK")


@journeys_app.command("list")
def list_journeys(database: DatabaseOption = None, file: FileOption = None) -> None:
    """The journeys the daily run follows, with their accounts by state and e-mails queued."""
    with open_configured_store(database) as store:
        journeys = load_journeys(file) if file else journeys_in_force(store)
        rows = journey_states(store, journeys)
    table = Table("journey", "name", "holdout", "active", "done", "exited", "held out", "e-mails")
    for row in rows:
        table.add_row(row["journey"], row["name_en"], f"{row['holdout']:.0%}", str(row["active"]), str(row["done"]),
                      str(row["exited"]), str(row["held_out"]), str(row["emails"]))
    console.print(table)


@journeys_app.command("dry-run")
def dry_run_command(
    name: Annotated[str, typer.Argument(help="The journey's id (see `nabd journeys list`).")],
    database: DatabaseOption = None,
    file: FileOption = None,
    as_of: Annotated[datetime | None, date_option("--as-of", "The day (default: today in NABD_TIMEZONE).")] = None,
) -> None:
    """What the journey would do on a day, writing nothing: who would enter and the steps due."""
    day = as_of.date() if as_of else today()
    with open_configured_store(database) as store:
        journey = (load_journeys(file) if file else journeys_in_force(store)).journey(name)
        found = dry_run(store, journey, day, active_scorecard(store))
        effect = journey_effect(store, journey.id, day)
    console.print(f"{journey.id} on {day}: {len(found.entering)} accounts would enter "
                  f"(about {found.expected_held_out:.1f} held out at random); {len(found.due)} steps due")
    table = Table("account", "name", "why")
    for row in found.entering:
        table.add_row(row["account_id"], row["account_name"] or "", row["reason"])
    console.print(table)
    if found.due:
        due = Table("account", "step", "what")
        for row in found.due:
            due.add_row(row["account_id"], str(row["step"]), row["what"])
        console.print(due)
    for row in effect:
        console.print(f"{row['measure']}: treated {row['treated_text']}, held out {row['held_out_text']}, "
                      f"difference {row['difference_text']}")


def register(app: typer.Typer) -> None:
    """Add `nabd journeys` to the command line."""
    app.add_typer(journeys_app, name="journeys")
