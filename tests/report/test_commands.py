"""`nabd report monthly` as a person uses it, and its one-line refusals."""

from datetime import date

import pytest

from nabd.errors import NabdError
from nabd.report.monthly import monthly_report
from nabd.store import open_store
from tests.command_line import nabd
from tests.metrics.metrics_history import acct, given, sub
from tests.report.conftest import TODAY


@pytest.fixture
def small(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    with open_store(url) as store:
        given(store, accounts=[acct("A"), acct("B", segment="ENT")],
              subscriptions=[sub("S1", "A", 100, date(2025, 1, 1), date(2026, 9, 15)), sub("S2", "B", 300, date(2025, 1, 1))])
    return url


def test_it_writes_the_html_and_pdf_of_a_closed_month(small, tmp_path):
    html, pdf = tmp_path / "october.html", tmp_path / "october.pdf"
    written = nabd("report", "monthly", "--month", "2026-09", "--lang", "ar", "--format", "html", "--out", str(html), database=small)
    assert written.returncode == 0, written.stderr
    assert 'dir="rtl"' in html.read_text(encoding="utf-8") and "2026-09" in written.stdout
    written = nabd("report", "monthly", "--month", "2026-09", "--format", "pdf", "--out", str(pdf), database=small)
    assert written.returncode == 0, written.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("args", "line"), [
    (["--month", "2999-01"], "error: 2999-01 is in the future: a report is for a month that has ended"),
    (["--month", "2019-01"], "error: no data for 2019-01: no account was a customer on its first day or the next month's"),
    (["--lang", "fr"], "error: unknown language 'fr': a report is written in en or ar"),
    (["--month", "2026-13"], "error: --month '2026-13' is not a month: write it as YYYY-MM (e.g. 2026-11)"),
    (["--format", "docx"], "error: unknown format 'docx': a report is written as html or pdf"),
])
def test_bad_input_is_refused_in_one_line(small, args, line):
    refused = nabd("report", "monthly", *args, database=small)
    assert refused.returncode != 0
    assert refused.stderr.strip() == line


def test_a_month_in_progress_is_refused_with_its_days_and_the_day_its_report_can_be_made(small):
    with open_store(small) as store, pytest.raises(NabdError) as refused:
        monthly_report(store, "2026-12", "en", today=TODAY)
    assert str(refused.value) == "2026-12 is not over (in progress: 6 of 31 days): its report can be made from 2027-01-01"
