"""The settings object: every NABD_* variable read in one place, cast strictly, one SMTP for every sender."""

from __future__ import annotations

import inspect
import json
import re
import smtplib
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from nabd.config import VARIABLES, SmtpSettings, environment, job_environment, load_settings
from nabd.errors import NabdError
from nabd.feedback.sending import send_survey
from nabd.playbooks.outbox import deliver
from nabd.store import Store, open_store
from tests.feedback.conftest import Mailbox, seed_contacts
from tests.serving import free_port

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No NABD_* variable of the shell running the tests leaks into them."""
    for name in list(environment()):
        if name.startswith("NABD_"):
            monkeypatch.delenv(name)


def error_of(monkeypatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(NabdError) as raised:
        load_settings()
    return str(raised.value)


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("NABD_SMTP_STARTTLS", "maybe", "NABD_SMTP_STARTTLS='maybe' is not a boolean: use true or false"),
    ("NABD_SMTP_PORT", "twenty-five", "NABD_SMTP_PORT='twenty-five' is not a whole number"),
    ("NABD_SMTP_PORT", "70000", "NABD_SMTP_PORT='70000' is not a port between 1 and 65535"),
    ("NABD_RUN_EVERY", "hourly", "NABD_RUN_EVERY='hourly' is not a duration like 30s, 15m, 1h or 1d (or off)"),
    ("NABD_PUBLIC_URL", "nabd.example.com", "NABD_PUBLIC_URL='nabd.example.com' is not an http(s) URL"),
    ("NABD_WEBHOOK_URL", "ftp://hooks.example.com/x", "NABD_WEBHOOK_URL='ftp://hooks.example.com/x' is not an http(s) URL"),
    ("NABD_TIMEZONE", "Mars/Olympus_Mons", "NABD_TIMEZONE='Mars/Olympus_Mons' is not a known timezone"),
    ("NABD_REPORTING_CURRENCY", "riyal", "NABD_REPORTING_CURRENCY='riyal' is not a three-letter currency code"),
    ("NABD_INTAKE_DRAIN_SECONDS", "-1", "NABD_INTAKE_DRAIN_SECONDS='-1' is not a positive number"),
])
def test_a_value_that_does_not_cast_is_one_line_naming_the_variable(monkeypatch, name, value, expected):
    message = error_of(monkeypatch, name, value)
    assert message.startswith(expected) and "\n" not in message


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("TRUE", True), ("1", True), ("yes", True),
                                                 ("false", False), ("0", False), ("off", False)])
def test_starttls_is_a_boolean_in_any_of_its_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("NABD_SMTP_STARTTLS", value)
    assert load_settings().smtp.starttls is expected


def test_the_variables_a_job_carries_are_exactly_those_load_settings_reads():
    assert set(re.findall(r'"(NABD_[A-Z_]+)"', inspect.getsource(load_settings))) == set(VARIABLES)


def test_unset_and_empty_variables_give_the_defaults(monkeypatch):
    monkeypatch.setenv("NABD_SMTP_PORT", "")
    settings = load_settings()
    assert (settings.database_url, settings.timezone, settings.reporting_currency) == ("duckdb:///nabd.duckdb", "UTC", "USD")
    assert settings.smtp == SmtpSettings(host=None, port=25, sender="nabd@localhost", starttls=False)
    assert settings.run_every == timedelta(hours=1)
    assert (settings.webhook_url, settings.alert_email, settings.public_url, settings.inbox) == (None, None, None, None)
    assert (settings.secret_key, settings.survey_key) == (None, None)


@pytest.mark.parametrize(("value", "expected"), [
    ("30s", timedelta(seconds=30)), ("15m", timedelta(minutes=15)), ("1h", timedelta(hours=1)),
    ("1d", timedelta(days=1)), ("off", None), ("OFF", None),
])
def test_run_every_is_a_duration_or_off(monkeypatch, value, expected):
    monkeypatch.setenv("NABD_RUN_EVERY", value)
    assert load_settings().run_every == expected


def test_the_timezone_is_an_iana_zone_the_settings_can_use(monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", "Asia/Riyadh")
    settings = load_settings()
    assert settings.timezone == "Asia/Riyadh"


def test_utc_in_any_letter_case_is_utc(monkeypatch):
    monkeypatch.setenv("NABD_TIMEZONE", " utc ")
    assert load_settings().timezone == "UTC"


def test_an_explicit_database_url_wins_over_the_variable(monkeypatch):
    monkeypatch.setenv("NABD_DATABASE_URL", "duckdb:///other.duckdb")
    assert load_settings().database_url == "duckdb:///other.duckdb"
    assert load_settings("duckdb:///flag.duckdb").database_url == "duckdb:///flag.duckdb"


def test_the_reporting_currency_is_upper_case(monkeypatch):
    monkeypatch.setenv("NABD_REPORTING_CURRENCY", "sar")
    assert load_settings().reporting_currency == "SAR"


def test_the_secrets_never_show_in_the_settings_repr(monkeypatch):
    monkeypatch.setenv("NABD_SMTP_PASSWORD", "hunter2-smtp")
    monkeypatch.setenv("NABD_SECRET_KEY", "hunter2-session")
    settings = load_settings()
    assert settings.smtp.password == "hunter2-smtp" and settings.secret_key == "hunter2-session"
    assert "hunter2" not in repr(settings)


def test_a_job_environment_replaces_this_process_variables_while_it_runs(monkeypatch):
    monkeypatch.setenv("NABD_SMTP_HOST", "mail.server.test")
    monkeypatch.setenv("NABD_PUBLIC_URL", "https://server.example.com")
    with job_environment({"NABD_SMTP_HOST": "mail.caller.test", "NABD_SMTP_STARTTLS": "true",
                          "NABD_PUBLIC_URL": None, "NABD_DATABASE_URL": "duckdb:///caller.duckdb"}):
        inside = load_settings()
    assert (inside.smtp.host, inside.smtp.starttls, inside.public_url) == ("mail.caller.test", True, None)
    assert inside.database_url == "duckdb:///nabd.duckdb"  # the server's, never the caller's
    assert load_settings().smtp.host == "mail.server.test"


def test_the_intake_settings_read_through_the_settings_object(monkeypatch, tmp_path):
    from nabd.ingest.intake.settings import load_intake_settings

    monkeypatch.setenv("NABD_INTAKE_UNKNOWN_ACCOUNTS", "quarantine")
    settings = load_intake_settings(f"duckdb:///{tmp_path / 'nabd.duckdb'}")
    assert (settings.unknown_accounts, settings.journal) == ("quarantine", tmp_path / "nabd.duckdb.intake")
    monkeypatch.setenv("NABD_INTAKE_UNKNOWN_ACCOUNTS", "drop")
    with pytest.raises(NabdError, match="^NABD_INTAKE_UNKNOWN_ACCOUNTS: "):
        load_intake_settings(f"duckdb:///{tmp_path / 'nabd.duckdb'}")


# --- one SMTP for every sender: NABD_SMTP_STARTTLS reaches survey e-mails and alerts alike -------------

def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_mailbox(tmp_path, monkeypatch) -> Iterator[Mailbox]:
    """A real SMTP server that takes mail only after STARTTLS, named by NABD_SMTP_HOST and NABD_SMTP_PORT."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*_certificate(tmp_path))
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True)
    controller.start()
    monkeypatch.setenv("NABD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NABD_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("NABD_SMTP_FROM", "cs@nabd.test")
    yield box
    controller.stop()


@pytest.fixture
def company(tmp_path) -> Iterator[Store]:
    with open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}") as store:
        seed_contacts(store)
        store.execute(
            "INSERT INTO outbox (notification_id, channel, target, subject, payload, status, attempts, "
            "next_attempt_at, created_at) VALUES ('n1', 'email', 'carla@example.com', 'Acme is red', ?, "
            "'pending', 0, ?, ?)", [json.dumps({"text": "Acme scored 40.", "account_id": "a1"}), NOW, NOW])
        yield store


def test_starttls_on_reaches_both_the_alert_and_the_survey_sender(tls_mailbox, company, monkeypatch):
    monkeypatch.setenv("NABD_SMTP_STARTTLS", "true")
    alerts = deliver(company, now=NOW)
    surveys = send_survey(company, "relationship-nps", ["c1"], base_url="http://nabd.test", now=NOW)
    assert (alerts.sent, alerts.errors, len(surveys.sent)) == (1, [], 1)
    assert sorted(message["To"] for message in tls_mailbox.messages) == ["carla@example.com", "huda@acme.test"]


def test_without_starttls_a_server_requiring_it_refuses_both_senders(tls_mailbox, company):
    alerts = deliver(company, now=NOW)
    assert alerts.sent == 0 and "STARTTLS" in alerts.errors[0]
    with pytest.raises(smtplib.SMTPSenderRefused, match="STARTTLS"):
        send_survey(company, "relationship-nps", ["c1"], base_url="http://nabd.test", now=NOW)
    assert tls_mailbox.messages == []
