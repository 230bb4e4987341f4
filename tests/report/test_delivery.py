"""The monthly report reaches its recipients: queued once a month by the daily run's step, made when the
outbox sends it, in each recipient's language, the HTML inline and the PDF attached, to a real SMTP server."""

from datetime import date
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from nabd.config import recipients
from nabd.config import SmtpSettings
from nabd.playbooks.outbox import deliver, outbox_rows
from nabd.report.delivery import queue_monthly_reports
from nabd.store import open_store
from tests.metrics.metrics_history import acct, given, sub
from tests.serving import free_port

RECIPIENTS = (("ceo@example.com", "ar"), ("cfo@example.com", "en"))


class Mailbox:
    """An aiosmtpd handler keeping every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def small(tmp_path):
    store = open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}")
    given(store, accounts=[acct("A"), acct("B", segment="ENT")],
          subscriptions=[sub("S1", "A", 100, date(2025, 1, 1), date(2026, 10, 15)), sub("S2", "B", 300, date(2025, 1, 1))])
    yield store
    store.close()


def test_recipients_read_each_address_with_its_language():
    assert recipients("ceo@example.com:ar, cfo@example.com") == RECIPIENTS
    with pytest.raises(ValueError):
        recipients("ceo@example.com:fr")


def test_the_last_closed_months_report_is_queued_once_per_recipient(small):
    first = queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 1))
    again = queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 2))
    assert first == ["monthly report 2026-10 (ar) queued for ceo@example.com",
                     "monthly report 2026-10 (en) queued for cfo@example.com"]
    assert again == []
    assert sorted(row["subject"] for row in outbox_rows(small)) == [
        "Monthly customer report: October 2026", "التقرير الشهري للعملاء: أكتوبر 2026"]


def test_nothing_is_queued_without_recipients_or_data(small):
    assert queue_monthly_reports(small, (), date(2026, 11, 1)) == []
    assert queue_monthly_reports(small, RECIPIENTS, date(2019, 2, 1)) == [
        "monthly report not queued: no data for 2019-01: no account was a customer on its first day or the next month's"]


def test_each_recipient_gets_the_report_in_their_language_with_the_pdf_attached(small):
    queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 1))
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        done = deliver(small, smtp=SmtpSettings("127.0.0.1", controller.port, sender="nabd@example.com"), timeout=60)
    finally:
        controller.stop()
    assert (done.sent, done.errors) == (2, [])
    received = {to[0]: message for to, message in mailbox.messages}
    arabic, english = received["ceo@example.com"], received["cfo@example.com"]
    assert english["Subject"] == "Monthly customer report: October 2026"
    assert "Customer churn" in english.get_body(("plain",)).get_content()
    assert 'dir="rtl"' in arabic.get_body(("html",)).get_content()
    (attachment,) = list(arabic.iter_attachments())
    assert attachment.get_filename() == "nabd-report-2026-10-ar.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_an_unreachable_mail_server_keeps_the_report_for_a_retry(small):
    queue_monthly_reports(small, RECIPIENTS[:1], date(2026, 11, 1))
    done = deliver(small, smtp=SmtpSettings("127.0.0.1", free_port()), timeout=2)
    assert (done.sent, done.retrying) == (0, 1)
    assert [row["status"] for row in outbox_rows(small)] == ["pending"]


def test_the_daily_run_queues_the_report_for_the_configured_recipients(small, monkeypatch):
    from nabd.pipeline.daily import run_daily

    monkeypatch.setenv("NABD_REPORT_RECIPIENTS", "ceo@example.com:ar")
    run = run_daily(small, date(2026, 11, 1), smtp=SmtpSettings("127.0.0.1", free_port()))
    assert "monthly report 2026-10 (ar) queued for ceo@example.com" in run.notes
    assert [(row["channel"], row["target"]) for row in outbox_rows(small)] == [("report", "ceo@example.com")]
