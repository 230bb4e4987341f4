"""The reports page and /api/v1/reports/monthly over the scored demo company (data to 2026-10-31)."""

from datetime import date

import pytest

from nabd.metrics.churn import customer_churn
from nabd.web.users import add_token


@pytest.fixture(scope="module")
def bearer(demo_client) -> dict[str, str]:
    store = demo_client.app.state.store
    with demo_client.app.state.store_lock:
        return {"Authorization": f"Bearer {add_token(store, 'ana', 'report tests')}"}


def test_the_reports_page_lists_closed_months_newest_first_with_both_languages_and_pdfs(demo_client):
    page = demo_client.get("/reports")
    assert page.status_code == 200
    assert page.text.index("October 2026") > page.text.index("November 2026")
    assert 'href="/reports/monthly/2026-10?lang=ar"' in page.text
    assert 'href="/reports/monthly/2026-10.pdf?lang=en"' in page.text
    assert 'href="/reports" aria-current="page"' in page.text


def test_a_report_reads_right_to_left_in_arabic(demo_client):
    page = demo_client.get("/reports/monthly/2026-10", params={"lang": "ar"})
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text and "أكتوبر 2026" in page.text


def test_a_report_downloads_as_a_pdf(demo_client):
    pdf = demo_client.get("/reports/monthly/2026-10.pdf", params={"lang": "en"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="nabd-report-2026-10-en.pdf"'
    assert pdf.content.startswith(b"%PDF")


def test_the_api_gives_the_months_headlines_as_the_metrics_compute_them(demo_client, bearer):
    answer = demo_client.get("/api/v1/reports/monthly", params={"month": "2026-10", "lang": "en"}, headers=bearer)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    churn = next(h for h in found["headlines"] if h["key"] == "customer_churn")
    with demo_client.app.state.store_lock:
        direct = customer_churn(demo_client.app.state.store, start=date(2026, 10, 1), end=date(2026, 10, 1)).to_pyarrow().to_pylist()[0]
    assert found["month"] == "2026-10" and churn["value"] == direct["churn_rate"]
    mrr = next(h for h in found["headlines"] if h["key"] == "mrr")
    assert isinstance(mrr["value"], str) and mrr["value"] == found["waterfall"]["closing_mrr"]  # money: exact text
    left = found["left"]
    assert left["churned"] == direct["customers_lost"] and left["sentences"][0].startswith(f"{direct['customers_lost']} accounts left")
    assert sum(m["accounts"] for m in left["weakest_measures"]) == left["scored"]


@pytest.mark.parametrize(("params", "error"), [
    ({"month": "2999-01"}, "2999-01 is in the future: a report is for a month that has ended"),
    ({"lang": "fr"}, "unknown language 'fr': a report is written in en or ar"),
    ({"month": "2019-01"}, "no data for 2019-01: no account was a customer on its first day or the next month's"),
])
def test_the_api_refuses_bad_input_in_one_line(demo_client, bearer, params, error):
    answer = demo_client.get("/api/v1/reports/monthly", params=params, headers=bearer)
    assert answer.status_code == 400
    assert answer.json() == {"error": error}
