"""The command line as a person uses it: real subprocesses, real databases."""

import subprocess
import sys

from nabd.store.migrations import available_migrations
from tests.store.test_migrations import _store_at

LATEST = available_migrations("duckdb")[-1].version


def nabd(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nabd", *args, "--database", url],
        capture_output=True, text=True, timeout=120,
    )


def test_init_is_safe_to_run_twice(store_url):
    assert nabd("init", url=store_url).returncode == 0
    second = nabd("init", url=store_url)
    assert second.returncode == 0
    assert f"schema version {LATEST}" in second.stdout


def test_status_shows_the_schema_version_and_row_counts(store_url):
    result = nabd("status", url=store_url)
    assert result.returncode == 0
    assert f"schema version: {LATEST}" in result.stdout
    assert "accounts" in result.stdout


def test_a_bad_database_url_is_one_line_without_a_traceback():
    result = nabd("status", url="mysql://x/y")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_command_on_a_store_made_by_an_earlier_nabd_says_it_is_upgrading_it(store_url):
    _store_at(store_url, LATEST - 1).close()
    result = nabd("status", url=store_url)
    assert result.returncode == 0
    last = available_migrations("duckdb")[-1]
    assert f"upgrading the database: migration {last.version:04d}_{last.name}" in result.stderr
    assert f"schema version: {LATEST}" in result.stdout
