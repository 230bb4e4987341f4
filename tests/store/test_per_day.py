"""A query over the as-of parameter, compiled once, gives each date the rows compiling on that date gives; run for
many dates (on PostgreSQL prepared once, with one generic plan), each date's rows again."""

from __future__ import annotations

from datetime import date

import ibis
import pytest

from nabd.store.per_day import as_of_parameter, compile_per_day, rows_on_days
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


def _days_counted(store):
    """The last week's days counted, naming the as-of date both as Ibis writes it and as raw SQL does."""
    as_of = as_of_parameter()
    return compile_per_day(
        store, _last_week(_june(store), as_of), as_of,
        lambda query, as_of_sql: f"SELECT {as_of_sql} AS as_of, count(*) AS days FROM ({query}) AS week",
    )


def test_rows_on_many_days_are_each_days_own_rows(store):
    per_day = _days_counted(store)
    days = [date(2026, 6, 3), date(2026, 6, 10), date(2026, 7, 8)]
    assert rows_on_days(store, per_day, days) == [store.fetchall(per_day(day)) for day in days]
    assert rows_on_days(store, per_day, days) == [[(date(2026, 6, 3), 3)], [(date(2026, 6, 10), 7)],
                                                  [(date(2026, 7, 8), 0)]]


@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)
def test_on_postgresql_many_days_share_one_prepared_statement_and_leave_the_plan_setting_as_it_was(store):
    per_day = _days_counted(store)
    for _ in range(2):
        rows_on_days(store, per_day, [date(2026, 6, 3), date(2026, 6, 4)])
    assert store.scalar("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'nabd_days_%'") == 1
    assert store.scalar("SHOW plan_cache_mode") == "auto"
