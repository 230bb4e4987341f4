"""A refusal raised by the engine while the query runs, carried back as a NabdError."""

import ibis
import pytest

from nabd.errors import NabdError
from nabd.store.refusal import refuse, refused


def test_only_the_rows_taking_the_refusal_branch_stop_the_query(store):
    numbers = ibis.memtable({"n": [1, 2, 3]})
    checked = numbers.mutate(v=ibis.ifelse(numbers.n > 5, refuse("too big: " + numbers.n.cast("string"), "float64"),
                                           numbers.n.cast("float64")))
    assert sorted(store.ibis.to_pyarrow(checked)["v"].to_pylist()) == [1.0, 2.0, 3.0]


def test_a_refusal_stops_the_query_with_its_message_as_a_nabd_error(store):
    numbers = ibis.memtable({"n": [1, 7]})
    checked = numbers.mutate(v=ibis.ifelse(numbers.n > 5, refuse("too big: " + numbers.n.cast("string"), "float64"),
                                           numbers.n.cast("float64")))
    with pytest.raises(Exception) as raised:
        store.ibis.to_pyarrow(checked)
    assert isinstance(refused(raised.value), NabdError)
    assert str(refused(raised.value)) == "too big: 7"


def test_any_other_engine_error_is_no_refusal():
    assert refused(ValueError("Conversion Error: could not convert 'x'")) is None
