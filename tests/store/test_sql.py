"""Literals written into SQL text read back as the same value on both backends."""

from datetime import date, datetime

from nabd.store.sql import date_literal, float_literal, string_literal, timestamp_literal


def test_a_string_with_quotes_reads_back_as_written(store):
    text = "O'Brien's ''quoted'' name"
    assert store.scalar(f"SELECT {string_literal(text)}") == text


def test_date_and_timestamp_literals_read_back_as_the_same_day_and_instant(store):
    moment = datetime(2026, 6, 30, 23, 59, 58, 123456)
    assert store.fetchall(f"SELECT {date_literal(date(2026, 6, 30))}, {timestamp_literal(moment)}")[0] == (
        date(2026, 6, 30), moment,
    )


def test_a_float_literal_stays_a_double_on_each_backend(store):
    value = store.ibis.execute(float_literal(0.1) * 3)
    assert isinstance(value, float) and value == 0.1 * 3
