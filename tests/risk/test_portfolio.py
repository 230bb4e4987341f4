"""`nabd portfolio` with churn risk: a risk column from the newest stored prediction, `--sort risk`, and the
same rows as a table, CSV and JSON (accounts scored with the shipped scorecard; predictions stored with
nabd.risk.churn_storage.store_predictions under a model row)."""

import csv
import io
import json
from datetime import date

import numpy as np

from nabd.health.versions import shipped_scorecard
from nabd.risk.churn_storage import store_predictions
from nabd.store import open_store
from nabd.store.clock import utc_now
from tests.command_line import nabd

AS_OF = date(2024, 6, 30)
# account, score, band of the shipped scorecard, stored risk (None: no prediction)
ACCOUNTS = [("p1", 30, "unhealthy", 0.10), ("p2", 60, "neutral", 0.70), ("p3", 90, "healthy", 0.40),
            ("p4", 45, "unhealthy", None)]


def _company(url: str, with_model: bool = True) -> None:
    version = shipped_scorecard().version
    with open_store(url) as store:
        for account_id, score, band, _ in ACCOUNTS:
            store.execute("INSERT INTO accounts (account_id, name, segment, csm) VALUES (?, ?, 'SMB', 'carla')",
                          [account_id, f"Company {account_id}"])
            store.execute(
                "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score, "
                "band, coverage, computed_at) VALUES (?, ?, ?, 'default', ?, ?, ?, 1.0, ?)",
                [account_id, AS_OF, version, score, float(score), band, utc_now()])
        if not with_model:
            return
        store.execute(
            "INSERT INTO churn_models (version, fitted_at, engine, horizon_days, fit_first, fit_last, validate_first, "
            "validate_last, labelled_churn, metrics, model) VALUES ('m1', ?, 'logistic', 90, ?, ?, ?, ?, 10, "
            "CAST('{}' AS JSON), 'x')", [utc_now(), AS_OF, AS_OF, AS_OF, AS_OF])
        risky = [(a, p) for a, _, _, p in ACCOUNTS if p is not None]
        store_predictions(store, "m1", AS_OF, [a for a, _ in risky], np.array([p for _, p in risky]),
                          [[] for _ in risky])


def _run(url: str, *options: str) -> str:
    result = nabd("portfolio", *options, database=url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sort_by_risk_lists_the_likeliest_to_churn_first_and_accounts_without_a_prediction_last(store_url):
    _company(store_url)
    rows = json.loads(_run(store_url, "--sort", "risk", "--format", "json"))["accounts"]
    assert [(r["account_id"], r["risk"]) for r in rows] == [("p2", 0.7), ("p3", 0.4), ("p1", 0.1), ("p4", None)]


def test_the_default_order_is_worst_score_first_with_the_risk_beside_it(store_url):
    _company(store_url)
    rows = list(csv.DictReader(io.StringIO(_run(store_url, "--format", "csv"))))
    assert [(r["account_id"], r["score"], r["risk"]) for r in rows] == [
        ("p1", "30", "0.1"), ("p4", "45", ""), ("p2", "60", "0.7"), ("p3", "90", "0.4")]


def test_the_table_shows_the_risk_as_a_percentage(store_url):
    _company(store_url)
    table = _run(store_url, "--sort", "risk")
    assert "70.0%" in table and table.index("p2") < table.index("p3") < table.index("p1")


def test_without_a_model_the_risk_column_is_empty_and_says_how_to_fill_it(store_url):
    _company(store_url, with_model=False)
    table = _run(store_url)
    assert "no churn model fitted yet: run `nabd risk fit`" in table
    assert json.loads(_run(store_url, "--format", "json"))["model_version"] is None
