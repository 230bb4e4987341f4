from datetime import date, datetime

import pytest

from nabd.errors import NabdError
from nabd.store import CANONICAL_TABLES, connect, open_store, schema_version
from nabd.store.migrations import available_migrations, migrate


def test_a_new_store_has_every_canonical_table(store):
    assert set(CANONICAL_TABLES) <= set(store.tables())


def test_schema_version_is_the_latest_migration(store):
    assert schema_version(store) == available_migrations(store.kind)[-1].version


def _catalogue(store) -> dict:
    """Every column (table, name, type, nullable), index and recorded migration of a store's schema."""
    schema = "current_schema()" if store.kind == "postgres" else "'main'"
    columns = store.fetchall(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        f"WHERE table_schema = {schema} ORDER BY 1, 2")
    if store.kind == "postgres":
        indexes = store.fetchall("SELECT tablename, indexname, replace(indexdef, current_schema() || '.', '') "
                                 "FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1, 2")
    else:
        indexes = store.fetchall("SELECT table_name, index_name, sql FROM duckdb_indexes() ORDER BY 1, 2")
    return {"columns": columns, "indexes": indexes,
            "migrations": store.fetchall("SELECT version, name FROM schema_version ORDER BY 1"),
            "meta": store.fetchall("SELECT key FROM nabd_meta ORDER BY 1")}


def test_the_suites_ready_made_schema_is_what_migrating_makes(store_url, tmp_path):
    from tests.conftest import fresh_url, with_schema, _drop_schema

    with open_store(store_url) as migrated:
        expected = _catalogue(migrated)
    copy, schema = fresh_url("postgres" if store_url.startswith("postgresql") else "duckdb", tmp_path / "copy")
    (tmp_path / "copy").mkdir()
    try:
        with open_store(with_schema(copy)) as ready_made:
            assert _catalogue(ready_made) == expected
    finally:
        if schema:
            _drop_schema(schema)


def test_opening_twice_applies_nothing_and_keeps_rows(store_url):
    first = open_store(store_url)
    first.execute("INSERT INTO accounts (account_id, name) VALUES ('A1', 'Acme')")
    first.close()
    second = open_store(store_url)
    assert second.fetchall("SELECT account_id, name FROM accounts") == [("A1", "Acme")]
    assert second.scalar("SELECT count(*) FROM schema_version") == len(
        available_migrations(second.kind)
    )
    second.close()


def test_a_failed_transaction_writes_nothing(store):
    try:
        with store.transaction():
            store.execute("INSERT INTO accounts (account_id, name) VALUES ('A1', 'Acme')")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.scalar("SELECT count(*) FROM accounts") == 0


PER_ACCOUNT_TABLES = ("tickets", "invoices", "survey_responses", "referrals", "tasks", "subscriptions",
                      "activity_daily")


def test_every_table_the_account_page_reads_has_an_index_that_starts_with_account_id(store):
    """health_scores too on PostgreSQL; on DuckDB it has none (next test) and its zone maps serve."""
    tables = set(PER_ACCOUNT_TABLES) | ({"health_scores"} if store.kind == "postgres" else set())
    if store.kind == "duckdb":
        indexed = {table for table, sql in store.fetchall("SELECT table_name, sql FROM duckdb_indexes()")
                   if "(account_id)" in sql}
    else:  # a primary key that starts with account_id serves too
        indexed = {table for table, definition in store.fetchall(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
            if "(account_id)" in definition or "(account_id," in definition}
    assert tables <= indexed


def test_health_scores_has_no_index_on_duckdb_so_a_run_does_not_rewrite_one_as_large_as_its_history(store):
    if store.kind == "postgres":  # a B-tree grows by what is inserted: PostgreSQL keeps its key and indexes
        assert {"health_scores_pkey", "health_scores_as_of"} <= {name for name, in store.fetchall(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'health_scores'")}
        return
    assert store.fetchall("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'health_scores'") == []
    assert store.fetchall("SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'health_scores' "
                          "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')") == []


def test_a_migration_that_fails_is_named_in_one_line_and_leaves_nothing_recorded(store_url):
    store = open_store(store_url)
    first = available_migrations(store.kind)[0]
    store.execute("DELETE FROM schema_version WHERE version = ?", [first.version])  # its tables stay: it fails again
    with pytest.raises(NabdError, match=rf"^migration {first.version:04d}_{first.name} failed on this database"):
        migrate(store)
    assert store.scalar("SELECT count(*) FROM schema_version WHERE version = ?", [first.version]) == 0
    store.close()


def test_a_database_made_by_another_build_with_other_migrations_is_refused(store_url):
    store = open_store(store_url)
    store.execute("UPDATE schema_version SET name = 'something_else' WHERE version = 1")
    with pytest.raises(NabdError, match="records migration 1 as 'something_else'.* another build of Nabd"):
        migrate(store)
    store.close()


def _store_at(url: str, version: int):
    """A store brought up to migration ``version`` only, recorded as ``migrate`` records it."""
    store = connect(url)
    store.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                  "applied_at TIMESTAMP NOT NULL)")
    for migration in available_migrations(store.kind):
        if migration.version <= version:
            store.execute(migration.sql)
            store.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                          [migration.version, migration.name, date(2026, 1, 1)])
    return store


def test_scores_stored_as_json_before_0008_keep_every_measure_detail_in_order(store_url):
    old = _store_at(store_url, 7)
    insert = ("INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, "
              "band, coverage, measures, computed_at) VALUES (?, ?, 'v1', 'default', ?, ?, ?, ?, ?, ?)")
    old.execute(insert, ["A", date(2026, 5, 1), 64, 64.2, "neutral", 0.8,
                         '{"zeta": {"raw": 0.35, "score": 43.75, "weight": 60, "contribution": 32.8125}, '
                         '"alpha": {"raw": null, "score": null, "weight": 20, "contribution": null}, '
                         '"mid": {"raw": 3, "score": 50, "weight": 20, "contribution": 12.5}}',
                         datetime(2026, 5, 1, 6)])
    old.execute(insert, ["B", date(2026, 5, 1), None, None, None, 0.0,
                         '{"zeta": {"raw": null, "score": null, "weight": 60, "contribution": null}, '
                         '"alpha": {"raw": 1, "score": 100, "weight": 20, "contribution": null}, '
                         '"mid": {"raw": null, "score": null, "weight": 20, "contribution": null}}',
                         datetime(2026, 5, 1, 6)])
    old.close()
    store = open_store(store_url)
    assert store.fetchall("SELECT position, measure FROM health_score_layouts ORDER BY position") == [
        (1, "zeta"), (2, "alpha"), (3, "mid")]
    assert store.fetchall("SELECT account_id, measure_values FROM health_scores ORDER BY account_id") == [
        ("A", [0.35, 43.75, 60.0, 32.8125, None, None, 20.0, None, 3.0, 50.0, 20.0, 12.5]),
        ("B", [None, None, 60.0, None, 1.0, 100.0, 20.0, None, None, None, 20.0, None]),
    ]
    assert "measures" not in {name for name, *_ in store.fetchall(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'health_scores' "
        "AND table_schema = current_schema()")}
    store.close()


def _four_values_per_measure(old, measures, rows):
    """Scores of version v1 as stores from 0008 to 0010 held them, then close ``old``: per measure raw, score,
    weight, contribution in measure_values; rows are (account, as_of, "score, weighted_score, band, coverage",
    "the values")."""
    layout = ", ".join(f"('v1', {position}, '{measure}')" for position, measure in enumerate(measures, start=1))
    old.execute(f"INSERT INTO health_score_layouts VALUES {layout}")
    array = "[{}]" if old.kind == "duckdb" else "ARRAY[{}]::double precision[]"
    values = ", ".join(f"('{account}', DATE '{as_of}', 'v1', 'default', {scores}, {array.format(details)}, "
                       f"TIMESTAMP '{as_of} 06:00:00')" for account, as_of, scores, details in rows)
    old.execute("INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, "
                f"band, coverage, measure_values, computed_at) VALUES {values}")
    old.close()


def test_scores_stored_before_0009_are_kept_with_their_details(store_url):
    old = _store_at(store_url, 8)
    _four_values_per_measure(old, ["zeta"], [
        ("B", "2026-05-02", "64, 64.2, 'neutral', 1.0", "0.35, 64.2, 100.0, 64.2"),
        ("A", "2026-05-01", "NULL, NULL, NULL, 0.0", "NULL, NULL, 100.0, NULL"),
    ])
    store = open_store(store_url)
    assert store.fetchall("SELECT account_id, as_of, score, band, measure_values FROM health_scores ORDER BY as_of") == [
        ("A", date(2026, 5, 1), None, None, [None, None, 100.0, None]),
        ("B", date(2026, 5, 2), 64, "neutral", [0.35, 64.2, 100.0, 64.2]),
    ]
    assert store.fetchall("SELECT measure, raw, contribution FROM health_measure_scores WHERE account_id = 'B'") == [
        ("zeta", 0.35, 64.2)]
    store.close()


def test_event_types_are_filled_from_the_rollup_of_a_store_made_before_0010(store_url):
    old = _store_at(store_url, 9)
    old.execute("INSERT INTO activity_daily VALUES ('A', 'c1', DATE '2024-03-05', 'feature:export', 2, 0), "
                "('B', 'c2', DATE '2024-03-01', 'feature:export', 1, 0), ('A', '', DATE '2024-03-09', 'login', 1, 0)")
    old.close()
    store = open_store(store_url)
    assert store.fetchall("SELECT event_type, first_day FROM event_types ORDER BY event_type") == [
        ("feature:export", date(2024, 3, 1)), ("login", date(2024, 3, 9))]
    store.close()


def test_scores_stored_before_0011_read_back_with_the_weights_and_contributions_they_stored(store_url):
    # before 0011 a row held raw, score, weight, contribution per measure; it is kept so (weight_set NULL)
    old = _store_at(store_url, 10)
    _four_values_per_measure(old, ["zeta", "mid"], [
        ("A", "2026-05-01", "58, 57.6, 'neutral', 1.0", "0.35, 43.75, 60.0, 26.25, 3, 78.0, 40.0, 31.2"),
    ])
    store = open_store(store_url)
    assert store.fetchall("SELECT weight_set FROM health_scores") == [(None,)]
    assert store.fetchall("SELECT measure, raw, score, weight, contribution FROM health_measure_scores "
                          "ORDER BY position") == [("zeta", 0.35, 43.75, 60.0, 26.25), ("mid", 3.0, 78.0, 40.0, 31.2)]
    store.close()


def test_each_migration_applied_to_an_existing_store_is_announced_before_it_runs(store_url):
    store = _store_at(store_url, 7)
    heard = []  # (migration announced, the store's schema version at that moment)
    migrate(store, upgrading=lambda migration: heard.append((migration.version, schema_version(store))))
    later = [m.version for m in available_migrations(store.kind) if m.version > 7]  # 8, 9, ... (numbers may skip)
    store.close()
    assert heard == list(zip(later, [7, *later[:-1]]))


def test_a_new_store_is_made_without_announcing_its_migrations(store_url):
    heard = []
    open_store(store_url, upgrading=heard.append).close()
    assert heard == []


def test_events_and_activity_stored_before_0021_are_kept_and_only_postgresql_keeps_their_keys(store_url):
    old = _store_at(store_url, 20)
    old.execute("INSERT INTO events (event_id, account_id, contact_id, event_type, ts, value) VALUES "
                "('E-2', 'B', NULL, 'login', TIMESTAMP '2026-05-01 09:00:00', NULL), "
                "('E-1', 'A', 'C', 'session', TIMESTAMP '2026-05-01 10:00:00', 2.5)")
    old.execute("INSERT INTO activity_daily VALUES ('B', '', DATE '2026-05-01', 'login', 1, 0), "
                "('A', 'C', DATE '2026-05-01', 'session', 1, 2.5)")
    old.close()
    store = open_store(store_url)
    assert store.fetchall("SELECT event_id, account_id, contact_id, event_type, ts, value FROM events ORDER BY 1") == [
        ("E-1", "A", "C", "session", datetime(2026, 5, 1, 10), 2.5),
        ("E-2", "B", None, "login", datetime(2026, 5, 1, 9), None)]
    assert store.fetchall("SELECT * FROM activity_daily ORDER BY account_id") == [
        ("A", "C", date(2026, 5, 1), "session", 1, 2.5), ("B", "", date(2026, 5, 1), "login", 1, 0.0)]
    if store.kind == "duckdb":
        assert store.fetchall("SELECT table_name FROM duckdb_constraints() WHERE table_name IN ('events', "
                              "'activity_daily') AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')") == []
        assert store.fetchall("SELECT index_name FROM duckdb_indexes() WHERE table_name IN ('events', "
                              "'activity_daily')") == [("activity_daily_account",)]
    else:
        assert {name for name, in store.fetchall(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN "
            "('events', 'activity_daily')")} == {"events_pkey", "activity_daily_pkey"}
    store.close()
