"""A query over one as-of date, compiled to SQL once and run for many dates (a backfill, a backtest, a day's
scoring and indicators).

An expression reads its as-of date from ``ibis.param("date")`` (:func:`as_of_parameter`). Ibis binds a
parameter when it compiles (``params=``): it substitutes the value before writing SQL and cannot leave a
placeholder for the driver (ibis-project/ibis#11566), so compiling once per date would pay Ibis's compile
time per date, most of a backfill's time at small sizes (benchmarks/RESULTS.md). So
:func:`compile_per_day` binds the parameter to a sentinel date, compiles once, and writes each date's
literal where the sentinel's is. Every date of the expression derives in the engine from the parameter
(nabd.store.window), so the SQL of a date is the SQL compiling on that date would give (tested).

:func:`rows_on_days` runs such a query for many dates. PostgreSQL plans each statement it is sent, and
planning a scoring or backtest query takes ~0.6-1.9 s whatever the data's size (about a hundred subqueries);
so there the query is prepared once with the date as its parameter and one generic plan serves every date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

import ibis
import ibis.expr.operations as ops

from nabd.errors import NabdError
from nabd.store.connection import Store
from nabd.store.sql import date_literal, timestamp_literal

SENTINEL_DAY = date(1111, 11, 11)
_SENTINEL_MAKE_DATE = "MAKE_DATE(1111, 11, 11)"  # how Ibis writes a date literal, on DuckDB and PostgreSQL
_SENTINEL_TEXT = "'1111-11-11'"  # inside date_literal(SENTINEL_DAY), in raw SQL
# PostgreSQL statements made by prepared() (rows_on_days, a backfill's and the indicators' INSERTs): this prefix,
# then a hash
_PREPARED = "nabd_days_"


@dataclass(frozen=True)
class DaySQL:
    """A query written on the sentinel date (``sentinel``); called with a date, that date's SQL: the sentinel's
    literals replaced by the date's (Ibis's MAKE_DATE, and the date text of raw SQL)."""

    sentinel: str

    def __call__(self, day: date) -> str:
        return self.sentinel.replace(_SENTINEL_MAKE_DATE, f"MAKE_DATE({day.year}, {day.month}, {day.day})").replace(
            _SENTINEL_TEXT, f"'{day.isoformat()}'"
        )

    def with_parameter(self, parameter: str) -> str:
        """The query with ``parameter`` (a placeholder) where its as-of date is."""
        text = self.sentinel.replace(date_literal(SENTINEL_DAY), parameter).replace(_SENTINEL_MAKE_DATE, parameter)
        return text.replace(_SENTINEL_TEXT, parameter)


def as_of_parameter() -> ibis.DateValue:
    """The as-of date of an expression compiled once for many dates (bound by :func:`compile_per_day`)."""
    return ibis.param("date")


def as_of_sql(as_of: ibis.DateValue) -> str:
    """The SQL text of an as-of date, for raw SQL inside an expression (a custom measure): ``DATE '...'`` of a
    literal; of :func:`as_of_parameter`, the sentinel's, which :func:`compile_per_day` replaces."""
    node = as_of.op()
    if isinstance(node, ops.ScalarParameter):
        return date_literal(SENTINEL_DAY)
    if isinstance(node, ops.Literal):
        return date_literal(node.value)
    raise NabdError("internal: an as-of date is a date literal or the as-of parameter")


def compile_per_day(
    store: Store, expression: ibis.Expr, as_of: ibis.DateValue, around: Callable[[str, str], str] | None = None,
) -> DaySQL:
    """``expression``, built on the parameter ``as_of``, compiled once; called with a date, that date's SQL.

    ``around(query, as_of_sql)`` puts the query inside a statement (an INSERT ... SELECT) that may name the
    as-of date by ``as_of_sql``.
    """
    return per_day_sql(sentinel_sql(store, expression, as_of, around))


def sentinel_sql(
    store: Store, expression: ibis.Expr, as_of: ibis.DateValue, around: Callable[[str, str], str] | None = None,
) -> str:
    """``expression`` compiled on the sentinel date (inside ``around``, as :func:`compile_per_day`): the text
    :func:`per_day_sql` turns into any date's SQL (what nabd.store.compiled keeps)."""
    query = store.ibis.compile(expression, params={as_of: SENTINEL_DAY})
    return around(query, date_literal(SENTINEL_DAY)) if around else query


def per_day_sql(sql: str) -> DaySQL:
    """``sql`` written on the sentinel date, as a function of the date (:class:`DaySQL`)."""
    if _SENTINEL_MAKE_DATE not in sql and _SENTINEL_TEXT not in sql:
        raise NabdError("internal: the compiled query does not mention its as-of date")
    return DaySQL(sql)


def rows_on_days(store: Store, query: DaySQL, days: Sequence[date]) -> list[list[tuple]]:
    """The rows of ``query`` (:func:`per_day_sql`) on each of ``days``, in order. On PostgreSQL, for more than one
    date, the query is prepared once per connection (the date its parameter) and run with a generic plan: planned
    once, not once per date."""
    if store.kind != "postgres" or len(days) < 2:
        return [store.fetchall(query(day)) for day in days]
    name = prepared(store, query.with_parameter(DATE_PARAMETER), ("date",))
    with generic_plans(store), store.raw.cursor() as cursor:
        return [cursor.execute(execute_sql(name, day)).fetchall() for day in days]


DATE_PARAMETER = "($1::date)"  # the as-of date of a statement prepared by :func:`prepared`
TIMESTAMP_PARAMETER = "($2::timestamp)"  # its second parameter, when it has one: a run's time (computed_at, fired_at)


def execute_sql(name: str, day: date, at: datetime | None = None) -> str:
    """The SQL running the prepared statement ``name`` on ``day`` (and ``at``, its TIMESTAMP_PARAMETER)."""
    return f"EXECUTE {name}({date_literal(day)}{'' if at is None else ', ' + timestamp_literal(at)})"


def prepared(store: Store, text: str, types: tuple[str, ...]) -> str:
    """The name of ``text`` (parameters $1.. of ``types``) prepared on the store's PostgreSQL connection, prepared
    when this connection has not yet: ``EXECUTE name(...)`` runs it without planning it again under
    :func:`generic_plans`."""
    name = _PREPARED + hashlib.sha256(repr((text, types)).encode()).hexdigest()[:20]
    with store.raw.cursor() as cursor:
        if cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name]).fetchone() is None:
            cursor.execute(f"PREPARE {name}({', '.join(types)}) AS {text}")
    return name


@contextmanager
def generic_plans(store: Store) -> Iterator[None]:
    """Inside, PostgreSQL runs prepared statements with their generic plan (made once), never planning again for
    the values given; the setting is restored after."""
    from psycopg.pq import TransactionStatus

    store.execute("SET plan_cache_mode = force_generic_plan")
    try:
        yield
    finally:
        if store.raw.info.transaction_status != TransactionStatus.INERROR:  # else the rollback undoes the SET
            store.execute("RESET plan_cache_mode")
