"""The `nabd` commands of the health package; cli.py calls :func:`register`."""

from __future__ import annotations

import csv
import json
import re
import sys
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Column, Table

from nabd.console import DatabaseOption, console, errors, open_configured_store
from nabd.errors import NabdError
from nabd.health.backtest import backtest_dates, backtest_record, backtest_rows, render_backtest, run_backtest
from nabd.health.coverage import unscored_cause
from nabd.health.explain import explain, render_explanation
from nabd.health.parquet_scores import score_to_parquet, store_back
from nabd.health.profile import profile
from nabd.health.profile_view import missing_signals, render_profile
from nabd.health.scorecard import Scorecard, with_vocabulary
from nabd.health.scorecard_init import init_scorecard, render_starter, starter_record, write_starter
from nabd.health.selectors import load_vocabulary
from nabd.health.versions import (
    activate, find_version, scorecard_for, save_version, shipped_scorecard, versions, yaml_of,
)
from nabd.health.scoring import run_backfill, run_scoring
from nabd.health.suggest import render_suggestion, suggest_weights, write_scorecard
from nabd.metrics.engine import Engine, EngineOption, ParquetOption, SparkMasterOption, engine_store
from nabd.store.calendar import today


def date_option(name: str, help: str) -> typer.models.OptionInfo:
    """A YYYY-MM-DD option."""
    return typer.Option(name, formats=["%Y-%m-%d"], help=help, show_default=False)

ScorecardOption = Annotated[
    Path | None,
    typer.Option("--scorecard", "-s", help="Scorecard YAML file (default: the active scorecard, see "
                 "`nabd scorecard list`).", show_default=False),
]


VocabularyOption = Annotated[
    Path | None,
    typer.Option("--vocabulary", help="Vocabulary YAML file: your event names by role and group, for the "
                 "scorecard's group:<name> selectors.", show_default=False),
]


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _with_vocabulary(card: Scorecard, path: Path | None) -> Scorecard:
    return with_vocabulary(card, load_vocabulary(path)) if path else card


def days(text: str, option: str) -> int:
    """'week' = 7, 'day' = 1, 'month' = 30, or a number of days like '90d' / '90'."""
    named = {"day": 1, "week": 7, "month": 30}
    if text in named:
        return named[text]
    match = re.fullmatch(r"(\d+)d?", text.strip())
    if not match or int(match.group(1)) < 1:
        raise NabdError(f"{option} {text!r} is not a duration: use day, week, month or a number of days like 90d")
    return int(match.group(1))


def _origin(path: Path | None) -> str:
    return f"from {path}" if path else "the active scorecard"


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


score_app = typer.Typer(
    help="Score every active account (plain `nabd score`), explain a score, backtest or learn weights.",
    no_args_is_help=False,
)


@score_app.callback(invoke_without_command=True)
def score(
    context: typer.Context,
    as_of: Annotated[datetime | None, date_option("--as-of", help="Score as of this day, YYYY-MM-DD (default: today in NABD_TIMEZONE).")] = None,
    scorecard: ScorecardOption = None,
    first: Annotated[datetime | None, date_option("--from", help="Backfill: first as-of day, YYYY-MM-DD (with --to).")] = None,
    last: Annotated[datetime | None, date_option("--to", help="Backfill: last as-of day, YYYY-MM-DD (with --from).")] = None,
    every: Annotated[str, typer.Option("--every", help="Backfill step: day, week, month or N days.")] = "week",
    vocabulary: VocabularyOption = None,
    engine: EngineOption = Engine.database,
    parquet: ParquetOption = None,
    spark_master: SparkMasterOption = None,
    store_back: Annotated[bool, typer.Option("--store-back", help="With --engine spark: also store the scores "
                                             "in --database, for the web app.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Score every active account and store score, band and each measure's value, score and contribution."""
    if context.invoked_subcommand:
        return
    if engine is Engine.spark:
        return _score_on_spark(as_of, scorecard, vocabulary, parquet, spark_master, store_back, database)
    if store_back:
        raise NabdError("--store-back goes with --engine spark")
    with open_configured_store(database) as store:
        card = _with_vocabulary(scorecard_for(store, scorecard), vocabulary)
        if first or last:
            if not (first and last):
                raise NabdError("a backfill needs both --from and --to")
            runs = run_backfill(store, card, first.date(), last.date(), days(every, "--every"))
        else:
            runs = [run_scoring(store, card, _day(as_of) or today())]
    table = Table("accounts", *(b.colour for b in card.bands), "no score", "band changes")
    table.columns.insert(0, Column("as of", no_wrap=True))
    for run in runs:
        table.add_row(str(run.as_of), str(run.accounts), *(str(run.bands[b.id]) for b in card.bands),
                      str(run.unscored), str(run.band_changes))
    console.print(f"scorecard {card.name} version {card.version} ({_origin(scorecard)})", highlight=False)
    console.print(table)
    for warning in dict.fromkeys(w for run in runs for w in run.warnings):
        errors.print(f"warning: {warning}", highlight=False)
    latest = next((run for run in reversed(runs) if run.unscored), None)
    for line in unscored_cause(card, latest.unscored, latest.missing, latest.accounts) if latest else []:
        errors.print(f"note: {line}" if not line.startswith(" ") else line, highlight=False, soft_wrap=True)
    if not any(run.accounts for run in runs):
        errors.print("note: no account had an active subscription on these days: import accounts and "
                     "subscriptions (nabd import), or try `nabd demo`", highlight=False, soft_wrap=True)


def _score_on_spark(
    as_of: datetime | None, scorecard: Path | None, vocabulary: Path | None, parquet: str | None,
    master: str | None, back: bool, database: str | None,
) -> None:
    """`nabd score --engine spark`: score on Spark over the Parquet folder, write Parquet; with --store-back, store
    the scores in the database too (its active scorecard is then the default one)."""
    day = _day(as_of) or today()
    if back:
        with open_configured_store(database, handoff=False) as target:  # Spark never starts inside `nabd serve`
            card = scorecard_for(target, scorecard)
    else:
        card = scorecard_for(None, scorecard) if scorecard else shipped_scorecard()  # type: ignore[arg-type]
    card = _with_vocabulary(card, vocabulary)
    with engine_store(Engine.spark, parquet, master, None) as store:
        run = score_to_parquet(store, card, day)
    table = Table("as of", "accounts", *(b.colour for b in card.bands), "no score")
    table.add_row(str(run.as_of), str(run.accounts), *(str(run.bands[b.id]) for b in card.bands), str(run.unscored))
    console.print(f"scorecard {card.name} version {card.version} on Spark, written to {run.path}", highlight=False)
    console.print(table)
    if back:
        with open_configured_store(database, handoff=False) as target:  # Spark never starts inside `nabd serve`
            stored = store_back(target, card, run.path, day)
        console.print(f"stored {stored:,} scores of {day} in {target.url.display}", highlight=False)


@score_app.command("explain")
def explain_command(
    account: Annotated[str, typer.Argument(help="The account_id to explain.")],
    as_of: Annotated[datetime | None, date_option("--as-of", help="The stored score of this day (default: the latest).")] = None,
    scorecard: ScorecardOption = None,
    database: DatabaseOption = None,
) -> None:
    """Why an account has its score: contributions, largest first, and what would move it up a band."""
    with open_configured_store(database) as store:
        card = scorecard_for(store, scorecard)
        lines = render_explanation(explain(store, card, account, _day(as_of)), card)
    for line in lines:
        console.print(line, highlight=False)


HorizonOption = Annotated[str, typer.Option("--horizon", help="Churn horizon: an account active on the as-of day "
                                            "and not active this many days later churned (e.g. 90d).")]


BacktestFromOption = Annotated[
    datetime | None, date_option("--from", help="First as-of day (default: a year before --to).")
]
BacktestToOption = Annotated[
    datetime | None, date_option("--to", help="Last as-of day (default: last day with data - horizon).")
]
BacktestEveryOption = Annotated[
    str, typer.Option("--every", help="Step between as-of days: day, week, month or N days.")
]


@score_app.command("backtest")
def backtest_command(
    horizon: HorizonOption = "90d",
    first: BacktestFromOption = None,
    last: BacktestToOption = None,
    every: BacktestEveryOption = "week",
    scorecard: ScorecardOption = None,
    vocabulary: VocabularyOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: table, csv or json.")] = OutputFormat.table,
    database: DatabaseOption = None,
) -> None:
    """Score past dates with the scorecard as it stands (nothing stored) and compare with actual churn."""
    horizon_days = days(horizon, "--horizon")
    with open_configured_store(database) as store:
        card = _with_vocabulary(scorecard_for(store, scorecard), vocabulary)
        dates = backtest_dates(store, _day(first), _day(last), days(every, "--every"), horizon_days)
        result = run_backtest(store, card, dates, horizon_days)
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(backtest_record(result, card), ensure_ascii=False, indent=2) + "\n")
    elif output is OutputFormat.csv:
        rows = backtest_rows(result)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for line in render_backtest(result, card):
            console.print(line, highlight=False, soft_wrap=True)


@score_app.command("suggest")
def suggest_command(
    horizon: HorizonOption = "90d",
    first: BacktestFromOption = None,
    last: BacktestToOption = None,
    every: BacktestEveryOption = "week",
    strength: Annotated[float | None, typer.Option(
        "--strength", min=0, help="Shrinkage toward the current weights, per row (default: chosen by "
        "cross-validation inside the fit window).", show_default=False)] = None,
    write: Annotated[Path | None, typer.Option("--write", help="Write the suggested scorecard to this NEW file.",
                                               show_default=False)] = None,
    scorecard: ScorecardOption = None,
    vocabulary: VocabularyOption = None,
    database: DatabaseOption = None,
) -> None:
    """Learn weights from history (fit on earlier dates) and compare both scorecards on later dates."""
    horizon_days = days(horizon, "--horizon")
    with open_configured_store(database) as store:
        card = _with_vocabulary(scorecard_for(store, scorecard), vocabulary)
        dates = backtest_dates(store, _day(first), _day(last), days(every, "--every"), horizon_days)
        suggestion = suggest_weights(store, card, dates, horizon_days, strength)
    for line in render_suggestion(suggestion):
        console.print(line, highlight=False)
    if write:
        write_scorecard(suggestion.scorecard, write)
        console.print(f"wrote {write} (version {suggestion.scorecard.version})")
    else:
        console.print("nothing written: add --write FILE to save the suggested scorecard")


scorecard_app = typer.Typer(
    help="Saved scorecard versions and the active one, which `nabd score` uses: list, show, save, activate.",
    no_args_is_help=True,
)
VersionArgument = Annotated[str, typer.Argument(help="A version (12 hex digits) or its first 4 or more.")]
ByOption = Annotated[str, typer.Option("--by", help="Who saves or activates (recorded with the version).")]


@scorecard_app.command("list")
def list_command(database: DatabaseOption = None) -> None:
    """Every saved version, newest first, and the shipped default; * marks the active one."""
    with open_configured_store(database) as store:
        rows = versions(store)
    table = Table("", "version", "name", "saved by", "saved at")
    for row in rows:
        table.add_row("*" if row["active"] else "", row["version"], row["name"], row["saved_by"],
                      str(row["saved_at"] or "-"))
    console.print(table)


@scorecard_app.command("show")
def show_command(
    version: Annotated[str | None, typer.Argument(help="A version or its first 4+ digits (default: the active one).",
                                                  show_default=False)] = None,
    database: DatabaseOption = None,
) -> None:
    """Print the YAML of a version (default: the active scorecard)."""
    with open_configured_store(database) as store:
        row = find_version(store, version) if version else next(r for r in versions(store) if r["active"])
        text = yaml_of(store, row["version"])
    console.print(f"# {row['name']} version {row['version']}{' (active)' if row['active'] else ''}",
                  highlight=False, markup=False)
    console.print(text, highlight=False, markup=False, soft_wrap=True)


@scorecard_app.command("save")
def save_command(
    file: Annotated[Path, typer.Argument(help="The scorecard YAML file to keep as a version.")],
    make_active: Annotated[bool, typer.Option("--activate", help="Also make it the active scorecard.")] = False,
    by: ByOption = "cli",
    database: DatabaseOption = None,
) -> None:
    """Validate a scorecard file and keep it as a version in the database (as the scorecard page does)."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise NabdError(f"cannot read the scorecard {file}: {error.strerror or error}") from None
    with open_configured_store(database) as store:
        card = save_version(store, text, by, str(file))
        if make_active:
            activate(store, card.version, by)
    console.print(f"saved scorecard {card.name} version {card.version}"
                  + (" and made it active" if make_active else f": `nabd scorecard activate {card.version}` "
                     "makes `nabd score` use it"), highlight=False)


@scorecard_app.command("activate")
def activate_command(version: VersionArgument, by: ByOption = "cli", database: DatabaseOption = None) -> None:
    """Make a saved version (or the shipped default's) the scorecard `nabd score` and the daily run use."""
    with open_configured_store(database) as store:
        card = activate(store, version, by)
    console.print(f"active scorecard: {card.name} version {card.version}", highlight=False)


@scorecard_app.command("init")
def init_command(
    write: Annotated[Path, typer.Option("--write", help="Write the starter scorecard to this NEW file.",
                                        show_default=False)],
    horizon: HorizonOption = "90d",
    first: BacktestFromOption = None,
    last: BacktestToOption = None,
    every: BacktestEveryOption = "week",
    name: Annotated[str, typer.Option("--name", help="The scorecard's name.")] = "starter",
    make_active: Annotated[bool, typer.Option("--activate", help="Also keep it as a version and make it the "
                                              "active scorecard (as `nabd scorecard save FILE --activate`).")] = False,
    by: ByOption = "cli",
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: table or json.")] = OutputFormat.table,
    database: DatabaseOption = None,
) -> None:
    """A starter scorecard from your own history: candidate measures picked and weighted by later churn
    (fit on earlier dates, checked on later ones), written as commented YAML."""
    if output is OutputFormat.csv:
        raise NabdError("--format csv is not offered by scorecard init: use table or json")
    if write.exists():
        raise NabdError(f"{write} already exists: choose another file name (Nabd never overwrites a scorecard)")
    horizon_days = days(horizon, "--horizon")
    with open_configured_store(database) as store:
        dates = backtest_dates(store, _day(first), _day(last), days(every, "--every"), horizon_days)
        starter = init_scorecard(store, dates, horizon_days, name)
        write_starter(starter, write)
        if make_active:
            save_version(store, write.read_text(encoding="utf-8"), by, str(write))
            activate(store, starter.scorecard.version, by)
    if output is OutputFormat.json:
        record = {**starter_record(starter), "file": str(write), "active": make_active}
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return
    for line in render_starter(starter):
        console.print(line, highlight=False, soft_wrap=True)
    then = ("and made it the active scorecard: `nabd score` uses it" if make_active else
            f"`nabd scorecard save {write} --activate` makes `nabd score` use it")
    console.print(f"wrote {write} (version {starter.scorecard.version}) {then}", highlight=False, soft_wrap=True)


def profile_command(
    as_of: Annotated[datetime | None, date_option("--as-of", help="Measures as of this day (default: the last day with data).")] = None,
    scorecard: ScorecardOption = None,
    vocabulary: VocabularyOption = None,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: table or json.")] = OutputFormat.table,
    database: DatabaseOption = None,
) -> None:
    """What the database holds and can support: tables, event types, cadence, churn, and the scorecard's measures."""
    with open_configured_store(database) as store:
        card = _with_vocabulary(scorecard_for(store, scorecard), vocabulary)
        found = profile(store, card, _day(as_of))
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps(found.as_json(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    for table in render_profile(found):
        console.print(table)
    lines = missing_signals(found)
    if lines:
        console.print("missing signals (dead: no value; constant: one value for all; weak: under 50% of "
                      "accounts), and what would feed them:", highlight=False, soft_wrap=True)
        for line in lines:
            console.print(line, highlight=False, soft_wrap=True, markup=False)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `nabd` application."""
    app.add_typer(score_app, name="score")
    app.add_typer(scorecard_app, name="scorecard")
    app.command("profile")(profile_command)
