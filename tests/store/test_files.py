"""Every file Nabd makes beside its database is its user's alone: files 0600, folders 0700.

Each test starts from the ordinary umask 022 (under which a file is made 0644, readable by all), so it
fails if Nabd relied on the umask of whoever ran it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from nabd.ingest.intake.journal import Journal
from nabd.servefile import write_serve_file
from nabd.store import connect, open_store
from nabd.store.signing import key_file, signing_keys


@pytest.fixture(autouse=True)
def ordinary_umask() -> Iterator[None]:
    """The umask of most shells (022), whatever an earlier test left; restored after."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_file_and_its_write_ahead_log_are_private(tmp_path):
    database = tmp_path / "nabd.duckdb"
    with open_store(f"duckdb:///{database}") as store:
        store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
        wal = database.with_name("nabd.duckdb.wal")
        assert wal.exists()
        assert (mode(database), mode(wal)) == (0o600, 0o600)


def test_a_new_folder_for_the_database_is_private(tmp_path):
    database = tmp_path / "data" / "nabd.duckdb"
    open_store(f"duckdb:///{database}").close()
    assert mode(database.parent) == 0o700


def test_opening_a_database_made_world_readable_makes_it_private(tmp_path):
    database = tmp_path / "nabd.duckdb"
    open_store(f"duckdb:///{database}").close()
    database.chmod(0o644)
    connect(f"duckdb:///{database}").close()
    assert mode(database) == 0o600


def test_the_key_file_is_private_and_its_folder_too(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for url in (f"duckdb:///{tmp_path / 'nabd.duckdb'}", "postgresql://nabd@db.example:5432/crm?schema=nabd"):
        signing_keys(url)
        assert mode(key_file(url)) == 0o600
    assert mode(tmp_path / "state" / "nabd" / "keys") == 0o700


def test_the_intake_journal_folder_and_its_files_are_private(tmp_path):
    journal = Journal(tmp_path / "nabd.duckdb.intake")
    journal.open()
    try:
        journal._write(b'{"kind": "track"}\n')  # what an acknowledged message leaves
        journal.seal()
    finally:
        journal.close()
    made = sorted(path.name for path in journal.folder.iterdir())
    assert made == ["000000000001.jsonl", "journal.id", "lock"]
    assert mode(journal.folder) == 0o700
    assert {name: mode(journal.folder / name) for name in made} == {name: 0o600 for name in made}


def test_an_intake_journal_made_by_an_earlier_nabd_becomes_private(tmp_path):
    folder = tmp_path / "journal"
    folder.mkdir(mode=0o755)
    (folder / "journal.id").write_text("0" * 32)
    (folder / "journal.id").chmod(0o644)
    journal = Journal(folder)
    journal.open()
    journal.close()
    assert (mode(folder), mode(folder / "journal.id")) == (0o700, 0o600)


def test_the_serve_file_is_private(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    write_serve_file(url, "127.0.0.1", 8000)
    assert mode(tmp_path / "nabd.duckdb.serve.json") == 0o600
