"""The `nabd quarantine` and event intake commands; cli.py calls :func:`register`.

`nabd import` (a load and its comment analysis) is the pipeline's: :mod:`nabd.pipeline.commands`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nabd.console import DatabaseOption, console, open_configured_store
from nabd.ingest.intake.commands import register as register_intake
from nabd.ingest.quarantine import export_quarantine, list_quarantine


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `nabd` application."""
    app.command("quarantine")(quarantine_command)
    register_intake(app)


def quarantine_command(
    table: Annotated[str | None, typer.Option("--table", "-t", help="Only rows refused for this table.")] = None,
    import_id: Annotated[str | None, typer.Option("--import", "-i", help="Only rows of this import (its ID is printed by `nabd import`).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most this many rows (0: all); exports ignore it.")] = 50,
    export: Annotated[Path | None, typer.Option("--export", "-o", help="Write the rows to FILE.csv or FILE.jsonl instead of listing them.")] = None,
    database: DatabaseOption = None,
) -> None:
    """List or export quarantined rows: the file, line, reason and the row as received."""
    with open_configured_store(database) as store:
        if export is not None:
            count = export_quarantine(list_quarantine(store, table, import_id), export)
            console.print(f"exported {count:,} quarantined rows to {export}", highlight=False)
            return
        total = list_quarantine(store, table, import_id).count().execute()
        if not total:
            console.print("no quarantined rows")
            return
        shown = list_quarantine(store, table, import_id, limit or None).to_pyarrow().to_pylist()
        listing = Table("source", "line", "error", "row as received")
        for row in shown:
            listing.add_row(row["source"], str(row["line"] or ""), row["error"], row["row_as_received"])
        console.print(listing)
        if len(shown) < total:
            console.print(f"{len(shown)} of {total:,} rows shown; use --limit 0 or --export FILE.csv for all")
