"""The monthly report reaches its recipients: queued once a month by the daily run's step, made when the
outbox sends it, in each recipient's language, the HTML inline and the PDF attached, to a real SMTP server."""

from datetime import date
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from nabd.config import recipients, weekdays
from nabd.errors import NabdError
from nabd.config import SmtpSettings
from nabd.playbooks.outbox import deliver, outbox_rows
from nabd.report.delivery import first_working_day, queue_monthly_reports
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
    first = queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 2))  # Monday, the first working day
    again = queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 3))
    assert first == ["monthly report 2026-10 (ar) queued for ceo@example.com",
                     "monthly report 2026-10 (en) queued for cfo@example.com"]
    assert again == []
    assert sorted(row["subject"] for row in outbox_rows(small)) == [
        "Monthly customer report: October 2026", "التقرير الشهري للعملاء: أكتوبر 2026"]


def test_nothing_is_queued_without_recipients_or_data(small):
    assert queue_monthly_reports(small, (), date(2026, 11, 2)) == []
    assert queue_monthly_reports(small, RECIPIENTS, date(2019, 2, 1)) == [
        "monthly report not queued: no data for 2019-01: no account was a customer on its first day or the next month's"]


def test_each_recipient_gets_the_report_in_their_language_with_the_pdf_attached(small):
    queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 2))
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
    queue_monthly_reports(small, RECIPIENTS[:1], date(2026, 11, 2))
    done = deliver(small, smtp=SmtpSettings("127.0.0.1", free_port()), timeout=2)
    assert (done.sent, done.retrying) == (0, 1)
    assert [row["status"] for row in outbox_rows(small)] == ["pending"]


def test_the_daily_run_queues_the_report_for_the_configured_recipients(small, monkeypatch):
    from nabd.pipeline.daily import run_daily

    monkeypatch.setenv("NABD_REPORT_RECIPIENTS", "ceo@example.com:ar")
    monkeypatch.setenv("NABD_WORKING_DAYS", "sun-thu")  # 2026-11-01 is a Sunday: a working day there
    run = run_daily(small, date(2026, 11, 1), smtp=SmtpSettings("127.0.0.1", free_port()))
    assert "monthly report 2026-10 (ar) queued for ceo@example.com" in run.notes
    assert [(row["channel"], row["target"]) for row in outbox_rows(small)] == [("report", "ceo@example.com")]


SUN_THU, MON_FRI = weekdays("sun-thu"), weekdays("mon-fri")


def test_working_days_are_read_as_ranges_or_lists_and_a_range_may_wrap_round_the_week():
    assert MON_FRI == (0, 1, 2, 3, 4) and SUN_THU == (0, 1, 2, 3, 6)
    assert weekdays("sun,mon,tue,wed,thu") == SUN_THU and weekdays("sat-wed") == (0, 1, 2, 5, 6)
    with pytest.raises(ValueError):
        weekdays("someday")


@pytest.mark.parametrize(("month", "working", "first"), [
    (date(2026, 11, 1), MON_FRI, date(2026, 11, 2)),   # Sunday the 1st: Monday the 2nd
    (date(2026, 11, 1), SUN_THU, date(2026, 11, 1)),   # Sunday is a working day
    (date(2026, 5, 1), SUN_THU, date(2026, 5, 3)),     # Friday the 1st, Saturday the 2nd: Sunday the 3rd
    (date(2026, 5, 1), MON_FRI, date(2026, 5, 1)),
])
def test_the_first_working_day_of_a_month(month, working, first):
    assert first_working_day(month, working) == first
    assert first_working_day(month.replace(day=20), working) == first


def test_the_report_waits_for_the_first_working_day_and_a_missed_day_is_caught_up(small):
    assert queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 1), MON_FRI) == []  # Sunday: not yet
    assert outbox_rows(small) == []
    late = queue_monthly_reports(small, RECIPIENTS, date(2026, 11, 4), MON_FRI)  # the run of the 2nd was missed
    assert len(late) == 2 and len(outbox_rows(small)) == 2


def test_the_working_days_variable_is_read_once_by_the_settings(monkeypatch):
    from nabd.config import load_settings

    monkeypatch.setenv("NABD_WORKING_DAYS", "sun-thu")
    assert load_settings().working_days == SUN_THU
    monkeypatch.setenv("NABD_WORKING_DAYS", "funday")
    with pytest.raises(NabdError, match="NABD_WORKING_DAYS"):
        load_settings()
