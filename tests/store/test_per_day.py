"""A query over the as-of parameter, compiled once, gives each date the rows compiling on that date gives."""

from __future__ import annotations

from datetime import date

import ibis

from nabd.store.per_day import as_of_parameter, compile_per_day
from nabd.store.window import Window


def _june(store):
    store.execute("CREATE TABLE june (day DATE)")
    store.execute("INSERT INTO june VALUES " + ", ".join(f"(DATE '2026-06-{d:02d}')" for d in range(1, 31)))
    return store.table("june")


def _last_week(june: ibis.Table, as_of: ibis.DateValue) -> ibis.Table:
    return june.filter(Window(as_of, 7).contains_day(june.day)).select("day", back=as_of.delta(june.day, unit="day"))


def test_the_sql_compiled_once_gives_each_dates_own_rows(store):
    june = _june(store)
    as_of = as_of_parameter()
    per_day = compile_per_day(store, _last_week(june, as_of), as_of)
    for day in (date(2026, 6, 10), date(2026, 6, 30)):
        compiled_on_the_day = store.ibis.compile(_last_week(june, ibis.literal(day)))
        assert sorted(store.fetchall(per_day(day))) == sorted(store.fetchall(compiled_on_the_day))
    assert sorted(store.fetchall(per_day(date(2026, 6, 10))))[0] == (date(2026, 6, 4), 6)


def test_a_statement_around_the_query_names_each_dates_as_of(store):
    june = _june(store)
    as_of = as_of_parameter()
    per_day = compile_per_day(
        store, _last_week(june, as_of), as_of,
        lambda query, as_of_sql: f"SELECT {as_of_sql} AS as_of, count(*) AS days FROM ({query}) AS week",
    )
    assert store.fetchall(per_day(date(2026, 6, 3))) == [(date(2026, 6, 3), 3)]
