"""`nabd portfolio`: the health portfolio (nabd.health.portfolio) with each account's churn risk, the newest
stored prediction of the newest model (:func:`nabd.risk.churn_storage.latest_risk_sql`, as on the web
portfolio); sorted by score (worst first) or by risk (highest first), as a table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import typer
from rich.table import Table

from nabd.config import load_settings
from nabd.console import DatabaseOption, console, open_configured_store
from nabd.health.commands import OutputFormat, ScorecardOption, date_option
from nabd.health.portfolio import Portfolio, portfolio
from nabd.health.versions import scorecard_for
from nabd.risk.churn_storage import latest_model, latest_risk_sql
from nabd.store import Store


class Sort(str, Enum):
    score = "score"
    risk = "risk"


def with_risk(store: Store, view: Portfolio, sort: Sort = Sort.score, limit: int | None = None) -> list[dict]:
    """The portfolio's accounts with ``risk`` (P(churn within the model's horizon); null without a stored
    prediction), worst score first or highest risk first (accounts without a risk last), then by account;
    joined and sorted in the engine."""
    order = ("p.risk IS NULL, p.risk DESC, p.score IS NULL, p.score, p.account_id" if sort is Sort.risk else
             "p.score IS NULL, p.score, p.account_id")
    sql = (f"WITH risk AS ({latest_risk_sql()}) SELECT * FROM (SELECT a.*, r.probability AS risk FROM "
           f"({store.ibis.compile(view.accounts)}) AS a LEFT JOIN risk r ON r.account_id = a.account_id) AS p "
           f"ORDER BY {order}" + ("" if limit is None else f" LIMIT {int(limit)}"))
    return store.records(sql)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def portfolio_command(
    segment: Annotated[str | None, typer.Option("--segment", help="Only accounts of this segment.")] = None,
    csm: Annotated[str | None, typer.Option("--csm", help="Only accounts of this CSM (login).")] = None,
    band: Annotated[str | None, typer.Option("--band", help="Only this band: its id, colour or name (e.g. red).")] = None,
    as_of: Annotated[datetime | None, date_option("--as-of", help="Scores of this day (default: the latest scored).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Accounts listed.")] = 20,
    sort: Annotated[Sort, typer.Option("--sort", help="score (worst first) or risk (most likely to churn first).")] = Sort.score,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: table, csv or json.")] = OutputFormat.table,
    scorecard: ScorecardOption = None,
    database: DatabaseOption = None,
) -> None:
    """Accounts by health band: counts and MRR per band, then the accounts with their churn risk when a model
    was fitted (`nabd risk fit`), worst score (or highest risk) first."""
    currency = load_settings(database).reporting_currency
    with open_configured_store(database) as store:
        card = scorecard_for(store, scorecard)
        view = portfolio(store, card, as_of.date() if as_of else None, segment, csm, band, currency)
        model = latest_model(store)
        listed = with_risk(store, view, sort, limit)
    if output is OutputFormat.json:
        record = {"as_of": view.as_of.isoformat(), "currency": currency, "model_version": model and model.version,
                  "bands": [{"band": b.band.id if b.band else None, "accounts": b.accounts, "mrr": str(b.mrr)}
                            for b in view.bands],
                  "accounts": [{k: _plain(v) for k, v in row.items()} for row in listed]}
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return
    if output is OutputFormat.csv:
        fields = ["account_id", "name", "segment", "csm", "score", "band", "colour", "mrr", "risk"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _plain(v) for k, v in row.items()} for row in listed)
        return
    summary = Table("band", "colour", "accounts", f"MRR ({currency})", "action", title=f"portfolio on {view.as_of}")
    for item in view.bands:
        name, colour, action = (item.band.name.en, item.band.colour, item.band.action.en) if item.band else ("no score", "-", "collect more data")
        summary.add_row(name, colour, str(item.accounts), f"{item.mrr:,.2f}", action)
    console.print(summary)
    accounts = Table("account", "name", "segment", "csm", "score", "band", f"MRR ({currency})", "risk")
    for row in listed:
        score = "-" if row["score"] is None else str(row["score"])
        risk = "-" if row["risk"] is None else f"{row['risk']:.1%}"
        accounts.add_row(row["account_id"], row["name"], row["segment"] or "", row["csm"] or "", score,
                         row["colour"] or "-", f"{row['mrr']:,.2f}", risk)
    console.print(accounts)
    if model is None:
        console.print("no churn model fitted yet: run `nabd risk fit` for a risk column", highlight=False)
