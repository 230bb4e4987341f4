import pytest

from nabd.errors import NabdError
from nabd.store import connect, parse_url
from tests.conftest import POSTGRES_URL


def test_a_bare_duckdb_path_is_a_duckdb_url():
    assert parse_url("nabd.duckdb").kind == "duckdb"
    assert parse_url("nabd.duckdb").path == "nabd.duckdb"


def test_duckdb_url_keeps_an_absolute_path():
    assert parse_url("duckdb:////var/lib/nabd.duckdb").path == "/var/lib/nabd.duckdb"


def test_postgres_url_names_host_database_and_schema():
    url = parse_url("postgresql://cs:secret@db.internal:6543/nabd?schema=prod")
    assert (url.kind, url.host, url.port, url.user, url.database, url.schema) == (
        "postgres", "db.internal", 6543, "cs", "nabd", "prod",
    )
    assert "secret" not in url.display


def test_an_unknown_scheme_is_refused_with_the_forms_that_work():
    with pytest.raises(NabdError, match="duckdb:///"):
        parse_url("mysql://localhost/db")


def test_a_schema_that_is_not_a_plain_name_is_refused():
    with pytest.raises(NabdError, match="schema"):
        parse_url("postgresql://localhost/db?schema=x;drop")


def test_an_unreachable_postgres_is_one_clear_error():
    with pytest.raises(NabdError, match="cannot connect to PostgreSQL"):
        connect("postgresql://nobody@127.0.0.1:1/none")


def test_a_duckdb_file_held_by_another_process_is_one_clear_error(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb,sys,time; c=duckdb.connect({str(path)!r}); print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(NabdError, match="in use by another Nabd process"):
            connect(f"duckdb:///{path}")
    finally:
        holder.kill()
        holder.wait()


def test_records_names_each_value_by_its_column(store):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('A1', 'Acme')")
    assert store.records("SELECT account_id, name FROM accounts WHERE name = ?", ["Acme"]) == [
        {"account_id": "A1", "name": "Acme"}
    ]


@pytest.mark.postgres
def test_postgres_sessions_run_without_jit():
    # PostgreSQL's JIT compiled each generated scoring query for longer than it ran (benchmarks/RESULTS.md)
    store = connect(POSTGRES_URL)
    try:
        assert store.scalar("SHOW jit") == "off"
    finally:
        store.close()
