"""The `nabd risk` commands: fit the churn model, predict and store every account's risk with reasons,
backtest without storing, explain one account; cli.py calls :func:`register`."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum
from typing import Annotated

import typer
from rich.table import Table

from nabd.console import DatabaseOption, console, open_configured_store
from nabd.errors import NabdError
from nabd.risk.churn_examples import DEFAULT_EVERY_DAYS, DEFAULT_HORIZON_DAYS, last_day
from nabd.risk.churn_storage import account_risk, load_model, predict_risk, save_model, store_predictions
from nabd.risk.churn_training import ChurnModel, fit_churn_model
from nabd.risk.portfolio import portfolio_command
from nabd.store import Store


class Format(str, Enum):
    table = "table"
    json = "json"


class Engine(str, Enum):
    auto = "auto"
    lightgbm = "lightgbm"
    hgb = "hgb"
    logistic = "logistic"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: table or json.")]
HorizonOption = Annotated[int, typer.Option("--horizon", min=1, help="Churn within this many days of each as-of date.")]
EveryOption = Annotated[int, typer.Option("--every", min=1, help="Days between the training examples' as-of dates.")]
EngineOption = Annotated[Engine, typer.Option(
    "--model", "-m", help="lightgbm, hgb (scikit-learn HistGradientBoosting), logistic (L1 baseline) or auto "
    "(lightgbm when installed).")]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="Predict as of this day (YYYY-MM-DD); default the last day with data.", show_default=False)]


def _day(store: Store, text: str | None) -> date:
    if text is None:
        return last_day(store)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NabdError(f"--as-of {text!r} is not a date: write it as YYYY-MM-DD") from None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def model_record(model: ChurnModel, version: str | None = None) -> dict:
    """The fitted model's window and figures, JSON-ready."""
    return {"version": version, "engine": model.engine, "horizon_days": model.horizon_days,
            "every_days": model.every_days,
            "fit_dates": [model.fit_dates[0].isoformat(), model.fit_dates[-1].isoformat()],
            "validate_dates": [model.validate_dates[0].isoformat(), model.validate_dates[-1].isoformat()],
            "metrics": model.metrics, "importances": dict(list(model.importances.items())[:15])}


def render_model(record: dict) -> list[str]:
    """A fitted model's figures as lines of text."""
    m = record["metrics"]
    card = m.get("scorecard") or {}
    lines = [
        f"churn model {record['version'] or '(not stored)'}: {record['engine']}, churn within {record['horizon_days']} days",
        f"fitted on {record['fit_dates'][0]} to {record['fit_dates'][1]} ({m['fit_pairs']} (account, as-of) pairs, "
        f"{m['fit_churned_accounts']} churned accounts); validated out of time on {record['validate_dates'][0]} to "
        f"{record['validate_dates'][1]} ({m['validate_pairs']} pairs, churn rate {_pct(m['validate_churn_rate'])})",
        f"out-of-time AUC {_pct(m['auc'])}, PR-AUC {_pct(m['pr_auc'])}, top-decile lift {_pct(m['top_decile_lift'])}, "
        f"Brier {m['brier']:.4f} ({m['calibration']} calibration)",
        f"L1 logistic baseline: AUC {_pct(m['baseline']['auc'])}, PR-AUC {_pct(m['baseline']['pr_auc'])}, "
        f"lift {_pct(m['baseline']['top_decile_lift'])}",
    ]
    if card:
        lines.append(f"scorecard {card['scorecard']} ({card['version']}) on the same {card['pairs']} pairs: AUC "
                     f"{_pct(card['auc'])} (the model: {_pct(card['model_auc_same_pairs'])})")
    lines.append("calibration (predicted: pairs, mean predicted, observed):")
    lines += [f"  {r['low']:.0%}-{r['high']:.0%}: {r['pairs']:>6}  {r['predicted']:.3f}  {r['observed']:.3f}"
              for r in m["calibration_table"] if r["pairs"]]
    lines.append("top features (mean |contribution| to the log-odds): " + ", ".join(
        f"{k} {v:.3f}" for k, v in list(record["importances"].items())[:8]))
    return lines


def _emit(record: dict, lines: list[str], output: Format) -> None:
    if output is Format.json:
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        for line in lines:
            console.print(line, highlight=False, soft_wrap=True)


def _check_account(store: Store, account: str) -> None:
    if not store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?", [account]):
        raise NabdError(f"unknown account {account!r}")


def register(app: typer.Typer) -> None:
    """Add `nabd risk fit | predict | backtest | explain` and `nabd portfolio` (with its risk column) to the
    `nabd` application."""
    app.command("portfolio")(portfolio_command)
    risk = typer.Typer(help="Churn risk: fit the model, predict every account's risk with reasons, backtest, explain.",
                       no_args_is_help=True)
    app.add_typer(risk, name="risk")

    @risk.command("fit")
    def fit(horizon: HorizonOption = DEFAULT_HORIZON_DAYS, every: EveryOption = DEFAULT_EVERY_DAYS,
            model: EngineOption = Engine.auto, output: FormatOption = Format.table,
            database: DatabaseOption = None) -> None:
        """Fit on earlier as-of dates, calibrate and measure on later ones (out of time), and store the model."""
        with open_configured_store(database) as store:
            fitted = fit_churn_model(store, horizon, every, None if model is Engine.auto else model.value)
            version = save_model(store, fitted)
        record = model_record(fitted, version)
        _emit(record, render_model(record), output)

    @risk.command("backtest")
    def backtest(horizon: HorizonOption = DEFAULT_HORIZON_DAYS, every: EveryOption = DEFAULT_EVERY_DAYS,
                 model: EngineOption = Engine.auto, output: FormatOption = Format.table,
                 database: DatabaseOption = None) -> None:
        """Fit and measure out of time as `fit` does, against the scorecard on the same dates; nothing is stored."""
        with open_configured_store(database) as store:
            fitted = fit_churn_model(store, horizon, every, None if model is Engine.auto else model.value)
        record = model_record(fitted)
        _emit(record, render_model(record), output)

    @risk.command("predict")
    def predict(as_of: AsOfOption = None,
                account: Annotated[str | None, typer.Option("--account", "-a", help="Show only this account.", show_default=False)] = None,
                top: Annotated[int, typer.Option("--top", min=1, help="Show the riskiest N accounts.")] = 20,
                output: FormatOption = Format.table, database: DatabaseOption = None) -> None:
        """Predict every active account's churn risk with the newest model and store it with its reasons."""
        with open_configured_store(database) as store:
            if account is not None:
                _check_account(store, account)
            version, fitted = load_model(store)
            day = _day(store, as_of)
            accounts, p, told = predict_risk(store, fitted, day)
            stored = store_predictions(store, version, day, accounts, p, told)
        rows = sorted(({"account_id": a, "probability": float(q), "reasons": r} for a, q, r in zip(accounts, p, told)),
                      key=lambda row: (-row["probability"], row["account_id"]))
        if account is not None:
            rows = [row for row in rows if row["account_id"] == account]
            if not rows:
                raise NabdError(f"account {account!r} has no active subscription on {day}")
        else:
            rows = rows[:top]
        if output is Format.json:
            record = {"as_of": day.isoformat(), "model_version": version, "horizon_days": fitted.horizon_days,
                      "accounts": stored, "riskiest": rows}
            sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
            return
        console.print(f"{stored} accounts scored as of {day} with model {version} "
                      f"(churn within {fitted.horizon_days} days)", highlight=False)
        table = Table("account", "risk", "reasons")
        for row in rows:
            table.add_row(row["account_id"], f"{row['probability']:.1%}", "; ".join(r["en"] for r in row["reasons"]))
        console.print(table)

    @risk.command("explain")
    def explain(account: Annotated[str, typer.Argument(help="The account_id to explain.")],
                output: FormatOption = Format.table, database: DatabaseOption = None) -> None:
        """The account's newest stored risk and its reasons (run `nabd risk predict` first)."""
        with open_configured_store(database) as store:
            _check_account(store, account)
            load_model(store)  # one clear line when no model was fitted
            risk = account_risk(store, account)
        if risk is None:
            raise NabdError(f"no stored churn risk for account {account!r}: run `nabd risk predict` "
                            "(it scores accounts active on the day)")
        risk["as_of"] = risk["as_of"].isoformat()
        lines = [f"{account}: {risk['probability']:.1%} chance of churning within {risk['horizon_days']} days "
                 f"(as of {risk['as_of']}, model {risk['model_version']})"]
        lines += [f"  - {r['en']}  ({r['contribution']:+.2f} log-odds)" for r in risk["reasons"]]
        if not risk["reasons"]:
            lines.append("  no measure raises this account's risk above the average")
        _emit(risk, lines, output)
