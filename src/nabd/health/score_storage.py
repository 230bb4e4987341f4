"""How a scoring run is stored: one ``health_scores`` row per active account, replacing the rows of the
same (as_of, scorecard version), with each measure's raw value and score in the typed array
``measure_values`` (positions named by ``health_score_layouts``) and the account's ``weight_set`` (the
version's weights in ``health_score_weights``); the view ``health_measure_scores`` reads them as rows with
each measure's weight and contribution. Band changes are recorded against the account's previous score.
"""

from __future__ import annotations

from datetime import date, datetime

from nabd.health.score_expression import weight_sets
from nabd.health.scorecard import Scorecard
from nabd.store import Store
from nabd.store.per_day import DATE_PARAMETER, TIMESTAMP_PARAMETER, DaySQL, execute_sql, generic_plans, prepared
from nabd.store.sql import date_literal, string_literal, timestamp_literal


def store_scores(
    store: Store, scorecard: Scorecard, scoring: str | DaySQL, as_of: date, computed_at: datetime
) -> None:
    """Write the rows of the ``scoring`` query (:func:`nabd.health.score_expression.scored` as SQL, or as
    :class:`DaySQL` when the caller scores many dates) for ``as_of``, replacing that date's rows of the version,
    and its band changes, in one transaction."""
    version = scorecard.version
    with store.transaction():
        _record_layout(store, scorecard)
        if store.kind == "duckdb":
            # DuckDB keeps no index on health_scores (migration 0009): the as-of's rows are replaced whole.
            # The one-writer rule (DESIGN.md) means no other run writes them meanwhile.
            store.execute(_DELETE_AS_OF, [as_of, version])
            text = scoring(as_of) if isinstance(scoring, DaySQL) else scoring
            store.execute(_insert_scores(store, scorecard, text, date_literal(as_of), timestamp_literal(computed_at)))
        else:
            # PostgreSQL upserts, so that a run racing another process's run of the same as-of updates
            # instead of failing on the key; then removes accounts scored before but not now (no longer
            # active): every row this run wrote is newer.
            _insert_on_postgres(store, scorecard, scoring, as_of, computed_at)
            store.execute(_DELETE_AS_OF + " AND computed_at <> ?", [as_of, version, computed_at])
        store.execute("DELETE FROM health_band_changes WHERE as_of = ? AND scorecard_version = ?", [as_of, version])
        store.execute(_BAND_CHANGES, [version, as_of, as_of, version, version, version, version, version])


def _insert_on_postgres(
    store: Store, scorecard: Scorecard, scoring: str | DaySQL, as_of: date, computed_at: datetime
) -> None:
    """The INSERT of :func:`_insert_scores`; of a :class:`DaySQL`, prepared once per connection (as-of date and
    computed_at its parameters) and run with its generic plan: planning it took ~0.6 s a date (per_day)."""
    if not isinstance(scoring, DaySQL):
        store.execute(_insert_scores(store, scorecard, scoring, date_literal(as_of), timestamp_literal(computed_at)))
        return
    text = _insert_scores(store, scorecard, scoring.with_parameter(DATE_PARAMETER), DATE_PARAMETER, TIMESTAMP_PARAMETER)
    name = prepared(store, text, ("date", "timestamp"))
    with generic_plans(store):
        store.execute(execute_sql(name, as_of, computed_at))


def _insert_scores(store: Store, scorecard: Scorecard, scoring: str, as_of: str, computed_at: str) -> str:
    """INSERT ... SELECT straight from the ``scoring`` query; ``measure_values`` is the typed array of each
    measure's raw value and score in the scorecard's order (its layout). DuckDB writes the rows in account
    order (its zone maps then find an account); PostgreSQL updates a row already stored for (account, as_of,
    version) in place. ``as_of`` and ``computed_at`` are SQL: literals, or a prepared statement's parameters."""
    # A typed array, not JSON: building and compressing JSON text was most of the write; weights and
    # contributions are not in it, they follow from weight_set and the scores (benchmarks/RESULTS.md).
    items = ", ".join(f'"{prefix}{m.id}"' for m in scorecard.measures for prefix in ("r__", "s__"))
    values = f"[{items}]" if store.kind == "duckdb" else f"ARRAY[{items}]::double precision[]"
    updated = ", ".join(f"{column} = EXCLUDED.{column}" for column in _SCORE_COLUMNS)
    return (
        "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, "
        "band, coverage, measure_values, weight_set, computed_at) "
        f"SELECT account_id, {as_of}, {string_literal(scorecard.version)}, {string_literal(scorecard.name)}, "
        f"score, weighted_score, band, coverage, {values}, weight_set, "
        f"{computed_at} FROM ({scoring}) AS run"
        + (" ORDER BY account_id" if store.kind == "duckdb" else
           f" ON CONFLICT (account_id, as_of, scorecard_version) DO UPDATE SET {updated}")
    )


def _record_layout(store: Store, scorecard: Scorecard) -> None:
    """Name the measure at each position of the version's ``measure_values``, and keep its weight sets (once per version)."""
    rows = ", ".join(f"({string_literal(scorecard.version)}, {position}, {string_literal(m.id)})"
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


def constant_measures(store: Store, scorecard: Scorecard, as_of: date) -> list[str]:
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
