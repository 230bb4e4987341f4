"""Reasons for an account's churn risk: its largest contributions to the log-odds (TreeSHAP for trees,
coefficient x standardised value for the logistic baseline), each told as a sentence in English and Arabic
with the account's own number ("session fell 62% against the previous 28 days", "3 tickets in 90 days").
"""

from __future__ import annotations

import math

import numpy as np

from nabd.health.scorecard import MeasureSpec

TOP_REASONS = 3


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}" if digits else f"{round(value):,}"


def _signed(value: float) -> str:
    return ("+" if round(value) > 0 else "") + _n(value)


def _subject(spec: MeasureSpec) -> tuple[str, str]:
    """What the measure counts: its event type when it has one, else activity of any kind (en, ar)."""
    events = spec.params.events
    if events and len(events) == 1 and events[0] != "*":
        return events[0], events[0]
    return "activity", "النشاط"


def sentence(spec: MeasureSpec, value: float | None) -> tuple[str, str]:
    """(English, Arabic) sentence of a measure's value for one account."""
    w = spec.params.window_days
    name_en, name_ar = spec.name.en, spec.name.ar
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if spec.type in ("days_to_renewal", "renewal_exposure"):
            return "no renewal date ahead", "لا موعد تجديد قادم"
        if spec.type == "ticket_csat":
            return f"no rated ticket in the last {w} days", f"لا تذكرة مقيَّمة في آخر {w} يومًا"
        return f"no data for {name_en} in the last {w} days", f"لا بيانات عن {name_ar} في آخر {w} يومًا"
    v = float(value)
    subject_en, subject_ar = _subject(spec)
    match spec.type:
        case "active_days" if spec.params.grain == "contact":
            return (f"{_n(v)} active (contact, day) pairs in {w} days",
                    f"{_n(v)} من أزواج (جهة اتصال، يوم) النشطة خلال {w} يومًا")
        case "active_days":
            return f"active on {_n(v)} of the last {w} days", f"نشط في {_n(v)} من آخر {w} يومًا"
        case "events_per_active_day":
            return (f"{_n(v, 1)} events per active day over {w} days",
                    f"{_n(v, 1)} حدثًا في كل يوم نشاط خلال {w} يومًا")
        case "event_types_used":
            return f"{_n(v)} kinds of activity used in {w} days", f"{_n(v)} أنواع من النشاط خلال {w} يومًا"
        case "days_since_last_event":
            return ((f"no activity for {_n(v)} days", f"لا نشاط منذ {_n(v)} يومًا") if v < w else
                    (f"no activity in the last {w} days", f"لا نشاط في آخر {w} يومًا"))
        case "event_trend":
            pct = _n(abs(v) * 100)
            if v < 0:
                return (f"{subject_en} fell {pct}% against the previous {w} days",
                        f"انخفض {subject_ar} {pct}% مقارنة بالـ{w} يومًا السابقة")
            return (f"{subject_en} rose {pct}% against the previous {w} days",
                    f"ارتفع {subject_ar} {pct}% مقارنة بالـ{w} يومًا السابقة")
        case "event_rate" if spec.params.sum == "value":
            return (f"{subject_en} value {_n(v, 1)} per 28 days", f"قيمة {subject_ar} {_n(v, 1)} كل 28 يومًا")
        case "event_rate":
            return f"{_n(v)} {subject_en} events per 28 days", f"{_n(v)} من أحداث {subject_ar} كل 28 يومًا"
        case "tenure_days":
            return f"a customer for {_n(v)} days", f"عميل منذ {_n(v)} يومًا"
        case "ticket_frequency":
            return f"{_n(v)} tickets in {w} days", f"{_n(v)} تذاكر دعم خلال {w} يومًا"
        case "ticket_trend":
            return (f"{_signed(v)} tickets against the previous {w} days",
                    f"{_n(v)} تذاكر مقارنة بالـ{w} يومًا السابقة")
        case "ticket_csat":
            return f"ticket CSAT {_n(v, 1)}/5 over {w} days", f"رضا التذاكر {_n(v, 1)}/5 خلال {w} يومًا"
        case "payment_days_overdue":
            return ((f"an invoice {_n(v)} days overdue", f"فاتورة متأخرة {_n(v)} يومًا") if v > 0 else
                    ("no overdue invoice", "لا فاتورة متأخرة"))
        case "late_invoice_share":
            return (f"{_n(v * 100)}% of invoices due in {w} days paid late",
                    f"{_n(v * 100)}% من الفواتير المستحقة خلال {w} يومًا دُفعت متأخرة")
        case "referrals":
            return f"{_n(v)} referrals in {w} days", f"{_n(v)} إحالات خلال {w} يومًا"
        case "csm_rating":
            return f"CSM rating {_n(v)}/5", f"تقييم مدير النجاح {_n(v)}/5"
        case "nps_latest":
            return f"latest NPS answer {_n(v)}/10", f"آخر إجابة NPS ‏{_n(v)}/10"
        case "nps_trend":
            direction_en, direction_ar = ("fell", "انخفضت") if v < 0 else ("rose", "ارتفعت")
            return (f"NPS answers {direction_en} {_n(abs(v), 1)} points against the previous {w} days",
                    f"{direction_ar} إجابات NPS بمقدار {_n(abs(v), 1)} نقطة مقارنة بالـ{w} يومًا السابقة")
        case "new_licences":
            return f"{_signed(v)} licences in {w} days", f"تغيّر التراخيص {_signed(v)} خلال {w} يومًا"
        case "licence_utilisation":
            return f"{_n(v * 100)}% of licences in use", f"{_n(v * 100)}% من التراخيص مستخدمة"
        case "mrr_change":
            pct = _n(abs(v) * 100)
            if v < 0:
                return f"MRR fell {pct}% over {w} days", f"انخفض الإيراد الشهري {pct}% خلال {w} يومًا"
            return f"MRR rose {pct}% over {w} days", f"ارتفع الإيراد الشهري {pct}% خلال {w} يومًا"
        case "csat_mean":
            return f"mean CSAT answer {_n(v, 1)}/5 over {w} days", f"متوسط إجابات CSAT ‏{_n(v, 1)}/5 خلال {w} يومًا"
        case "ces_mean":
            return f"mean CES answer {_n(v, 1)}/7 over {w} days", f"متوسط إجابات CES ‏{_n(v, 1)}/7 خلال {w} يومًا"
        case "sentiment":
            return (f"comment sentiment {_n(v, 2)} (-1 to 1) over {w} days",
                    f"مشاعر التعليقات {_n(v, 2)} (من -1 إلى 1) خلال {w} يومًا")
        case "days_to_renewal":
            return f"renewal in {_n(v)} days", f"التجديد بعد {_n(v)} يومًا"
        case "renewal_exposure":
            pct = _n(v * 100)
            return (f"{pct}% chance of leaving at the renewals due in {w} days (its term's rate over the past year)",
                    f"احتمال مغادرة {pct}% في التجديدات المستحقة خلال {w} يومًا "
                    "(بمعدل مدة اشتراكه في السنة الماضية)")
        case "onboarding_progress":
            return f"{_n(v * 100)}% of onboarding milestones met", f"أُنجز {_n(v * 100)}% من مراحل التهيئة"
        case "days_since_milestone":
            return (f"last onboarding milestone met {_n(v)} days ago",
                    f"أُنجزت آخر مرحلة تهيئة قبل {_n(v)} يومًا")
        case "indicator_firings" if spec.params.indicators:
            which = ", ".join(spec.params.indicators)
            return f"{_n(v)} {which} warnings in {w} days", f"{_n(v)} من إنذارات {which} خلال {w} يومًا"
        case "indicator_firings":
            return f"{_n(v)} early warnings in {w} days", f"{_n(v)} من إنذارات المؤشرات خلال {w} يومًا"
    return f"{name_en}: {_n(v, 2)}", f"{name_ar}: {_n(v, 2)}"


def reasons(specs: list[MeasureSpec], values: np.ndarray, contributions: np.ndarray, top: int = TOP_REASONS) -> list[dict]:
    """The ``top`` features that raise one account's risk most (contribution > 0), largest first, as
    {measure, value, contribution, en, ar}."""
    order = np.argsort(-contributions, kind="stable")[:top]
    chosen = []
    for j in order:
        if contributions[j] <= 0:
            break
        value = None if np.isnan(values[j]) else float(values[j])
        en, ar = sentence(specs[j], value)
        chosen.append({"measure": specs[j].id, "value": value, "contribution": round(float(contributions[j]), 4),
                       "en": en, "ar": ar})
    return chosen
