"""The daily run retrains the churn model by its rule (nabd.risk.churn_refresh): when >= 10 accounts churned
since the model's last label and the model is >= 28 days old, a new version is stored and the day's risk uses
it; otherwise the old model predicts.

A small company built in the engine: 150 accounts from 2024-01-01 (day 0), logging in every 3 days; every
even-numbered account i churns on day 120 + 5i and goes quiet 40 days before. "Advancing the data" loads the
days after the first cut (activity, and the periods that ended since) as a daily import would."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from nabd.ingest.activity import record_event_types
from nabd.pipeline.daily import run_daily
from nabd.risk.churn_refresh import refresh_churn_risk
from nabd.risk.churn_storage import latest_model, save_model
from nabd.risk.churn_training import fit_churn_model

START = date(2024, 1, 1)
ACCOUNTS = 150
FIRST_CUT, SECOND_CUT = 500, 620  # the data ends on these days: 12 even accounts churn between them


def _day(n: int) -> date:
    return START + timedelta(days=n)


def _churn_day(i: int) -> int | None:
    return 120 + 5 * i if i % 2 == 0 else None


def _load(store, first: int, last: int) -> None:
    """Activity of days (first, last] and the subscriptions as known on ``last``: a churn is an end date once
    it has happened."""
    store.execute("DELETE FROM subscriptions")
    for i in range(ACCOUNTS):
        churn = _churn_day(i)
        end = _day(churn) if churn is not None and churn <= last else None
        store.execute("INSERT INTO subscriptions VALUES (?, ?, 'core', 100, 'USD', 1, ?, ?, NULL)",
                      [f"S{i:03d}", f"A{i:03d}", START, end])
    churn = "CASE WHEN a.i % 2 = 0 THEN 120 + 5 * a.i - 40 ELSE 100000 END"
    store.execute(
        "INSERT INTO activity_daily SELECT 'A' || lpad(CAST(a.i AS TEXT), 3, '0'), '', "
        f"CAST(? AS DATE) + CAST(d.n AS INTEGER), 'login', 1 + (a.i + d.n) % 4, 0.0 "
        f"FROM generate_series(0, {ACCOUNTS - 1}) AS a(i), generate_series({first + 1}, {last}) AS d(n) "
        f"WHERE d.n % 3 = a.i % 3 AND d.n < {churn}", [START])
    record_event_types(store, "SELECT event_type, day FROM activity_daily")


@pytest.fixture
def fitted(store):
    """The company up to the first cut, with a model fitted on it (its fitted_at moved to the cut's day, when
    the story has it fitted) and the day's risk stored: (store, the model's version)."""
    for i in range(ACCOUNTS):
        store.execute("INSERT INTO accounts (account_id, name, segment, csm) VALUES (?, ?, 'SMB', 'carla')",
                      [f"A{i:03d}", f"Company {i}"])
    _load(store, -1, FIRST_CUT)
    version = save_model(store, fit_churn_model(store, horizon_days=60, every_days=14, engine="logistic",
                                                compare=False))
    _fitted_on(store, _day(FIRST_CUT))
    refresh_churn_risk(store, _day(FIRST_CUT))
    return store, version


def _fitted_on(store, day: date) -> None:
    store.execute("UPDATE churn_models SET fitted_at = ?", [datetime(day.year, day.month, day.day)])


def _versions(store) -> list[str]:
    return [v for (v,) in store.fetchall("SELECT version FROM churn_models ORDER BY version")]


def test_the_daily_run_retrains_once_enough_accounts_churned_and_predicts_with_the_new_model(fitted):
    store, old = fitted
    _load(store, FIRST_CUT, SECOND_CUT)
    run = run_daily(store, _day(SECOND_CUT), notify=False)
    new = latest_model(store).version
    assert new != old and sorted(_versions(store)) == sorted([old, new])
    assert any(n.startswith("churn model retrained (12 new churned accounts)") for n in run.notes), run.notes
    used = store.fetchall("SELECT DISTINCT model_version FROM churn_risk WHERE as_of = ?", [_day(SECOND_CUT)])
    assert used == [(new,)]
    assert latest_model(store).validate_last > _day(FIRST_CUT)


def test_no_retrain_without_enough_new_churn(fitted):
    store, old = fitted
    _fitted_on(store, _day(FIRST_CUT - 60))
    notes = refresh_churn_risk(store, _day(FIRST_CUT))
    assert _versions(store) == [old] and not any("retrained" in n for n in notes)


def test_no_retrain_while_the_model_is_younger_than_28_days(fitted):
    store, old = fitted
    _load(store, FIRST_CUT, SECOND_CUT)
    _fitted_on(store, _day(SECOND_CUT - 27))
    notes = refresh_churn_risk(store, _day(SECOND_CUT))
    assert _versions(store) == [old] and not any("retrained" in n for n in notes)
    assert store.fetchall("SELECT DISTINCT model_version FROM churn_risk WHERE as_of = ?",
                          [_day(SECOND_CUT)]) == [(old,)]
