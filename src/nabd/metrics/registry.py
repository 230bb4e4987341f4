"""Every metric by name, for the CLI and the Python API: ``compute(store, "nrr", start=..., end=...)``."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from nabd.errors import NabdError
from nabd.metrics import change, churn, cohorts, mrr, revenue, support, usage, value, voice
from nabd.store import Store
from nabd.store.compiled import kept_rows
from nabd.store.refusal import refused

Parts = Callable[[ibis.Table], tuple[ibis.Value, ibis.Value | None]]


@dataclass(frozen=True)
class MetricSpec:
    """A metric: the function computing it, one line for `nabd metrics`, and how its change splits by segment.

    ``parts`` gives (numerator, denominator) with value = scale x N / D (denominator None: additive), or None
    when the metric does not split exactly (medians, cohort matrices).
    """

    function: Callable[..., ibis.Table]
    description: str
    parts: Parts | None = None
    scale: float = 1.0

    def accepts(self, parameter: str) -> bool:
        """Whether the function takes ``parameter`` (a function taking **params passes everything on)."""
        parameters = inspect.signature(self.function).parameters
        return parameter in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _nrr_parts(t: ibis.Table) -> tuple[ibis.Value, ibis.Value]:
    return t.starting_mrr + t.expansion - t.contraction - t.churned, t.starting_mrr


METRICS: dict[str, MetricSpec] = {
    "customer_churn": MetricSpec(
        churn.customer_churn, "customer churn rate and logo retention: customers lost / customers at period start",
        lambda t: (t.customers_lost, t.customers_start)),
    "revenue_churn": MetricSpec(
        revenue.revenue_churn, "revenue churn rate: (start MRR - end MRR) / start MRR of customers at period start",
        lambda t: (t.starting_mrr - t.ending_mrr, t.starting_mrr)),
    "revenue_retention": MetricSpec(
        revenue.revenue_retention, "gross and net revenue churn, GRR and NRR over customers at period start",
        _nrr_parts),
    "mrr_movements": MetricSpec(
        mrr.mrr_movements, "MRR waterfall: opening + new + reactivation + expansion - contraction - churned + FX = closing",
        lambda t: (t.closing_mrr, None)),
    "cohort_retention": MetricSpec(
        cohorts.cohort_retention, "logo and revenue retention by start-period cohort and age (periods since start)"),
    "nps": MetricSpec(
        voice.nps, "Net Promoter Score: % promoters (9-10) - % detractors (0-6), with counts and a 95% CI",
        lambda t: (t.net_promoters, t.responses), 100.0),
    "csat": MetricSpec(
        voice.csat, "CSAT: % of responses 4-5 on a 1-5 scale, and the mean score",
        lambda t: (t.satisfied, t.responses), 100.0),
    "ces": MetricSpec(
        voice.ces, "Customer Effort Score: mean (1-7) and % easy (5-7)",
        lambda t: (t.easy, t.responses), 100.0),
    "ticket_volume": MetricSpec(
        support.ticket_volume, "tickets opened per customer account, and the backlog at period end",
        lambda t: (t.tickets_opened, t.customers_start)),
    "ticket_times": MetricSpec(
        support.ticket_times, "first-response and handle (open to close) times in hours, mean and median"),
    "ticket_csat": MetricSpec(
        support.ticket_csat, "CSAT of closed tickets: % rated 4-5, and the mean rating",
        lambda t: (t.satisfied, t.rated), 100.0),
    "lifetime_value": MetricSpec(
        value.lifetime_value, "ARPA and customer lifetime value = ARPA x gross margin / churn rate",
        lambda t: (t.starting_mrr, t.customers_start)),
    "acquisition_cost": MetricSpec(
        value.acquisition_cost, "CAC = acquisition spend / new customers, LTV:CAC and months to recover CAC"),
    "active_users": MetricSpec(
        usage.active_users, "daily and weekly active users per customer account",
        lambda t: (t.active_users, t.customers_start)),
    "session_minutes": MetricSpec(
        usage.session_minutes, "session minutes per customer account and per session",
        lambda t: (t.session_minutes, t.customers_start)),
    "feature_adoption": MetricSpec(
        usage.feature_adoption, "feature adoption %: distinct features used / features offered, per account",
        lambda t: (t.features_used, t.customers_start * t.features_offered), 100.0),
}
METRICS["change_explained"] = MetricSpec(  # the registry passes itself: change.py never imports it
    functools.partial(change.change_explained, metrics=METRICS),
    "how each segment moved a metric between the periods of --from and --to")


def metric_expression(store: Store, name: str, **params: Any) -> ibis.Table:
    """Metric ``name`` with ``params`` (period, start, end, by, ...) as an expression on ``store``'s engine."""
    spec = METRICS.get(name)
    if spec is None:
        raise NabdError(f"unknown metric {name!r}: run `nabd metrics` to list them")
    unknown = [key for key in params if not spec.accepts(key)]
    if unknown:
        raise NabdError(f"metric {name!r} takes no parameter {unknown[0]!r}")
    return spec.function(store, **params)


def compute(store: Store, name: str, **params: Any) -> pa.Table:
    """Run metric ``name`` with ``params`` (period, start, end, by, ...) and return its rows as a pyarrow Table
    (a refusal the engine raised while running it, such as a missing exchange rate, as a NabdError). Its SQL is
    built and compiled once per metric and parameters, then kept (nabd.store.compiled.kept_rows)."""
    recipe = f"metric-{name} {sorted(params.items())!r}"
    try:
        return kept_rows(store, recipe, lambda: metric_expression(store, name, **params))
    except Exception as error:
        if (refusal := refused(error)) is not None:
            raise refusal from None
        raise
