"""A hand-off job runs with its caller's settings, in its own thread only; the server's stay the server's."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.main

from nabd.config import environment, job_environment, load_settings
from nabd.handoff.jobs import JobRequest, command_in, settings_mismatch


@pytest.fixture(autouse=True)
def server_environment(monkeypatch):
    """This test process plays the server: no NABD_* variable but the ones a test sets."""
    for name in list(environment()):
        if name.startswith("NABD_"):
            monkeypatch.delenv(name)


def request(**settings: str | None) -> JobRequest:
    return JobRequest(argv=["status"], cwd="/", settings=settings)


def test_equal_server_wide_settings_spelled_differently_agree(monkeypatch):
    monkeypatch.setenv("NABD_REPORTING_CURRENCY", "USD")
    assert settings_mismatch(request(NABD_REPORTING_CURRENCY=None, NABD_TIMEZONE="UTC")) is None
    assert settings_mismatch(request(NABD_REPORTING_CURRENCY="usd")) is None


def test_the_database_url_of_the_caller_is_not_compared_it_is_the_server_store():
    assert settings_mismatch(request(NABD_DATABASE_URL="duckdb:///elsewhere.duckdb")) is None


def test_a_caller_setting_that_does_not_load_is_the_refusal():
    assert settings_mismatch(request(NABD_RUN_EVERY="soon")) == (
        "NABD_RUN_EVERY='soon' is not a duration like 30s, 15m, 1h or 1d (or off)")


def test_the_job_settings_stay_in_the_job_thread(monkeypatch):
    monkeypatch.setenv("NABD_SMTP_HOST", "mail.server.test")
    seen: list[str | None] = []
    inside = threading.Event()
    done = threading.Event()

    def web_request() -> None:
        inside.wait(10)
        seen.append(load_settings().smtp.host)
        done.set()

    other = threading.Thread(target=web_request)
    other.start()
    with job_environment({"NABD_SMTP_HOST": "mail.caller.test"}):
        inside.set()
        done.wait(10)
        seen.append(load_settings().smtp.host)
    other.join()
    assert seen == ["mail.server.test", "mail.caller.test"]


def test_an_option_read_from_a_variable_takes_the_caller_value_in_a_job(monkeypatch, tmp_path):
    monkeypatch.setenv("NABD_INBOX", "server-inbox")
    app = typer.Typer()
    got: list[Path] = []

    @app.command()
    def run(inbox: Annotated[Path, typer.Option(envvar="NABD_INBOX")]) -> None:
        got.append(inbox)

    with job_environment({"NABD_INBOX": "caller-inbox"}):
        command_in(typer.main.get_command(app), tmp_path).main(args=[], standalone_mode=False)
    assert got == [tmp_path / "caller-inbox"]
