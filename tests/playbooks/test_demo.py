"""On the demo company: the daily run acts on red and yellow accounts; indicators are backtested.

The demo is copied into its own DuckDB file first (the session's demo_store stays untouched).
"""

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

from nabd.config import load_settings
from nabd.health.scorecard import load_scorecard
from nabd.playbooks.wording import task_title
from nabd.health.scoring import as_of_dates, run_backfill
from nabd.playbooks.backtest import render_warning_backtest, warning_backtest
from nabd.pipeline.daily import run_daily
from nabd.playbooks.indicators import (
    INDICATORS,
    evaluate_indicators,
    indicator_sql,
    load_indicator_settings,
)
from nabd.playbooks.onboarding import load_onboarding, refresh_onboarding
from nabd.store import Store, open_store

END = date(2026, 10, 31)
SCORECARD = load_scorecard()


@pytest.fixture(scope="module")
def demo_copy(copy_demo, tmp_path_factory) -> Iterator[Store]:
    copied = open_store(copy_demo(tmp_path_factory.mktemp("playbooks-demo")))
    yield copied
    copied.close()


def test_the_first_run_on_the_demo_opens_at_most_the_cap_per_csm_worded_without_json(copy_demo, tmp_path):
    with open_store(copy_demo(tmp_path)) as store:
        run = run_daily(store, END, notify=False, scorecard=SCORECARD)
        tasks = store.records("SELECT * FROM tasks")
        per_owner = Counter(task["owner"] for task in tasks)
        csms = store.scalar("SELECT count(DISTINCT csm) FROM accounts")
    cap = load_settings().tasks_per_csm
    assert 0 < len(tasks) <= cap * csms and max(per_owner.values()) <= cap
    assert sum(run.playbooks.waiting.values()) > 0  # the rest wait: 150 accounts make more than the cap
    for task in tasks:
        for language in ("en", "ar"):
            title = task_title(task, language)
            assert not any(mark in title for mark in '{}"_'), title
        assert task_title(task, "en") == task["title"]
        assert not any("a" <= ch <= "z" for ch in task_title(task, "ar").replace(task["evidence"] and
                       json.loads(task["evidence"])["account_name"] or "", ""))
    print(f"\nfirst run on the demo ({END}): {len(tasks)} tasks, per CSM {dict(per_owner)}, "
          f"waiting {run.playbooks.waiting}")


def test_the_daily_run_gives_red_accounts_the_save_play_and_yellow_ones_a_survey(demo_copy, monkeypatch):
    monkeypatch.setenv("NABD_TASKS_PER_CSM_PER_DAY", "100000")  # every account: no cap here
    run = run_daily(demo_copy, END, notify=False, scorecard=SCORECARD)
    by_band = {
        band: {a for (a,) in demo_copy.fetchall(
            "SELECT account_id FROM health_scores WHERE as_of = ? AND scorecard_version = ? AND band = ?",
            [END, SCORECARD.version, band])}
        for band in ("unhealthy", "neutral")
    }
    red_tasks = dict(demo_copy.fetchall("SELECT account_id, title FROM tasks WHERE playbook = 'red_save'"))
    survey_tasks = dict(demo_copy.fetchall("SELECT account_id, title FROM tasks WHERE playbook = 'yellow_survey'"))
    assert by_band["unhealthy"] and set(red_tasks) == by_band["unhealthy"]
    assert all(t.endswith("offer a discount or a free upgrade; call to find what is not working") for t in red_tasks.values())
    assert set(survey_tasks) == by_band["neutral"]
    assert all(t.startswith("Send an NPS survey to") for t in survey_tasks.values())
    assert all("{" not in t for t in [*red_tasks.values(), *survey_tasks.values()])
    assert run.playbooks.accounts["red_save"] == len(by_band["unhealthy"])
    print(f"\ndemo {END}: {run.scoring.bands}; tasks {run.playbooks.accounts}")


def test_indicator_recall_and_precision_on_the_demo_company(demo_copy, capsys):
    first = date(2025, 7, 1)
    run_backfill(demo_copy, SCORECARD, first, END, 14)  # band changes for band_down
    onboarding = load_onboarding()
    refresh_onboarding(demo_copy, onboarding)
    compiled = indicator_sql(demo_copy, load_indicator_settings(), SCORECARD, onboarding)
    for day in as_of_dates(first, END, 14):
        evaluate_indicators(demo_copy, day, compiled=compiled)
    result = warning_backtest(demo_copy, first, END)
    with capsys.disabled():
        print("\n" + render_warning_backtest(result))
    by_name = {row.indicator: row for row in result.indicators}
    assert set(by_name) <= {"any", *INDICATORS} and "any" in by_name
    assert by_name["any"].churns >= 15  # enough churns to say something
    assert all(by_name["any"].warned >= row.warned for row in result.indicators)
    assert 0 < result.base_rate < 1
