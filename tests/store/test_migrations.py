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
