"""The `nabd clv` commands: fit the lifetime value models and predict per account; cli.py calls :func:`register`."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import pyarrow as pa
import pyarrow.compute as pc
import typer

from nabd.config import load_settings
from nabd.console import DatabaseOption, console, open_configured_store
from nabd.errors import NabdError
from nabd.metrics.breakdown import ACCOUNT_BREAKDOWNS, check_breakdown
from nabd.metrics.commands import OutputFormat, _print
from nabd.risk.clv_storage import store_clv
from nabd.risk.lifetime_value import (
    DEFAULT_DISCOUNT_RATE,
    fit_purchases,
    fit_retention,
    predict_purchase_value,
    predict_retention_value,
    purchase_parameters,
    retention_parameters,
)
from nabd.store import Store
from nabd.store.calendar import today


class Model(str, Enum):
    auto = "auto"
    sbg = "sbg"
    bgnbd = "bgnbd"


ModelOption = Annotated[Model, typer.Option(
    "--model", "-m",
    help="sbg (subscriptions), bgnbd (invoices, BG/NBD + Gamma-Gamma) or auto (sbg when there are subscriptions).",
)]
ByOption = Annotated[str | None, typer.Option(
    "--by", help=f"sBG: fit one model per {', '.join(ACCOUNT_BREAKDOWNS)} (and cadence).", show_default=False,
)]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="Use only facts known on this day (YYYY-MM-DD); default today in NABD_TIMEZONE.", show_default=False,
)]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output: table, csv or json.")]
CurrencyOption = Annotated[str | None, typer.Option(
    "--currency", help="Reporting currency (default NABD_REPORTING_CURRENCY or USD).", show_default=False,
)]


def _as_of(text: str | None) -> date:
    if text is None:
        return today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NabdError(f"--as-of {text!r} is not a date: write it as YYYY-MM-DD") from None


def _chosen(store: Store, model: Model) -> Model:
    """auto: sbg when the store holds subscriptions, else bgnbd."""
    if model is not Model.auto:
        return model
    if store.scalar("SELECT count(*) FROM subscriptions"):
        return Model.sbg
    if store.scalar("SELECT count(*) FROM invoices"):
        return Model.bgnbd
    raise NabdError("no subscriptions or invoices to fit a lifetime value model on: import some first")


def register(app: typer.Typer) -> None:
    """Add `nabd clv fit` and `nabd clv predict` to the `nabd` application."""
    clv = typer.Typer(help="Lifetime value models: sBG for subscriptions, BG/NBD + Gamma-Gamma for invoices.",
                      no_args_is_help=True)
    app.add_typer(clv, name="clv")

    @clv.command("fit")
    def fit(
        model: ModelOption = Model.auto, by: ByOption = None, as_of: AsOfOption = None,
        output: FormatOption = OutputFormat.table, currency: CurrencyOption = None, database: DatabaseOption = None,
    ) -> None:
        """Fit the model by maximum likelihood and show its parameters with standard errors and 95% intervals;
        sbg also stores every active account's residual value (one fit per cadence) for the web app."""
        day = _as_of(as_of)
        check_breakdown(by)
        reporting = currency or load_settings(database).reporting_currency
        with open_configured_store(database) as store:
            if _chosen(store, model) is Model.sbg:
                result = retention_parameters(fit_retention(store, day, by))
                stored = store_clv(store, day, reporting)
                if output is OutputFormat.table:
                    console.print(f"stored the residual lifetime value of {stored} accounts on {day} (account page, "
                                  "dashboard, /api/v1/accounts/ID/clv)", highlight=False)
            else:
                if by is not None:
                    raise NabdError("--by applies to the sbg model only")
                result = purchase_parameters(fit_purchases(store, day, reporting))
        _print(result, output)

    @clv.command("predict")
    def predict(
        account: Annotated[str | None, typer.Option("--account", "-a", help="Only this account.", show_default=False)] = None,
        horizon: Annotated[int, typer.Option("--horizon", help="Days ahead for purchases, value and P(active); at most the history's length.")] = 365,
        discount_rate: Annotated[float, typer.Option("--discount-rate", help="Yearly discount rate of future value.")] = DEFAULT_DISCOUNT_RATE,
        gross_margin: Annotated[float, typer.Option("--gross-margin", help="bgnbd: share of spend that is margin (1 = revenue).")] = 1.0,
        model: ModelOption = Model.auto, by: ByOption = None, as_of: AsOfOption = None,
        output: FormatOption = OutputFormat.table, currency: CurrencyOption = None, database: DatabaseOption = None,
    ) -> None:
        """Per account: sbg -> residual value (DERL) and renewal odds; bgnbd -> P(alive), purchases, spend and CLV."""
        day = _as_of(as_of)
        check_breakdown(by)
        if not 0 < gross_margin <= 1:
            raise NabdError("--gross-margin must be above 0 and at most 1")
        reporting = currency or load_settings(database).reporting_currency
        with open_configured_store(database) as store:
            if account is not None and not store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?", [account]):
                raise NabdError(f"unknown account {account!r}")
            if _chosen(store, model) is Model.sbg:
                result = predict_retention_value(
                    store, day, by=by, horizon_days=horizon, discount_rate=discount_rate, reporting_currency=reporting
                )
                missing = f"account {account!r} has no active subscription on {day}"
            else:
                if by is not None:
                    raise NabdError("--by applies to the sbg model only")
                result = predict_purchase_value(
                    store, day, horizon_days=horizon, discount_rate=discount_rate, gross_margin=gross_margin,
                    reporting_currency=reporting,
                )
                missing = f"account {account!r} has no invoice issued on or before {day}"
        if account is not None:
            result = result.filter(pc.equal(result["account_id"], pa.scalar(account)))
            if result.num_rows == 0:
                raise NabdError(missing)
        _print(result, output)
