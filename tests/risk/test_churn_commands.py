"""`nabd risk fit | predict | backtest | explain` as a person uses them, on a real demo
company (150 accounts, 18 months, seed 7: the suite's demo, built here in a file these commands may write)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from nabd.errors import NabdError
from nabd.risk.churn_training import fit_churn_model
from nabd.store import open_store
from tests.command_line import nabd as run
from tests.health.health_history import activity, customer, given


def nabd(*args: str, url: str) -> subprocess.CompletedProcess:
    return run("risk", *args, database=url)


@pytest.fixture(scope="module")
def demo(copy_demo, tmp_path_factory):
    """(URL of the demo with a fitted model, URL of a copy fitted with nothing, the fit's JSON): two copies of the
    session's demo company (tests/conftest.py)."""
    url, unfitted = copy_demo(tmp_path_factory.mktemp("risk-demo")), copy_demo(tmp_path_factory.mktemp("unfitted"))
    fitted = nabd("fit", "--format", "json", url=url)
    assert fitted.returncode == 0, fitted.stderr
    return url, unfitted, json.loads(fitted.stdout)


def test_fit_validates_out_of_time_and_compares_with_the_scorecard(demo):
    _, _, record = demo
    fit_last, validate_first = (date.fromisoformat(record["fit_dates"][1]), date.fromisoformat(record["validate_dates"][0]))
    assert fit_last + timedelta(days=record["horizon_days"]) <= validate_first
    metrics = record["metrics"]
    assert record["engine"] == "lightgbm" and metrics["auc"] > 0.6
    assert metrics["calibration"] in ("isotonic", "platt") and 0 < metrics["brier"] < 0.25
    assert metrics["scorecard"]["pairs"] > 0 and metrics["scorecard"]["auc"] is not None
    assert sum(row["pairs"] for row in metrics["calibration_table"]) == metrics["validate_pairs"]


def test_predict_stores_every_active_account_and_explain_tells_the_reasons(demo):
    url, _, _ = demo
    predicted = nabd("predict", "--format", "json", "--top", "3", url=url)
    assert predicted.returncode == 0, predicted.stderr
    record = json.loads(predicted.stdout)
    riskiest = record["riskiest"][0]
    assert record["accounts"] > 100 and len(record["riskiest"]) == 3
    explained = nabd("explain", riskiest["account_id"], "--format", "json", url=url)
    assert explained.returncode == 0, explained.stderr
    told = json.loads(explained.stdout)
    assert told["probability"] == pytest.approx(riskiest["probability"])
    assert told["reasons"] and all(r["en"] and r["ar"] and r["contribution"] > 0 for r in told["reasons"])
    text = nabd("explain", riskiest["account_id"], url=url)
    assert f"{riskiest['account_id']}: {riskiest['probability']:.1%} chance of churning within 90 days" in text.stdout


def test_explain_before_any_fit_is_one_line(demo):
    _, unfitted, _ = demo
    result = nabd("explain", "ACC-000001", url=unfitted)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no churn model fitted yet: run `nabd risk fit` first"


def test_an_unknown_account_is_one_line(demo):
    url, _, _ = demo
    result = nabd("explain", "nobody", url=url)
    assert result.returncode == 1 and result.stderr.strip() == "error: unknown account 'nobody'"


def test_a_horizon_longer_than_the_history_is_one_line(demo):
    _, unfitted, _ = demo
    result = nabd("backtest", "--horizon", "600", url=unfitted)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: a horizon of 600 days is longer than the history allows") and "--horizon" in line


def test_a_company_without_churn_is_refused_with_the_scorecard_as_fallback(store):
    for a in "ABCDEF":
        customer(store, a)
    start = date(2024, 1, 1)
    given(store, activity_daily=[activity(a, "", start + timedelta(days=d), "login") for a in "ABCDEF"
                                 for d in range(0, 400, 20)])
    with pytest.raises(NabdError) as refused:
        fit_churn_model(store, horizon_days=60, every_days=30, compare=False)
    assert str(refused.value) == (
        "cannot fit a churn model: no account churned; it needs at least 20 churned accounts to fit on and 5 to "
        "validate on: until then the health scorecard (nabd score) is the risk signal")


def test_the_daily_step_stores_the_days_risk_only_once_a_model_exists(demo):
    from nabd.risk.churn_refresh import refresh_churn_risk

    url, unfitted, _ = demo
    day = date(2026, 10, 29)
    with open_store(unfitted) as store:
        assert refresh_churn_risk(store, day) == []
    with open_store(url) as store:
        notes = refresh_churn_risk(store, day)
        stored = store.scalar("SELECT count(*) FROM churn_risk WHERE as_of = ?", [day])
    assert stored > 100 and notes == [notes[-1]] and notes[-1].startswith(f"churn risk of {stored} accounts stored")


def test_the_daily_step_goes_on_when_the_model_was_sealed_under_another_key(demo, tmp_path):
    """A copy of the database without its key file gets new keys: its stored model is refused, in a note."""
    from nabd.risk.churn_refresh import refresh_churn_risk

    url, _, _ = demo
    shutil.copy(url.removeprefix("duckdb:///"), tmp_path / "copy.duckdb")
    with open_store(f"duckdb:///{tmp_path / 'copy.duckdb'}") as store:
        before = store.scalar("SELECT count(*) FROM churn_risk")
        notes = refresh_churn_risk(store, date(2026, 10, 29))
        after = store.scalar("SELECT count(*) FROM churn_risk")
    assert after == before and notes[-1].startswith("churn risk not refreshed: churn model")
    assert "not signed by this database's key" in notes[-1]


def test_new_outcomes_count_accounts_lost_since_the_models_last_label(store):
    from nabd.risk.churn_refresh import new_outcomes
    from tests.health.health_history import period

    customer(store, "A")
    given(store, accounts=[("B", "B", "SMB", "basic", "csm.a", "SA", "ar", None, "active")],
          subscriptions=[period("S-B", "B", end=date(2024, 5, 1))])
    assert new_outcomes(store, date(2024, 4, 1), date(2024, 6, 1)) == 1
    assert new_outcomes(store, date(2024, 5, 2), date(2024, 6, 1)) == 0
