"""`nabd metrics` as a person uses it, against a real database."""

import json
from datetime import date

from nabd.store import open_store
from tests.command_line import nabd
from tests.metrics.metrics_history import JAN, acct, given, sub


def test_without_a_name_it_lists_the_metrics(tmp_path):
    # Listing opens no database.
    result = nabd("metrics", database=f"duckdb:///{tmp_path / 'unused.duckdb'}")
    assert result.returncode == 0
    assert "customer_churn" in result.stdout and "revenue_retention" in result.stdout


def test_a_metric_as_json_by_segment(store_url):
    # SMB: A lost in January (1/1); ENT: B kept (0/1).
    with open_store(store_url) as store:
        given(store, accounts=[acct("A"), acct("B", segment="ENT")],
              subscriptions=[sub("S1", "A", 100, JAN, date(2024, 1, 9)), sub("S2", "B", 100, JAN)])
    result = nabd("metrics", "customer_churn", "--from", "2024-01-01", "--to", "2024-01-31", "--by", "segment", "--format", "json", database=store_url)
    assert result.returncode == 0, result.stderr
    rates = {row["segment"]: row["churn_rate"] for row in json.loads(result.stdout)}
    assert rates == {"ENT": 0.0, "SMB": 1.0}


def test_a_missing_exchange_rate_is_one_line_naming_currency_and_day(store_url):
    with open_store(store_url) as store:
        given(store, accounts=[acct("A")], subscriptions=[sub("S1", "A", 100, JAN, currency="EUR")])
    result = nabd("metrics", "mrr_movements", "--from", "2024-01-01", "--to", "2024-01-31", database=store_url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: no exchange rate from EUR to USD in force on 2024-01-01: import a currency_rates row for EUR "
        "with valid_from on or before 2024-01-01"]
