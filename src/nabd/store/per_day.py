"""A query over one as-of date, compiled to SQL once and run for many dates (a backfill, a backtest, a day's
scoring and indicators).

An expression reads its as-of date from ``ibis.param("date")`` (:func:`as_of_parameter`). Ibis binds a
parameter when it compiles (``params=``): it substitutes the value before writing SQL and cannot leave a
placeholder for the driver (ibis-project/ibis#11566), so compiling once per date would pay Ibis's compile
time per date, most of a backfill's time at small sizes (benchmarks/RESULTS.md). So
:func:`compile_per_day` binds the parameter to a sentinel date, compiles once, and writes each date's
literal where the sentinel's is. Every date of the expression derives in the engine from the parameter
(nabd.store.window), so the SQL of a date is the SQL compiling on that date would give (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import ibis
import ibis.expr.operations as ops

from nabd.errors import NabdError
from nabd.store.connection import Store
from nabd.store.sql import date_literal

SENTINEL_DAY = date(1111, 11, 11)
_SENTINEL_MAKE_DATE = "MAKE_DATE(1111, 11, 11)"  # how Ibis writes a date literal, on DuckDB and PostgreSQL
_SENTINEL_TEXT = "'1111-11-11'"  # inside date_literal(SENTINEL_DAY), in raw SQL

DaySQL = Callable[[date], str]


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
    """``sql`` written on the sentinel date, as a function of the date: the sentinel's literals replaced by the
    date's (Ibis's MAKE_DATE, and the date text of raw SQL)."""
    if _SENTINEL_MAKE_DATE not in sql and _SENTINEL_TEXT not in sql:
        raise NabdError("internal: the compiled query does not mention its as-of date")

    def for_day(day: date) -> str:
        return sql.replace(_SENTINEL_MAKE_DATE, f"MAKE_DATE({day.year}, {day.month}, {day.day})").replace(
            _SENTINEL_TEXT, f"'{day.isoformat()}'"
        )

    return for_day
