"""The shipped starter scorecard (scorecards/any_events.yaml) scores a company whose events Nabd has never
seen: Ledger, the second demo company (its own event names, a contact id only on comments)."""

from datetime import date

import pytest
from tests.health.test_commands import run

from nabd.demo.companies.ledger import build_ledger
from nabd.health.coverage import STARTER_SCORECARD
from nabd.health.scorecard import load_scorecard
from nabd.store import open_store

END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory):
    """120 Ledger workspaces over 9 months (seed 7) in a DuckDB file."""
    folder = tmp_path_factory.mktemp("ledger")
    url = f"duckdb:///{folder / 'nabd.duckdb'}"
    with open_store(url) as store:
        build_ledger(store, accounts=120, months=9, seed=7, end_date=END, workdir=folder / "files")
    return url


def test_nabd_score_with_the_starter_scorecard_scores_95_percent_of_ledgers_active_accounts(ledger_url):
    result = run("score", "--as-of", "2026-10-25", "--scorecard", "any_events", url=ledger_url)
    assert result.returncode == 0, result.stdout
    version = load_scorecard(str(STARTER_SCORECARD)).version
    with open_store(ledger_url) as store:
        active, scored = store.fetchall(
            "SELECT count(*), count(score) FROM health_scores WHERE as_of = ? AND scorecard_version = ?",
            [date(2026, 10, 25), version],
        )[0]
    assert active > 50
    assert scored >= 0.95 * active


def test_the_starter_scorecard_reads_no_name_of_nabds_own_vocabulary():
    card = load_scorecard(str(STARTER_SCORECARD))
    assert {m.type for m in card.measures} & {"usage_time_daily", "usage_time_weekly", "feature_adoption",
                                              "usage_trend", "page_visits", "active_users"} == set()
    assert all(m.params.events is None for m in card.measures)  # every event type, whatever its name
