"""Leading indicators of churn: each is an engine expression over the store for one as-of date.

Every indicator returns one row per active account on which it fires, with the numbers behind it
(its evidence). Point in time as in ``nabd.health.measures``: a window of N days is
(as_of - N, as_of], a timestamp counts when it is before as_of + 1 day. ``evaluate_indicators``
stores the firings of a date in ``indicator_firings`` (replacing that date's earlier run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

import ibis
from ibis import _
from pydantic import BaseModel, ConfigDict, Field

from nabd.health.scorecard import Scorecard
from nabd.health.scoring import SENTINEL_DAY, as_of_sql
from nabd.metrics.active import customer_subscriptions, is_active
from nabd.playbooks.onboarding import Onboarding, load_onboarding, onboarding_progress
from nabd.yamlfile import load_model
from nabd.store import Store
from nabd.store.clock import utc_now

DEFAULT_INDICATORS = files("nabd.playbooks") / "indicators.yaml"


class _Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True


class NegativeFeedback(_Indicator):
    window_days: int = Field(30, ge=1)
    nps_max: int = Field(6, ge=0, le=10)
    csat_max: int = Field(2, ge=1, le=5)
    sentiment_max: float = Field(-0.3, ge=-1, le=1)  # a comment analysed negative with a score <= this


class NeutralRating(_Indicator):
    window_days: int = Field(30, ge=1)
    nps: list[int] = [7, 8]
    csat: list[int] = [3]


class TicketBurst(_Indicator):
    window_days: int = Field(14, ge=1)
    baseline_days: int = Field(180, ge=1)
    factor: float = Field(2.0, gt=0)
    min_tickets: int = Field(3, ge=1)


class RenewalRequest(_Indicator):
    renewal_within_days: int = Field(60, ge=0)
    request_within_days: int = Field(60, ge=1)
    ticket_categories: list[str] = ["discount request", "price cut", "contract change", "cancellation"]
    event_types: list[str] = ["cancel_intent", "discount_request"]


class UsageDrop(_Indicator):
    event_type: str = "session"
    use_value: bool = True
    recent_days: int = Field(14, ge=7)
    baseline_weeks: int = Field(8, ge=1)
    drop: float = Field(0.30, gt=0, lt=1)


class LowUsage(_Indicator):
    event_type: str = "login"
    window_days: int = Field(28, ge=1)
    min_active_share: float = Field(0.25, gt=0, le=1)


class InvoiceOverdue(_Indicator):
    overdue_days: int = Field(30, ge=0)


class BandDown(_Indicator):
    window_days: int = Field(7, ge=1)


class IntentPages(_Indicator):
    window_days: int = Field(14, ge=1)
    event_types: list[str] = ["page:pricing", "page:cancel"]
    min_visits: int = Field(2, ge=1)


class OnboardingStalled(_Indicator):
    after_days: int = Field(30, ge=1)
    until_days: int = Field(180, ge=1)
    quiet_days: int = Field(21, ge=1)


class IndicatorSettings(BaseModel):
    """Thresholds of every indicator (indicators.yaml)."""

    model_config = ConfigDict(extra="forbid")

    negative_feedback: NegativeFeedback = NegativeFeedback()
    neutral_rating: NeutralRating = NeutralRating()
    ticket_burst: TicketBurst = TicketBurst()
    renewal_request: RenewalRequest = RenewalRequest()
    usage_drop: UsageDrop = UsageDrop()
    low_usage: LowUsage = LowUsage()
    invoice_overdue: InvoiceOverdue = InvoiceOverdue()
    band_down: BandDown = BandDown()
    intent_pages: IntentPages = IntentPages()
    onboarding_stalled: OnboardingStalled = OnboardingStalled()


INDICATORS = tuple(IndicatorSettings.model_fields)


def load_indicator_settings(path: str | Path | None = None) -> IndicatorSettings:
    """Read and validate indicator thresholds (the shipped file when ``path`` is None)."""
    return load_model(path or Path(str(DEFAULT_INDICATORS)), IndicatorSettings)


# --- dates, all derived in the engine from the one as-of literal -----------------------------

def _days_before(d: ibis.DateValue, days: int) -> ibis.DateValue:
    return (d - ibis.interval(days=days)).cast("date")


def _start(d: ibis.DateValue, days: int) -> ibis.TimestampValue:
    """First instant of the window (as_of - days, as_of]."""
    return (d - ibis.interval(days=days - 1)).cast("timestamp")


def _end(d: ibis.DateValue) -> ibis.TimestampValue:
    """First instant after as_of."""
    return (d + ibis.interval(days=1)).cast("timestamp")


def _active(store: Store, d: ibis.DateValue) -> ibis.Table:
    periods = customer_subscriptions(store)
    return periods.filter(is_active(periods, d)).select("account_id").distinct()


def _activity(store: Store, d: ibis.DateValue, days: int, event_types: list[str]) -> ibis.Table:
    rows = store.table("activity_daily")
    return rows.filter(rows.event_type.isin(event_types) & (rows.day > _days_before(d, days)) & (rows.day <= d))


# --- the indicators -----------------------------------------------------------------------------

def negative_feedback(store: Store, d: ibis.DateValue, s: NegativeFeedback) -> ibis.Table:
    """Fires on >= 1 NPS response <= nps_max, CSAT response <= csat_max, closed ticket with CSAT <= csat_max,
    or comment (survey or ticket) analysed negative with sentiment_score <= sentiment_max, in the window.
    Evidence: detractors, low_csat, negative_comments, lowest_nps, lowest_csat."""
    start, end = _start(d, s.window_days), _end(d)
    responses = store.table("survey_responses")
    responses = responses.filter((responses.responded_at >= start) & (responses.responded_at < end))
    surveys = responses.filter(
        ((responses.kind == "nps") & (responses.score <= s.nps_max))
        | ((responses.kind == "csat") & (responses.score <= s.csat_max))
    ).select(account_id=_.account_id.cast("string"), kind=_.kind.cast("string"), score=_.score.cast("int32"))
    tickets = store.table("tickets")
    rated = tickets.filter(
        (tickets.closed_at >= start) & (tickets.closed_at < end) & (tickets.csat <= s.csat_max)
    ).select(account_id=_.account_id.cast("string"), kind=ibis.literal("csat").cast("string"),
             score=_.csat.cast("int32"))
    analysed = store.table("feedback_analysis")
    negative = analysed.filter((analysed.sentiment == "negative") & (analysed.sentiment_score <= s.sentiment_max))
    opened = tickets.filter((tickets.opened_at >= start) & (tickets.opened_at < end))
    comments = [
        negative.filter(negative.source == source).semi_join(facts, negative.source_id == facts[key]).select(
            account_id=_.account_id.cast("string"), kind=ibis.literal("comment").cast("string"),
            score=ibis.null("int32"),
        )
        for source, facts, key in (("survey_response", responses, "response_id"), ("ticket", opened, "ticket_id"))
    ]
    low = ibis.union(surveys, rated, *comments)
    nps, csat = low.kind == "nps", low.kind == "csat"
    fired = low.group_by("account_id").aggregate(
        detractors=nps.sum().cast("int64"),
        low_csat=csat.sum().cast("int64"),
        negative_comments=(low.kind == "comment").sum().cast("int64"),
        lowest_nps=low.score.min(where=nps),
        lowest_csat=low.score.min(where=csat),
    )
    return fired.semi_join(_active(store, d), "account_id")


def neutral_rating(store: Store, d: ibis.DateValue, s: NeutralRating) -> ibis.Table:
    """Fires on an NPS response in ``nps`` or a CSAT (survey or closed ticket) in ``csat`` within the window.
    Evidence: passives (NPS), middling_csat."""
    responses = store.table("survey_responses")
    responses = responses.filter((responses.responded_at >= _start(d, s.window_days)) & (responses.responded_at < _end(d)))
    surveys = responses.filter(
        ((responses.kind == "nps") & responses.score.isin(s.nps))
        | ((responses.kind == "csat") & responses.score.isin(s.csat))
    ).select("account_id", kind=responses.kind.cast("string"))
    tickets = store.table("tickets")
    rated = tickets.filter(
        (tickets.closed_at >= _start(d, s.window_days)) & (tickets.closed_at < _end(d)) & tickets.csat.isin(s.csat)
    ).select("account_id", kind=ibis.literal("csat").cast("string"))
    ratings = ibis.union(surveys, rated)
    nps = ratings.kind == "nps"
    fired = ratings.group_by("account_id").aggregate(
        passives=nps.sum().cast("int64"), middling_csat=(~nps).sum().cast("int64")
    )
    return fired.semi_join(_active(store, d), "account_id")


def ticket_burst(store: Store, d: ibis.DateValue, s: TicketBurst) -> ibis.Table:
    """recent = tickets opened in the window; baseline = tickets opened in the baseline_days before it x
    window_days / baseline_days. Fires when recent >= min_tickets and recent >= factor x baseline."""
    tickets = store.table("tickets")
    window_start = _start(d, s.window_days)
    before = tickets.opened_at >= _start(d, s.window_days + s.baseline_days)
    counted = tickets.filter(before & (tickets.opened_at < _end(d)))
    counts = counted.group_by("account_id").aggregate(
        recent_tickets=(counted.opened_at >= window_start).sum().cast("int64"),
        baseline_tickets=(counted.opened_at < window_start).sum().cast("int64"),
    )
    baseline = counts.baseline_tickets.cast("float64") * s.window_days / s.baseline_days
    counts = counts.mutate(baseline_per_window=baseline.round(2))
    fired = counts.filter((counts.recent_tickets >= s.min_tickets) & (counts.recent_tickets >= baseline * s.factor))
    return fired.semi_join(_active(store, d), "account_id")


def renewal_request(store: Store, d: ibis.DateValue, s: RenewalRequest) -> ibis.Table:
    """Fires when an active subscription renews within renewal_within_days and a ticket of the configured
    categories (or a configured event) came in the last request_within_days. Evidence: requests,
    categories, renewal_date, days_to_renewal."""
    periods = customer_subscriptions(store)
    renewing = periods.filter(
        is_active(periods, d) & (periods.renewal_date >= d)
        & (periods.renewal_date <= (d + ibis.interval(days=s.renewal_within_days)).cast("date"))
    )
    renewals = renewing.group_by("account_id").aggregate(renewal_date=renewing.renewal_date.min())
    tickets = store.table("tickets")
    asked = tickets.filter(
        tickets.category.isin(s.ticket_categories or [""])
        & (tickets.opened_at >= _start(d, s.request_within_days)) & (tickets.opened_at < _end(d))
    ).select("account_id", kind=tickets.category.cast("string"), requests=ibis.literal(1).cast("int64"))
    events = _activity(store, d, s.request_within_days, s.event_types or [""])
    events = events.select("account_id", kind=events.event_type.cast("string"), requests=events.events.cast("int64"))
    requests = ibis.union(asked, events)
    kinds = requests.group_by(["account_id", "kind"]).aggregate(requests=requests.requests.sum())
    per_account = kinds.group_by("account_id").aggregate(
        requests=kinds.requests.sum(), categories=kinds.kind.group_concat(", ")
    ).rename(request_account="account_id")
    fired = renewals.join(per_account, renewals.account_id == per_account.request_account)
    return fired.select(
        "account_id", "requests", "categories", "renewal_date",
        days_to_renewal=fired.renewal_date.delta(d, unit="day"),
    )


def usage_drop(store: Store, d: ibis.DateValue, s: UsageDrop) -> ibis.Table:
    """recent_per_week = usage in the recent window x 7 / recent_days; baseline_per_week = usage in the
    baseline_weeks before it / baseline_weeks. Fires when baseline > 0 and recent <= (1 - drop) x baseline."""
    rows = _activity(store, d, s.recent_days + 7 * s.baseline_weeks, [s.event_type])
    amount = rows.value_sum if s.use_value else rows.events.cast("float64")
    recent = rows.day > _days_before(d, s.recent_days)
    usage = rows.group_by("account_id").aggregate(
        recent=amount.sum(where=recent).fill_null(0), baseline=amount.sum(where=~recent).fill_null(0),
    )
    recent_week = usage.recent * 7 / s.recent_days
    baseline_week = usage.baseline / s.baseline_weeks
    usage = usage.mutate(recent_per_week=recent_week.round(2), baseline_per_week=baseline_week.round(2))
    fired = usage.filter((baseline_week > 0) & (recent_week <= baseline_week * (1 - s.drop)))
    fired = fired.mutate(change=((recent_week - baseline_week) / baseline_week).round(3))
    return fired.select("account_id", "recent_per_week", "baseline_per_week", "change").semi_join(
        _active(store, d), "account_id"
    )


def low_usage(store: Store, d: ibis.DateValue, s: LowUsage) -> ibis.Table:
    """active_share = distinct contacts with an ``event_type`` event in the window / licences on as_of.
    Fires when licences > 0 and active_share < min_active_share."""
    periods = customer_subscriptions(store)
    current = periods.filter(is_active(periods, d))
    licences = current.group_by("account_id").aggregate(licences=current.quantity.sum().cast("int64"))
    rows = _activity(store, d, s.window_days, [s.event_type])
    users = rows.filter(rows.contact_id != "").group_by("account_id").aggregate(
        active_users=lambda t: t.contact_id.nunique().cast("int64")
    ).rename(user_account="account_id")
    joined = licences.left_join(users, licences.account_id == users.user_account)
    active = joined.active_users.fill_null(0)
    share = active.cast("float64") / joined.licences
    fired = joined.filter((joined.licences > 0) & (share < s.min_active_share))
    return fired.select("account_id", "licences", active_users=active, active_share=share.round(3))


def invoice_overdue(store: Store, d: ibis.DateValue, s: InvoiceOverdue) -> ibis.Table:
    """Invoices issued by as_of, unpaid on as_of, with as_of - due_at > overdue_days. Evidence: invoices,
    max_days_overdue, amount_due (in the invoices' currencies, summed as stored)."""
    invoices = store.table("invoices")
    unpaid = invoices.filter(
        (invoices.issued_at <= d) & (invoices.paid_at.isnull() | (invoices.paid_at > d))
        & (invoices.due_at < _days_before(d, s.overdue_days))
    )
    fired = unpaid.group_by("account_id").aggregate(
        invoices=unpaid.count(),
        max_days_overdue=d.delta(unpaid.due_at, unit="day").max(),
        amount_due=unpaid.amount.sum().cast("float64"),
    )
    return fired.semi_join(_active(store, d), "account_id")


def band_down(store: Store, d: ibis.DateValue, s: BandDown, scorecard: Scorecard) -> ibis.Table:
    """The latest band change of the scorecard's version in the window, when it moved to a lower band
    (bands ordered by their score range). Evidence: from_band, to_band, previous_score, score, changed_on."""
    rank = {band.id: band.range[0] for band in scorecard.bands}
    changes = store.table("health_band_changes")
    changes = changes.filter(
        (changes.scorecard_version == scorecard.version)
        & (changes.as_of > _days_before(d, s.window_days)) & (changes.as_of <= d)
    )
    def level(band: ibis.StringValue) -> ibis.IntegerValue:
        """A band's rank: the low end of its score range (-1 for a band the scorecard does not have)."""
        return band.cases(*rank.items(), else_=-1)

    down = changes.filter(level(changes.to_band) < level(changes.from_band))
    latest = down.group_by("account_id").aggregate(as_of=down.as_of.max())
    down = down.semi_join(latest, ["account_id", "as_of"])
    return down.select("account_id", "from_band", "to_band", "previous_score", "score", changed_on="as_of")


def intent_pages(store: Store, d: ibis.DateValue, s: IntentPages) -> ibis.Table:
    """visits = events of the configured page types in the window; fires when visits >= min_visits."""
    rows = _activity(store, d, s.window_days, s.event_types)
    fired = rows.group_by("account_id").aggregate(
        visits=rows.events.sum().cast("int64"),
        **{e.replace(":", "_"): rows.events.sum(where=rows.event_type == e).fill_null(0).cast("int64") for e in s.event_types},
    )
    return fired.filter(fired.visits >= s.min_visits).semi_join(_active(store, d), "account_id")


def onboarding_stalled(store: Store, d: ibis.DateValue, s: OnboardingStalled, onboarding: Onboarding) -> ibis.Table:
    """Accounts created after_days..until_days before as_of, with progress < 1 and no milestone met in the
    last quiet_days. Evidence: completed, milestones, progress, days_since_signup."""
    accounts = store.table("accounts")
    signed = accounts.created_at.cast("date")
    young = accounts.filter(
        (signed <= _days_before(d, s.after_days)) & (signed > _days_before(d, s.until_days))
    ).select(young_account="account_id", signed_on=signed)
    progress = onboarding_progress(store, onboarding, d)
    joined = progress.join(young, progress.account_id == young.young_account)
    quiet = joined.last_completed_on.isnull() | (joined.last_completed_on <= _days_before(d, s.quiet_days))
    fired = joined.filter((joined.completed < joined.milestones) & quiet)
    return fired.select(
        "account_id", "completed", "milestones", progress=fired.progress.round(3),
        days_since_signup=d.delta(fired.signed_on, unit="day"),
    ).semi_join(_active(store, d), "account_id")


# --- evaluation --------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorRun:
    as_of: date
    fired: dict[str, int]  # indicator -> accounts it fired on


def indicator_expressions(
    store: Store, settings: IndicatorSettings, d: ibis.DateValue, scorecard: Scorecard | None = None,
    onboarding: Onboarding | None = None,
) -> dict[str, ibis.Table]:
    """The enabled indicators as expressions on as-of ``d`` (band_down only with a scorecard)."""
    built: dict[str, Callable[[], ibis.Table]] = {
        "negative_feedback": lambda: negative_feedback(store, d, settings.negative_feedback),
        "neutral_rating": lambda: neutral_rating(store, d, settings.neutral_rating),
        "ticket_burst": lambda: ticket_burst(store, d, settings.ticket_burst),
        "renewal_request": lambda: renewal_request(store, d, settings.renewal_request),
        "usage_drop": lambda: usage_drop(store, d, settings.usage_drop),
        "low_usage": lambda: low_usage(store, d, settings.low_usage),
        "invoice_overdue": lambda: invoice_overdue(store, d, settings.invoice_overdue),
        "band_down": lambda: band_down(store, d, settings.band_down, scorecard),
        "intent_pages": lambda: intent_pages(store, d, settings.intent_pages),
        "onboarding_stalled": lambda: onboarding_stalled(
            store, d, settings.onboarding_stalled, onboarding or load_onboarding()
        ),
    }
    return {
        name: build() for name, build in built.items()
        if getattr(settings, name).enabled and (name != "band_down" or scorecard is not None)
    }


def indicator_sql(
    store: Store, settings: IndicatorSettings, scorecard: Scorecard | None = None, onboarding: Onboarding | None = None,
) -> dict[str, Callable[[date], str]]:
    """Each enabled indicator's INSERT into indicator_firings, compiled once; called with a date, that date's SQL."""
    json_object = "json_object" if store.kind == "duckdb" else "json_build_object"
    compiled = {}
    for name, expression in indicator_expressions(
        store, settings, ibis.literal(SENTINEL_DAY), scorecard, onboarding
    ).items():
        evidence = [column for column in expression.columns if column != "account_id"]
        pairs = ", ".join(f"'{column}', f.\"{column}\"" for column in evidence)
        compiled[name] = as_of_sql(
            f"INSERT INTO indicator_firings (account_id, indicator, as_of, evidence, fired_at) "
            f"SELECT f.account_id, '{name}', DATE '1111-11-11', {json_object}({pairs}), ? "
            f"FROM ({store.ibis.compile(expression)}) f"
        )
    return compiled


def evaluate_indicators(
    store: Store, as_of: date, settings: IndicatorSettings | None = None, scorecard: Scorecard | None = None,
    onboarding: Onboarding | None = None, compiled: dict[str, Callable[[date], str]] | None = None,
) -> IndicatorRun:
    """Store every enabled indicator's firings on ``as_of``, replacing that date's earlier firings."""
    compiled = compiled or indicator_sql(store, settings or load_indicator_settings(), scorecard, onboarding)
    with store.transaction():
        store.execute("DELETE FROM indicator_firings WHERE as_of = ?", [as_of])
        for sql in compiled.values():
            store.execute(sql(as_of), [utc_now()])
    counts = dict(store.fetchall(
        "SELECT indicator, count(*) FROM indicator_firings WHERE as_of = ? GROUP BY indicator", [as_of]
    ))
    return IndicatorRun(as_of, {name: int(counts.get(name, 0)) for name in compiled})
