"""Usage measures over ``activity_daily``: one grouped pass per grain, shared by the measures of that grain.

Each measure aggregates at its grain (the account; identified contacts, which also count (contact, week)
pairs; features), over only the rows its measures need, then rolls up per account (see below).
Event types are the vocabulary's (nabd.store.vocabulary): ``session`` (value: minutes), ``feature:<name>``,
``page:<name>``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

import ibis

from nabd.health.measures.table import only
from nabd.health.selectors import ALL_EVENTS, selected
from nabd.health.scorecard import MeasureParams, MeasureSpec
from nabd.store import Store
from nabd.store.vocabulary import FEATURE_PREFIX, SESSION, feature, page
from nabd.store.window import Window


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
        lambda rows: rows.event_type.startswith(FEATURE_PREFIX),
    ),
    # the vocabulary-free measures' grains (nabd.health.selectors): days, (contact, day) pairs, event types
    "day": Grain(lambda rows, window: {"day": rows.day}),
    "contact_day": Grain(
        lambda rows, window: {"contact_id": rows.contact_id, "day": rows.day},
        lambda rows: rows.contact_id != "",
    ),
    "event_type": Grain(lambda rows, window: {"event_type": rows.event_type}),
    # feature_adoption over the vocabulary's feature_use role: its own selectors, not the feature: prefix
    "feature_role": Grain(lambda rows, window: {"event_type": rows.event_type}),
}


def _in(rows: ibis.Table, window: Window) -> ibis.BooleanValue:
    return rows.day >= window.first_day


def _in_previous(rows: ibis.Table, window: Window) -> ibis.BooleanValue:
    return (rows.day >= window.previous_first_day) & (rows.day < window.first_day)


def _is_session(rows: ibis.Table, params: MeasureParams) -> ibis.BooleanValue:
    """A session row: event type ``session``, or the vocabulary's session role (params.events, set by
    nabd.health.scorecard.resolved_measures from the scorecard's vocabulary)."""
    return rows.event_type == SESSION if params.events is None else selected(rows.event_type, params.events)


def _sessions(rows: ibis.Table, window: Window, params: MeasureParams) -> ibis.BooleanValue:
    return _in(rows, window) & _is_session(rows, params)


def _any(rows: ibis.Table, where: ibis.BooleanValue) -> ibis.IntegerValue:
    """1 when a row of the group satisfies ``where``, else 0."""
    return ibis.ifelse(only(rows.day, where).count() > 0, 1, 0)


def _session_days(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    sessions = _sessions(rows, window, params) & (rows.contact_id != "")
    return {"minutes": only(rows.value_sum, sessions).sum(), "periods": only(rows.day, sessions).count()}


WEEK_BITS = 62  # weeks per BIGINT mask: bits 0..61 (bit 63 is the sign on PostgreSQL)


def _weeks(window: Window) -> int:
    """Weeks k = (as_of - day) // 7 that days of the window fall in: 0 .. (days - 1) // 7."""
    return (window.days - 1) // 7 + 1


def _session_weeks(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    """Per identified contact: its session minutes in the window, and the weeks before as_of it had a
    session in the window as bits (week k = bit k % 62 of mask ``weeks<k // 62>``)."""
    days_back = window.as_of.delta(rows.day, unit="day")  # the grain's rows are on or before as_of
    # in the window as days back, not day >= first_day: sqlglot cannot type Ibis' date - interval inside bit_or
    sessions = _is_session(rows, params) & (days_back < window.days)
    week = days_back // 7
    masks = {}
    for word in range((_weeks(window) - 1) // WEEK_BITS + 1):
        # week % 62 keeps each shift in range (only the word's weeks are kept)
        bit = ibis.literal(1).cast("int64") << (week % WEEK_BITS).cast("int32")  # PostgreSQL: int8 << int4
        in_word = sessions if _weeks(window) <= WEEK_BITS else sessions & (week // WEEK_BITS == word)
        masks[f"weeks{word}"] = only(bit, in_word).bit_or()
    return {"minutes": only(rows.value_sum, sessions).sum(), **masks}


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
    if params.events is not None:  # the vocabulary's feature_use role
        used = used & selected(rows.event_type, params.events)
    if params.features:
        used = used & rows.event_type.isin([feature(name) for name in params.features])
    return {"used": _any(rows, used)}


def _sums(*names: str) -> PerAccount:
    return lambda part, grains, window, params: {name: part(name).sum() for name in names}


def _usage_minutes(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    session = _is_session(rows, params)
    return {
        "minutes": only(rows.value_sum, _in(rows, window) & session).sum(),
        "previous": only(rows.value_sum, _in_previous(rows, window) & session).sum(),
    }


def _page(params: MeasureParams) -> str:
    """The event type of the measure's page (``page:<page>``, as the vocabulary writes page names)."""
    return page(params.page or "")


def _page_views(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {"views": only(rows.events, _in(rows, window) & (rows.event_type == _page(params))).sum()}


def _with_feature_catalogue(store: Store, accounts: ibis.Table, name: str, window: Window,
                            params: MeasureParams) -> ibis.Table:
    """``accounts`` with column ``name``: the number of features, the configured list's length, else the
    ``feature:`` event types first seen by as_of (event_types), cross-joined as a one-row table (as a scalar
    subquery PostgreSQL copied it into every expression that read it)."""
    if params.features:
        return accounts.mutate(**{name: ibis.literal(len(params.features))})
    types = store.table("event_types")
    features = (types.event_type.startswith(FEATURE_PREFIX) if params.events is None
                else selected(types.event_type, params.events))
    seen = types.filter((types.first_day <= window.as_of) & features)
    return accounts.cross_join(seen.aggregate(**{name: seen.count()}))


# ---- vocabulary-free measures: any event types, chosen by params.events selectors ----------------------


def _chosen(rows: ibis.Table, params: MeasureParams) -> ibis.BooleanValue:
    """Rows of the event types the measure's selectors choose (every event type without selectors)."""
    return selected(rows.event_type, params.events or [ALL_EVENTS])


def _chosen_in(rows: ibis.Table, window: Window, params: MeasureParams) -> ibis.BooleanValue:
    return _in(rows, window) & _chosen(rows, params)


def _amount(rows: ibis.Table, params: MeasureParams) -> ibis.NumericValue:
    """What a rate counts: events, or the sum of their value (``sum: value``)."""
    return rows.value_sum if params.sum == "value" else rows.events


def _day_seen(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {"seen": _any(rows, _chosen_in(rows, window, params)),
            "events": only(rows.events, _chosen_in(rows, window, params)).sum()}


def _type_used(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {"used": _any(rows, _chosen_in(rows, window, params))}


def _events_now_and_before(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {
        "amount": only(_amount(rows, params), _in(rows, window)).sum(),
        "previous": only(_amount(rows, params), _in_previous(rows, window)).sum(),
    }


def _events_in(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {"amount": only(_amount(rows, params), _in(rows, window)).sum()}


def _last_day(rows: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
    return {"last": only(rows.day, _in(rows, window)).max()}


def _chosen_types(aggregate: str, *names: str) -> PerAccount:
    """Per account, ``aggregate`` (sum or max) of each part over the event types the selectors choose.

    The first pass (per account and event type) names no event type, so the same windowed sum serves every
    per-type measure (one aggregate per row, not one per measure); the choice is made on its few rows."""
    def per_account(part: Part, grains: ibis.Table, window: Window, params: MeasureParams) -> dict[str, ibis.Value]:
        chosen = _chosen(grains, params)
        return {name: getattr(only(part(name), chosen), aggregate)() for name in names}

    return per_account


def _zero_when_none(name: str) -> ActivityValue:
    return lambda part, accounts, window, params: part(name).fill_null(0)


def _per_active_day(part: Part, accounts: ibis.Table, window: Window, params: MeasureParams) -> ibis.Value:
    """selected events in the window / days with one; 0 without any."""
    days = part("seen").fill_null(0)
    return ibis.ifelse(days > 0, part("events").fill_null(0).cast("float64") / days, ibis.literal(0).cast("float64"))


def _rate_per_28_days(part: Part, accounts: ibis.Table, window: Window, params: MeasureParams) -> ibis.Value:
    """selected events (or their value) in the window x 28 / window days; 0 without any."""
    return part("amount").fill_null(0).cast("float64") * 28 / window.days


def _trend(part: Part, accounts: ibis.Table, window: Window, params: MeasureParams) -> ibis.Value:
    """selected events (or value) in the window / in the window before - 1; null when the one before had none."""
    previous = part("previous").fill_null(0)
    return ibis.ifelse(previous > 0, part("amount").fill_null(0).cast("float64") / previous - 1, None)


def _days_since(part: Part, accounts: ibis.Table, window: Window, params: MeasureParams) -> ibis.Value:
    """as_of - the last day with a selected event in the window; the window's days when none."""
    return ibis.ifelse(part("last").isnull(), ibis.literal(window.days), window.as_of.delta(part("last"), unit="day"))


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
    windows_back: int = 1  # 2: also reads the window just before (trends)
    rows: Callable[[ibis.Table, MeasureParams], ibis.BooleanValue] | None = None


ACTIVITY_MEASURES: dict[str, ActivityMeasure] = {
    # session minutes of identified users / distinct (user, day) with a session, over the window
    "usage_time_daily": ActivityMeasure(
        "account", _session_days, None, _minutes_per_period,
        rows=_is_session,
    ),
    # session minutes of identified users / distinct (user, week before as_of) with a session
    "usage_time_weekly": ActivityMeasure(
        "contact", _session_weeks, _session_week_totals, _minutes_per_period,
    ),
    # distinct contacts with any event in the window
    "active_users": ActivityMeasure(
        "contact", _contact_seen, _sums("seen"), lambda part, accounts, window, params: part("seen").fill_null(0),
    ),
    # distinct active contacts in the window / licences (sum of quantity of active periods); null without licences
    "licence_utilisation": ActivityMeasure(
        "contact", _contact_seen, _sums("seen"),
        lambda part, accounts, window, params: ibis.ifelse(
            accounts.licences > 0, part("seen").fill_null(0).cast("float64") / accounts.licences, None
        ),
    ),
    # distinct features used in the window / features in the catalogue
    "feature_adoption": ActivityMeasure(
        "feature", _feature_used, lambda part, grains, window, params: {"features": part("used").sum()},
        lambda part, accounts, window, params: ibis.ifelse(
            part("catalogue") > 0, part("features").fill_null(0).cast("float64") / part("catalogue"), None,
        ),
    ),
    # session minutes this window / the previous window - 1; null when the previous window had none
    "usage_trend": ActivityMeasure(
        "account", _usage_minutes, None,
        lambda part, accounts, window, params: ibis.ifelse(
            part("previous").fill_null(0) > 0,
            part("minutes").fill_null(0) / part("previous") - 1, None,
        ),
        windows_back=2, rows=_is_session,
    ),
    # views of page:<page> in the window
    "page_visits": ActivityMeasure(
        "account", _page_views, None,
        lambda part, accounts, window, params: part("views").fill_null(0),
        rows=lambda rows, params: rows.event_type == _page(params),
    ),
    # distinct days with a selected event in the window (grain contact: distinct (contact, day) pairs)
    "active_days": ActivityMeasure(
        "day", _day_seen, _sums("seen"), _zero_when_none("seen"), rows=_chosen,
    ),
    # selected events in the window / distinct days with one
    "events_per_active_day": ActivityMeasure(
        "day", _day_seen, _sums("seen", "events"), _per_active_day, rows=_chosen,
    ),
    # distinct selected event types used in the window
    "event_types_used": ActivityMeasure(
        "event_type", _type_used, _sums("used"), _zero_when_none("used"), rows=_chosen,
    ),
    # selected events (or their value: sum: value) per 28 days over the window
    "event_rate": ActivityMeasure(
        "event_type", _events_in, _chosen_types("sum", "amount"), _rate_per_28_days, rows=_chosen,
    ),
    # selected events (or value) this window / the window before - 1
    "event_trend": ActivityMeasure(
        "event_type", _events_now_and_before, _chosen_types("sum", "amount", "previous"), _trend,
        windows_back=2, rows=_chosen,
    ),
    # days since the last selected event (the window's length when none in it)
    "days_since_last_event": ActivityMeasure(
        "event_type", _last_day, _chosen_types("max", "last"), _days_since, rows=_chosen,
    ),
}


def grain_of(spec: MeasureSpec) -> str:
    """The grain a measure aggregates at: its type's, or (contact, day) pairs for active_days by contact."""
    if spec.type == "active_days" and spec.params.grain == "contact":
        return "contact_day"
    if spec.type == "feature_adoption" and spec.params.events is not None:
        return "feature_role"
    return ACTIVITY_MEASURES[spec.type].grain


def _distinct_parts(parts: dict[str, ibis.Value], alias: dict[str, str]) -> dict[str, ibis.Value]:
    """``parts`` without repeats: a part equal to an earlier one (a rate's and a trend's sum over the same
    window) is computed once, its name recorded in ``alias`` as the earlier's."""
    kept: dict[ibis.Value, str] = {}
    for name, value in parts.items():
        alias[name] = kept.setdefault(value.op(), name)
    return {name: parts[name] for name in kept.values()}


def with_activity(store: Store, accounts: ibis.Table, usage: list[MeasureSpec], as_of: ibis.DateValue) -> ibis.Table:
    """Join the usage measures' values: per grain, one GROUP BY (account_id, grain) then one by account_id."""
    joined = accounts
    parts: list[str] = []
    alias: dict[str, str] = {}
    for grain_name, grain in GRAINS.items():
        specs = [spec for spec in usage if grain_of(spec) == grain_name]
        if not specs:
            continue
        span = max(ACTIVITY_MEASURES[spec.type].windows_back * spec.params.window_days for spec in specs)
        rows = store.table("activity_daily")
        kept = Window(as_of, span).contains_day(rows.day)
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
        first = _distinct_parts(first, alias)
        key = f"{grain_name}_account"
        if grain.keys is None:
            per_account = rows.group_by(**{key: rows.account_id}).aggregate(**first)
            joined = joined.left_join(per_account, joined.account_id == per_account[key]).drop(key)
            parts += list(first)
            continue
        per_grain = rows.group_by("account_id", **grain.keys(rows, Window(as_of, span))).aggregate(**first)
        second: dict[str, ibis.Value] = {}
        for spec in specs:
            part = lambda name, prefix=spec.id: per_grain[alias[f"{prefix}__{name}"]]
            aggregates = ACTIVITY_MEASURES[spec.type].per_account(
                part, per_grain, Window(as_of, spec.params.window_days), spec.params
            )
            second |= {f"{spec.id}__{name}": value for name, value in aggregates.items()}
        second = _distinct_parts(second, alias)
        per_account = per_grain.group_by(**{key: per_grain.account_id}).aggregate(**second)
        joined = joined.left_join(per_account, joined.account_id == per_account[key]).drop(key)
        parts += list(second)
    adoption = [spec for spec in usage if spec.type == "feature_adoption"]
    catalogues = [f"{spec.id}__catalogue" for spec in adoption]
    for spec, name in zip(adoption, catalogues):
        joined = _with_feature_catalogue(store, joined, name, Window(as_of, spec.params.window_days), spec.params)
    values = {}
    for spec in usage:
        part = lambda name, prefix=spec.id: joined[alias.get(f"{prefix}__{name}", f"{prefix}__{name}")]
        window = Window(as_of, spec.params.window_days)
        values[f"r__{spec.id}"] = ACTIVITY_MEASURES[spec.type].value(part, joined, window, spec.params).cast("float64")
    return joined.mutate(**values).drop(*parts, *catalogues)
