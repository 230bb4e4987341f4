"""Literals written into SQL text, the same on DuckDB and PostgreSQL.

Nabd writes a value into SQL only when it cannot be a parameter (a file path DuckDB reads, a name in
generated SQL, a query compiled once and run for many dates); everything else is a ``?`` parameter.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import ibis


def string_literal(value: str | Path) -> str:
    """``value`` as a SQL string literal: in single quotes, each quote inside doubled (``it's`` -> ``'it''s'``)."""
    return "'" + str(value).replace("'", "''") + "'"


def date_literal(day: date) -> str:
    """``day`` as a SQL date literal: ``DATE 'YYYY-MM-DD'``."""
    return f"DATE '{day.isoformat()}'"


def timestamp_literal(moment: datetime) -> str:
    """``moment`` (naive UTC) as a SQL timestamp literal: ``TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]'``."""
    return f"TIMESTAMP '{moment.isoformat(sep=' ')}'"


def float_literal(number: float) -> ibis.FloatingValue:
    """A float64 constant that stays float64 on PostgreSQL (Ibis writes a bare 0.8, which PostgreSQL reads
    as NUMERIC): the cast of its shortest decimal text, CAST('0.8' AS DOUBLE)."""
    return ibis.literal(repr(float(number))).cast("float64")
