from nabd.store import CANONICAL_TABLES, open_store, schema_version
from nabd.store.migrations import available_migrations


def test_a_new_store_has_every_canonical_table(store):
    assert set(CANONICAL_TABLES) <= set(store.tables())


def test_schema_version_is_the_latest_migration(store):
    assert schema_version(store) == available_migrations(store.kind)[-1].version


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
                      "health_scores", "activity_daily")


def test_every_table_the_account_page_reads_has_an_index_that_starts_with_account_id(store):
    if store.kind == "duckdb":
        indexed = {table for table, sql in store.fetchall("SELECT table_name, sql FROM duckdb_indexes()")
                   if "(account_id)" in sql}
    else:  # a primary key that starts with account_id serves too
        indexed = {table for table, definition in store.fetchall(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
            if "(account_id)" in definition or "(account_id," in definition}
    assert set(PER_ACCOUNT_TABLES) <= indexed
