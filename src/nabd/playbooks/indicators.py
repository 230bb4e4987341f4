"""Leading indicators of churn: each is an engine expression over the store for one as-of date.

Every indicator returns one row per active account on which it fires, with the numbers behind it
(its evidence). Point in time as everywhere (nabd.store.window): a window of N days is
(as_of - N, as_of], a timestamp counts when it is before the start of the day after as_of.
``evaluate_indicators`` stores the firings of a date in ``indicator_firings`` (replacing that date's
earlier run). Their thresholds are nabd.playbooks.indicator_settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import ibis
from ibis import _

from nabd.feedback.competitors import load_competitors, named_comments
from nabd.health.scorecard import Scorecard
from nabd.metrics.active import active_accounts, customer_subscriptions, is_active, next_renewals
from nabd.playbooks.indicator_settings import (
    INDICATORS,
    BandDown,
    CompetitorMentioned,
    IndicatorSettings,
    IntentPages,
    InvoiceOverdue,
    LowUsage,
    NegativeFeedback,
    NeutralRating,
    OnboardingStalled,
    RenewalRequest,
    TicketBurst,
    UsageDrop,
    load_indicator_settings,
)
from nabd.playbooks.onboarding import Onboarding, load_onboarding, onboarding_progress
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.compiled import kept_per_day
from nabd.store.per_day import (
    DATE_PARAMETER, TIMESTAMP_PARAMETER, DaySQL, as_of_parameter, execute_sql, generic_plans, prepared, sentinel_sql,
)
from nabd.store.sql import date_literal, string_literal, timestamp_literal
from nabd.store.window import Window, as_of_value, days_before
from nabd.store.calendar import local_day

__all__ = [  # the settings are read through this module too
    "INDICATORS", "IndicatorRun", "IndicatorSettings", "evaluate_indicators", "indicator_expressions",
    "indicator_sql", "load_indicator_settings",
]


def _activity(store: Store, as_of: ibis.DateValue, days: int, event_types: list[str]) -> ibis.Table:
    """Rows of activity_daily of ``event_types`` in the window of ``days`` days."""
    rows = store.table("activity_daily")
    return rows.filter(rows.event_type.isin(event_types) & Window(as_of, days).contains_day(rows.day))


# --- the indicators -----------------------------------------------------------------------------

def negative_feedback(store: Store, as_of: ibis.DateValue, settings: NegativeFeedback) -> ibis.Table:
    """Fires on >= 1 NPS response <= nps_max, CSAT response <= csat_max, closed ticket with CSAT <= csat_max,
    or comment (survey or ticket) analysed negative with sentiment_score <= sentiment_max, in the window.
    Evidence: detractors, low_csat, negative_comments, lowest_nps, lowest_csat."""
    window = Window(as_of, settings.window_days)
    start, end = window.start, window.end
    responses = store.table("survey_responses")
    responses = responses.filter((responses.responded_at >= start) & (responses.responded_at < end))
    surveys = responses.filter(
        ((responses.kind == "nps") & (responses.score <= settings.nps_max))
        | ((responses.kind == "csat") & (responses.score <= settings.csat_max))
    ).select(account_id=_.account_id.cast("string"), kind=_.kind.cast("string"), score=_.score.cast("int32"))
    tickets = store.table("tickets")
    rated = tickets.filter(
        (tickets.closed_at >= start) & (tickets.closed_at < end) & (tickets.csat <= settings.csat_max)
    ).select(account_id=_.account_id.cast("string"), kind=ibis.literal("csat").cast("string"),
             score=_.csat.cast("int32"))
    analysed = store.table("feedback_analysis")
    negative = analysed.filter((analysed.sentiment == "negative") & (analysed.sentiment_score <= settings.sentiment_max))
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
    return fired.semi_join(active_accounts(store, as_of), "account_id")


def neutral_rating(store: Store, as_of: ibis.DateValue, settings: NeutralRating) -> ibis.Table:
    """Fires on an NPS response in ``nps`` or a CSAT (survey or closed ticket) in ``csat`` within the window.
    Evidence: passives (NPS), middling_csat."""
    responses = store.table("survey_responses")
    window = Window(as_of, settings.window_days)
    responses = responses.filter((responses.responded_at >= window.start) & (responses.responded_at < window.end))
    surveys = responses.filter(
        ((responses.kind == "nps") & responses.score.isin(settings.nps))
        | ((responses.kind == "csat") & responses.score.isin(settings.csat))
    ).select("account_id", kind=responses.kind.cast("string"))
    tickets = store.table("tickets")
    rated = tickets.filter(
        (tickets.closed_at >= window.start) & (tickets.closed_at < window.end) & tickets.csat.isin(settings.csat)
    ).select("account_id", kind=ibis.literal("csat").cast("string"))
    ratings = ibis.union(surveys, rated)
    nps = ratings.kind == "nps"
    fired = ratings.group_by("account_id").aggregate(
        passives=nps.sum().cast("int64"), middling_csat=(~nps).sum().cast("int64")
    )
    return fired.semi_join(active_accounts(store, as_of), "account_id")


def ticket_burst(store: Store, as_of: ibis.DateValue, settings: TicketBurst) -> ibis.Table:
    """recent = tickets opened in the window; baseline = tickets opened in the baseline_days before it x
    window_days / baseline_days. Fires when recent >= min_tickets and recent >= factor x baseline."""
    tickets = store.table("tickets")
    window_start = Window(as_of, settings.window_days).start
    counted = tickets.filter(Window(as_of, settings.window_days + settings.baseline_days).contains(tickets.opened_at))
    counts = counted.group_by("account_id").aggregate(
        recent_tickets=(counted.opened_at >= window_start).sum().cast("int64"),
        baseline_tickets=(counted.opened_at < window_start).sum().cast("int64"),
    )
    baseline = counts.baseline_tickets.cast("float64") * settings.window_days / settings.baseline_days
    counts = counts.mutate(baseline_per_window=baseline.round(2))
    fired = counts.filter((counts.recent_tickets >= settings.min_tickets) & (counts.recent_tickets >= baseline * settings.factor))
    return fired.semi_join(active_accounts(store, as_of), "account_id")


def renewal_request(store: Store, as_of: ibis.DateValue, settings: RenewalRequest) -> ibis.Table:
    """Fires when an active subscription renews within renewal_within_days and a ticket of the configured
    categories (or a configured event) came in the last request_within_days. Evidence: requests,
    categories, renewal_date, days_to_renewal."""
    renewals = next_renewals(store, as_of, settings.renewal_within_days)
    tickets = store.table("tickets")
    asked = tickets.filter(
        tickets.category.isin(settings.ticket_categories or [""])
        & Window(as_of, settings.request_within_days).contains(tickets.opened_at)
    ).select("account_id", kind=tickets.category.cast("string"), requests=ibis.literal(1).cast("int64"))
    events = _activity(store, as_of, settings.request_within_days, settings.event_types or [""])
    events = events.select("account_id", kind=events.event_type.cast("string"), requests=events.events.cast("int64"))
    requests = ibis.union(asked, events)
    kinds = requests.group_by(["account_id", "kind"]).aggregate(requests=requests.requests.sum())
    per_account = kinds.group_by("account_id").aggregate(
        requests=kinds.requests.sum(), categories=kinds.kind.group_concat(", ")
    ).rename(request_account="account_id")
    fired = renewals.join(per_account, renewals.account_id == per_account.request_account)
    return fired.select(
        "account_id", "requests", "categories", "renewal_date",
        days_to_renewal=fired.renewal_date.delta(as_of, unit="day"),
    )


def usage_drop(store: Store, as_of: ibis.DateValue, settings: UsageDrop) -> ibis.Table:
    """recent_per_week = usage in the recent window x 7 / recent_days; baseline_per_week = usage in the
    baseline_weeks before it / baseline_weeks. Fires when baseline > 0 and recent <= (1 - drop) x baseline."""
    rows = _activity(store, as_of, settings.recent_days + 7 * settings.baseline_weeks, [settings.event_type])
    amount = rows.value_sum if settings.use_value else rows.events.cast("float64")
    recent = rows.day > days_before(as_of, settings.recent_days)
    usage = rows.group_by("account_id").aggregate(
        recent=amount.sum(where=recent).fill_null(0), baseline=amount.sum(where=~recent).fill_null(0),
    )
    recent_week = usage.recent * 7 / settings.recent_days
    baseline_week = usage.baseline / settings.baseline_weeks
    usage = usage.mutate(recent_per_week=recent_week.round(2), baseline_per_week=baseline_week.round(2))
    fired = usage.filter((baseline_week > 0) & (recent_week <= baseline_week * (1 - settings.drop)))
    fired = fired.mutate(change=((recent_week - baseline_week) / baseline_week).round(3))
    return fired.select("account_id", "recent_per_week", "baseline_per_week", "change").semi_join(
        active_accounts(store, as_of), "account_id"
    )


def low_usage(store: Store, as_of: ibis.DateValue, settings: LowUsage) -> ibis.Table:
    """active_share = distinct contacts with an ``event_type`` event in the window / licences on as_of.
    Fires when licences > 0 and active_share < min_active_share."""
    periods = customer_subscriptions(store)
    current = periods.filter(is_active(periods, as_of))
    licences = current.group_by("account_id").aggregate(licences=current.quantity.sum().cast("int64"))
    rows = _activity(store, as_of, settings.window_days, [settings.event_type])
    users = rows.filter(rows.contact_id != "").group_by("account_id").aggregate(
        active_users=lambda t: t.contact_id.nunique().cast("int64")
    ).rename(user_account="account_id")
    joined = licences.left_join(users, licences.account_id == users.user_account)
    active = joined.active_users.fill_null(0)
    share = active.cast("float64") / joined.licences
    fired = joined.filter((joined.licences > 0) & (share < settings.min_active_share))
    return fired.select("account_id", "licences", active_users=active, active_share=share.round(3))


def invoice_overdue(store: Store, as_of: ibis.DateValue, settings: InvoiceOverdue) -> ibis.Table:
    """Invoices issued by as_of, unpaid on as_of, with as_of - due_at > overdue_days. Evidence: invoices,
    max_days_overdue, amount_due (in the invoices' currencies, summed as stored)."""
    invoices = store.table("invoices")
    unpaid = invoices.filter(
        (invoices.issued_at <= as_of) & (invoices.paid_at.isnull() | (invoices.paid_at > as_of))
        & (invoices.due_at < days_before(as_of, settings.overdue_days))
    )
    fired = unpaid.group_by("account_id").aggregate(
        invoices=unpaid.count(),
        max_days_overdue=as_of.delta(unpaid.due_at, unit="day").max(),
        amount_due=unpaid.amount.sum().cast("float64"),
    )
    return fired.semi_join(active_accounts(store, as_of), "account_id")


def band_down(store: Store, as_of: ibis.DateValue, settings: BandDown, scorecard: Scorecard) -> ibis.Table:
    """The latest band change of the scorecard's version in the window, when it moved to a lower band
    (bands ordered by their score range). Evidence: from_band, to_band, previous_score, score, changed_on."""
    rank = {band.id: band.range[0] for band in scorecard.bands}
    changes = store.table("health_band_changes")
    changes = changes.filter(
        (changes.scorecard_version == scorecard.version)
        & Window(as_of, settings.window_days).contains_day(changes.as_of)
    )
    def level(band: ibis.StringValue) -> ibis.IntegerValue:
        """A band's rank: the low end of its score range (-1 for a band the scorecard does not have)."""
        return band.cases(*rank.items(), else_=-1)

    down = changes.filter(level(changes.to_band) < level(changes.from_band))
    latest = down.group_by("account_id").aggregate(as_of=down.as_of.max())
    down = down.semi_join(latest, ["account_id", "as_of"])
    return down.select("account_id", "from_band", "to_band", "previous_score", "score", changed_on="as_of")


def intent_pages(store: Store, as_of: ibis.DateValue, settings: IntentPages) -> ibis.Table:
    """visits = events of the configured page types in the window; fires when visits >= min_visits."""
    rows = _activity(store, as_of, settings.window_days, settings.event_types)
    fired = rows.group_by("account_id").aggregate(
        visits=rows.events.sum().cast("int64"),
        **{e.replace(":", "_"): rows.events.sum(where=rows.event_type == e).fill_null(0).cast("int64") for e in settings.event_types},
    )
    return fired.filter(fired.visits >= settings.min_visits).semi_join(active_accounts(store, as_of), "account_id")


def onboarding_stalled(store: Store, as_of: ibis.DateValue, settings: OnboardingStalled, onboarding: Onboarding) -> ibis.Table:
    """Accounts created after_days..until_days before as_of, with progress < 1 and no milestone met in the
    last quiet_days. Evidence: completed, milestones, progress, days_since_signup."""
    accounts = store.table("accounts")
    signed = local_day(accounts.created_at)
    young = accounts.filter(
        (signed <= days_before(as_of, settings.after_days)) & (signed > days_before(as_of, settings.until_days))
    ).select(young_account="account_id", signed_on=signed)
    progress = onboarding_progress(store, onboarding, as_of)
    joined = progress.join(young, progress.account_id == young.young_account)
    quiet = joined.last_completed_on.isnull() | (joined.last_completed_on <= days_before(as_of, settings.quiet_days))
    fired = joined.filter((joined.completed < joined.milestones) & quiet)
    return fired.select(
        "account_id", "completed", "milestones", progress=fired.progress.round(3),
        days_since_signup=as_of.delta(fired.signed_on, unit="day"),
    ).semi_join(active_accounts(store, as_of), "account_id")


def competitor_mentioned(
    store: Store, as_of: ibis.DateValue, settings: CompetitorMentioned, scorecard: Scorecard | None
) -> ibis.Table:
    """Fires when the account's survey comments or tickets of the window name a competitor
    (nabd.feedback.competitors; only negative ones with negative_only) and, with ``bands``, its latest score
    on or before as_of (the scorecard's version) is in one of them. Evidence: mentions, negative, competitors, band."""
    named = named_comments(store, load_competitors(), Window(as_of, settings.window_days).contains_day)
    if settings.negative_only:
        named = named.filter(named.sentiment == "negative")
    per = named.group_by(["account_id", "competitor"]).aggregate(
        mentions=named.count(), negative=(named.sentiment == "negative").sum().cast("int64"))
    fired = per.group_by("account_id").aggregate(
        mentions=per.mentions.sum().cast("int64"), negative=per.negative.sum().cast("int64"),
        competitors=per.competitor.group_concat(", "),
    )
    fired = fired.semi_join(active_accounts(store, as_of), "account_id")
    if not settings.bands or scorecard is None:
        return fired.mutate(band=ibis.null("string"))
    scores = store.table("health_scores")
    scores = scores.filter((scores.scorecard_version == scorecard.version) & (scores.as_of <= as_of))
    latest = scores.group_by("account_id").aggregate(as_of=scores.as_of.max())
    bands = scores.semi_join(latest, ["account_id", "as_of"]).select(scored_account="account_id", band=_.band)
    joined = fired.join(bands, fired.account_id == bands.scored_account)
    return joined.filter(joined.band.isin(settings.bands)).select("account_id", "mentions", "negative", "competitors", "band")


# --- evaluation --------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorRun:
    as_of: date
    fired: dict[str, int]  # indicator -> accounts it fired on


def indicator_expressions(
    store: Store, settings: IndicatorSettings, as_of: date | ibis.DateValue, scorecard: Scorecard | None = None,
    onboarding: Onboarding | None = None,
) -> dict[str, ibis.Table]:
    """The enabled indicators as expressions on ``as_of`` (band_down only with a scorecard)."""
    return {name: build() for name, build in _builders(store, settings, as_of, scorecard, onboarding).items()}


def _builders(
    store: Store, settings: IndicatorSettings, as_of: date | ibis.DateValue, scorecard: Scorecard | None,
    onboarding: Onboarding | None,
) -> dict[str, Callable[[], ibis.Table]]:
    """What builds each enabled indicator's expression on ``as_of``, not built yet."""
    as_of = as_of_value(as_of)
    built: dict[str, Callable[[], ibis.Table]] = {
        "negative_feedback": lambda: negative_feedback(store, as_of, settings.negative_feedback),
        "neutral_rating": lambda: neutral_rating(store, as_of, settings.neutral_rating),
        "ticket_burst": lambda: ticket_burst(store, as_of, settings.ticket_burst),
        "renewal_request": lambda: renewal_request(store, as_of, settings.renewal_request),
        "usage_drop": lambda: usage_drop(store, as_of, settings.usage_drop),
        "low_usage": lambda: low_usage(store, as_of, settings.low_usage),
        "invoice_overdue": lambda: invoice_overdue(store, as_of, settings.invoice_overdue),
        "band_down": lambda: band_down(store, as_of, settings.band_down, scorecard),
        "intent_pages": lambda: intent_pages(store, as_of, settings.intent_pages),
        "onboarding_stalled": lambda: onboarding_stalled(
            store, as_of, settings.onboarding_stalled, onboarding or load_onboarding()
        ),
        "competitor_mentioned": lambda: competitor_mentioned(store, as_of, settings.competitor_mentioned, scorecard),
    }
    needs_scorecard = {"band_down"} | ({"competitor_mentioned"} if settings.competitor_mentioned.bands else set())
    return {
        name: build for name, build in built.items()
        if getattr(settings, name).enabled and (name not in needs_scorecard or scorecard is not None)
    }


def indicator_sql(
    store: Store, settings: IndicatorSettings, scorecard: Scorecard | None = None, onboarding: Onboarding | None = None,
) -> dict[str, DaySQL]:
    """Each enabled indicator's firings as SQL (account_id, evidence as JSON), compiled once and kept per settings,
    scorecard version and onboarding milestones (nabd.store.compiled); called with a date, that date's SQL."""
    json_object = "json_object" if store.kind == "duckdb" else "json_build_object"
    inputs = " ".join((settings.model_dump_json(), scorecard.version if scorecard else "-",
                       (onboarding or load_onboarding()).model_dump_json()))  # nabd.store.compiled hashes them
    as_of = as_of_parameter()
    compiled = {}
    for name, build in _builders(store, settings, as_of, scorecard, onboarding).items():

        def write(build: Callable[[], ibis.Table] = build) -> str:
            expression = build()
            evidence = [column for column in expression.columns if column != "account_id"]
            pairs = ", ".join(f"{string_literal(column)}, f.\"{column}\"" for column in evidence)
            return sentinel_sql(
                store, expression, as_of,
                lambda query, _: f"SELECT f.account_id, {json_object}({pairs}) AS evidence FROM ({query}) f",
            )

        compiled[name] = kept_per_day(store, f"indicator-{name} {inputs}", write)
    return compiled


def _insert_firings(name: str, firings: str, as_of: str, fired_at: str) -> str:
    """The INSERT of one indicator's ``firings`` (:func:`indicator_sql`'s SQL); ``as_of`` and ``fired_at`` are SQL:
    literals, or a prepared statement's parameters."""
    return (
        "INSERT INTO indicator_firings (account_id, indicator, as_of, evidence, fired_at) "
        f"SELECT account_id, {string_literal(name)}, {as_of}, evidence, {fired_at} FROM ({firings}) AS fired"
    )


def evaluate_indicators(
    store: Store, as_of: date, settings: IndicatorSettings | None = None, scorecard: Scorecard | None = None,
    onboarding: Onboarding | None = None, compiled: dict[str, DaySQL] | None = None,
) -> IndicatorRun:
    """Store every enabled indicator's firings on ``as_of``, replacing that date's earlier firings."""
    compiled = compiled or indicator_sql(store, settings or load_indicator_settings(), scorecard, onboarding)
    return _store_firings(store, as_of, list(compiled), lambda name, fired_at: store.execute(
        _insert_firings(name, compiled[name](as_of), date_literal(as_of), timestamp_literal(fired_at))))


def evaluate_indicators_on_days(store: Store, days: list[date], compiled: dict[str, DaySQL]) -> list[IndicatorRun]:
    """:func:`evaluate_indicators` on each of ``days`` (a warnings backtest, the demo's history). On PostgreSQL,
    for more than one date, each indicator's INSERT is prepared once (as-of date and fired_at its parameters)
    and run with its generic plan: planned once, not once per date (nabd.store.per_day)."""
    if store.kind != "postgres" or len(days) < 2:
        return [evaluate_indicators(store, day, compiled=compiled) for day in days]
    statements = {
        name: prepared(store, _insert_firings(name, sql.with_parameter(DATE_PARAMETER), DATE_PARAMETER,
                                              TIMESTAMP_PARAMETER), ("date", "timestamp"))
        for name, sql in compiled.items()
    }
    with generic_plans(store):
        return [_store_firings(store, day, list(compiled), lambda name, fired_at, day=day: store.execute(
            execute_sql(statements[name], day, fired_at))) for day in days]


def _store_firings(
    store: Store, as_of: date, names: list[str], insert: Callable[[str, datetime], None],
) -> IndicatorRun:
    """Replace ``as_of``'s firings by what ``insert(name, fired_at)`` writes for each indicator, in one transaction."""
    with store.transaction():
        store.execute("DELETE FROM indicator_firings WHERE as_of = ?", [as_of])
        for name in names:
            insert(name, utc_now())
    counts = dict(store.fetchall(
        "SELECT indicator, count(*) FROM indicator_firings WHERE as_of = ? GROUP BY indicator", [as_of]
    ))
    return IndicatorRun(as_of, {name: int(counts.get(name, 0)) for name in names})
