"""Tasks and warnings in words, in Arabic and English, made at read time from a cause and its numbers.

A task keeps its cause (``usage_drop``, ``band:unhealthy``, ``renewal``...), its evidence (the numbers
behind it, JSON) and its title templates; :func:`task_title` words it in the reader's language, so an
Arabic page never shows English nor JSON ("Call Al Noor Trading: usage fell 45% against its usual week;
renewal on 12 Jan"). The English title stored with the task (for the CLI and the API) is the same
wording in English.
"""

from __future__ import annotations

import json
import string
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

# What each cause is called (the risk inbox's labels, the digest's lines).
CAUSE_NAMES: dict[str, dict[str, str]] = {
    "negative_feedback": {"en": "Negative feedback", "ar": "ملاحظات سلبية"},
    "neutral_rating": {"en": "Middling rating", "ar": "تقييم محايد"},
    "ticket_burst": {"en": "Ticket burst", "ar": "تزايد التذاكر"},
    "renewal_request": {"en": "Request before renewal", "ar": "طلب قبل التجديد"},
    "usage_drop": {"en": "Usage drop", "ar": "تراجع الاستخدام"},
    "low_usage": {"en": "Low usage", "ar": "استخدام منخفض"},
    "invoice_overdue": {"en": "Invoice overdue", "ar": "فاتورة متأخرة"},
    "band_down": {"en": "Health band fell", "ar": "تراجع فئة الصحة"},
    "intent_pages": {"en": "Pricing or cancel page visits", "ar": "زيارات صفحة الأسعار أو الإلغاء"},
    "onboarding_stalled": {"en": "Onboarding stalled", "ar": "تعثر الإعداد"},
    "band": {"en": "At-risk band", "ar": "فئة معرضة للخطر"},
    "band_change": {"en": "Band change", "ar": "تغير الفئة"},
    "score_drop": {"en": "Score drop", "ar": "تراجع النتيجة"},
    "renewal": {"en": "Renewal", "ar": "تجديد"},
    "new_account": {"en": "New account", "ar": "حساب جديد"},
}

PAGES = {"cancel": {"en": "cancel", "ar": "الإلغاء"}, "pricing": {"en": "pricing", "ar": "الأسعار"}}

# The title of a task a person opens from a warning of the risk inbox.
INBOX_TASK = {"en": "Look into {account_name}: {reason}", "ar": "تابع {account_name}: {reason}"}


class Words:
    """Numbers, percentages, money and days in one language and digits (as the web pages format them)."""

    def __init__(self, language: str = "en", digits: str = "latn") -> None:
        self.language = language if language in ("en", "ar") else "en"
        self.digits = digits

    def text(self, phrase: dict[str, str]) -> str:
        return phrase.get(self.language) or phrase["en"]

    def _digits(self, text: str) -> str:
        if self.digits == "arab":
            return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        return text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))

    def number(self, value: Any, decimals: int = 0) -> str:
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        return self._digits(format_decimal(value, format=pattern, locale=self.language))

    def percent(self, ratio: Any) -> str:
        if ratio is None:
            return "–"
        return self._digits(format_percent(ratio, format="#,##0%", locale=self.language))

    def money(self, amount: Any, currency: str = "USD") -> str:
        if amount is None:
            return "–"
        return self._digits(format_currency(Decimal(str(amount)), currency, format="¤#,##0", locale=self.language,
                                            currency_digits=False))

    def day(self, value: Any) -> str:
        if value in (None, ""):
            return "–"
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        if isinstance(value, datetime):
            value = value.date()
        return self._digits(format_date(value, format="d MMM y", locale=self.language))


def _band_name(band: Any, evidence: dict[str, Any], words: Words) -> str:
    names = evidence.get("band_names") or {}
    return words.text(names[band]) if band in names else str(band or "–")


def _pick(words: Words, en: str, ar: str, **values: str) -> str:
    return (ar if words.language == "ar" else en).format(**values)


def _feedback(evidence: dict[str, Any], words: Words) -> str:
    parts = []
    if evidence.get("detractors"):
        parts.append(_pick(words, "NPS {score} from a detractor", "تقييم NPS ‏{score} من عميل غير راضٍ",
                           score=words.number(evidence.get("lowest_nps"))))
    if evidence.get("low_csat"):
        parts.append(_pick(words, "CSAT {score}", "رضا CSAT ‏{score}", score=words.number(evidence.get("lowest_csat"))))
    if evidence.get("negative_comments"):
        parts.append(_pick(words, "negative comments: {n}", "تعليقات سلبية: {n}",
                           n=words.number(evidence["negative_comments"])))
    joined = (" و" if words.language == "ar" else ", ").join(parts) or _pick(words, "unhappy feedback", "ملاحظات سلبية")
    return _pick(words, "unhappy feedback ({what})", "ملاحظات سلبية ({what})", what=joined)


def _pages(evidence: dict[str, Any], words: Words) -> str:
    visits = [(key.removeprefix("page_"), count) for key, count in evidence.items()
              if key.startswith("page_") and count]
    shown = (" و" if words.language == "ar" else ", ").join(
        _pick(words, "{page} page {n}x", "صفحة {page} ‏{n} مرة",
              page=words.text(PAGES.get(page, {"en": page})), n=words.number(count))
        for page, count in visits
    )
    return _pick(words, "visited {pages}", "زار {pages}", pages=shown or words.number(evidence.get("visits")))


def reason(cause: str | None, evidence: dict[str, Any], words: Words) -> str:
    """Why: the cause worded with its numbers, in ``words``' language (no JSON, no ids of indicators)."""
    e, w = evidence, words
    kind = (cause or "").split(":")[0]
    if kind == "usage_drop":
        change = abs(float(e.get("change") or 0))
        text = _pick(w, "usage fell {pct} below its usual week", "انخفض الاستخدام {pct} عن أسبوعه المعتاد",
                     pct=w.percent(change))
    elif kind == "negative_feedback":
        text = _feedback(e, w)
    elif kind == "neutral_rating":
        text = _pick(w, "middling ratings (passive NPS: {p}, CSAT 3: {c})",
                     "تقييمات محايدة (NPS محايد: {p}، CSAT متوسط: {c})",
                     p=w.number(e.get("passives")), c=w.number(e.get("middling_csat")))
    elif kind == "ticket_burst":
        text = _pick(w, "{n} new tickets, against {usual} usually", "تذاكر جديدة: {n} مقابل {usual} عادةً",
                     n=w.number(e.get("recent_tickets")), usual=w.number(e.get("baseline_per_window"), 1))
    elif kind == "renewal_request":
        text = _pick(w, "asked for {what} before renewing", "طلب ({what}) قبل التجديد", what=str(e.get("categories") or "–"))
    elif kind == "low_usage":
        text = _pick(w, "{a} of {l} licensed users active ({pct})", "{a} من {l} مستخدمين مرخّصين نشطون ({pct})",
                     a=w.number(e.get("active_users")), l=w.number(e.get("licences")), pct=w.percent(e.get("active_share")))
    elif kind == "invoice_overdue":
        text = _pick(w, "unpaid invoices: {n}, {days} days overdue", "فواتير غير مدفوعة: {n}، متأخرة {days} يومًا",
                     n=w.number(e.get("invoices")), days=w.number(e.get("max_days_overdue")))
    elif kind in ("band_down", "band_change"):
        text = _pick(w, "health fell from {a} ({x}) to {b} ({y})", "تراجعت الصحة من {a} ({x}) إلى {b} ({y})",
                     a=_band_name(e.get("from_band"), e, w), b=_band_name(e.get("to_band"), e, w),
                     x=w.number(e.get("previous_score")), y=w.number(e.get("score")))
    elif kind == "intent_pages":
        text = _pages(e, w)
    elif kind == "onboarding_stalled":
        text = _pick(w, "onboarding stalled at {c} of {m} milestones, {d} days after signup",
                     "تعثر الإعداد عند {c} من {m} مراحل بعد {d} يومًا من التسجيل",
                     c=w.number(e.get("completed")), m=w.number(e.get("milestones")), d=w.number(e.get("days_since_signup")))
    elif kind == "band":
        text = _pick(w, "health score {score} ({band})", "مؤشر الصحة {score} ({band})",
                     score=w.number(e.get("score")), band=_band_name(e.get("band"), e, w))
    elif kind == "score_drop":
        text = _pick(w, "score fell {n} points in {d} days to {score}", "انخفضت النتيجة {n} نقطة خلال {d} يومًا إلى {score}",
                     n=w.number(e.get("drop")), d=w.number(e.get("days")), score=w.number(e.get("score")))
    elif kind == "renewal":
        return _pick(w, "renews on {day}", "يتجدد في {day}", day=w.day(e.get("renewal_date")))
    elif kind == "new_account":
        text = _pick(w, "new account since {day}", "حساب جديد منذ {day}", day=w.day(e.get("created_on")))
    else:
        text = w.text(CAUSE_NAMES.get(kind, {"en": kind or "–"}))
    if e.get("renewal_date") and kind != "renewal_request":
        text += _pick(w, "; renewal on {day}", "؛ التجديد في {day}", day=w.day(e["renewal_date"]))
    return text


def cause_name(cause: str | None, words: Words) -> str:
    """The cause's name in ``words``' language (a band cause: "At-risk band")."""
    kind = (cause or "").split(":")[0]
    return words.text(CAUSE_NAMES.get(kind, {"en": kind or "–"}))


def fill(template: str, context: dict[str, Any]) -> str:
    """``template`` with its ``{placeholder}`` fields from ``context`` (a missing one is left empty)."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            value = context.get(name)
            parts.append("" if value is None else str(value))
    return "".join(parts)


def word_task(wording: dict[str, str | None], cause: str | None, evidence: dict[str, Any], words: Words) -> str:
    """A task's title in ``words``' language from its templates, cause and evidence."""
    template = wording.get(words.language) or wording.get("en") or ""
    action = evidence.get("action")
    context = {
        **{k: v for k, v in evidence.items() if not isinstance(v, dict | list)},
        "reason": reason(cause, evidence, words),
        "action": words.text(action) if isinstance(action, dict) else action,
        "score": words.number(evidence.get("score")) if evidence.get("score") is not None else None,
        "band": _band_name(evidence.get("band"), evidence, words) if evidence.get("band") else None,
    }
    return fill(template, context).strip()


def task_title(task: dict[str, Any], language: str = "en", digits: str = "latn") -> str:
    """The title of a task row (tasks.title, wording, cause, evidence) in ``language``; a task without
    wording (a person's, or one made before causes were kept) keeps its stored title."""
    if not task.get("wording"):
        return task["title"]
    wording = _json(task["wording"])
    evidence = _json(task.get("evidence")) or {}
    return word_task(wording, task.get("cause"), evidence, Words(language, digits)) or task["title"]


def _json(value: Any) -> Any:
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)
