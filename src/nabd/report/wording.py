"""The report's words in Arabic and English: labels, formatted numbers, and sentences made only from the
numbers they show. A sentence is a list of parts, ("text", ...) or ("number", ...), so a page can keep each
number left-to-right inside Arabic text; :func:`plain` joins them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import get_month_names

Part = tuple[str, str]
Sentence = list[Part]

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Monthly customer report", "ar": "التقرير الشهري للعملاء"},
    "headlines": {"en": "Headline figures", "ar": "الأرقام الرئيسية"},
    "figure": {"en": "Figure", "ar": "المؤشر"},
    "this_month": {"en": "This month", "ar": "هذا الشهر"},
    "previous": {"en": "Month before", "ar": "الشهر السابق"},
    "year_ago": {"en": "A year before", "ar": "قبل عام"},
    "change": {"en": "Change", "ar": "التغير"},
    "noise": {"en": "Noise (95%)", "ar": "هامش الضوضاء (95%)"},
    "why": {"en": "What changed and why", "ar": "ما الذي تغير ولماذا"},
    "nothing_moved": {"en": "No headline moved beyond its noise this month: the changes above are within what chance alone gives.",
                      "ar": "لم يتغير أي مؤشر رئيسي هذا الشهر بأكثر من هامش الضوضاء: التغيرات أعلاه في حدود ما تنتجه الصدفة وحدها."},
    "revenue": {"en": "Revenue", "ar": "الإيرادات"},
    "waterfall": {"en": "MRR waterfall", "ar": "حركة الإيراد الشهري المتكرر"},
    "movement": {"en": "Movement", "ar": "الحركة"},
    "amount": {"en": "Amount", "ar": "المبلغ"},
    "retention": {"en": "Churn and retention", "ar": "الفقد والاحتفاظ"},
    "accounts_moved": {"en": "Accounts that moved MRR most", "ar": "الحسابات الأكثر تأثيرًا في الإيراد"},
    "gained": {"en": "Gained", "ar": "مكاسب"},
    "lost": {"en": "Lost", "ar": "خسائر"},
    "account": {"en": "Account", "ar": "الحساب"},
    "kind": {"en": "Kind", "ar": "النوع"},
    "none": {"en": "None this month.", "ar": "لا شيء هذا الشهر."},
    "cohorts": {"en": "Cohort retention (share of accounts still customers, by months since start)",
                "ar": "احتفاظ الدفعات (نسبة الحسابات التي ما زالت عملاء، حسب الأشهر منذ البداية)"},
    "cohort": {"en": "Cohort", "ar": "الدفعة"},
    "accounts": {"en": "Accounts", "ar": "الحسابات"},
    "voice": {"en": "Voice of the customer", "ar": "صوت العميل"},
    "survey": {"en": "Survey", "ar": "الاستبيان"},
    "responses": {"en": "Responses", "ar": "الردود"},
    "score": {"en": "Score", "ar": "النتيجة"},
    "interval": {"en": "95% interval", "ar": "مجال الثقة 95%"},
    "no_answers": {"en": "no answers this month", "ar": "لا ردود هذا الشهر"},
    "health": {"en": "Health portfolio", "ar": "صحة المحفظة"},
    "band": {"en": "Band", "ar": "الفئة"},
    "unscored": {"en": "not scored", "ar": "بلا تقييم"},
    "no_health": {"en": "No health scores were stored at both ends of the month: run `nabd score` to see the portfolio move.",
                  "ar": "لا توجد تقييمات صحة محفوظة في بداية الشهر ونهايته: شغّل `nabd score` لرؤية حركة المحفظة."},
    "transitions": {"en": "Band changes", "ar": "تغيرات الفئة"},
    "from": {"en": "From", "ar": "من"},
    "to": {"en": "To", "ar": "إلى"},
    "stayed": {"en": "accounts kept their band", "ar": "حساباً بقيت في فئتها"},
    "support": {"en": "Support", "ar": "الدعم"},
    "value": {"en": "Customer value", "ar": "قيمة العميل"},
    "opening": {"en": "Opening", "ar": "البداية"},
    "closing": {"en": "Closing", "ar": "النهاية"},
    "scored_on": {"en": "scored on", "ar": "تقييم يوم"},
    "generated": {"en": "Every figure comes from Nabd's metric definitions (`nabd metrics`); money in",
                  "ar": "كل رقم مأخوذ من تعريفات المؤشرات في نبض (`nabd metrics`)؛ المبالغ بعملة"},
}

NAMES: dict[str, dict[str, str]] = {
    "customers": {"en": "Customers", "ar": "العملاء"},
    "mrr": {"en": "MRR", "ar": "الإيراد الشهري المتكرر"},
    "customer_churn": {"en": "Customer churn", "ar": "معدل فقد العملاء"},
    "revenue_churn": {"en": "Net revenue churn", "ar": "صافي فقد الإيراد"},
    "grr": {"en": "Gross revenue retention (GRR)", "ar": "الاحتفاظ الإجمالي بالإيراد (GRR)"},
    "nrr": {"en": "Net revenue retention (NRR)", "ar": "صافي الاحتفاظ بالإيراد (NRR)"},
    "nps": {"en": "NPS", "ar": "صافي نقاط الترويج (NPS)"},
    "csat": {"en": "CSAT (% satisfied)", "ar": "رضا العملاء CSAT (% راضون)"},
    "ces": {"en": "CES (% easy, 5-7)", "ar": "سهولة التعامل CES (% سهل، 5-7)"},
    "tickets": {"en": "Tickets per account", "ar": "التذاكر لكل حساب"},
    "clv": {"en": "Customer lifetime value", "ar": "القيمة الدائمة للعميل"},
    "opening_mrr": {"en": "Opening MRR", "ar": "الإيراد في بداية الشهر"},
    "new": {"en": "New", "ar": "جديد"},
    "reactivation": {"en": "Reactivation", "ar": "عودة"},
    "expansion": {"en": "Expansion", "ar": "توسع"},
    "contraction": {"en": "Contraction", "ar": "تقلص"},
    "churned": {"en": "Churned", "ar": "مفقود"},
    "fx_effect": {"en": "FX effect", "ar": "أثر سعر الصرف"},
    "closing_mrr": {"en": "Closing MRR", "ar": "الإيراد في نهاية الشهر"},
    "segment": {"en": "segment", "ar": "الشريحة"},
    "plan": {"en": "plan", "ar": "الخطة"},
    "csm": {"en": "CSM", "ar": "مدير نجاح العميل"},
    "cohort": {"en": "cohort", "ar": "الدفعة"},
    "customers_start": {"en": "Customers at start", "ar": "العملاء في البداية"},
    "customers_lost": {"en": "Customers lost", "ar": "العملاء المفقودون"},
    "gross_revenue_churn": {"en": "Gross revenue churn", "ar": "إجمالي فقد الإيراد"},
    "tickets_opened": {"en": "Tickets opened", "ar": "التذاكر المفتوحة"},
    "backlog": {"en": "Open at month end", "ar": "مفتوحة في نهاية الشهر"},
    "first_response_hours": {"en": "First response (hours, mean / median)", "ar": "أول رد (ساعات، متوسط / وسيط)"},
    "handle_hours": {"en": "Handle time (hours, mean / median)", "ar": "مدة المعالجة (ساعات، متوسط / وسيط)"},
    "ticket_csat": {"en": "Ticket CSAT (% rated 4-5, rated tickets)", "ar": "رضا التذاكر (% تقييم 4-5، التذاكر المقيمة)"},
    "arpa": {"en": "Average revenue per account (ARPA)", "ar": "متوسط الإيراد لكل حساب"},
    "csat_mean": {"en": "CSAT mean (1-5)", "ar": "متوسط الرضا (1-5)"},
    "ces_mean": {"en": "CES mean (1-7)", "ar": "متوسط سهولة التعامل (1-7)"},
}


def label(key: str, language: str) -> str:
    return LABELS[key][language]


def name(key: str, language: str) -> str:
    return NAMES[key][language]


def month_name(month: date, language: str) -> str:
    """ "November 2026" / "نوفمبر 2026" (Western digits, as Nabd's pages by default)."""
    return f"{get_month_names('wide', locale=language)[month.month]} {month.year}"


def number(value: Any, unit: str, signed: bool = False) -> str:
    """A value in its unit: fraction -> "3.4%", percent -> "86.4%", score -> "4.8", money -> "48,837",
    count -> "113", rate -> "0.74"; ``signed`` gives a change ("+0.8" points of a fraction or percent, no "%")."""
    if value is None:
        return "–"
    sign = "+" if signed else ""
    if unit == "fraction":
        return f"{float(value) * 100:{sign},.1f}" + ("" if signed else "%")
    if unit == "percent":
        return f"{float(value):{sign},.1f}" + ("" if signed else "%")
    if unit == "score":
        return f"{float(value):{sign},.1f}"
    if unit == "money":
        return f"{Decimal(value):{sign},.0f}" if isinstance(value, Decimal) else f"{float(value):{sign},.0f}"
    if unit == "count":
        return f"{int(value):{sign},d}"
    return f"{float(value):{sign},.2f}"


def change_parts(value: Any, unit: str, language: str, prefix: str = "") -> Sentence:
    """A change as sentence parts: the signed number (after ``prefix``, e.g. "±") isolated, then its unit word
    outside the isolate, so Arabic reads "+0.8" then "نقطة"."""
    if value is None:
        return [("number", "–")]
    text = prefix + (number(abs(value), unit, signed=False).rstrip("%") if prefix else number(value, unit, signed=True))
    if unit not in ("fraction", "percent"):
        return [("number", text)]
    return [("number", text), ("text", " pts" if language == "en" else " نقطة")]


def group_name(group: Any) -> str:
    return group.strftime("%Y-%m") if isinstance(group, date) else str(group)


def plain(sentence: Sentence) -> str:
    """The sentence as text."""
    return "".join(text for _, text in sentence)


def headline_sentence(headline: dict[str, Any], language: str) -> Sentence:
    """How the headline moved from the month before, against its noise, e.g. "Customer churn rose from 2.6%
    to 3.4% (+0.8 pts), beyond its noise of ±0.6 pts."."""
    unit, change = headline["unit"], headline["change"]
    before, after = number(headline["previous"], unit), number(headline["value"], unit)
    rose = change is not None and change > 0
    title = name(headline["key"], language)
    noise = change_parts(headline["noise"], unit, language, "±") if headline["noise"] is not None else None
    change_shown = change_parts(change, unit, language)
    if language == "en":
        verb = "rose" if rose else "fell" if change and change < 0 else "held"
        parts: Sentence = [("text", f"{title} {verb} from "), ("number", before), ("text", " to "), ("number", after),
                           ("text", " ("), *change_shown, ("text", ")")]
        if noise:
            judged = ", beyond its noise of " if headline["moved"] else ", within its noise of "
            parts += [("text", judged), *noise]
        return parts + [("text", ".")]
    verb = "ارتفع" if rose else "انخفض" if change and change < 0 else "استقر"
    parts = [("text", f"{verb} مؤشر {title} من "), ("number", before), ("text", " إلى "), ("number", after),
             ("text", " ("), *change_shown, ("text", ")")]
    if noise:
        judged = "، وهو تغير يتجاوز هامش الضوضاء " if headline["moved"] else "، وهو تغير ضمن هامش الضوضاء "
        parts += [("text", judged), *noise]
    return parts + [("text", ".")]


def contributions(rows: list[dict[str, Any]], shown: int = 3) -> list[tuple[str, float]]:
    """The ``shown`` largest contributions by group, then the rest summed as "others": they add up to the change."""
    top = [(group_name(row["group"]), row["contribution"]) for row in rows[:shown]]
    rest = rows[shown:]
    if rest:
        top.append(("", sum(row["contribution"] for row in rest)))
    return top


def why_sentence(headline: dict[str, Any], by: str, rows: list[dict[str, Any]], language: str) -> Sentence:
    """Which groups of ``by`` made the change, e.g. "By segment: SMB +0.9 pts, ENT -0.1 pts, others +0.0 pts;
    together +0.8 pts."."""
    unit = headline["unit"]
    total = rows[0]["total_change"] if rows else headline["change"]
    others = "others" if language == "en" else "البقية"
    parts: Sentence = [("text", f"By {name(by, language)}: " if language == "en" else f"حسب {name(by, language)}: ")]
    for index, (group, amount) in enumerate(contributions(rows)):
        if index:
            parts.append(("text", ", " if language == "en" else "، "))
        parts += [("number", group) if group else ("text", others), ("text", " "), *change_parts(amount, unit, language)]
    parts += [("text", "; together " if language == "en" else "؛ المجموع "), *change_parts(total, unit, language),
              ("text", ".")]
    return parts
