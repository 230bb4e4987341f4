"""The test command on a machine without PostgreSQL: a private server for the run, or one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOBODY = "postgresql://postgres@127.0.0.1:1/test"  # port 1: nothing listens there


def pytest_run(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NABD_TEST_POSTGRES_URL": NOBODY}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )


def test_without_postgresql_the_tests_stop_before_the_first_one_with_one_line():
    result = pytest_run("tests/store/test_connection.py")
    assert result.returncode == pytest.ExitCode.INTERRUPTED, result.stdout
    assert f"no PostgreSQL answers at NABD_TEST_POSTGRES_URL={NOBODY}" in result.stdout
    assert "passed" not in result.stdout and "Traceback" not in result.stdout


def test_not_postgres_runs_the_duckdb_tests_alone_without_a_server():
    result = pytest_run("-m", "not postgres", "tests/store/test_connection.py")
    assert result.returncode == 0, result.stdout
    assert "passed" in result.stdout and "deselected" in result.stdout


def test_scripts_postgres_starts_a_private_server_on_a_free_port_and_stops_it():
    # as scripts/test does: a folder of its own under /tmp, which Debian's `postgres` user can reach
    folder = Path(tempfile.mkdtemp(prefix="nabd-test-postgres."))
    started = subprocess.run(
        [ROOT / "scripts" / "postgres", "start", folder], capture_output=True, text=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    try:
        assert url.startswith("postgresql://postgres@127.0.0.1:") and url.endswith("/test")
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == ("test",)
    finally:
        stopped = subprocess.run([ROOT / "scripts" / "postgres", "stop", folder], timeout=120)
        shutil.rmtree(folder, ignore_errors=True)
    assert stopped.returncode == 0
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=3)
