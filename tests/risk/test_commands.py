"""`nabd clv fit` and `nabd clv predict` as a person uses them, against a real database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nabd.store import open_store
from tests.command_line import nabd as run
from tests.risk.test_lifetime_value import invoice_company, subscription_company


def nabd(*args: str, url: str) -> subprocess.CompletedProcess:
    return run("clv", *args, database=url)


@pytest.fixture
def subscriptions_url(store_url):
    with open_store(store_url) as store:
        subscription_company(store)
    return store_url


def test_fit_shows_alpha_and_beta_with_intervals(subscriptions_url):
    result = nabd("fit", "--as-of", "2024-06-15", "--format", "json", url=subscriptions_url)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["parameter"] for row in rows] == ["alpha", "beta"]
    assert all(row["lower_95"] < row["value"] < row["upper_95"] for row in rows)


def test_predict_one_account_as_json(subscriptions_url):
    result = nabd("predict", "--account", "A07", "--as-of", "2024-06-15", "--horizon", "90", "-f", "json",
                  url=subscriptions_url)
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["account_id"] == "A07" and row["residual_value"] > 0


def test_an_unknown_account_is_one_line(subscriptions_url):
    result = nabd("predict", "--account", "nobody", "--as-of", "2024-06-15", "--horizon", "90", url=subscriptions_url)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: unknown account 'nobody'"


def test_a_horizon_longer_than_the_history_is_one_line(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    with open_store(url) as store:
        subscription_company(store)
    result = nabd("predict", "--as-of", "2024-06-15", "--horizon", "400", url=url)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [(
        "error: a horizon of 400 days is longer than the 166 days of subscription history up to 2024-06-15: "
        "use --horizon 166 or less"
    )]


def test_an_empty_store_has_nothing_to_fit(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    open_store(url).close()  # an empty Nabd database (only init, import, demo and serve make one)
    result = nabd("fit", url=url)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: no subscriptions or invoices to fit a lifetime value model on: import some first"
    )


def test_invoices_alone_choose_bgnbd_and_gamma_gamma(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    with open_store(url) as store:
        invoice_company(store)
    result = nabd("predict", "--as-of", "2024-06-15", "--horizon", "90", "-f", "csv", url=url)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.startswith("account_id,frequency,recency,T,monetary_value,p_alive") and len(rows) == 8


def test_without_scipy_the_message_names_the_extra(tmp_path):
    """scipy is the optional extra nabd[models]: without it, one line says how to install it."""
    code = (
        "import sys; sys.modules['scipy'] = None\n"
        "from nabd.errors import NabdError\n"
        "from nabd.risk.sbg import ShiftedBetaGeometricFitter\n"
        "try:\n"
        "    ShiftedBetaGeometricFitter().fit_survivors([10, 5])\n"
        "except NabdError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == "the lifetime value models need scipy: pip install 'nabd[models]'"
