"""`nabd scorecard init` learns a starter scorecard from a company's own history: on Ledger (the second demo
company, its own event names) with no hand configuration, on Ledger with every event type renamed, and
refusing in one line when the history has too little churn. Figures are printed (benchmarks/RESULTS.md)."""

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.health.health_history import account, activity, customer, given, period
from tests.health.test_commands import run

from nabd.demo.companies.ledger import build_ledger
from nabd.demo.companies.renamed import rename_event_types
from nabd.errors import NabdError
from nabd.health.backtest import backtest_dates, run_backtest
from nabd.health.candidates import _spec
from nabd.health.scorecard import Percentile, Piecewise, load_scorecard
from nabd.health.scorecard_init import MIN_CHURNED, init_scorecard, shaped
from nabd.health.versions import active_version
from nabd.store import open_store

END = date(2026, 10, 31)
HORIZON = 90
EVERY = 28
HAND = Path(__file__).parent / "fixtures" / "ledger_by_hand.yaml"


@pytest.fixture(scope="module")
def ledger_files(tmp_path_factory):
    """Ledger at 1,000 workspaces over 18 months (seed 7, ~70 churned accounts in the fit window) and a copy
    of it with every event type renamed at random: two DuckDB files."""
    folder = tmp_path_factory.mktemp("ledger1000")
    plain, renamed = folder / "ledger.duckdb", folder / "renamed.duckdb"
    with open_store(f"duckdb:///{plain}") as store:
        build_ledger(store, accounts=1000, months=18, seed=7, end_date=END, workdir=folder / "files")
    shutil.copy(plain, renamed)
    with open_store(f"duckdb:///{renamed}") as store:
        rename_event_types(store, seed=1)
    return plain, renamed


@pytest.fixture(scope="module")
def starters(ledger_files, tmp_path_factory):
    """`nabd scorecard init --format json` on each copy (four-weekly as-of dates over the observed year; the
    plain one also --activate): the record printed and the file written."""
    found = {}
    for key, path in zip(("plain", "renamed"), ledger_files):
        written = tmp_path_factory.mktemp(key) / "starter.yaml"
        result = run("scorecard", "init", "--write", str(written), "--every", f"{EVERY}d", "--format", "json",
                     *(["--activate"] if key == "plain" else []), url=f"duckdb:///{path}")
        assert result.returncode == 0, result.stdout
        found[key] = {**json.loads(result.stdout), "path": written}
    return found


def test_init_fits_on_earlier_dates_than_it_checks_on(starters):
    starter = starters["plain"]
    fitted, checked = date.fromisoformat(starter["fitted_on"][-1]), date.fromisoformat(starter["checked_on"][0])
    assert fitted + timedelta(days=HORIZON) <= checked
    assert starter["fitted_churned_accounts"] >= MIN_CHURNED
    assert round(sum(m["weight"] for m in starter["measures"])) == 100


def test_the_written_scorecard_says_why_each_measure_is_in_it_and_loads(starters):
    starter = starters["plain"]
    text = starter["path"].read_text(encoding="utf-8")
    card = load_scorecard(starter["path"])
    assert card.version == starter["version"]
    assert text.count("# why: scored by") == len(card.measures) == len(starter["measures"])
    assert f"out-of-time AUC {starter['check_auc']:.3f}" in text
    assert [b.range for b in card.bands] == [(0, 50), (51, 79), (80, 100)]
    assert [b.action for b in card.bands] == [b.action for b in load_scorecard().bands]
    with pytest.raises(NabdError, match="already exists"):
        run("scorecard", "init", "--write", str(starter["path"]), url="duckdb:///unused.duckdb")


def test_renaming_every_event_type_changes_only_the_names(starters, capsys):
    plain, renamed = starters["plain"], starters["renamed"]
    with capsys.disabled():
        print(f"\nledger init AUC {plain['check_auc']:.4f}, renamed {renamed['check_auc']:.4f}")

    def shape(starter):
        return [(m["type"], m["sum"], len(m["events"] or []), m["scoring"], m["higher_is_better"], m["weight"])
                for m in starter["measures"]]

    assert shape(plain) == shape(renamed)
    assert abs(plain["check_auc"] - renamed["check_auc"]) <= 0.005
    assert all(e.startswith("ev_") for m in renamed["measures"] for e in m["events"] or [])


def test_init_is_measured_against_a_scorecard_written_by_hand_knowing_the_generator(ledger_files, starters, capsys):
    starter = starters["plain"]
    with open_store(f"duckdb:///{ledger_files[0]}") as store:
        hand = run_backtest(store, load_scorecard(HAND), [date.fromisoformat(d) for d in starter["checked_on"]],
                            HORIZON)
    with capsys.disabled():
        print(f"\nledger out-of-time AUC: init {starter['check_auc']:.3f}, by hand {hand.auc:.3f}, shipped "
              + ", ".join(f"{n} {a:.3f}" for n, a in starter["shipped_check_auc"].items()))
    assert starter["check_auc"] >= hand.auc - 0.02
    assert starter["check_auc"] > starter["shipped_check_auc"]["default"]


def test_init_activate_then_score_scores_95_percent_of_active_accounts(ledger_files, starters):
    url = f"duckdb:///{ledger_files[0]}"
    assert starters["plain"]["active"] and not starters["renamed"]["active"]
    with open_store(url) as store:
        assert active_version(store) == starters["plain"]["version"]
    scored = run("score", "--as-of", "2026-10-25", url=url)
    assert scored.returncode == 0, scored.stdout
    with open_store(url) as store:
        active, with_score = store.fetchall(
            "SELECT count(*), count(score) FROM health_scores WHERE as_of = ? AND scorecard_version = ?",
            [date(2026, 10, 25), starters["plain"]["version"]])[0]
    assert active > 500
    assert with_score >= 0.95 * active


def _history(store, churned: int):
    """Four customers since 2024-01-01 with activity to 2025-06-30; the first ``churned`` leave on 2024-10-01."""
    for n in range(4):
        if n < churned:
            given(store, accounts=[account(f"A{n}")],
                  subscriptions=[period(f"S{n}", f"A{n}", end=date(2024, 10, 1))])
        else:
            customer(store, f"A{n}")
    given(store, activity_daily=[activity("A3", "", date(2025, 6, 30), "task_done")])


def test_init_without_churn_says_what_is_missing_and_offers_the_shipped_scorecards(store):
    _history(store, churned=0)
    with pytest.raises(NabdError, match=r"no churn to learn from: .*subscriptions.end_date.*any_events"):
        init_scorecard(store, backtest_dates(store, None, None, 7, HORIZON), HORIZON)


def test_init_with_fewer_than_30_churned_accounts_is_one_line(store):
    _history(store, churned=1)
    with pytest.raises(NabdError, match=r"too little churn to learn from: 1 accounts churned .* at least 30") as caught:
        init_scorecard(store, backtest_dates(store, None, None, 7, HORIZON), HORIZON)
    assert "\n" not in str(caught.value) and "--from" in str(caught.value)


def _pairs(raw: list[float], segments: list[str], churned: list[int]) -> pd.DataFrame:
    """Fit pairs of one candidate ``m``: its raw value and its percentile score within the segment (by hand)."""
    frame = pd.DataFrame({"account_id": [f"a{k}" for k in range(len(raw))], "segment": segments, "r__m": raw,
                          "churned": churned})
    frame["s__m"] = 100 * frame.groupby("segment")["r__m"].rank(pct=False).sub(1) / (
        frame.groupby("segment")["r__m"].transform("count") - 1)
    return frame


def test_a_measure_that_ranks_across_segments_is_scored_by_its_curve():
    # segment a holds the values 1-5, all churned; b holds 6-10, none: within a segment the percentiles are
    # 0, 25, 50, 75, 100 in both (AUC 0.5), across segments the value separates them (AUC 1)
    frame = _pairs([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ["a"] * 5 + ["b"] * 5, [1] * 5 + [0] * 5)
    spec = _spec("m", "active_days", "days", 90, True, ("m", "m"))
    (chosen,), features = shaped(frame, [spec])
    assert isinstance(chosen.rule, Piecewise)
    assert chosen.rule.points == [(5.0, 0.0), (6.0, 100.0)]
    assert features[:, 0].tolist() == [0.0] * 5 + [1.0] * 5


def test_a_measure_ranked_as_well_by_its_percentile_keeps_the_percentile():
    # one segment: the percentile and the curve rank the pairs alike (AUC 1 both): the percentile stays
    frame = _pairs([1, 2, 3, 4], ["a"] * 4, [1, 1, 0, 0])
    spec = _spec("m", "active_days", "days", 90, True, ("m", "m"))
    (chosen,), features = shaped(frame, [spec])
    assert isinstance(chosen.rule, Percentile)
    assert np.allclose(features[:, 0], [0, 1 / 3, 2 / 3, 1])
