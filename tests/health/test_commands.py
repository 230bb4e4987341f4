"""The health commands as a person runs them, on a real database."""

import subprocess

import pytest

from nabd.errors import NabdError
from nabd.store import open_store
from tests.command_line import nabd
from tests.health.health_history import AS_OF, IDENTITY, custom, customer, given


def run(*args: str, url: str) -> subprocess.CompletedProcess:
    """The command as a person runs it (tests.command_line.nabd); the one-line error it prints raised as the NabdError
    it was, so a test says ``pytest.raises(NabdError, match=...)``."""
    result = nabd(*args, database=url)
    if result.returncode == 1 and "error: " in result.stderr:
        raise NabdError(result.stderr[result.stderr.rindex("error: ") + len("error: "):].strip())
    return result


def _company(store_url, tmp_path):
    """Accounts A (score 20) and B (90), and a scorecard file of one custom measure."""
    with open_store(store_url) as store:
        customer(store, "A", mrr=100)
        customer(store, "B", mrr=300)
        given(store, activity_daily=[("A", "c1", AS_OF, "login", 1, 0.0)])
    card = tmp_path / "card.yaml"
    from tests.health.health_history import BANDS

    card.write_text(f"name: cli\nmeasures:\n{custom('m', {'A': 20, 'B': 90}, IDENTITY)}{BANDS}", encoding="utf-8")
    return str(card)


def test_score_then_portfolio_then_explain(store_url, tmp_path):
    card = _company(store_url, tmp_path)
    scored = run("score", "--as-of", "2024-06-30", "--scorecard", card, url=store_url)
    assert scored.returncode == 0
    assert "2024-06-30" in scored.stdout
    view = run("portfolio", "--scorecard", card, url=store_url)
    assert view.returncode == 0
    assert "portfolio on 2024-06-30" in view.stdout and "300.00" in view.stdout
    explained = run("score", "explain", "A", "--scorecard", card, url=store_url)
    assert explained.returncode == 0
    assert "A on 2024-06-30: 20 (unhealthy, red)" in explained.stdout


def test_a_broken_scorecard_is_one_line_naming_file_line_and_field(store_url, tmp_path):
    card = tmp_path / "bad.yaml"
    card.write_text("name: bad\nmeasures:\n  - id: m\n    type: nope\n", encoding="utf-8")
    nabd("init", database=store_url)
    result = nabd("score", "--scorecard", str(card), database=store_url)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{card}:4: measures.0.type" in result.stderr.replace("\n", "")


def test_backtest_refuses_a_horizon_not_yet_observed(store_url, tmp_path):
    card = _company(store_url, tmp_path)
    with pytest.raises(NabdError, match=r"is after the last day with data \(2024-06-30\)"):
        run("score", "backtest", "--to", "2024-06-30", "--scorecard", card, url=store_url)


def test_scoring_an_empty_database_says_what_to_import(tmp_path):
    open_store(f"duckdb:///{tmp_path / 'e.duckdb'}").close()
    result = nabd("score", "--as-of", "2026-01-31", database=f"duckdb:///{tmp_path / 'e.duckdb'}")
    assert result.returncode == 0
    assert "no account had an active subscription" in result.stderr and "nabd import" in result.stderr
