"""The `nabd import` and `nabd quarantine` commands; cli.py calls :func:`register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nabd.console import DatabaseOption, console, open_configured_store
from nabd.feedback.analysis import COMMENT_TABLES
from nabd.ingest.files import ImportSummary, import_file, importable_table
from nabd.ingest.intake.commands import register as register_intake
from nabd.ingest.quarantine import export_quarantine, list_quarantine
from nabd.ingest.tables import IMPORTABLE_TABLES

PROGRESS_BAR_ROWS = 100_000
PROGRESS_BAR_COMMENTS = 2_000  # analysing a comment takes ~100x longer than writing a row


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `nabd` application."""
    app.command("import")(import_command)
    app.command("quarantine")(quarantine_command)
    register_intake(app)


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
    with open_configured_store(database) as store:
        for path in files:
            with _LazyProgressBar() as show:
                summary = import_file(store, table, path, progress=show)
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


def _print_summary(summary: ImportSummary) -> None:
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
