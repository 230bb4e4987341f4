"""Per-account lifetime value from the store: sBG for subscriptions, BG/NBD + Gamma-Gamma for invoices.

Both fit on the engine's aggregated histories (nabd.risk.renewals, nabd.risk.purchases) and return one
row per account with 95% delta-method intervals (parameter uncertainty only). Money is in the reporting
currency; ``discount_rate`` is per year, converted per period as (1 + d)^(months / 12) - 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nabd.errors import NabdError
from nabd.risk.bgnbd import BetaGeometricNBDFitter, expected_purchases
from nabd.risk.estimation import Estimate, delta_interval
from nabd.risk.gamma_gamma import GammaGammaFitter, expected_spend
from nabd.risk.purchases import DAYS_PER_UNIT, purchase_history, purchase_outcomes
from nabd.risk.renewals import (
    MONTHS_PER_CADENCE,
    active_accounts_value,
    renewal_history,
    renewal_outcomes,
)
from nabd.risk.sbg import ShiftedBetaGeometricFitter, survival
from nabd.store import Store

DEFAULT_DISCOUNT_RATE = 0.10  # per year, as in Fader & Hardie (2010)
DAYS_PER_MONTH = 365.25 / 12


def discount_per_period(yearly: float, months: float) -> float:
    """(1 + d_year)^(months / 12) - 1."""
    if yearly <= 0:
        raise NabdError("--discount-rate must be above 0 (a yearly rate, e.g. 0.1)")
    return (1.0 + yearly) ** (months / 12.0) - 1.0


def check_horizon(horizon_days: int, first: date | None, as_of: date, what: str) -> None:
    """Refuse a horizon that is not positive or longer than the history (first fact to as_of)."""
    if horizon_days <= 0:
        raise NabdError("--horizon must be a positive number of days")
    history_days = (as_of - first).days if first else 0
    if horizon_days > history_days:
        raise NabdError(
            f"a horizon of {horizon_days} days is longer than the {history_days} days of {what} history "
            f"up to {as_of}: use --horizon {max(history_days, 1)} or less"
        )


# -- subscriptions: sBG per group and cadence -------------------------------------------------------


def fit_retention(store: Store, as_of: date, by: str | None = None) -> dict[tuple[str, str], ShiftedBetaGeometricFitter]:
    """One fitted sBG per (group, cadence) with at least one churn; refuses a store without subscriptions."""
    outcomes = renewal_outcomes(renewal_history(store, as_of, by))
    outcomes = outcomes.order_by("group", "cadence", "periods", "churned").to_pyarrow().to_pylist()
    if not outcomes:
        raise NabdError(f"no subscriptions started on or before {as_of}: nothing to fit the retention model on")
    fitted: dict[tuple[str, str], ShiftedBetaGeometricFitter] = {}
    keys = sorted({(row["group"], row["cadence"]) for row in outcomes})
    for key in keys:
        rows = [row for row in outcomes if (row["group"], row["cadence"]) == key]
        if not any(row["churned"] for row in rows):
            continue
        fitted[key] = ShiftedBetaGeometricFitter().fit(
            [row["periods"] for row in rows], [row["churned"] for row in rows], [row["accounts"] for row in rows]
        )
    if not fitted:
        raise NabdError(
            f"no subscription churned on or before {as_of}: the retention model needs at least one churn to fit"
        )
    return fitted


def retention_parameters(fitted: dict[tuple[str, str], ShiftedBetaGeometricFitter]) -> pa.Table:
    """(group, cadence, parameter, value, se, lower_95, upper_95, log_likelihood, note) of each fitted sBG.

    alpha + beta beyond 10^4 means no heterogeneity was found: every customer churns with the same
    probability alpha / (alpha + beta) per period (the geometric limit), which the note states.
    """
    rows = []
    for (group, cadence), model in fitted.items():
        note = None
        if model.alpha + model.beta > 1e4:
            note = f"no heterogeneity found: churn {model.alpha / (model.alpha + model.beta):.4f} per period for everyone"
        rows += [{"group": group, "cadence": cadence, **row, "log_likelihood": model.estimate.log_likelihood,
                  "note": note} for row in model.summary]
    return pa.Table.from_pylist(rows)


def predict_retention_value(
    store: Store, as_of: date, *, by: str | None = None, horizon_days: int = 365,
    discount_rate: float = DEFAULT_DISCOUNT_RATE, reporting_currency: str = "USD",
) -> pa.Table:
    """Per active account: renewals n, value_per_period, p_renew_next = r(n + 1), p_active_at_horizon =
    S(n + h) / S(n) (h = the horizon in whole periods), expected_remaining_periods = (beta + n) / (alpha - 1) (null when alpha <= 1),
    residual_value = value_per_period x DERL(d | n) with its 95% interval."""
    history = renewal_history(store, as_of, by)
    first = history.first_start.min().to_pyarrow().as_py()
    check_horizon(horizon_days, first, as_of, "subscription")
    fitted = fit_retention(store, as_of, by)
    accounts = active_accounts_value(store, as_of, by, reporting_currency).order_by("account_id").to_pyarrow()
    columns: dict[str, list] = {name: [] for name in (
        "account_id", "group", "cadence", "renewals", "value_per_period", "p_renew_next", "p_active_at_horizon",
        "expected_remaining_periods", "residual_value", "residual_value_lower", "residual_value_upper", "note",
    )}
    for (group, cadence), model in fitted.items():
        mine = accounts.filter(
            pc.and_(pc.equal(accounts["group"], group), pc.equal(accounts["cadence"], cadence))
        )
        if mine.num_rows == 0:
            continue
        n = np.asarray(mine["renewals"].to_pylist(), float)
        value = np.asarray(mine["value_per_period"].to_pylist(), float)
        months = MONTHS_PER_CADENCE[cadence]
        h = round(horizon_days / (DAYS_PER_MONTH * months))  # renewals within the horizon, in whole periods
        alpha, beta = model.alpha, model.beta
        remaining, _, _ = model.predict_remaining_periods(n)
        residual, lower, upper = model.predict_residual_value(n, value, discount_per_period(discount_rate, months))
        columns["account_id"] += mine["account_id"].to_pylist()
        columns["group"] += [group] * mine.num_rows
        columns["cadence"] += [cadence] * mine.num_rows
        columns["renewals"] += [int(v) for v in n]
        columns["value_per_period"] += list(value)
        columns["p_renew_next"] += list((beta + n) / (alpha + beta + n))
        columns["p_active_at_horizon"] += list(survival(alpha, beta, n + h) / survival(alpha, beta, n))
        columns["expected_remaining_periods"] += [None if np.isinf(v) else float(v) for v in remaining]
        columns["residual_value"] += list(residual)
        columns["residual_value_lower"] += list(lower)
        columns["residual_value_upper"] += list(upper)
        columns["note"] += [
            "alpha <= 1: the undiscounted expected lifetime is unbounded" if alpha <= 1 else None
        ] * mine.num_rows
    for name in ("p_renew_next", "p_active_at_horizon", "residual_value", "residual_value_lower", "residual_value_upper"):
        columns[name] = _column(np.asarray(columns[name], float))
    return _sorted(pa.table(columns))


# -- invoices: BG/NBD + Gamma-Gamma ------------------------------------------------------------------


@dataclass
class PurchaseModels:
    """The fitted purchase (BG/NBD) and spend (Gamma-Gamma, None when too few repeat buyers) models."""

    purchases: BetaGeometricNBDFitter
    spend: GammaGammaFitter | None


def fit_purchases(store: Store, as_of: date, reporting_currency: str = "USD") -> PurchaseModels:
    """BG/NBD on every account's purchase history, Gamma-Gamma on its repeat buyers; refuses a store without invoices."""
    history = purchase_history(store, as_of, reporting_currency)
    grouped = purchase_outcomes(history).order_by("frequency", "recency", "T").to_pyarrow()  # same input, same fit
    if grouped.num_rows == 0:
        raise NabdError(f"no invoices issued on or before {as_of}: nothing to fit the purchase model on")
    purchases = BetaGeometricNBDFitter().fit(
        grouped["frequency"].to_pylist(), grouped["recency"].to_pylist(), grouped["T"].to_pylist(),
        grouped["customers"].to_pylist(),
    )
    repeat = history.filter(history.frequency > 0).order_by("account_id").select("frequency", "monetary_value").to_pyarrow()
    spend = None
    if repeat.num_rows >= 2:
        spend = GammaGammaFitter().fit(repeat["frequency"].to_pylist(), repeat["monetary_value"].to_pylist())
    return PurchaseModels(purchases, spend)


def purchase_parameters(models: PurchaseModels) -> pa.Table:
    """(model, parameter, value, se, lower_95, upper_95, log_likelihood) of BG/NBD and Gamma-Gamma."""
    rows = [{"model": "bgnbd", **row, "log_likelihood": models.purchases.estimate.log_likelihood}
            for row in models.purchases.summary]
    if models.spend is not None:
        rows += [{"model": "gamma_gamma", **row, "log_likelihood": models.spend.estimate.log_likelihood}
                 for row in models.spend.summary]
    return pa.Table.from_pylist(rows)


def _joint(first: Estimate, second: Estimate) -> Estimate:
    """Both models' parameters as one estimate; fitted apart, so the covariance is block-diagonal."""
    covariance = None
    if first.log_covariance is not None and second.log_covariance is not None:
        size = len(first.values) + len(second.values)
        covariance = np.zeros((size, size))
        covariance[: len(first.values), : len(first.values)] = first.log_covariance
        covariance[len(first.values):, len(first.values):] = second.log_covariance
    return Estimate(first.names + second.names, np.concatenate([first.values, second.values]), covariance,
                    first.log_likelihood + second.log_likelihood)


def discounted_value(
    params: np.ndarray, months: int, monthly_discount: float, margin: float,
    x: np.ndarray, t_x: np.ndarray, T: np.ndarray, m: np.ndarray,
) -> np.ndarray:
    """clv = margin x E[Z | m, x] x sum_{i=1..months} (E[Y(i s)] - E[Y((i - 1) s)]) / (1 + d)^i, s = one month in weeks."""
    step = DAYS_PER_MONTH / DAYS_PER_UNIT
    purchases, spend = params[:4], params[4:]
    total = np.zeros_like(x)
    previous = np.zeros_like(x)
    for i in range(1, months + 1):
        current = expected_purchases(purchases, i * step, x, t_x, T)
        total += (current - previous) / (1.0 + monthly_discount) ** i
        previous = current
    return margin * expected_spend(spend, x, m) * total


def predict_purchase_value(
    store: Store, as_of: date, *, horizon_days: int = 365, discount_rate: float = DEFAULT_DISCOUNT_RATE,
    gross_margin: float = 1.0, reporting_currency: str = "USD",
) -> pa.Table:
    """Per account with a purchase: frequency, recency, T (weeks), p_alive, expected_purchases over the horizon,
    expected_spend per purchase and clv (discounted monthly, x gross_margin), each with its 95% interval."""
    history = purchase_history(store, as_of, reporting_currency)
    first = history.first_day.min().to_pyarrow().as_py()
    if first is None:
        raise NabdError(f"no invoices issued on or before {as_of}: nothing to fit the purchase model on")
    check_horizon(horizon_days, first, as_of, "invoice")
    models = fit_purchases(store, as_of, reporting_currency)
    table = history.order_by("account_id").to_pyarrow()
    x, t_x, T, m = (np.asarray(table[name].to_pylist(), float) for name in ("frequency", "recency", "T", "monetary_value"))
    horizon = horizon_days / DAYS_PER_UNIT
    alive, alive_lower, alive_upper = models.purchases.predict_alive(x, t_x, T)
    bought, bought_lower, bought_upper = models.purchases.predict_purchases(horizon, x, t_x, T)
    columns = {
        "account_id": table["account_id"], "frequency": table["frequency"], "recency": t_x, "T": T,
        "monetary_value": m, "p_alive": alive, "p_alive_lower": alive_lower, "p_alive_upper": alive_upper,
        "expected_purchases": bought, "expected_purchases_lower": bought_lower,
        "expected_purchases_upper": bought_upper,
    }
    if models.spend is None:
        nothing = [None] * len(x)
        columns.update(expected_spend=nothing, clv=nothing, clv_lower=nothing, clv_upper=nothing,
                       note=["fewer than 2 repeat buyers: no spend model"] * len(x))
        return _table(columns)
    spend, spend_lower, spend_upper = models.spend.predict_spend(x, m)
    months = max(1, round(horizon_days / DAYS_PER_MONTH))
    monthly = discount_per_period(discount_rate, 1)
    clv, clv_lower, clv_upper = delta_interval(
        lambda p: discounted_value(p, months, monthly, gross_margin, x, t_x, T, np.where(x > 0, m, 0.0)),
        _joint(models.purchases.estimate, models.spend.estimate),
    )
    columns.update(
        expected_spend=spend, expected_spend_lower=spend_lower, expected_spend_upper=spend_upper,
        clv=clv, clv_lower=clv_lower, clv_upper=clv_upper, note=[None] * len(x),
    )
    return _table(columns)


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by("account_id") if table.num_rows else table


def _column(values: object) -> object:
    """A numpy column as plain floats, NaN (no interval) as null."""
    if isinstance(values, np.ndarray):
        return [None if np.isnan(v) else float(v) for v in values.astype(float)]
    return values


def _table(columns: dict[str, object]) -> pa.Table:
    return pa.table({name: _column(values) for name, values in columns.items()})
