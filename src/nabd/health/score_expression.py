"""The score of a scorecard as one engine expression: raw measure values -> measure scores (0-100) ->
weighted score -> integer -> band.

Weights are the scorecard's (or its segment's) normalised to 100. Missing data: ``reweight`` divides by
the weight of the available measures, ``neutral`` scores a missing measure ``neutral_score``; below
``minimum_coverage`` (available weight / 100) an account gets no score. The weighted score is rounded
half-up to an integer, then banded (DESIGN.md).
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.health.measures import measure_values
from nabd.health.scorecard import (
    Boolean,
    MeasureSpec,
    Percentile,
    Piecewise,
    Rule,
    Scorecard,
    Thresholds,
    resolved_measures,
)
from nabd.store import Store
from nabd.store.sql import float_literal

ROUNDING_TOLERANCE = 1e-9  # float sums such as 50.49999999999999 are 50.5: round half-up still gives 51


def rule_score(
    rule: Rule, value: ibis.NumericValue, percentile: ibis.NumericValue | None = None
) -> ibis.NumericValue:
    """The 0-100 score of ``value`` under ``rule``; null stays null (no data). A percentile rule's score is
    ``percentile``, the measure's ``pct__`` column from :func:`with_percentiles`."""
    match rule:
        case Thresholds():
            steps = [(value >= step.min, float_literal(step.score)) for step in reversed(rule.steps)]
            scored = ibis.cases(*steps, else_=float_literal(rule.below))
        case Piecewise():
            (x0, s0), sn = rule.points[0], rule.points[-1][1]
            pieces = [(value <= x0, float_literal(s0))] + [
                (value < x2, s1 + (value - x1) * (s2 - s1) / (x2 - x1))
                for (x1, s1), (x2, s2) in zip(rule.points, rule.points[1:])
            ]
            scored = ibis.cases(*pieces, else_=float_literal(sn))
        case Percentile():
            scored = percentile
        case Boolean():
            scored = ibis.ifelse(value != 0, float_literal(rule.true_score), float_literal(rule.false_score))
    return ibis.ifelse(value.isnull(), ibis.null("float64"), scored)


def with_percentiles(values: ibis.Table, measures: list[MeasureSpec]) -> ibis.Table:
    """``values`` with ``pct__<id>`` for each percentile measure: 100 x percent_rank among the accounts of the
    same segment (case-insensitive, null = '') that have a value, 100 - that when lower is better, 50 when alone.

    percent_rank = (rank - 1) / (n - 1). All the measures are ranked in one window over narrow long rows
    (account, peer, measure, value), brought back to one row per account by conditional aggregation and
    joined on account_id: a window per measure over the whole row copied every column once per measure."""
    percentiles = [m for m in measures if isinstance(m.rule, Percentile)]
    if not percentiles:
        return values
    values = values.alias("measure_values")  # a named CTE: the engine computes it once for all the reads
    peer = values.segment.lower().fill_null("")
    parts = []
    for k, m in enumerate(percentiles):
        value = values[f"r__{m.id}"]
        part = values.select(account=values.account_id, peer=peer, measure=ibis.literal(k), value=value)
        parts.append(part.filter(part.value.notnull()))
    long = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    group = [long.measure, long.peer]
    long = long.select(
        "account", "measure",
        rank=long.value.percent_rank().over(ibis.window(group_by=group, order_by=long.value)),
        alone=long.value.count().over(ibis.window(group_by=group)) <= 1,
    )
    scores = {}
    for k, m in enumerate(percentiles):
        percent = 100 * long.rank if m.rule.higher_is_better else 100 - 100 * long.rank
        score = ibis.ifelse(long.alone, float_literal(50), percent)
        scores[f"pct__{m.id}"] = ibis.ifelse(long.measure == k, score, ibis.null("float64")).max()
    wide = long.group_by("account").aggregate(**scores)
    joined = values.left_join(wide, values.account_id == wide.account)
    return joined.select(*values.columns, *scores)


def weight_set(scorecard: Scorecard, segment: ibis.StringValue) -> ibis.IntegerValue:
    """The account's weights: k for the scorecard's k-th segment override (case-insensitive), 0 for its own."""
    cases = [(segment.lower() == name.lower(), k) for k, name in enumerate(scorecard.segments, start=1)]
    return ibis.cases(*cases, else_=0) if cases else ibis.literal(0)


def weight_sets(scorecard: Scorecard) -> dict[int, dict[str, float]]:
    """The normalised weights of each weight set (see :func:`weight_set`)."""
    return {0: scorecard.weights(), **{k: scorecard.weights(name) for k, name in enumerate(scorecard.segments, start=1)}}


def set_weight(scorecard: Scorecard, measure_id: str, number: ibis.IntegerValue) -> ibis.NumericValue:
    """The measure's normalised weight in weight set ``number``."""
    sets = weight_sets(scorecard)
    cases = [(number == k, float_literal(weights[measure_id])) for k, weights in sets.items() if k]
    return ibis.cases(*cases, else_=float_literal(sets[0][measure_id])) if cases else float_literal(sets[0][measure_id])


def scored(store: Store, scorecard: Scorecard, as_of: date | ibis.DateValue) -> ibis.Table:
    """Per active account: raw value ``r__``, score ``s__``, weight ``w__`` and contribution ``c__`` of each
    measure; weight_set, coverage, weighted_score, score (integer, half-up) and band (null below minimum coverage).

    contribution = weight x score / (coverage x 100) (reweight) or weight x (score or neutral_score) / 100
    (neutral); the view health_measure_scores computes it again from what a run stores, the same way."""
    values = with_percentiles(measure_values(store, resolved_measures(scorecard), as_of), scorecard.measures)
    ids = [m.id for m in scorecard.measures]
    percentiles = {m.id: values[f"pct__{m.id}"] for m in scorecard.measures if isinstance(m.rule, Percentile)}
    # Each stage reads the previous stage's columns; .view() keeps Ibis from inlining them into one
    # ever-growing expression (the SQL stays linear in the number of measures).
    number = weight_set(scorecard, values.segment)
    values = values.mutate(
        **{f"s__{m.id}": rule_score(m.rule, values[f"r__{m.id}"], percentiles.get(m.id))
           for m in scorecard.measures},
        **{f"w__{i}": set_weight(scorecard, i, number) for i in ids},
        weight_set=number,
    )
    values = values.select(*[c for c in values.columns if not c.startswith("pct__")]).view()
    available = {i: values[f"s__{i}"].notnull() for i in ids}
    values = values.mutate(
        available_weight=sum((ibis.ifelse(available[i], values[f"w__{i}"], float_literal(0)) for i in ids), float_literal(0))
    ).view()
    values = values.mutate(coverage=values.available_weight / 100).view()
    available = {i: values[f"s__{i}"].notnull() for i in ids}
    policy = scorecard.missing_data
    if policy.policy == "reweight":
        contributions = {
            i: ibis.ifelse(available[i], values[f"w__{i}"] * values[f"s__{i}"] / (values.coverage * 100), None)
            for i in ids
        }
    else:
        contributions = {
            i: values[f"w__{i}"] * values[f"s__{i}"].fill_null(float_literal(policy.neutral_score)) / 100 for i in ids
        }
    enough = (values.available_weight > 0) & (values.coverage >= policy.minimum_coverage - ROUNDING_TOLERANCE)
    values = values.mutate(
        enough=enough,
        **{f"c__{i}": ibis.ifelse(enough, contributions[i], ibis.null("float64")) for i in ids},
    ).view()
    weighted = sum((values[f"c__{i}"].fill_null(float_literal(0)) for i in ids), float_literal(0))
    values = values.mutate(weighted_score=ibis.ifelse(values.enough, weighted, ibis.null("float64"))).view()
    score = (values.weighted_score + 0.5 + ROUNDING_TOLERANCE).floor().cast("int64")
    band = ibis.cases(*[(score <= b.range[1], b.id) for b in scorecard.bands], else_=ibis.null("string"))
    # one column per drop: Ibis keeps the columns of one drop in a set, whose order (and so the SQL) would
    # change with Python's string hashing from process to process
    banded = values.mutate(score=score, band=ibis.ifelse(score.isnull(), ibis.null("string"), band))
    return banded.drop("available_weight").drop("enough")
