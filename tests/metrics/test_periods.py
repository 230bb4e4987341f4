"""Reporting periods: their days, and facts tagged with the period they fall in."""

from datetime import date

import ibis

from nabd.metrics.periods import dated, periods, span


def test_the_periods_of_a_range_span_from_the_first_periods_start_to_the_last_periods_end():
    # 10 Jan - 2 Mar by month: January, February, March -> [1 Jan, 1 Apr)
    assert span(periods("month", date(2024, 1, 10), date(2024, 3, 2))) == (date(2024, 1, 1), date(2024, 4, 1))


def test_dated_keeps_the_facts_inside_the_periods_with_their_period_start():
    facts = ibis.memtable({"day": [date(2023, 12, 31), date(2024, 1, 1), date(2024, 2, 29), date(2024, 3, 1)]})
    bounds = periods("month", date(2024, 1, 1), date(2024, 2, 1))
    kept = dated(facts, facts.day, bounds, "month").order_by("day").to_pyarrow().to_pylist()
    assert kept == [
        {"day": date(2024, 1, 1), "period_start": date(2024, 1, 1)},
        {"day": date(2024, 2, 29), "period_start": date(2024, 2, 1)},
    ]


def test_dated_filters_the_days_by_the_ranges_dates_not_by_a_join_to_the_periods():
    # PostgreSQL estimates a range of dates from its statistics; a semi-join on the computed period it cannot
    # estimate, and it planned nested loops of index scans over activity_daily for it.
    facts = ibis.table({"day": "date"}, name="facts")
    sql = ibis.to_sql(dated(facts, facts.day, periods("month", date(2024, 1, 1), date(2024, 2, 1)), "month"),
                      dialect="postgres")
    assert "MAKE_DATE(2024, 1, 1)" in sql and "MAKE_DATE(2024, 3, 1)" in sql
    assert " IN " not in sql.upper()
