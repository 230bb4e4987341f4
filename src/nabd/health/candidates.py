"""Candidate measures from whatever the company's data holds: the ONE generator that `nabd scorecard init`
(picking and weighting measures by their association with later churn) and the churn model's features
(nabd.risk, issue 22) both read, so a score and a model never disagree on what a signal means.

What the store holds decides the candidates, never a vocabulary: every event type in the catalogue
(``event_types``) known by as_of gives its own rate per 28 days and trend; account activity of any kind
gives active days, events per active day, event types used, recency and trend; contact ids, when events
carry them, give active (contact, day) pairs; event values give value sums; each other table that has
rows gives its measures (tickets, invoices, NPS answers, referrals, CSM ratings, licences, renewals and
the churn at stake in them); subscriptions give tenure; recorded onboarding milestones give onboarding
progress and the days since the last milestone; early-warning firings give their count (in total and per
indicator). Renaming every event type renames the per-type candidates and nothing else.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from nabd.health.scorecard import MeasureSpec
from nabd.store import Store

WINDOW_DAYS = 28
RECENCY_DAYS = 90
# (measure type, unit, window days, higher is better) of measures that need no event vocabulary
ACTIVITY = [
    ("active_days", "days", WINDOW_DAYS, True),
    ("events_per_active_day", "count", WINDOW_DAYS, True),
    ("event_types_used", "count", WINDOW_DAYS, True),
    ("days_since_last_event", "days", RECENCY_DAYS, False),
    ("event_trend", "ratio", WINDOW_DAYS, True),
    ("event_rate", "count", WINDOW_DAYS, True),
]
# table with rows -> its measures: (type, unit, window days, higher is better)
TABLES = {
    "tickets": [("ticket_frequency", "count", 90, False), ("ticket_trend", "count", 90, False)],
    "invoices": [("payment_days_overdue", "days", 30, False), ("late_invoice_share", "ratio", 365, False)],
    "referrals": [("referrals", "count", 365, True)],
    "relationship_ratings": [("csm_rating", "score", 365, True)],
}
# measure type -> its Arabic name (the seeds' and the shipped scorecards' terms); the English name is the
# type with spaces
ARABIC = {
    "active_days": "أيام النشاط",
    "events_per_active_day": "الأحداث في كل يوم نشاط",
    "event_types_used": "أنواع النشاط المستخدمة",
    "days_since_last_event": "الأيام منذ آخر نشاط",
    "event_trend": "اتجاه النشاط",
    "event_rate": "الأحداث لكل 28 يومًا",
    "ticket_frequency": "تكرار تذاكر الدعم المفتوحة",
    "ticket_trend": "اتجاه تذاكر الدعم",
    "payment_days_overdue": "أيام تأخير الدفع",
    "late_invoice_share": "نسبة الفواتير المتأخرة",
    "referrals": "الإحالات",
    "csm_rating": "جودة العلاقة مع فريق الشركة",
}
_SLUG = re.compile(r"[^a-z0-9]+")


def _spec(measure_id: str, mtype: str, unit: str, window: int, higher: bool, name: tuple[str, str],
          **params) -> MeasureSpec:
    """A candidate scored as a percentile with weight 1; ``name`` is (English, Arabic)."""
    return MeasureSpec.model_validate({
        "id": measure_id, "type": mtype, "name": {"en": name[0], "ar": name[1]}, "unit": unit, "weight": 1,
        "params": {"window_days": window, **params},
        "rule": {"kind": "percentile", "higher_is_better": higher},
    })


def event_type_id(prefix: str, event_type: str) -> str:
    """A measure id for an event type: ``<prefix>_<slug>_<6 hex of sha1(name)>`` (unique, valid, <= 41 chars)."""
    slug = _SLUG.sub("_", event_type.lower()).strip("_")[:20] or "event"
    return f"{prefix}_{slug}_{hashlib.sha1(event_type.encode()).hexdigest()[:6]}"


def candidate_measures(
    store: Store, as_of: date, min_accounts: int = 5, *, horizon_days: int = 90,
) -> list[MeasureSpec]:
    """Every candidate measure the data can feed as of ``as_of`` (each scored as a percentile, weight 1);
    ``horizon_days`` is the churn horizon they are picked for (the renewals whose churn is at stake).

    Per-event-type candidates (rate per 28 days, trend; value per 28 days when the type carries values)
    are for the types first seen by as_of and used by at least ``min_accounts`` accounts in the 90 days
    before it (rarer types cannot rank accounts)."""
    specs = [_spec(mtype, mtype, unit, window, higher, (mtype.replace("_", " "), ARABIC[mtype]))
             for mtype, unit, window, higher in ACTIVITY]
    specs.append(_spec("tenure_days", "tenure_days", "days", 30, True, ("tenure", "مدة الاشتراك")))
    types = store.fetchall(
        "SELECT d.event_type, count(DISTINCT d.account_id), sum(CASE WHEN d.contact_id <> '' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN d.value_sum <> 0 THEN 1 ELSE 0 END) FROM activity_daily d "
        "JOIN event_types t ON t.event_type = d.event_type AND t.first_day <= ? "
        "WHERE d.day <= ? AND d.day > ? GROUP BY d.event_type ORDER BY d.event_type",
        [as_of, as_of, date.fromordinal(as_of.toordinal() - RECENCY_DAYS)],
    )
    if any(with_contact for _, _, with_contact, _ in types):
        specs.append(_spec("active_contact_days", "active_days", "count", WINDOW_DAYS, True,
                           ("active (contact, day) pairs", "أزواج (جهة اتصال، يوم) النشطة"), grain="contact"))
    for event_type, accounts, _, with_value in types:
        if accounts < min_accounts:
            continue
        specs.append(_spec(event_type_id("rate", event_type), "event_rate", "count", WINDOW_DAYS, True,
                           (f"{event_type} per 28 days", f"{event_type} لكل 28 يومًا"), events=[event_type]))
        specs.append(_spec(event_type_id("trend", event_type), "event_trend", "ratio", WINDOW_DAYS, True,
                           (f"{event_type} trend", f"اتجاه {event_type}"), events=[event_type]))
        if with_value:
            specs.append(_spec(event_type_id("value", event_type), "event_rate", "count", WINDOW_DAYS, True,
                               (f"{event_type} value per 28 days", f"قيمة {event_type} لكل 28 يومًا"),
                               events=[event_type], sum="value"))
    for table, measures in TABLES.items():
        if store.scalar(f"SELECT count(*) FROM {table}"):
            specs += [_spec(mtype, mtype, unit, window, higher, (mtype.replace("_", " "), ARABIC[mtype]))
                      for mtype, unit, window, higher in measures]
    if store.scalar("SELECT count(*) FROM tickets WHERE csat IS NOT NULL"):
        specs.append(_spec("ticket_csat", "ticket_csat", "score", 180, True,
                           ("ticket CSAT", "رضا العملاء عن التذاكر")))
    if store.scalar("SELECT count(*) FROM survey_responses WHERE kind = 'nps'"):
        specs += [_spec("nps_latest", "nps_latest", "score", 365, True, ("latest NPS answer", "آخر إجابة NPS")),
                  _spec("nps_trend", "nps_trend", "score", 180, True, ("NPS trend", "اتجاه إجابات NPS"))]
    if store.scalar("SELECT count(*) FROM subscriptions WHERE quantity > 1"):
        specs.append(_spec("new_licences", "new_licences", "count", 90, True,
                           ("licences added", "الحصول على تراخيص جديدة")))
        if any(with_contact for _, _, with_contact, _ in types):
            specs.append(_spec("licence_utilisation", "licence_utilisation", "ratio", 30, True,
                               ("licence utilisation", "نسبة استخدام التراخيص")))
    if store.scalar("SELECT count(*) FROM subscriptions WHERE renewal_date IS NOT NULL"):
        specs.append(_spec("days_to_renewal", "days_to_renewal", "days", 30, True,
                           ("days to renewal", "الأيام حتى التجديد")))
        specs.append(_spec("renewal_exposure", "renewal_exposure", "ratio", horizon_days, False,
                           (f"churn at stake in renewals due in {horizon_days} days",
                            f"احتمال المغادرة في التجديدات المستحقة خلال {horizon_days} يومًا")))
    return specs + _more_candidates(store, as_of, min_accounts)


def _more_candidates(store: Store, as_of: date, min_accounts: int) -> list[MeasureSpec]:
    """Further families (issue 22): MRR change over a quarter, CSAT and CES answers, comment sentiment,
    onboarding progress, early-warning firings (in total, and per indicator fired for at least
    ``min_accounts`` accounts in the RECENCY_DAYS before as_of)."""
    specs = []
    if store.scalar("SELECT count(*) FROM subscriptions WHERE mrr > 0"):
        specs.append(_spec("mrr_change", "mrr_change", "ratio", 90, True,
                           ("MRR change over 90 days", "تغيّر الإيراد الشهري المتكرر خلال 90 يومًا")))
    for kind in ("csat", "ces"):
        if store.scalar("SELECT count(*) FROM survey_responses WHERE kind = ?", [kind]):
            specs.append(_spec(f"{kind}_mean", f"{kind}_mean", "score", 180, True,
                               (f"mean {kind.upper()} answer", f"متوسط إجابات {kind.upper()}")))
    if store.scalar("SELECT count(*) FROM feedback_analysis"):
        specs.append(_spec("sentiment", "sentiment", "score", 90, True,
                           ("comment sentiment", "المشاعر في ردود الفعل")))
    if store.scalar("SELECT count(*) FROM onboarding_milestones WHERE completed_on <= ?", [as_of]):
        specs += [_spec("onboarding_progress", "onboarding_progress", "ratio", 30, True,
                        ("onboarding progress", "تقدم التهيئة")),
                  _spec("days_since_milestone", "days_since_milestone", "days", 30, False,
                        ("days since the last onboarding milestone", "الأيام منذ آخر مرحلة تهيئة"))]
    fired = store.fetchall(
        "SELECT indicator, count(DISTINCT account_id) FROM indicator_firings WHERE as_of <= ? AND as_of > ? "
        "GROUP BY indicator ORDER BY indicator", [as_of, date.fromordinal(as_of.toordinal() - RECENCY_DAYS)])
    if fired:
        specs.append(_spec("indicator_firings", "indicator_firings", "count", RECENCY_DAYS, False,
                           ("early warnings in 90 days", "إنذارات المؤشرات خلال 90 يومًا")))
    for indicator, accounts in fired:
        if accounts >= min_accounts and len(fired) > 1:
            specs.append(_spec(event_type_id("fired", indicator), "indicator_firings", "count", RECENCY_DAYS, False,
                               (f"{indicator} warnings in 90 days", f"إنذارات {indicator} خلال 90 يومًا"),
                               indicators=[indicator]))
    return specs
