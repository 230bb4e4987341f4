"""The scoring run: raw measure values -> measure scores (0-100) -> weighted score -> integer -> band.

Everything runs in the engine. Weights are the scorecard's (or its segment's) normalised to 100.
Missing data: ``reweight`` divides by the weight of the available measures, ``neutral`` scores a
missing measure ``neutral_score``; below ``minimum_coverage`` (available weight / 100) an account
gets no score. The weighted score is rounded half-up to an integer, then banded (DESIGN.md).
A run stores one ``health_scores`` row per active account, replacing the rows of the same
(as_of, scorecard version), with each measure's raw value and score in the typed array ``measure_values``
(positions named by ``health_score_layouts``) and the account's ``weight_set`` (the version's weights in
``health_score_weights``); the view ``health_measure_scores`` reads them as rows with each measure's weight
and contribution. It records band changes against the account's previous score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import ibis

from nabd.errors import NabdError
from nabd.health.measures import measure_values
from nabd.health.scorecard import Boolean, Percentile, Piecewise, Rule, Scorecard, Thresholds
from nabd.store import Store
from nabd.store.clock import utc_now

ROUNDING_TOLERANCE = 1e-9  # float sums such as 50.49999999999999 are 50.5: round half-up still gives 51


def _double(number: float) -> ibis.NumericValue:
    """A DOUBLE PRECISION literal on every backend (PostgreSQL reads a bare 100.0 as NUMERIC)."""
    return ibis.literal(repr(float(number))).cast("float64")


def rule_score(rule: Rule, value: ibis.NumericValue, segment: ibis.StringValue) -> ibis.NumericValue:
    """The 0-100 score of ``value`` under ``rule``; null stays null (no data)."""
    match rule:
        case Thresholds():
            steps = [(value >= step.min, _double(step.score)) for step in reversed(rule.steps)]
            scored = ibis.cases(*steps, else_=_double(rule.below))
        case Piecewise():
            (x0, s0), sn = rule.points[0], rule.points[-1][1]
            pieces = [(value <= x0, _double(s0))] + [
                (value < x2, s1 + (value - x1) * (s2 - s1) / (x2 - x1))
                for (x1, s1), (x2, s2) in zip(rule.points, rule.points[1:])
            ]
            scored = ibis.cases(*pieces, else_=_double(sn))
        case Percentile():
            scored = _percentile(rule, value, segment)
        case Boolean():
            scored = ibis.ifelse(value != 0, _double(rule.true_score), _double(rule.false_score))
    return ibis.ifelse(value.isnull(), ibis.null("float64"), scored)


def _percentile(rule: Percentile, value: ibis.NumericValue, segment: ibis.StringValue) -> ibis.NumericValue:
    """100 x percent_rank among accounts of the segment with a value (50 when the account is alone)."""
    peers = [segment.lower().fill_null(""), value.isnull()]
    rank = value.percent_rank().over(ibis.window(group_by=peers, order_by=value))
    alone = value.count().over(ibis.window(group_by=peers)) <= 1
    percent = 100 * rank if rule.higher_is_better else 100 - 100 * rank
    return ibis.ifelse(alone, _double(50), percent)


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
    cases = [(number == k, _double(weights[measure_id])) for k, weights in sets.items() if k]
    return ibis.cases(*cases, else_=_double(sets[0][measure_id])) if cases else _double(sets[0][measure_id])


def scored(store: Store, scorecard: Scorecard, as_of: date) -> ibis.Table:
    """Per active account: raw value ``r__``, score ``s__``, weight ``w__`` and contribution ``c__`` of each
    measure; weight_set, coverage, weighted_score, score (integer, half-up) and band (null below minimum coverage).

    contribution = weight x score / (coverage x 100) (reweight) or weight x (score or neutral_score) / 100
    (neutral); the view health_measure_scores computes it again from what a run stores, the same way."""
    values = measure_values(store, list(scorecard.measures), as_of)
    ids = [m.id for m in scorecard.measures]
    # Each stage reads the previous stage's columns; .view() keeps Ibis from inlining them into one
    # ever-growing expression (the SQL stays linear in the number of measures).
    number = weight_set(scorecard, values.segment)
    values = values.mutate(
        **{f"s__{m.id}": rule_score(m.rule, values[f"r__{m.id}"], values.segment) for m in scorecard.measures},
        **{f"w__{i}": set_weight(scorecard, i, number) for i in ids},
        weight_set=number,
    ).view()
    available = {i: values[f"s__{i}"].notnull() for i in ids}
    values = values.mutate(
        available_weight=sum((ibis.ifelse(available[i], values[f"w__{i}"], _double(0)) for i in ids), _double(0))
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
            i: values[f"w__{i}"] * values[f"s__{i}"].fill_null(_double(policy.neutral_score)) / 100 for i in ids
        }
    enough = (values.available_weight > 0) & (values.coverage >= policy.minimum_coverage - ROUNDING_TOLERANCE)
    values = values.mutate(
        enough=enough,
        **{f"c__{i}": ibis.ifelse(enough, contributions[i], ibis.null("float64")) for i in ids},
    ).view()
    weighted = sum((values[f"c__{i}"].fill_null(_double(0)) for i in ids), _double(0))
    values = values.mutate(weighted_score=ibis.ifelse(values.enough, weighted, ibis.null("float64"))).view()
    score = (values.weighted_score + 0.5 + ROUNDING_TOLERANCE).floor().cast("int64")
    band = ibis.cases(*[(score <= b.range[1], b.id) for b in scorecard.bands], else_=ibis.null("string"))
    return values.mutate(score=score, band=ibis.ifelse(score.isnull(), ibis.null("string"), band)).drop(
        "available_weight", "enough"
    )


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


def scoring_sql(store: Store, scorecard: Scorecard) -> Callable[[date], str]:
    """:func:`scored` compiled to SQL once; called with an as-of date, the SQL of that date.

    Every date in the expression derives in the engine from the one as-of literal, so compiling on a
    sentinel date and substituting its literal gives the same SQL as compiling each date (tested),
    without paying Ibis' compile time once per date of a backfill or backtest.
    """
    return as_of_sql(store.ibis.compile(scored(store, scorecard, SENTINEL_DAY)))


SENTINEL_DAY = date(1111, 11, 11)


def as_of_sql(sql: str) -> Callable[[date], str]:
    """Substitute the sentinel as-of date in compiled SQL (Ibis' MAKE_DATE, and the date string of a custom measure)."""
    if "MAKE_DATE(1111, 11, 11)" not in sql and "'1111-11-11'" not in sql:
        raise NabdError("internal: the compiled scoring query does not mention its as-of date")

    def for_day(day: date) -> str:
        return sql.replace("MAKE_DATE(1111, 11, 11)", f"MAKE_DATE({day.year}, {day.month}, {day.day})").replace(
            "'1111-11-11'", f"'{day.isoformat()}'"
        )

    return for_day


def run_scoring(
    store: Store, scorecard: Scorecard, as_of: date, compiled: Callable[[date], str] | None = None
) -> ScoringRun:
    """Score every active account on ``as_of`` and store it; re-running the same as_of replaces, never repeats.

    ``compiled`` is :func:`scoring_sql` of the scorecard, when the caller scores many dates.
    """
    version = scorecard.version
    compiled = (compiled or scoring_sql(store, scorecard))(as_of)
    computed_at = utc_now(microseconds=True)
    with store.transaction():
        _record_layout(store, scorecard)
        if store.kind == "duckdb":
            # DuckDB keeps no index on health_scores (migration 0009): the as-of's rows are replaced whole.
            # The one-writer rule (DESIGN.md) means no other run writes them meanwhile.
            store.execute(_DELETE_AS_OF, [as_of, version])
            store.execute(_insert_scores(store, scorecard, compiled, as_of, computed_at))
        else:
            # PostgreSQL upserts, so that a run racing another process's run of the same as-of updates
            # instead of failing on the key; then removes accounts scored before but not now (no longer
            # active): every row this run wrote is newer.
            store.execute(_insert_scores(store, scorecard, compiled, as_of, computed_at))
            store.execute(_DELETE_AS_OF + " AND computed_at <> ?", [as_of, version, computed_at])
        store.execute("DELETE FROM health_band_changes WHERE as_of = ? AND scorecard_version = ?", [as_of, version])
        store.execute(_BAND_CHANGES, [version, as_of, as_of, version, version, version, version, version])
    warnings = _constant_measures(store, scorecard, as_of)
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
    return ScoringRun(
        as_of, scorecard.name, version, total, total - sum(bands.values()),
        {b.id: bands.get(b.id, 0) for b in scorecard.bands}, changes, warnings,
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


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _insert_scores(store: Store, scorecard: Scorecard, scoring: str, as_of: date, computed_at: datetime) -> str:
    """INSERT ... SELECT straight from the ``scoring`` query; ``measure_values`` is the typed array of each
    measure's raw value and score in the scorecard's order (its layout). DuckDB writes the rows in account
    order (its zone maps then find an account); PostgreSQL updates a row already stored for (account, as_of,
    version) in place."""
    # A typed array, not JSON: building and compressing JSON text was most of the write; weights and
    # contributions are not in it, they follow from weight_set and the scores (benchmarks/RESULTS.md).
    items = ", ".join(f'"{prefix}{m.id}"' for m in scorecard.measures for prefix in ("r__", "s__"))
    values = f"[{items}]" if store.kind == "duckdb" else f"ARRAY[{items}]::double precision[]"
    updated = ", ".join(f"{column} = EXCLUDED.{column}" for column in _SCORE_COLUMNS)
    return (
        "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, "
        "band, coverage, measure_values, weight_set, computed_at) "
        f"SELECT account_id, DATE '{as_of.isoformat()}', '{scorecard.version}', {_sql_text(scorecard.name)}, "
        f"score, weighted_score, band, coverage, {values}, weight_set, "
        f"TIMESTAMP '{computed_at.isoformat(sep=' ')}' FROM ({scoring}) AS run"
        + (" ORDER BY account_id" if store.kind == "duckdb" else
           f" ON CONFLICT (account_id, as_of, scorecard_version) DO UPDATE SET {updated}")
    )


def _record_layout(store: Store, scorecard: Scorecard) -> None:
    """Name the measure at each position of the version's ``measure_values``, and keep its weight sets (once per version)."""
    rows = ", ".join(f"('{scorecard.version}', {position}, {_sql_text(m.id)})"
                     for position, m in enumerate(scorecard.measures, start=1))
    store.execute(f"INSERT INTO health_score_layouts (scorecard_version, position, measure) VALUES {rows} "
                  "ON CONFLICT (scorecard_version, position) DO NOTHING")
    policy = scorecard.missing_data
    missing_score = float(policy.neutral_score) if policy.policy == "neutral" else None
    weights = [
        [scorecard.version, number, position, weights[m.id], missing_score]
        for number, weights in weight_sets(scorecard).items()
        for position, m in enumerate(scorecard.measures, start=1)
    ]
    store.execute(
        "INSERT INTO health_score_weights (scorecard_version, weight_set, position, weight, missing_score) VALUES "
        + ", ".join("(?, ?, ?, ?, ?)" for _ in weights)
        + " ON CONFLICT (scorecard_version, weight_set, position) DO NOTHING",
        [value for row in weights for value in row],
    )


_SCORE_COLUMNS = (
    "scorecard", "score", "weighted_score", "band", "coverage", "measure_values", "weight_set", "computed_at"
)

_DELETE_AS_OF = "DELETE FROM health_scores WHERE as_of = ? AND scorecard_version = ?"


# A band change: the account's band differs from its latest earlier banded score of the same version.
# That is its score on the version's previous run when it had a band then (nearly every account, read
# from that run's rows alone); only the others look further back, each through its own rows. So the
# daily run reads two days of scores, not every day stored.
_BAND_CHANGES = """
INSERT INTO health_band_changes (account_id, as_of, scorecard_version, from_band, to_band, previous_score, score)
WITH previous_run AS (
    SELECT max(as_of) AS as_of FROM health_scores WHERE scorecard_version = ? AND as_of < ?
),
banded AS (
    SELECT account_id, as_of, band, score FROM health_scores
    WHERE as_of = ? AND scorecard_version = ? AND band IS NOT NULL
),
on_previous_run AS (
    SELECT account_id, band, score FROM health_scores
    WHERE as_of = (SELECT as_of FROM previous_run) AND scorecard_version = ? AND band IS NOT NULL
),
latest_before AS (
    SELECT account_id, max(as_of) AS as_of FROM health_scores
    WHERE as_of < (SELECT as_of FROM previous_run) AND scorecard_version = ? AND band IS NOT NULL
      AND account_id IN (SELECT account_id FROM banded b
                         WHERE NOT EXISTS (SELECT 1 FROM on_previous_run p WHERE p.account_id = b.account_id))
    GROUP BY account_id
),
previous AS (
    SELECT account_id, band, score FROM on_previous_run
    UNION ALL
    SELECT s.account_id, s.band, s.score FROM health_scores s
    JOIN latest_before l ON l.account_id = s.account_id AND l.as_of = s.as_of
    WHERE s.scorecard_version = ?
)
SELECT cur.account_id, cur.as_of, ?, prev.band, cur.band, prev.score, cur.score
FROM banded cur JOIN previous prev ON prev.account_id = cur.account_id
WHERE prev.band <> cur.band
"""


def _constant_measures(store: Store, scorecard: Scorecard, as_of: date) -> list[str]:
    """A warning per measure whose raw value is the same for every account scored on ``as_of`` (it cannot rank them).

    "At most one distinct value" is min = max over the accounts with a value (or none has one): the
    same answer as count(DISTINCT ...) <= 1 without a hash table of every value per measure.
    """
    raw = [f"measure_values[{2 * position - 1}]" for position in range(1, len(scorecard.measures) + 1)]
    checks = ", ".join(f"count({value}) = 0, min({value}) = max({value})" for value in raw)
    row = store.fetchall(
        f"SELECT count(*), {checks} FROM health_scores WHERE as_of = ? AND scorecard_version = ?",
        [as_of, scorecard.version],
    )[0]
    if row[0] < 2:
        return []
    return [
        f"measure {m.id!r} has the same value for every account{' (no data at all)' if empty else ''}: "
        "it cannot tell accounts apart"
        for m, empty, same in zip(scorecard.measures, row[1::2], row[2::2]) if empty or same
    ]


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
