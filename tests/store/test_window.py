"""The as-of window: the days (as_of - N, as_of] and the instants [start of its first day, start of the day after as_of)."""

from datetime import date, datetime

import ibis

from nabd.store.window import Window


def test_a_window_of_30_days_is_june_1_to_june_30_and_its_instants_end_at_the_next_midnight(store):
    window = Window(ibis.literal(date(2026, 6, 30)), 30)
    row = store.ibis.to_pyarrow(ibis.memtable({"x": [1]}).select(
        first_day=window.first_day.cast("date"), previous_first_day=window.previous_first_day.cast("date"),
        start=window.start, previous_start=window.previous_start, end=window.end,
    )).to_pylist()[0]
    assert row == {
        "first_day": date(2026, 6, 1), "previous_first_day": date(2026, 5, 2),
        "start": datetime(2026, 6, 1), "previous_start": datetime(2026, 5, 2), "end": datetime(2026, 7, 1),
    }


def test_a_day_or_instant_is_in_the_window_exactly_between_its_bounds(store):
    window = Window(ibis.literal(date(2026, 6, 30)), 30)
    days = [date(2026, 5, 31), date(2026, 6, 1), date(2026, 6, 30), date(2026, 7, 1)]
    moments = [datetime(2026, 5, 31, 23, 59, 59), datetime(2026, 6, 1), datetime(2026, 6, 30, 23, 59, 59),
               datetime(2026, 7, 1)]
    table = ibis.memtable({"day": days, "moment": moments})
    result = store.ibis.execute(table.select(in_days=window.contains_day(table.day), in_time=window.contains(table.moment)))
    assert list(result.in_days) == [False, True, True, False]
    assert list(result.in_time) == [False, True, True, False]
