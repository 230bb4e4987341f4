"""The PDF: five pages (headlines and why; revenue with its charts, over two pages; customers; portfolio,
support and value), its text readable back in both languages, the charts' labels in it, Arabic shaped from
the vendored font, nothing fetched."""

import io

import pytest
from pypdf import PdfReader

from nabd.report.monthly import monthly_report
from tests.report.conftest import TODAY

PAGES = {
    "en": ["Monthly customer report: October 2026", "MRR waterfall", "Voice of the customer", "Health portfolio"],
    "ar": ["التقرير الشهري للعملاء", "حركة الإيراد الشهري المتكرر", "صوت العميل", "صحة المحفظة"],
}


@pytest.fixture(scope="module", params=["en", "ar"])
def october(request, scored_demo):
    report = monthly_report(scored_demo, "2026-10", request.param, today=TODAY)
    return report, PdfReader(io.BytesIO(report.pdf()))


def test_each_section_opens_its_own_page(october):
    report, pdf = october
    assert len(pdf.pages) == 5
    for index, title in zip((0, 1, 3, 4), PAGES[report.language]):
        assert title in pdf.pages[index].extract_text()


CHART_LABELS = {"en": ["Opening", "Expansion", "Contraction", "Churned", "Closing", "Customer churn", "GRR", "NRR"],
                "ar": ["البداية", "توسع", "تقلص", "مفقود", "النهاية", "GRR", "NRR"]}


def test_the_revenue_page_carries_the_waterfall_and_trend_charts_and_why_customers_left(october):
    report, pdf = october
    revenue = pdf.pages[1].extract_text()
    drawn = revenue.replace(" ", "")
    for label in CHART_LABELS[report.language]:
        # an SVG text's glyphs come out in visual order: an Arabic label reads back reversed (HTML text does not)
        assert label in revenue or label.replace(" ", "")[::-1] in drawn, label
    left = {"en": "Why customers left", "ar": "لماذا غادر العملاء"}[report.language]
    assert left in pdf.pages[0].extract_text()


def test_the_headline_numbers_are_in_the_pdf_text(october):
    report, pdf = october
    first = pdf.pages[0].extract_text()
    churn = next(h for h in report.figures["headlines"] if h["key"] == "customer_churn")
    assert f"{churn['value'] * 100:.1f}%" in first and f"{churn['previous'] * 100:.1f}%" in first
    mrr = report.figures["waterfall"]["closing_mrr"]
    assert f"{mrr:,.0f}" in first and f"{mrr:,.0f}" in pdf.pages[1].extract_text()


def test_the_pdf_embeds_the_vendored_noto_fonts(october):
    report, pdf = october
    fonts = {font["/BaseFont"] for page in pdf.pages for font in page["/Resources"]["/Font"].values()}
    families = {str(name).split("+", 1)[1].removesuffix("-Bold") for name in fonts}  # "ABCDEF+Noto-Sans-Bold"
    assert families == {"Noto-Sans", "Noto-Sans-Arabic"}  # no system font stood in for a glyph
