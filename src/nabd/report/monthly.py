"""One month's report, end to end: check the month and language, gather the figures, explain the moves, render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from nabd.errors import NabdError
from nabd.report.figures import monthly_figures
from nabd.report.month import check_language, report_month
from nabd.report.render import render_html, render_pdf
from nabd.report.why import explanations
from nabd.store import Store
from nabd.store.calendar import today as company_today

FORMATS: tuple[str, ...] = ("html", "pdf")


@dataclass(frozen=True)
class MonthlyReport:
    month: date
    language: str
    figures: dict[str, Any]
    why: dict[str, dict[str, list[dict[str, Any]]]]
    html: str

    def pdf(self) -> bytes:
        return render_pdf(self.html)


def monthly_report(
    store: Store, month: str | None = None, language: str = "en", reporting_currency: str = "USD",
    today: date | None = None,
) -> MonthlyReport:
    """The report of the closed ``month`` (YYYY-MM; default the last closed month) in ``language``."""
    check_language(language)
    first = report_month(store, month, today or company_today())
    figures = monthly_figures(store, first, reporting_currency)
    why = explanations(store, figures["headlines"], first, reporting_currency)
    return MonthlyReport(first, language, figures, why, render_html(figures, why, language, today or company_today()))


def check_format(output: str) -> str:
    if output not in FORMATS:
        raise NabdError(f"unknown format {output!r}: a report is written as {' or '.join(FORMATS)}")
    return output
