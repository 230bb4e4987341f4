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
    "left": {"en": "Why customers left", "ar": "لماذا غادر العملاء"},
    "no_charts": {"en": "The charts need Node.js (the `nodejs` package) on the server; the tables below hold every figure.",
                  "ar": "تحتاج الرسوم البيانية إلى Node.js (حزمة `nodejs`) على الخادم؛ الجداول أدناه تحمل كل الأرقام."},
    "trends": {"en": "The last 13 months", "ar": "آخر 13 شهرًا"},
    "axis_floor": {"en": "The bars start at", "ar": "تبدأ الأعمدة من"},
    "not_zero": {"en": "not at zero.", "ar": "لا من الصفر."},
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


# --- why customers left (nabd.report.reasons), one sentence per finding --------------------------

REASON_NAMES: dict[str, dict[str, str]] = {
    "price": {"en": "price", "ar": "السعر"}, "missing_feature": {"en": "missing feature", "ar": "ميزة ناقصة"},
    "support": {"en": "support", "ar": "الدعم"}, "competitor": {"en": "went to a competitor", "ar": "انتقل إلى منافس"},
    "budget": {"en": "budget", "ar": "الميزانية"}, "company_closed": {"en": "company closed", "ar": "أغلقت الشركة"},
    "other": {"en": "other", "ar": "أخرى"},
}


def _listing(items: list[tuple[str, Sentence]], language: str) -> Sentence:
    """ "a 2, b 1" / "a 2، b 1": each label then its number parts."""
    parts: Sentence = []
    for index, (label_text, numbers) in enumerate(items):
        if index:
            parts.append(("text", ", " if language == "en" else "، "))
        parts += [("text", f"{label_text} "), *numbers]
    return parts


def _count(value: int) -> Sentence:
    return [("number", f"{value:,d}")]


def churned_sentence(reasons: dict[str, Any], month_text: str, language: str) -> Sentence:
    """How many accounts left and their weakest health measures."""
    weakest, churned = reasons["weakest"], reasons["churned"]
    items = [((m["name"].en if language == "en" else m["name"].ar) if m["name"] else m["measure"], _count(m["accounts"]))
             for m in weakest["measures"]]
    if language == "en":
        parts: Sentence = [*_count(churned), ("text", f" accounts left in {month_text}")]
        if not churned:
            return parts + [("text", ".")]
        parts += [("text", "; "), *_count(weakest["scored"]), ("text", " of them had a health score before leaving")]
        if items:
            parts += [("text", ". Their weakest measure (most points lost): "), *_listing(items, language)]
        return parts + [("text", ".")]
    parts = [("text", "عدد الحسابات التي غادرت في " + month_text + ": "), *_count(churned)]
    if not churned:
        return parts + [("text", ".")]
    parts += [("text", "؛ منها "), *_count(weakest["scored"]), ("text", " لها تقييم صحة قبل المغادرة")]
    if items:
        parts += [("text", ". أضعف مؤشر لديها (الأكثر خسارة للنقاط): "), *_listing(items, language)]
    return parts + [("text", ".")]


def exit_sentence(found: dict[str, Any], language: str) -> Sentence:
    """Exit-survey reasons of the churned accounts."""
    if not found["accounts"]:
        return [("text", "No churned account answered an exit survey." if language == "en"
                 else "لم يُجب أي حساب مغادر على استبيان المغادرة.")]
    items = [(REASON_NAMES.get(r["reason"], {}).get(language, r["reason"]), _count(r["accounts"])) for r in found["reasons"]]
    rivals = [(r["competitor"], _count(r["accounts"])) for r in found["competitors"]]
    if language == "en":
        parts: Sentence = [("text", "Exit surveys: "), *_count(found["accounts"]),
                           ("text", " churned accounts answered; reasons (accounts): "), *_listing(items, language)]
        if rivals:
            parts += [("text", "; competitors named: "), *_listing(rivals, language)]
        return parts + [("text", ".")]
    parts = [("text", "استبيانات المغادرة: أجاب "), *_count(found["accounts"]),
             ("text", " من الحسابات المغادرة؛ الأسباب (عدد الحسابات): "), *_listing(items, language)]
    if rivals:
        parts += [("text", "؛ المنافسون المذكورون: "), *_listing(rivals, language)]
    return parts + [("text", ".")]


def notes_sentence(found: dict[str, Any], language: str) -> Sentence:
    """How many churned accounts have CSM notes in the months before."""
    if language == "en":
        return [*_count(found["accounts"]), ("text", " of the churned accounts have CSM notes from the 3 months before; the latest:")]
    return [("text", "عدد الحسابات المغادرة التي لها ملاحظات من مدير نجاح العميل في الأشهر الثلاثة السابقة: "),
            *_count(found["accounts"]), ("text", "؛ أحدثها:")]


def themes_sentence(found: dict[str, Any], theme_names: dict[str, dict[str, str]], language: str) -> Sentence:
    """Detractors' comments this month and the month before, and the themes that grew."""
    grew = [(theme_names.get(t["theme"], {}).get(language, t["theme"]),
             [("number", f"{t['this']:,d} ({t['change']:+,d})")]) for t in found["grew"][:TOP_THEMES]]
    if language == "en":
        parts: Sentence = [("text", "Detractors left "), *_count(found["comments"]), ("text", " analysed comments ("),
                           *_count(found["comments_before"]), ("text", " the month before)")]
        parts += ([("text", "; themes that grew (comments, change): "), *_listing(grew, language)] if grew
                  else [("text", "; no theme grew among them")])
        return parts + [("text", ".")]
    parts = [("text", "ترك غير الراضين "), *_count(found["comments"]), ("text", " تعليقًا محللًا ("),
             *_count(found["comments_before"]), ("text", " في الشهر السابق)")]
    parts += ([("text", "؛ المواضيع التي زادت (التعليقات، التغير): "), *_listing(grew, language)] if grew
              else [("text", "؛ لم يزد أي موضوع بينها")])
    return parts + [("text", ".")]


TOP_THEMES = 4


def competitors_sentence(found: dict[str, Any], language: str) -> Sentence:
    """Competitor mentions this month against the month before, per competitor, and the churned who named one."""
    items = [(c["competitor"], _count(c["mentions"])) for c in found["competitors"] if c["mentions"]]
    if language == "en":
        parts: Sentence = [("text", "Competitors were named in "), *_count(found["mentions"]),
                           ("text", " comments and tickets ("), *_count(found["before"]), ("text", " the month before)")]
        if items:
            parts += [("text", ": "), *_listing(items, language)]
        if found["churned_naming"] is not None:
            parts += [("text", "; "), *_count(found["churned_naming"]),
                      ("text", " of the churned accounts named a competitor in the 3 months before")]
        return parts + [("text", ".")]
    parts = [("text", "ذُكر المنافسون في "), *_count(found["mentions"]), ("text", " من التعليقات والتذاكر ("),
             *_count(found["before"]), ("text", " في الشهر السابق)")]
    if items:
        parts += [("text", ": "), *_listing(items, language)]
    if found["churned_naming"] is not None:
        parts += [("text", "؛ وذكر "), *_count(found["churned_naming"]),
                  ("text", " من الحسابات المغادرة منافسًا في الأشهر الثلاثة السابقة")]
    return parts + [("text", ".")]


def warnings_sentence(found: dict[str, Any], language: str) -> Sentence:
    """Whether the early warnings caught the month's churn: recall and lead time."""
    window = [("number", f"{found['lead_min']}-{found['lead_max']}")]
    if not found["runs"]:
        if language == "en":
            return [("text", "No early-warning run is stored for the "), *window,
                    ("text", " days before this month's churn, so whether the warnings caught it cannot be told: run `nabd run` every day.")]
        return [("text", "لا توجد تشغيلات محفوظة للإنذار المبكر في الأيام "), *window,
                ("text", " السابقة لمغادرة هذا الشهر، فلا يمكن معرفة ما إذا التقطتها الإنذارات: شغّل `nabd run` يوميًا.")]
    if not found["churned"]:
        return [("text", "No account left, so there was no churn to warn of." if language == "en"
                 else "لم يغادر أي حساب، فلا مغادرة للإنذار بها.")]
    recall = [("number", f"{found['recall'] * 100:.0f}%")]
    if language == "en":
        parts: Sentence = [("text", "The early warnings caught "), *_count(found["warned"]), ("text", " of the "),
                           *_count(found["churned"]), ("text", " churned accounts (recall "), *recall,
                           ("text", ", warnings "), *window, ("text", " days before the churn day; "),
                           *_count(found["runs"]), ("text", " indicator runs)")]
        if found["median_lead"] is not None:
            parts += [("text", ", a median "), ("number", f"{found['median_lead']:g}"), ("text", " days ahead")]
        return parts + [("text", ".")]
    parts = [("text", "التقطت الإنذارات المبكرة "), *_count(found["warned"]), ("text", " من "), *_count(found["churned"]),
             ("text", " حسابات مغادرة (الاستدعاء "), *recall, ("text", "، إنذارات قبل يوم المغادرة بـ "), *window,
             ("text", " يومًا؛ "), *_count(found["runs"]), ("text", " تشغيلًا للمؤشرات)")]
    if found["median_lead"] is not None:
        parts += [("text", "، بوسيط "), ("number", f"{found['median_lead']:g}"), ("text", " يومًا قبلها")]
    return parts + [("text", ".")]
