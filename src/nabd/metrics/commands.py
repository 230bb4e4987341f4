"""The `nabd metrics` command: list the metrics, or compute one by period and segment; cli.py calls :func:`register`."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import pyarrow as pa
import typer
from rich.table import Table

from nabd.config import load_settings
from nabd.console import DatabaseOption, console
from nabd.errors import NabdError
from nabd.metrics.engine import Engine, EngineOption, ParquetOption, SparkMasterOption, engine_store, metric_rows
from nabd.metrics.progress import last_complete_day, mark_change_in_progress, mark_in_progress
from nabd.metrics.registry import METRICS
from nabd.store.calendar import today


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NabdError(f"{option} {text!r} is not a date: write it as YYYY-MM-DD") from None


def _plain(value: Any) -> Any:
    """A JSON- and CSV-friendly value: dates as ISO text, decimals as exact text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _print(result: pa.Table, output: OutputFormat) -> None:
    records = [{k: _plain(v) for k, v in row.items()} for row in result.to_pylist()]
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif output is OutputFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=result.column_names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        table = Table(*result.column_names)
        for row in records:
            table.add_row(*["" if v is None else (f"{v:.4f}" if isinstance(v, float) else str(v)) for v in row.values()])
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `nabd` application."""

    @app.command("metrics")
    def metrics(
        name: Annotated[str | None, typer.Argument(help="Metric to compute; leave out to list them all.", show_default=False)] = None,
        period: Annotated[str, typer.Option("--period", "-p", help="Period: day, week, month or quarter.")] = "month",
        start: Annotated[str | None, typer.Option("--from", help="First day of the range (YYYY-MM-DD); default 11 months before --to. For change_explained: a day of the earlier period.", show_default=False)] = None,
        end: Annotated[str | None, typer.Option("--to", help="Last day of the range (YYYY-MM-DD); default the last day of the last complete period (NABD_TIMEZONE). A period not yet over is marked \"in progress: N of M days\" in note. For change_explained: a day of the later period.", show_default=False)] = None,
        by: Annotated[str | None, typer.Option("--by", help="Break down by segment, plan, country, csm or cohort (touchpoint for nps/csat/ces).", show_default=False)] = None,
        output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: table, csv or json.")] = OutputFormat.table,
        metric: Annotated[str | None, typer.Option("--metric", help="For change_explained: the metric whose change to explain.", show_default=False)] = None,
        currency: Annotated[str | None, typer.Option("--currency", help="Reporting currency (default NABD_REPORTING_CURRENCY or USD).", show_default=False)] = None,
        gross_margin: Annotated[float | None, typer.Option("--gross-margin", help="Gross margin for lifetime value and CAC payback (default 0.8).", show_default=False)] = None,
        features_offered: Annotated[int | None, typer.Option("--features-offered", help="For feature_adoption: how many features the product offers (default: all ever used).", show_default=False)] = None,
        engine: EngineOption = Engine.database,
        parquet: ParquetOption = None,
        spark_master: SparkMasterOption = None,
        database: DatabaseOption = None,
    ) -> None:
        """Compute a retention, revenue, voice-of-customer, support, value or usage metric by period (and segment)."""
        if name is None:
            listing = Table("metric", "what it measures")
            for metric_name, spec in METRICS.items():
                listing.add_row(metric_name, spec.description)
            console.print(listing)
            return
        if name not in METRICS:
            raise NabdError(f"unknown metric {name!r}: run `nabd metrics` to list them")
        spec = METRICS[name]
        now = today()
        last = _date(end, "--to") or last_complete_day(period, now)
        months_back = last.year * 12 + last.month - 1 - 11
        first = _date(start, "--from") or date(months_back // 12, months_back % 12 + 1, 1)
        params: dict[str, Any] = {"period": period, "start": first, "end": last}
        if name == "change_explained":
            if metric is None:
                raise NabdError("change_explained needs --metric NAME (e.g. --metric customer_churn)")
            params.update(metric=metric, by=by or "segment")
            spec = METRICS[metric] if metric in METRICS else spec
        elif by is not None:
            params["by"] = by
        extras = {
            "reporting_currency": currency or load_settings(database).reporting_currency,
            "gross_margin": gross_margin, "features_offered": features_offered,
        }
        params.update({k: v for k, v in extras.items() if v is not None and spec.accepts(k)})
        with engine_store(engine, parquet, spark_master, database) as store:
            result = metric_rows(store, name, **params)
        if name == "change_explained":
            result = mark_change_in_progress(result, period, first, last, now)
        else:
            result = mark_in_progress(result, now)
        _print(result, output)
