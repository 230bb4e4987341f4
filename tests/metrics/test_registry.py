"""Metrics by name (nabd.metrics.registry.compute): their SQL compiled once per metric and parameters, then kept."""

from collections import OrderedDict

import pytest

import nabd.store.compiled as compiled
from nabd.errors import NabdError
from nabd.metrics.registry import compute
from nabd.store import open_store
from tests.conftest import _drop_schema, fresh_url, with_schema
from tests.metrics.metrics_history import FEB, JAN, acct, given, response


def test_a_metric_kept_for_one_database_gives_another_database_its_own_figures(store, tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # first: 2 promoters, 1 detractor in January -> 100 x (2 - 1) / 3 = 33.33; February: no response
    given(store, accounts=[acct("A")], survey_responses=[
        response(f"R{i}", "A", "nps", score, JAN.replace(day=10)) for i, score in enumerate([10, 9, 3])])
    first = compute(store, "nps", start=JAN, end=FEB).to_pylist()
    assert [(row["responses"], round(row["nps"], 2) if row["nps"] is not None else None) for row in first] == [
        (3, 33.33), (0, None)]
    [kept] = (tmp_path / "cache" / "nabd" / "compiled").iterdir()
    assert kept.name.startswith("metric-nps-")
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())  # a new process, another database
    (tmp_path / "other").mkdir()
    other_url, schema = fresh_url(store.kind, tmp_path / "other")
    try:
        with open_store(with_schema(other_url)) as other:
            # other: 1 detractor in February -> -100
            given(other, accounts=[acct("B")], survey_responses=[response("R9", "B", "nps", 0, FEB.replace(day=3))])
            second = compute(other, "nps", start=JAN, end=FEB).to_pylist()
    finally:
        if schema:
            _drop_schema(schema)
    assert [(row["responses"], row["nps"]) for row in second] == [(0, None), (1, -100.0)]
    assert len(list((tmp_path / "cache" / "nabd" / "compiled").iterdir())) == 1  # the same SQL served both


def test_a_metric_with_a_parameter_it_does_not_take_is_refused_before_anything_is_kept(store, tmp_path, monkeypatch):
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(NabdError, match="takes no parameter 'reporting_currency'"):
        compute(store, "nps", start=JAN, end=FEB, reporting_currency="USD")
    assert not (tmp_path / "cache" / "nabd" / "compiled").exists()
