"""The company's calendar: a day is a day in the company's timezone (NABD_TIMEZONE, default UTC).

The store keeps timestamps as naive UTC. A stored timestamp ``ts`` falls on the local day
date(ts at UTC, in the zone); the local day ``d`` is the half-open instants [start(d), start(d + 1)),
start(d) = local midnight of d in UTC (DST-correct: a day can last 23 or 25 hours). In UTC every
expression here is the plain cast it always was, so a UTC company's SQL is unchanged; a zone with one
offset (no DST) shifts by it; other zones convert with the engine's timezone() (ICU in DuckDB).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import ibis
import ibis.expr.datatypes as dt

from nabd.config import load_settings, timezone
from nabd.errors import NabdError
from nabd.store.clock import utc_now
from nabd.store.connection import Store
from nabd.store.sql import string_literal

ZONE_META_KEY = "activity_timezone"  # nabd_meta: the zone activity_daily's days were counted in
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"})


def company_zone(name: str | None = None) -> str:
    """The company's timezone name (``name``, else NABD_TIMEZONE), checked as the settings check it."""
    if name is None:
        return load_settings().timezone
    try:
        return timezone(name)
    except ValueError as error:
        raise NabdError(f"NABD_TIMEZONE={name!r} is not {error}") from None


def is_utc(zone: str) -> bool:
    """Whether days in ``zone`` are UTC days (then no conversion is needed)."""
    return zone in UTC_NAMES


def _tzinfo(zone: str) -> tzinfo:
    """The zone's rules; UTC needs no tz database (a slim container may have none)."""
    return UTC if is_utc(zone) else ZoneInfo(zone)


@lru_cache(maxsize=16)
def fixed_offset(zone: str) -> timedelta | None:
    """The zone's one UTC offset from 1970 to 2100 (+3:00 for Asia/Riyadh), or None when it changes (DST).

    A zone with one offset needs no tz database in the engine: a local day is CAST(ts + offset AS DATE),
    about as fast as the plain cast (ICU's per-row conversion costs ~8x on DuckDB).
    """
    rules = _tzinfo(zone)
    noon = datetime(1970, 1, 1, 12, tzinfo=UTC)
    offset = noon.astimezone(rules).utcoffset()
    for days in range(1, (date(2100, 1, 1) - date(1970, 1, 1)).days):
        if (noon + timedelta(days=days)).astimezone(rules).utcoffset() != offset:
            return None
    return offset


def _interval_sql(offset: timedelta) -> str:
    return f"INTERVAL '{int(offset.total_seconds() // 60)} minutes'"


def day_start(day: date, zone: str | None = None) -> datetime:
    """The naive-UTC instant where the local ``day`` begins (its local midnight)."""
    return local_instant(day, time.min, zone)


def local_instant(day: date, at: time, zone: str | None = None) -> datetime:
    """The naive-UTC instant of the local wall-clock time ``at`` on the local ``day`` (DST-correct)."""
    local = datetime.combine(day, at, tzinfo=_tzinfo(company_zone(zone)))
    return local.astimezone(UTC).replace(tzinfo=None)


def window(as_of: date, days: int, zone: str | None = None) -> tuple[datetime, datetime]:
    """The naive-UTC [start, end) of the local days (as_of - days, as_of]: timestamps known on as_of are < end."""
    return day_start(as_of - timedelta(days=days - 1), zone), day_start(as_of + timedelta(days=1), zone)


def local_day_of(instant: datetime, zone: str | None = None) -> date:
    """The local day of a naive-UTC ``instant``."""
    return instant.replace(tzinfo=UTC).astimezone(_tzinfo(company_zone(zone))).date()


def today(zone: str | None = None) -> date:
    """Today in the company's timezone."""
    return local_day_of(utc_now(), zone)


def local_day_sql(column: str, zone: str | None = None) -> str:
    """SQL (DuckDB and PostgreSQL alike) for the local day of the naive-UTC timestamp ``column``.

    ``timezone('UTC', ts)`` reads the naive value as UTC (a TIMESTAMPTZ); ``timezone(zone, that)`` gives
    the wall clock in the zone. DuckDB has the function built in (ICU), PostgreSQL natively.
    """
    zone = company_zone(zone)
    if is_utc(zone):
        return f"CAST({column} AS DATE)"
    if (offset := fixed_offset(zone)) is not None:
        return f"CAST({column} + {_interval_sql(offset)} AS DATE)"
    return f"CAST(timezone({string_literal(zone)}, timezone('UTC', {column})) AS DATE)"


def utc_instant_sql(local: str, zone: str | None = None) -> str:
    """SQL (DuckDB and PostgreSQL alike) for the naive-UTC instant of the local wall-clock timestamp ``local``."""
    zone = company_zone(zone)
    if is_utc(zone):
        return local
    if (offset := fixed_offset(zone)) is not None:
        return f"({local}) - {_interval_sql(offset)}"
    return f"timezone('UTC', timezone({string_literal(zone)}, {local}))"


# The same function on both backends: timezone(zone, naive) -> instant; timezone(zone, instant) -> naive.
@ibis.udf.scalar.builtin(name="timezone")
def _instant(zone: str, wall_clock: dt.timestamp) -> dt.Timestamp(timezone="UTC"):
    """The instant at which it is ``wall_clock`` in ``zone``."""


@ibis.udf.scalar.builtin(name="timezone")
def _wall_clock(zone: str, instant: dt.Timestamp(timezone="UTC")) -> dt.timestamp:
    """The wall-clock time in ``zone`` at ``instant``."""


def local_day(ts: ibis.TimestampValue, zone: str | None = None) -> ibis.DateValue:
    """Ibis: the local day of the naive-UTC timestamp ``ts``."""
    zone = company_zone(zone)
    if is_utc(zone):
        return ts.cast("date")
    if (offset := fixed_offset(zone)) is not None:
        return (ts + ibis.interval(minutes=int(offset.total_seconds() // 60))).cast("date")
    return _wall_clock(zone, _instant("UTC", ts)).cast("date")


def utc_instant(local: ibis.Value, zone: str | None = None) -> ibis.TimestampValue:
    """Ibis: the naive-UTC instant of a local wall-clock time (a date means its midnight).

    Derived in the engine from ``local``, so SQL compiled for one as-of date and re-run with another
    date literal in its place stays right across DST changes; in UTC it is ``local.cast("timestamp")``.
    """
    zone = company_zone(zone)
    wall_clock = local.cast("timestamp")
    if is_utc(zone):
        return wall_clock
    if (offset := fixed_offset(zone)) is not None:
        return wall_clock - ibis.interval(minutes=int(offset.total_seconds() // 60))
    return _wall_clock("UTC", _instant(zone, wall_clock))


def rolled_up_zone(store: Store) -> str:
    """The zone activity_daily's days were counted in (UTC for a store that never recorded one)."""
    return store.scalar("SELECT value FROM nabd_meta WHERE key = ?", [ZONE_META_KEY]) or "UTC"


def record_rolled_up_zone(store: Store, zone: str) -> None:
    """Record that activity_daily's days are now counted in ``zone``."""
    store.execute("DELETE FROM nabd_meta WHERE key = ?", [ZONE_META_KEY])
    store.execute("INSERT INTO nabd_meta (key, value) VALUES (?, ?)", [ZONE_META_KEY, zone])
