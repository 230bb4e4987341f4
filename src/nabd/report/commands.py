"""The `nabd report monthly` command: a closed month's report as HTML or PDF; cli.py calls :func:`register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nabd.config import load_settings
from nabd.console import DatabaseOption, console, open_configured_store
from nabd.report.month import check_language
from nabd.report.monthly import check_format, monthly_report


def register(app: typer.Typer) -> None:
    """Add `nabd report monthly` to the `nabd` application."""
    report = typer.Typer(help="Reports for leadership: what changed in a month and why.", no_args_is_help=True)
    app.add_typer(report, name="report")

    @report.command("monthly")
    def monthly(
        month: Annotated[str | None, typer.Option("--month", "-m", help="The closed month, YYYY-MM (default: the last closed month in NABD_TIMEZONE).", show_default=False)] = None,
        language: Annotated[str, typer.Option("--lang", "-l", help="Language: ar (right to left) or en.")] = "en",
        output: Annotated[str, typer.Option("--format", "-f", help="html or pdf.")] = "pdf",
        out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write (default nabd-report-YYYY-MM-LANG.FORMAT here).", show_default=False)] = None,
        currency: Annotated[str | None, typer.Option("--currency", help="Reporting currency (default NABD_REPORTING_CURRENCY or USD).", show_default=False)] = None,
        database: DatabaseOption = None,
    ) -> None:
        """The monthly report: headlines against the month before and a year before, why they moved, the MRR
        waterfall, retention, cohorts, NPS/CSAT/CES, health portfolio, support and value."""
        check_language(language)
        check_format(output)
        reporting = currency or load_settings(database).reporting_currency
        with open_configured_store(database) as store:
            made = monthly_report(store, month, language, reporting)
        target = out or Path(f"nabd-report-{made.month:%Y-%m}-{language}.{output}")
        if output == "pdf":
            target.write_bytes(made.pdf())
        else:
            target.write_text(made.html, encoding="utf-8")
        console.print(f"wrote the {made.month:%Y-%m} report ({language}, {output}) to {target}")
