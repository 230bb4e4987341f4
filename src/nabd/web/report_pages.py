"""The reports page (``/reports``: the closed months, each report to read in Arabic or English or download as
PDF) and ``GET /api/v1/reports/monthly``. Reports come from nabd.report; one made is kept while the data
is unchanged (the store's data generation), as a whole month's figures change only when data arrives."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from nabd.config import load_settings
from nabd.metrics.progress import last_complete_period
from nabd.report.figures import months_before
from nabd.report.month import check_language, parse_month
from nabd.report.monthly import MonthlyReport, monthly_report
from nabd.report.render import left_sentences
from nabd.report.wording import month_name, plain, why_sentence
from nabd.store import Store
from nabd.store.calendar import today
from nabd.web.api import ERRORS
from nabd.web.pages import _query, language_of, render
from nabd.web.read import competitors as competitor_watch
from nabd.web.read.generation import data_generation
from nabd.web.security import api_guard, page_guard

pages = APIRouter(include_in_schema=False, dependencies=[Depends(page_guard)])
api = APIRouter(prefix="/api/v1", dependencies=[Depends(api_guard)], responses=ERRORS)
LISTED_MONTHS = 24
_kept: dict[tuple[Any, ...], MonthlyReport] = {}
_kept_lock = threading.Lock()


def closed_months(store: Store, day: date) -> list[date]:
    """The closed months since the first subscription began, newest first (at most LISTED_MONTHS)."""
    first = store.scalar("SELECT min(start_date) FROM subscriptions")
    if first is None:
        return []
    last = last_complete_period("month", day)
    months = [months_before(last, k) for k in range(LISTED_MONTHS)]
    return [month for month in months if month >= first.replace(day=1)]


def kept_report(store: Store, month: str | None, language: str) -> MonthlyReport:
    """The report of ``month`` in ``language``, made once per data generation."""
    currency = load_settings().reporting_currency
    key = (str(store.url), month, language, currency, today(), data_generation(store))
    with _kept_lock:
        found = _kept.get(key)
    if found is None:
        found = monthly_report(store, month, language, currency)
        with _kept_lock:
            for old in [k for k in _kept if k[:4] == key[:4]]:
                del _kept[old]
            _kept[key] = found
    return found


def _month(text: str) -> str:
    return parse_month(text).strftime("%Y-%m")


@pages.get("/reports")
async def reports(request: Request) -> HTMLResponse:
    months = await _query(request, closed_months, today())
    language = language_of(request).code
    return render(request, "reports.html", active="reports", months=[
        {"key": f"{m:%Y-%m}", "name": month_name(m, language)} for m in months])


@pages.get("/reports/monthly/{month}")
async def report_page(request: Request, month: str, lang: Annotated[str, Query()] = "en") -> HTMLResponse:
    """The report of ``month`` (YYYY-MM) as its own page; ``/reports/monthly/2026-10.pdf`` downloads the PDF."""
    if month.endswith(".pdf"):
        return await report_pdf(request, month.removesuffix(".pdf"), lang)
    check_language(lang)
    made = await _query(request, kept_report, _month(month), lang)
    return HTMLResponse(made.html)


async def report_pdf(request: Request, month: str, lang: str) -> Response:
    check_language(lang)
    made = await _query(request, kept_report, _month(month), lang)
    pdf = await run_in_threadpool(made.pdf)
    name = f"nabd-report-{made.month:%Y-%m}-{lang}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _plain(value: Any) -> Any:
    """JSON as the API writes it: money as exact decimal strings, dates as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_json(made: MonthlyReport) -> dict[str, Any]:
    """The report's figures as data: headlines with their comparisons and noise, the waterfall, and per moved
    headline its change by segment, plan, CSM and cohort with the sentence saying it."""
    figures = made.figures
    headlines = {h["key"]: h for h in figures["headlines"]}
    return _plain({
        "month": f"{made.month:%Y-%m}", "language": made.language, "currency": figures["currency"],
        "headlines": [{k: h[k] for k in ("key", "unit", "value", "previous", "year_ago", "change", "change_year",
                                         "noise", "moved", "note")} for h in figures["headlines"]],
        "waterfall": figures["waterfall"], "voice": figures["voice"], "support": figures["support"],
        "why": {key: {by: {"sentence": plain(why_sentence(headlines[key], by, rows, made.language)),
                           "groups": [{"group": r["group"], "value_before": r["value_before"], "value_after": r["value_after"],
                                       "contribution": r["contribution"]} for r in rows]}
                      for by, rows in splits.items()}
                for key, splits in made.why.items()},
        "left": left_json(made),
    })


def left_json(made: MonthlyReport) -> dict[str, Any]:
    """Why customers left (nabd.report.reasons) as data, with the report's sentences in its language."""
    reasons = made.figures["reasons"]
    weakest = [{"measure": m["measure"], "name": getattr(m["name"], made.language, None) if m["name"] else m["measure"],
                "accounts": m["accounts"]} for m in reasons["weakest"]["measures"]]
    month_text = month_name(made.month, made.language)
    return {
        "churned": reasons["churned"], "scored": reasons["weakest"]["scored"], "weakest_measures": weakest,
        "exit_reasons": reasons["exit"], "detractor_themes": reasons["themes"], "competitors": reasons["competitors"],
        "warnings": reasons["warnings"], "notes": reasons["notes"],
        "sentences": [plain(sentence) for sentence in left_sentences(reasons, month_text, made.language)],
    }


@api.get("/reports/monthly", responses={200: {
    "description": "The report: its figures and why (json), the page (html) or the document (pdf)",
    "content": {"application/json": {}, "text/html": {}, "application/pdf": {}},
}})
async def monthly_report_api(
    request: Request, month: Annotated[str | None, Query(description="YYYY-MM; default the last closed month")] = None,
    lang: Annotated[str, Query(description="ar or en")] = "en",
    format: Annotated[str, Query(pattern="^(json|html|pdf)$", description="json (figures and why), html or pdf")] = "json",
) -> Any:
    """A closed month's report: its figures and why the headlines moved (json), or the report itself (html, pdf).
    A month in the future, in progress, without data, or an unknown language is a 400 with one line."""
    check_language(lang)
    made = await _query(request, kept_report, _month(month) if month else None, lang)
    if format == "html":
        return HTMLResponse(made.html)
    if format == "pdf":
        return Response(await run_in_threadpool(made.pdf), media_type="application/pdf")
    return report_json(made)



@pages.get("/accounts/{account_id}/competitors")
async def account_competitors(request: Request, account_id: str) -> HTMLResponse:
    """The account page's competitor mentions by month (loaded by htmx from competitor_account.html)."""
    rows = await _query(request, competitor_watch.account_mentions, account_id)
    return render(request, "competitor_mentions.html", rows=rows)


@pages.get("/dashboard/competitors")
async def dashboard_competitors(request: Request, months: Annotated[int, Query(ge=2, le=36)] = 12) -> HTMLResponse:
    """The dashboard's competitor mentions per competitor per month (loaded by htmx from competitor_dashboard.html)."""
    shown = await _query(request, competitor_watch.monthly_mentions, today(), months)
    return render(request, "competitor_months.html", shown=shown)
