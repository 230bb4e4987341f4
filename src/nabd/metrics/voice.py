"""Voice of the customer: NPS, CSAT and CES from survey responses, by period and touchpoint or account attribute.

A response belongs to the period containing the local day (company timezone) of ``responded_at``.
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.breakdown import (
    ACCOUNT_BREAKDOWNS,
    NO_VALUE,
    check_breakdown,
    every_period,
    with_groups,
)
from nabd.metrics.periods import dated_at, periods
from nabd.metrics.ratios import note, ratio
from nabd.store import Store

SURVEY_BREAKDOWNS: tuple[str, ...] = (*ACCOUNT_BREAKDOWNS, "touchpoint")
Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def _responses(store: Store, kind: str, bounds: ibis.Table, period: str, by: str | None) -> ibis.Table:
    """Responses of one ``kind`` in the periods of ``bounds``, with period_start and the ``by`` column."""
    check_breakdown(by, SURVEY_BREAKDOWNS)
    responses = store.table("survey_responses")
    responses = responses.filter(responses.kind == kind)
    responses = dated_at(responses, responses.responded_at, bounds, period)
    responses = responses.mutate(score=responses.score.cast("float64"))
    if by == "touchpoint":
        return responses.mutate(touchpoint=responses.touchpoint.fill_null(NO_VALUE))
    return with_groups(store, responses, by)


def _keys(by: str | None) -> list[str]:
    return ["period_start"] + ([by] if by else [])


def nps(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """nps = 100 x (promoters 9-10 - detractors 0-6) / responses, with a 95% CI:
    nps +- 1.96 x 100 x sqrt((p + d - (p - d)^2) / n), p and d the promoter and detractor shares, clipped to
    [-100, 100]; all three null in a period without responses.
    """
    bounds = periods(period, start, end)
    responses = _responses(store, "nps", bounds, period, by)
    stats = responses.group_by(_keys(by)).aggregate(
        responses=responses.count(),
        promoters=(responses.score >= 9).sum(),
        passives=((responses.score >= 7) & (responses.score <= 8)).sum(),
        detractors=(responses.score <= 6).sum(),
    )
    zero = ibis.literal(0, "int64")
    table = every_period(bounds, stats, by, {c: zero for c in ("responses", "promoters", "passives", "detractors")})
    promoter_share = ratio(table.promoters, table.responses)
    detractor_share = ratio(table.detractors, table.responses)
    score = 100.0 * (promoter_share - detractor_share)
    spread = (promoter_share + detractor_share - (promoter_share - detractor_share) ** 2) / table.responses.cast("float64")
    margin = Z_95 * 100.0 * spread.sqrt()
    return table.mutate(
        net_promoters=table.promoters - table.detractors,
        nps=score,
        # GREATEST and LEAST skip a null: a period without responses has no interval, as it has no score
        nps_low=ibis.ifelse(score.notnull(), ibis.greatest(score - margin, -100.0), None),
        nps_high=ibis.ifelse(score.notnull(), ibis.least(score + margin, 100.0), None),
        note=note((table.responses == 0, "no responses in the period")),
    )


def _scale_counts(
    store: Store, kind: str, good_from: int, good: str, *, period: str, start: date, end: date, by: str | None
) -> ibis.Table:
    """Per period (and group): responses, ``good`` = responses scoring >= good_from, score_sum; every period present."""
    bounds = periods(period, start, end)
    responses = _responses(store, kind, bounds, period, by)
    stats = responses.group_by(_keys(by)).aggregate(
        responses=responses.count(), **{good: (responses.score >= good_from).sum()}, score_sum=responses.score.sum()
    )
    zero = ibis.literal(0, "int64")
    return every_period(bounds, stats, by, {"responses": zero, good: zero})


def csat(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """csat_pct = 100 x responses scoring 4-5 / responses (1-5 scale); csat_mean = mean score."""
    table = _scale_counts(store, "csat", 4, "satisfied", period=period, start=start, end=end, by=by)
    return table.select(
        "period_start", "next_start", *([by] if by else []), "responses", "satisfied",
        csat_pct=100.0 * ratio(table.satisfied, table.responses),
        csat_mean=ratio(table.score_sum, table.responses),
        note=note((table.responses == 0, "no responses in the period")),
    )


def ces(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None
) -> ibis.Table:
    """ces_mean = mean effort score (1-7); easy_pct = 100 x responses scoring 5-7 / responses."""
    table = _scale_counts(store, "ces", 5, "easy", period=period, start=start, end=end, by=by)
    return table.select(
        "period_start", "next_start", *([by] if by else []), "responses", "easy",
        ces_mean=ratio(table.score_sum, table.responses),
        easy_pct=100.0 * ratio(table.easy, table.responses),
        note=note((table.responses == 0, "no responses in the period")),
    )
