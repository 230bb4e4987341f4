"""A refusal the engine raises while a query runs: ``refuse(message)`` is an expression that, when a row
evaluates it, stops the query with ``message`` (built from the row's columns).

So a check that must see the data (a missing exchange rate) is part of the query that reads it, not a second
query run while the expression is being built. Each engine writes it its own way: DuckDB ``error(m)``, Spark
``raise_error(m)``, PostgreSQL (no such function) a failing ``CAST(m AS <numeric type>)``. The message travels in
``[nabd] ... [/nabd]`` inside the engine's error, and :func:`refused` turns that error back into a NabdError.
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.rules as rlz
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.duckdb import DuckDBCompiler
from ibis.backends.sql.compilers.postgres import PostgresCompiler

from nabd.errors import NabdError

_OPEN, _CLOSE = "[nabd] ", " [/nabd]"
_CARRIED = re.compile(re.escape(_OPEN) + r"(.+?)" + re.escape(_CLOSE), re.DOTALL)


class Refusal(ops.Value):
    """Stop the query with ``message`` when a row evaluates this; typed ``to`` so it fits a CASE branch."""

    message: ops.Value[dt.String]
    to: dt.DataType

    shape = rlz.shape_like("message")

    @property
    def dtype(self) -> dt.DataType:
        return self.to


def refuse(message: ibis.StringValue, to: dt.DataType | str) -> ibis.Value:
    """An expression of numeric type ``to`` that stops the query with ``message`` in the rows that evaluate it
    (put it in an ``ifelse`` branch: only the rows taking that branch evaluate it)."""
    return Refusal(ibis.literal(_OPEN) + message + ibis.literal(_CLOSE), dt.dtype(to)).to_expr()


def refused(error: BaseException) -> NabdError | None:
    """The NabdError an engine error carries from :func:`refuse`, or None for any other error."""
    found = _CARRIED.search(str(error))
    return NabdError(found.group(1).replace("''", "'")) if found else None


def _duckdb(self, op: Refusal, *, message: sge.Expression, to: dt.DataType) -> sge.Expression:
    return self.cast(self.f.error(message), to)


def _postgres(self, op: Refusal, *, message: sge.Expression, to: dt.DataType) -> sge.Expression:
    return self.cast(message, to)  # PostgreSQL has no error(): the text is no number, so a numeric ``to`` fails


def spark_refusal(self, op: Refusal, *, message: sge.Expression, to: dt.DataType) -> sge.Expression:
    """Spark's: ``raise_error(m)`` (nabd.store.spark's dialect)."""
    return self.cast(self.f.raise_error(message), to)


# Ibis dispatches on visit_<op name>: DuckDB's and PostgreSQL's compilers learn this one op here.
DuckDBCompiler.visit_Refusal = _duckdb
PostgresCompiler.visit_Refusal = _postgres
