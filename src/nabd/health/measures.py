"""The measure library: one raw value per active account as of a date, as Ibis expressions.

Point in time: a measure for ``as_of`` sees only facts known by the end of that day. A window of
N days is the days (as_of - N, as_of]; timestamps count when ``ts < as_of + 1 day``; an invoice
paid after as_of is unpaid, a ticket closed after as_of is open (its CSAT unknown), an event after
as_of does not exist. Usage measures read ``activity_daily``: one GROUP BY per grain (the account;
identified contacts, which also count (contact, week) pairs; features), each over only the rows its
measures need and rolled up per account (see below); the others read their own table.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import ibis
from ibis import _

from nabd.health.scorecard import MeasureParams, MeasureSpec
from nabd.metrics.active import active_accounts, active_subscriptions
from nabd.store import Store

USAGE_EVENTS = ("login", "session")


@dataclass(frozen=True)
class Window:
    """The days (as_of - days, as_of] and the same length just before them.

    Every date is derived from the one ``as_of`` literal in the engine (never in Python), so a
    compiled query differs between two as-of dates only by that literal (see scoring.scoring_sql).
    """

    as_of_day: date
    days: int

    @property
    def as_of(self) -> ibis.DateValue:
        return ibis.literal(self.as_of_day)

    def days_before(self, count: int) -> ibis.DateValue:
        return (self.as_of - ibis.interval(days=count)).cast("date")

    @property
    def first_day(self) -> ibis.DateValue:
        return self.days_before(self.days - 1)

    @property
    def previous_first_day(self) -> ibis.DateValue:
        return self.days_before(2 * self.days - 1)

    @property
    def start(self) -> ibis.TimestampValue:
        return self.first_day.cast("timestamp")

    @property
    def previous_start(self) -> ibis.TimestampValue:
        return self.previous_first_day.cast("timestamp")

    @property
    def end(self) -> ibis.TimestampValue:
        """First instant after as_of: timestamps known on as_of are < end."""
        return (self.as_of + ibis.interval(days=1)).cast("timestamp")


# ---- usage measures: over activity_daily, one grouped pass per grain shared by its measures -----
#
# Distinct counts (users, (user, week), features) are what cost: an engine answers COUNT(DISTINCT x)
# with a hash table of (account, x) per distinct aggregate. So each usage measure says at which grain
# it aggregates: the account itself (sums and counts: one GROUP BY account_id), or contacts, or
# features, where "distinct" becomes a count of the rows of a GROUP BY (account_id, grain) rolled up
# per account. Each grain reads only the rows and days its measures need. A row of activity_daily is
# one (account, contact, day, event_type) (its primary key), so the session rows of a contact are its
# days with a session. Distinct (contact, week) pairs are counted in the contact grain: each contact
# keeps the weeks it had a session as bits of an integer (bit_or), and the roll-up counts the bits, so
# no GROUP BY per (contact, week) is needed (one pass over the contacts' rows serves both measures).

Part = Callable[[str], ibis.Value]  # this measure's aggregated part by name
PerGrain = Callable[[ibis.Table, Window, MeasureParams], dict[str, ibis.Value]]
PerAccount = Callable[[Part, ibis.Table, Window, MeasureParams], dict[str, ibis.Value]]
ActivityValue = Callable[[Part, ibis.Table, Window, MeasureParams], ibis.Value]


@dataclass(frozen=True)
class Grain:
    """The first GROUP BY of usage measures: account_id and the ``keys`` columns (none: account_id alone),
    over the rows ``rows_filter`` keeps."""

    keys: Callable[[ibis.Table, Window], dict[str, ibis.Value]] | None = None
    rows_filter: Callable[[ibis.Table], ibis.BooleanValue] | None = None


GRAINS = {
    "account": Grain(),
    "contact": Grain(
        lambda rows, window: {"contact_id": rows.contact_id},
        lambda rows: rows.contact_id != "",
    ),
    "feature": Grain(
        lambda rows, window: {"event_type": rows.event_type},
        lambda rows: rows.event_type.startswith("feature:"),
    ),
}


def _in(rows: ibis.Table, window: Window) -> ibis.BooleanValue:
    return rows.day >= window.first_day


def _in_previous(rows: ibis.Table, window: Window) -> ibis.BooleanValue:
    return (rows.day >= window.previous_first_day) & (rows.day < window.first_day)


def _sessions(rows: ibis.Table, window: Window) -> ibis.BooleanValue:
    return _in(rows, window) & (rows.event_type == "session")


def _only(value: ibis.Value, condition: ibis.BooleanValue) -> ibis.Value:
    """``value`` where ``condition`` holds, else null: what a conditional aggregate reads.

    ``agg(CASE WHEN condition THEN value END)`` gives what ``agg(value) FILTER (WHERE condition)`` gives
    (aggregates skip nulls), but DuckDB then computes ``value`` for those rows alone, not for every row:
    ~3% of the default scorecard's query at 1M accounts (benchmarks/RESULTS.md).
    """
    return ibis.ifelse(condition, value, None)


def _any(rows: ibis.Table, where: ibis.BooleanValue) -> ibis.IntegerValue:
    """1 when a row of the group satisfies ``where``, else 0."""
    return ibis.ifelse(_only(rows.day, where).count() > 0, 1, 0)


def _session_days(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    sessions = _sessions(rows, window) & (rows.contact_id != "")
    return {"minutes": _only(rows.value_sum, sessions).sum(), "periods": _only(rows.day, sessions).count()}


WEEK_BITS = 62  # weeks per BIGINT mask: bits 0..61 (bit 63 is the sign on PostgreSQL)


def _weeks(window: Window) -> int:
    """Weeks k = (as_of - day) // 7 that days of the window fall in: 0 .. (days - 1) // 7."""
    return (window.days - 1) // 7 + 1


def _session_weeks(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    """Per identified contact: its session minutes in the window, and the weeks before as_of it had a
    session in the window as bits (week k = bit k % 62 of mask ``weeks<k // 62>``)."""
    days_back = window.as_of.delta(rows.day, unit="day")  # the grain's rows are on or before as_of
    # in the window as days back, not day >= first_day: sqlglot cannot type Ibis' date - interval inside bit_or
    sessions = (rows.event_type == "session") & (days_back < window.days)
    week = days_back // 7
    masks = {}
    for word in range((_weeks(window) - 1) // WEEK_BITS + 1):
        # week % 62 keeps each shift in range (only the word's weeks are kept)
        bit = ibis.literal(1).cast("int64") << (week % WEEK_BITS).cast("int32")  # PostgreSQL: int8 << int4
        in_word = sessions if _weeks(window) <= WEEK_BITS else sessions & (week // WEEK_BITS == word)
        masks[f"weeks{word}"] = _only(bit, in_word).bit_or()
    return {"minutes": _only(rows.value_sum, sessions).sum(), **masks}


def _session_week_totals(part: Part, grains: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    """Per account: session minutes, and (contact, week) pairs with a session: the bits set in the masks."""
    bits = []
    for word in range((_weeks(window) - 1) // WEEK_BITS + 1):
        mask = part(f"weeks{word}").fill_null(0)
        bits += [(mask >> k) & 1 for k in range(min(WEEK_BITS, _weeks(window) - WEEK_BITS * word))]
    return {"minutes": part("minutes").sum(), "periods": functools.reduce(operator.add, bits).sum()}


def _minutes_per_period(part: Part, accounts: ibis.Table, window: Window, params: MeasureParams) -> ibis.Value:
    """session minutes of identified users / distinct (user, period) pairs with a session; 0 without any."""
    periods = part("periods").fill_null(0)
    return ibis.ifelse(periods > 0, part("minutes").cast("float64") / periods, ibis.literal(0).cast("float64"))


def _contact_seen(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {"seen": _any(rows, _in(rows, window))}


def _feature_used(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    used = _in(rows, window)
    if params.features:
        used = used & rows.event_type.isin([f"feature:{name}" for name in params.features])
    return {"used": _any(rows, used)}


def _sums(*names: str) -> PerAccount:
    return lambda part, grains, window, params: {name: part(name).sum() for name in names}


def _usage_minutes(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    session = rows.event_type == "session"
    return {
        "minutes": _only(rows.value_sum, _in(rows, window) & session).sum(),
        "previous": _only(rows.value_sum, _in_previous(rows, window) & session).sum(),
    }


def _page_views(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {"views": _only(rows.events, _in(rows, window) & (rows.event_type == f"page:{params.page}")).sum()}


def _with_feature_catalogue(store: Store, accounts: ibis.Table, name: str, window: Window,
                            params: MeasureParams) -> ibis.Table:
    """``accounts`` with column ``name``: the number of features, the configured list's length, else the
    ``feature:`` event types first seen by as_of (event_types), cross-joined as a one-row table (as a scalar
    subquery PostgreSQL copied it into every expression that read it)."""
    if params.features:
        return accounts.mutate(**{name: ibis.literal(len(params.features))})
    types = store.table("event_types")
    seen = types.filter((types.first_day <= window.as_of) & types.event_type.startswith("feature:"))
    return accounts.cross_join(seen.aggregate(**{name: seen.count()}))


@dataclass(frozen=True)
class ActivityMeasure:
    """``per_grain`` aggregates rows by (account, grain); ``per_account`` aggregates those; ``value`` reads the parts.

    ``rows``, when given, is a superset of the rows ``per_grain``'s aggregates count (their ``where``
    already excludes the others): when every measure of a grain names its rows, the grain reads only
    their union, so an engine hashes fewer rows (the trend reads sessions, not every event of 60 days).
    """

    grain: str
    per_grain: PerGrain
    per_account: PerAccount | None  # None for the account grain
    value: ActivityValue
    doc: str
    windows_back: int = 1  # 2: also reads the window just before (trends)
    rows: Callable[[ibis.Table, MeasureParams], ibis.BooleanValue] | None = None


ACTIVITY_MEASURES: dict[str, ActivityMeasure] = {
    "usage_time_daily": ActivityMeasure(
        "account", _session_days, None, _minutes_per_period,
        "session minutes of identified users / distinct (user, day) with a session, over the window",
        rows=lambda rows, params: rows.event_type == "session",
    ),
    "usage_time_weekly": ActivityMeasure(
        "contact", _session_weeks, _session_week_totals, _minutes_per_period,
        "session minutes of identified users / distinct (user, week before as_of) with a session",
    ),
    "active_users": ActivityMeasure(
        "contact", _contact_seen, _sums("seen"), lambda part, accounts, window, params: part("seen").fill_null(0),
        "distinct contacts with any event in the window",
    ),
    "licence_utilisation": ActivityMeasure(
        "contact", _contact_seen, _sums("seen"),
        lambda part, accounts, window, params: ibis.ifelse(
            accounts.licences > 0, part("seen").fill_null(0).cast("float64") / accounts.licences, None
        ),
        "distinct active contacts in the window / licences (sum of quantity of active periods); null without licences",
    ),
    "feature_adoption": ActivityMeasure(
        "feature", _feature_used, lambda part, grains, window, params: {"features": part("used").sum()},
        lambda part, accounts, window, params: ibis.ifelse(
            part("catalogue") > 0, part("features").fill_null(0).cast("float64") / part("catalogue"), None,
        ),
        "distinct features used in the window / features in the catalogue",
    ),
    "usage_trend": ActivityMeasure(
        "account", _usage_minutes, None,
        lambda part, accounts, window, params: ibis.ifelse(
            part("previous").fill_null(0) > 0,
            part("minutes").fill_null(0) / part("previous") - 1, None,
        ),
        "session minutes this window / the previous window - 1; null when the previous window had none",
        windows_back=2, rows=lambda rows, params: rows.event_type == "session",
    ),
    "page_visits": ActivityMeasure(
        "account", _page_views, None,
        lambda part, accounts, window, params: part("views").fill_null(0),
        "views of page:<page> in the window",
        rows=lambda rows, params: rows.event_type == f"page:{params.page}",
    ),
}


# ---- measures over the other canonical tables: each (account_id, value) --------------------------

TableMeasure = Callable[[Store, Window, MeasureParams], ibis.Table]


def _licences(store: Store, day: ibis.DateValue) -> ibis.Table:
    periods = active_subscriptions(store, day)
    return periods.group_by("account_id").aggregate(licences=periods.quantity.sum())


def new_licences(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """licences on as_of - licences on the day before the window (negative when licences were removed)."""
    now = _licences(store, window.as_of)
    before = _licences(store, window.days_before(window.days)).rename(before="licences")
    joined = now.left_join(before, "account_id")
    return joined.select("account_id", value=joined.licences - joined.before.fill_null(0))


def solution_upgrade(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """1 when a period starting in the window has a higher mrr than the period of the same product it follows, else 0."""
    periods = store.table("subscriptions")
    new = periods.filter((periods.start_date >= window.first_day) & (periods.start_date <= window.as_of))
    old = periods.select(
        old_account=periods.account_id, old_product=periods.product, old_end=periods.end_date, old_mrr=periods.mrr
    )
    pairs = new.join(
        old, (new.account_id == old.old_account) & (new.product == old.old_product) & (new.start_date == old.old_end)
    )
    upgrades = pairs.filter(pairs.mrr > pairs.old_mrr).select("account_id").distinct()
    return upgrades.mutate(value=ibis.literal(1))


def _tickets_opened(store: Store, since: ibis.TimestampValue, until: ibis.TimestampValue) -> ibis.Table:
    tickets = store.table("tickets")
    return tickets.filter((tickets.opened_at >= since) & (tickets.opened_at < until))


def ticket_frequency(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """tickets opened in the window (0 without any)."""
    opened = _tickets_opened(store, window.start, window.end)
    return opened.group_by("account_id").aggregate(value=_.count())


def ticket_trend(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """tickets opened in the window - tickets opened in the window before it."""
    opened = _tickets_opened(store, window.previous_start, window.end)
    current = opened.opened_at >= window.start
    return opened.group_by("account_id").aggregate(
        value=ibis.ifelse(current, 1, -1).sum()
    )


def ticket_csat(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean CSAT (1-5) of tickets closed in the window; a ticket closed after as_of has no CSAT yet."""
    tickets = store.table("tickets")
    closed = tickets.filter(
        (tickets.closed_at >= window.start) & (tickets.closed_at < window.end) & tickets.csat.notnull()
    )
    return closed.group_by("account_id").aggregate(value=closed.csat.cast("float64").mean())


def _invoices_known(store: Store, as_of: ibis.DateValue) -> ibis.Table:
    """Invoices issued by as_of, with paid_at as known on as_of (null when paid later)."""
    invoices = store.table("invoices")
    issued = invoices.filter(invoices.issued_at <= as_of)
    return issued.mutate(paid_at=ibis.ifelse(issued.paid_at <= as_of, issued.paid_at, None))


def payment_days_overdue(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """max(as_of - due_at) over invoices unpaid on as_of and past due; 0 when none; null without invoices."""
    invoices = _invoices_known(store, window.as_of)
    overdue = invoices.paid_at.isnull() & (invoices.due_at < window.as_of)
    days = window.as_of.delta(invoices.due_at, unit="day")
    return invoices.group_by("account_id").aggregate(value=_only(days, overdue).max().fill_null(0))


def late_invoice_share(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """late invoices / invoices due in the window; late = paid after due_at, or unpaid on as_of past due_at."""
    invoices = _invoices_known(store, window.as_of)
    due = invoices.filter((invoices.due_at >= window.first_day) & (invoices.due_at <= window.as_of))
    late = ibis.ifelse(due.paid_at.isnull(), due.due_at < window.as_of, due.paid_at > due.due_at)
    return due.group_by("account_id").aggregate(value=ibis.ifelse(late, ibis.literal(1).cast("float64"), ibis.literal(0).cast("float64")).mean())


def _responses(store: Store, window: Window, since: ibis.TimestampValue, kind: str) -> ibis.Table:
    responses = store.table("survey_responses")
    return responses.filter(
        (responses.kind == kind) & (responses.responded_at >= since) & (responses.responded_at < window.end)
    )


def nps_latest(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """score (0-10) of the account's most recent NPS answer in the window."""
    answers = _responses(store, window, window.start, "nps")
    return answers.group_by("account_id").aggregate(value=answers.score.argmax(answers.responded_at))


def nps_trend(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean NPS answer in the window - mean in the window before it; null when either has none."""
    answers = _responses(store, window, window.previous_start, "nps")
    current = answers.responded_at >= window.start
    return answers.group_by("account_id").aggregate(
        value=_only(answers.score.cast("float64"), current).mean()
        - _only(answers.score.cast("float64"), ~current).mean()
    )


def sentiment(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """mean sentiment_score (-1..1) of the account's analysed comments in the window: survey comments
    by responded_at, tickets by opened_at; null ("no data") when none was analysed (`nabd feedback analyse`)."""
    analysed = store.table("feedback_analysis")
    responses = store.table("survey_responses")
    tickets = store.table("tickets")
    legs = []
    for source, facts, key, moment in (
        ("survey_response", responses, "response_id", "responded_at"),
        ("ticket", tickets, "ticket_id", "opened_at"),
    ):
        known = facts.filter((facts[moment] >= window.start) & (facts[moment] < window.end))
        rows = analysed.filter(analysed.source == source)
        legs.append(
            rows.join(known, rows.source_id == known[key]).select(
                account_id=known.account_id, score=rows.sentiment_score
            )
        )
    comments = legs[0].union(legs[1], distinct=False)
    return comments.group_by("account_id").aggregate(value=comments.score.mean())


def referrals(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """referrals the account made in the window (0 without any)."""
    made = store.table("referrals")
    made = made.filter((made.referred_at >= window.start) & (made.referred_at < window.end))
    return made.group_by("account_id").aggregate(value=_.count())


def csm_rating(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """the CSM's most recent relationship rating (1-5) given in the window."""
    ratings = store.table("relationship_ratings")
    ratings = ratings.filter((ratings.rated_at >= window.first_day) & (ratings.rated_at <= window.as_of))
    return ratings.group_by("account_id").aggregate(value=ratings.rating.argmax(ratings.rated_at))


def days_to_renewal(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """min(renewal_date - as_of) over active periods renewing on or after as_of."""
    periods = active_subscriptions(store, window.as_of)
    periods = periods.filter(periods.renewal_date >= window.as_of)
    days = periods.renewal_date.delta(window.as_of, unit="day")
    return periods.group_by("account_id").aggregate(value=days.min())


def custom(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """The scorecard's own SQL over the canonical tables, ``:as_of`` replaced by the as-of date."""
    query = (params.sql or "").replace(":as_of", f"DATE '{window.as_of_day.isoformat()}'")
    typed = f"SELECT CAST(account_id AS TEXT) AS account_id, CAST(value AS DOUBLE PRECISION) AS value FROM ({query}) AS custom_measure"
    return store.ibis.sql(typed, schema={"account_id": "string", "value": "float64"})


TABLE_MEASURES: dict[str, TableMeasure] = {
    "new_licences": new_licences, "solution_upgrade": solution_upgrade,
    "ticket_frequency": ticket_frequency, "ticket_trend": ticket_trend, "ticket_csat": ticket_csat,
    "payment_days_overdue": payment_days_overdue, "late_invoice_share": late_invoice_share,
    "nps_latest": nps_latest, "nps_trend": nps_trend, "sentiment": sentiment, "referrals": referrals,
    "csm_rating": csm_rating, "days_to_renewal": days_to_renewal, "custom": custom,
}
# An account absent from these measures' tables has the value 0 (nothing happened), not "no data".
ZERO_WHEN_ABSENT = {"solution_upgrade", "ticket_frequency", "ticket_trend", "referrals"}


def scored_accounts(store: Store, as_of: date) -> ibis.Table:
    """Active accounts on as_of with their segment and licences (sum of quantity of active periods)."""
    accounts = store.table("accounts").select("account_id", "segment", "csm")
    day = ibis.literal(as_of)
    active = active_accounts(store, day).join(accounts, "account_id")
    return active.left_join(_licences(store, day), "account_id").select(
        "account_id", "segment", "csm", licences=_.licences.fill_null(0)
    )


RAW_DECIMALS = 9
_RAW_SCALE = 10.0**RAW_DECIMALS
_ROUNDED_BELOW = 1e9  # |value| x 10^9 stays within a BIGINT; larger values are kept as they are


def _rounded(value: ibis.FloatingValue) -> ibis.FloatingValue:
    """``value`` to RAW_DECIMALS places, as round(value x 10^9) / 10^9 in doubles: the engines' round(x, 9)
    goes through NUMERIC on PostgreSQL (and decimals on Spark), ~40x slower per value."""
    return ibis.ifelse(value.abs() < _ROUNDED_BELOW, (value * _RAW_SCALE).round() / _RAW_SCALE, value)


def measure_values(store: Store, measures: list[MeasureSpec], as_of: date) -> ibis.Table:
    """(account_id, segment, csm, licences, ``r__<measure id>`` raw float64 values) for accounts active on as_of.

    Raw values are rounded to RAW_DECIMALS places (below 10^9 in size). An engine adds doubles in parallel
    in a different order from run to run, so the same rows can sum to 42.915 once and to 42.915000000000006
    the next time. That last-bit noise would change a percentile rank or land on the other side of a
    threshold: the score of unchanged data would move between re-runs, and so could its band.
    """
    accounts = scored_accounts(store, as_of)
    usage = [m for m in measures if m.type in ACTIVITY_MEASURES]
    if usage:
        accounts = _with_usage(store, accounts, usage, as_of)
    others = [m for m in measures if m.type in TABLE_MEASURES]
    if others:
        accounts = _with_others(store, accounts, others, as_of)
    return accounts.select(
        "account_id", "segment", "csm", "licences",
        **{f"r__{m.id}": _rounded(accounts[f"r__{m.id}"]) for m in measures},
    )


def _with_others(store: Store, accounts: ibis.Table, others: list[MeasureSpec], as_of: date) -> ibis.Table:
    """Join the other measures' values: each measure's (account_id, value) table, left-joined on the account.

    (Stacking them and pivoting in one GROUP BY was ~1 s slower at 1M accounts: benchmarks/RESULTS.md.)
    """
    joined = accounts
    for spec in others:
        key, value = f"k__{spec.id}", f"p__{spec.id}"
        table = TABLE_MEASURES[spec.type](store, Window(as_of, spec.params.window_days), spec.params).select(
            **{key: _.account_id.cast("string"), value: _.value.cast("float64")}
        )
        joined = joined.left_join(table, joined.account_id == table[key]).drop(key)
    return joined.mutate(**{
        f"r__{spec.id}": joined[f"p__{spec.id}"].fill_null(0) if spec.type in ZERO_WHEN_ABSENT else joined[f"p__{spec.id}"]
        for spec in others
    }).drop(*(f"p__{spec.id}" for spec in others))


def _with_usage(store: Store, accounts: ibis.Table, usage: list[MeasureSpec], as_of: date) -> ibis.Table:
    """Join the usage measures' values: per grain, one GROUP BY (account_id, grain) then one by account_id."""
    joined = accounts
    parts: list[str] = []
    for grain_name, grain in GRAINS.items():
        specs = [spec for spec in usage if ACTIVITY_MEASURES[spec.type].grain == grain_name]
        if not specs:
            continue
        span = max(ACTIVITY_MEASURES[spec.type].windows_back * spec.params.window_days for spec in specs)
        rows = store.table("activity_daily")
        kept = (rows.day <= as_of) & (rows.day > Window(as_of, span).days_before(span))
        if grain.rows_filter:
            kept &= grain.rows_filter(rows)
        wanted = [ACTIVITY_MEASURES[spec.type].rows for spec in specs]
        if all(wanted):
            # the same filter twice (two measures reading sessions) is one condition
            unique = {condition.op(): condition for condition in (rows_of(rows, spec.params)
                      for rows_of, spec in zip(wanted, specs))}
            kept &= functools.reduce(operator.or_, unique.values())
        rows = rows.filter(kept)
        first: dict[str, ibis.Value] = {}
        for spec in specs:
            window = Window(as_of, spec.params.window_days)
            first |= {f"{spec.id}__{name}": value for name, value in
                      ACTIVITY_MEASURES[spec.type].per_grain(rows, window, spec.params).items()}
        key = f"{grain_name}_account"
        if grain.keys is None:
            per_account = rows.group_by(**{key: rows.account_id}).aggregate(**first)
            joined = joined.left_join(per_account, joined.account_id == per_account[key]).drop(key)
            parts += list(first)
            continue
        per_grain = rows.group_by("account_id", **grain.keys(rows, Window(as_of, span))).aggregate(**first)
        second: dict[str, ibis.Value] = {}
        for spec in specs:
            part = lambda name, prefix=spec.id: per_grain[f"{prefix}__{name}"]
            aggregates = ACTIVITY_MEASURES[spec.type].per_account(
                part, per_grain, Window(as_of, spec.params.window_days), spec.params
            )
            second |= {f"{spec.id}__{name}": value for name, value in aggregates.items()}
        per_account = per_grain.group_by(**{key: per_grain.account_id}).aggregate(**second)
        joined = joined.left_join(per_account, joined.account_id == per_account[key]).drop(key)
        parts += list(second)
    adoption = [spec for spec in usage if spec.type == "feature_adoption"]
    catalogues = [f"{spec.id}__catalogue" for spec in adoption]
    for spec, name in zip(adoption, catalogues):
        joined = _with_feature_catalogue(store, joined, name, Window(as_of, spec.params.window_days), spec.params)
    values = {}
    for spec in usage:
        part = lambda name, prefix=spec.id: joined[f"{prefix}__{name}"]
        window = Window(as_of, spec.params.window_days)
        values[f"r__{spec.id}"] = ACTIVITY_MEASURES[spec.type].value(part, joined, window, spec.params).cast("float64")
    return joined.mutate(**values).drop(*parts, *catalogues)
