"""The scoring run: the score expression (nabd.health.score_expression) compiled once, run for an as-of date
and stored (nabd.health.score_storage); backfills of many dates; the score trend of stored runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import ibis

from nabd.errors import NabdError
from nabd.health.coverage import missing_by_measure
from nabd.health.score_expression import scored
from nabd.health.score_storage import constant_measures, store_scores
from nabd.health.scorecard import Scorecard
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.compiled import kept_per_day
from nabd.store.per_day import DaySQL, as_of_parameter, sentinel_sql


@dataclass
class ScoringRun:
    """What one scoring run stored."""

    as_of: date
    scorecard: str
    version: str
    accounts: int
    unscored: int
    bands: dict[str, int]
    band_changes: int
    warnings: list[str] = field(default_factory=list)
    missing: dict[str, int] = field(default_factory=dict)  # unscored accounts without each measure's value


def scoring_sql(store: Store, scorecard: Scorecard) -> DaySQL:
    """:func:`scored` compiled to SQL once; called with an as-of date, the SQL of that date
    (nabd.store.per_day: without paying Ibis' compile time once per date of a backfill or backtest).

    Kept per scorecard version (nabd.store.compiled): the next process scoring with the same scorecard
    version neither builds nor compiles the expression.
    """

    def write() -> str:
        as_of = as_of_parameter()
        return sentinel_sql(store, scored(store, scorecard, as_of), as_of)

    return kept_per_day(store, f"scoring {scorecard.version}", write)


def run_scoring(
    store: Store, scorecard: Scorecard, as_of: date, compiled: DaySQL | None = None
) -> ScoringRun:
    """Score every active account on ``as_of`` and store it; re-running the same as_of replaces, never repeats.

    ``compiled`` is :func:`scoring_sql` of the scorecard, when the caller scores many dates.
    """
    version = scorecard.version
    scoring = compiled or scoring_sql(store, scorecard)(as_of)  # a DaySQL: many dates (prepared on PostgreSQL)
    store_scores(store, scorecard, scoring, as_of, utc_now(microseconds=True))
    warnings = constant_measures(store, scorecard, as_of)
    bands = dict(store.fetchall(
        "SELECT band, count(*) FROM health_scores WHERE as_of = ? AND scorecard_version = ? "
        "AND band IS NOT NULL GROUP BY band", [as_of, version],
    ))
    total = store.scalar(
        "SELECT count(*) FROM health_scores WHERE as_of = ? AND scorecard_version = ?", [as_of, version]
    )
    changes = store.scalar(
        "SELECT count(*) FROM health_band_changes WHERE as_of = ? AND scorecard_version = ?", [as_of, version]
    )
    unscored = total - sum(bands.values())
    missing = missing_by_measure(store, scorecard, as_of)[1] if unscored else {}
    return ScoringRun(
        as_of, scorecard.name, version, total, unscored,
        {b.id: bands.get(b.id, 0) for b in scorecard.bands}, changes, warnings, missing,
    )


def run_backfill(store: Store, scorecard: Scorecard, first: date, last: date, every_days: int) -> list[ScoringRun]:
    """Score each as-of date from ``first`` to ``last`` every ``every_days`` days, oldest first."""
    if last < first:
        raise NabdError(f"--to {last} is before --from {first}")
    compiled = scoring_sql(store, scorecard)
    return [run_scoring(store, scorecard, day, compiled) for day in as_of_dates(first, last, every_days)]


def as_of_dates(first: date, last: date, every_days: int) -> list[date]:
    """first, first + every, ... up to and including last."""
    if every_days < 1:
        raise NabdError("--every must be at least one day")
    count = (last - first).days // every_days + 1
    return [first + timedelta(days=every_days * n) for n in range(max(count, 0))]


TREND_DAYS = (7, 30, 90)


def score_trend(store: Store, version: str, as_of: date, days: tuple[int, ...] = TREND_DAYS) -> ibis.Table:
    """Per account scored on as_of: score and ``change_<n>d`` = score - the latest score on or before as_of - n."""
    scores = store.table("health_scores").filter(lambda t: t.scorecard_version == version)
    trend = scores.filter(scores.as_of == as_of).select("account_id", "score", "band")
    for n in days:
        earlier = scores.filter((scores.as_of <= as_of - timedelta(days=n)) & scores.score.notnull())
        latest = earlier.group_by("account_id").aggregate(as_of=earlier.as_of.max())
        past = earlier.semi_join(latest, ["account_id", "as_of"]).select(
            past_account="account_id", past_score="score"
        )
        joined = trend.left_join(past, trend.account_id == past.past_account)
        trend = joined.mutate(**{f"change_{n}d": joined.score - joined.past_score}).drop("past_account", "past_score")
    return trend
