"""The pipeline `nabd serve` runs itself: NABD_RUN_EVERY, a run soon after new data, its own connection."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datetime import timedelta

from nabd.config import duration, load_settings
from nabd.errors import NabdError
from nabd.health.scorecard import load_scorecard
from nabd.health.scoring import run_scoring
from nabd.ingest.intake.keys import add_write_key
from nabd.store import open_store
from nabd.store.clock import utc_now
from nabd.web.app import create_app
from tests.ingest.intake.conftest import basic_auth
from tests.ingest.intake.live import LiveServer

WAIT_SECONDS = 60


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("2d", 172800), ("off", None)])
def test_run_every_is_a_duration_or_off(text, seconds):
    every = duration(text)
    assert (every.total_seconds() if every is not None else None) == seconds


def test_the_server_runs_the_pipeline_every_hour_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("NABD_RUN_EVERY", raising=False)
    assert load_settings().run_every == timedelta(hours=1)


def test_a_bad_run_every_is_one_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("NABD_RUN_EVERY", "hourly")
    with pytest.raises(NabdError, match="^NABD_RUN_EVERY='hourly' is not a duration like 30s, 15m, 1h or 1d"):
        load_settings()


def _scored_company(url: str) -> str:
    """Account acme scored today (so no periodic run is due for an hour); a write key."""
    with open_store(url) as store:
        store.execute("INSERT INTO accounts (account_id, name, created_at) VALUES ('acme', 'Acme', ?)", [datetime(2025, 1, 1)])
        store.execute("INSERT INTO subscriptions VALUES ('s-acme', 'acme', 'core', 100, 'USD', 2, DATE '2025-01-01', NULL, NULL)")
        run_scoring(store, load_scorecard(), utc_now().date())
        return add_write_key(store, "tests")


def test_an_app_made_without_run_every_runs_no_pipeline(store_url):
    with TestClient(create_app(store_url, secret_key="k")) as client:
        assert client.app.state.schedule is None
        assert "nabd_pipeline_runs_total" not in client.get("/metrics").text


def test_a_drain_that_stored_events_makes_the_server_run_the_pipeline_within_seconds(store_url, tmp_path, monkeypatch):
    key = _scored_company(store_url)
    monkeypatch.setenv("NABD_INTAKE_JOURNAL", str(tmp_path / "journal"))
    monkeypatch.setenv("NABD_INTAKE_DRAIN_SECONDS", "3600")
    with TestClient(create_app(store_url, secret_key="k", run_every=3600)) as client:
        schedule = client.app.state.schedule
        time.sleep(3)
        assert schedule.runs == 0  # scored a moment ago: the next periodic run is an hour away
        client.post("/v1/track", headers=basic_auth(key), json={
            "type": "track", "messageId": "m1", "userId": "u1", "event": "session",
            "properties": {"duration_minutes": 30}, "context": {"groupId": "acme"}})
        client.app.state.intake.drain()
        deadline = time.monotonic() + WAIT_SECONDS
        while schedule.runs == 0:
            assert time.monotonic() < deadline, "no run followed the drain"
            time.sleep(0.2)
        assert schedule.last_status == "ok"
        metrics = client.get("/metrics").text
    assert 'nabd_pipeline_runs_total{status="ok"} 1' in metrics
    assert "nabd_pipeline_last_run_failed 0" in metrics


def _nabd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).with_name("nabd")), *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=120)


def test_run_every_handed_to_a_server_is_refused_and_leaves_the_server_free(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    key = _scored_company(url)
    server = LiveServer(url, key, tmp_path / "journal", tmp_path / "serve.log", environment={"NABD_RUN_EVERY": "1h"})
    server.start()
    try:
        every = _nabd("run", "--every", "1h", "--database", url)
        assert every.returncode == 1
        assert "runs the pipeline itself" in every.stderr
        status = _nabd("status", "--database", url)
        assert status.returncode == 0 and "schema version" in status.stdout
    finally:
        server.stop()
