"""Say why: unscored accounts are explained (coverage below the minimum, the measures with no value and
what would feed them) by `nabd score`, `score backtest` and `score suggest`; the backtest ends where the
data can still label churn; its figures come as a table, CSV or JSON."""

import csv
import io
import json
from datetime import date

import pytest
from tests.health.health_history import AS_OF, BANDS, account, activity, given, measure, period, scorecard
from tests.health.test_commands import run

from nabd.errors import NabdError
from nabd.health.backtest import backtest_dates, labels_end, render_backtest, run_backtest
from nabd.health.suggest import suggest_weights
from nabd.store import open_store

# usage_trend has no value without sessions; tenure always has one: 1 of 4 weight = 25% < 50% coverage
SESSION_CARD = (measure("usage_trend", "usage_trend", "{kind: percentile}", weight=3)
                + measure("tenure_days", "tenure_days", "{kind: percentile}", weight=1))


def _own_events(store, accounts="AB"):
    """Accounts with open subscriptions since 2024-01-01 and events of their own names only, to 2024-09-30."""
    given(store, accounts=[account(a) for a in accounts],
          subscriptions=[period(f"S{a}", a, end=date(2024, 8, 1) if a == "A" else None) for a in accounts],
          activity_daily=[activity(a, "", day, "invoice_sent") for a in accounts
                          for day in (date(2024, 3, 1), date(2024, 6, 1), date(2024, 9, 30))])


@pytest.fixture
def card_file(tmp_path):
    path = tmp_path / "sessions.yaml"
    path.write_text(f"name: sessions\nmeasures:\n{SESSION_CARD}{BANDS}", encoding="utf-8")
    return str(path)


def test_score_names_the_measures_without_a_value_and_what_would_feed_them(store_url, card_file):
    with open_store(store_url) as store:
        _own_events(store)
    result = run("score", "--as-of", "2024-06-30", "--scorecard", card_file, url=store_url)
    assert result.returncode == 0
    said = " ".join((result.stdout + result.stderr).split())  # the cause is a warning, on stderr
    assert "2 of 2 accounts unscored: the measures with a value weigh less than the minimum coverage (50%)" in said
    assert "usage_trend (2 accounts): `session` events with the minutes in events.value" in said
    assert "--scorecard any_events" in said


def test_a_backtest_with_nothing_scored_says_so_instead_of_no_churn(store, tmp_path):
    _own_events(store)
    card = scorecard(SESSION_CARD)
    result = run_backtest(store, card, [AS_OF], 30)
    lines = render_backtest(result, card)
    assert "AUC: undefined: no (account, as-of) pair was scored (2 unscored)" in lines
    assert any(line.startswith("  usage_trend (2 (account, as-of) pairs)") for line in lines)


def test_suggest_with_nothing_scored_names_the_cause_not_the_churn(store):
    _own_events(store)
    dates = [date(2024, month, 7) for month in range(1, 7)]
    with pytest.raises(NabdError, match="no account was scored on the .* fit dates.*coverage.*usage_trend"):
        suggest_weights(store, scorecard(SESSION_CARD), dates, 30)


def test_the_backtest_ends_at_the_last_recorded_renewal_when_periods_are_renewal_rows(store):
    # one row per monthly period; the last renewal recorded starts 2024-08-01, events go on to 2024-09-30
    given(store, accounts=[account("A")], subscriptions=[
        period("S1", "A", start=date(2024, 6, 1), end=date(2024, 7, 1)),
        period("S2", "A", start=date(2024, 7, 1), end=date(2024, 8, 1)),
        period("S3", "A", start=date(2024, 8, 1), end=date(2024, 9, 1)),
    ], activity_daily=[activity("A", "", date(2024, 9, 30), "invoice_sent")])
    assert labels_end(store) == date(2024, 8, 1)
    assert backtest_dates(store, None, None, 7, 30)[-1] == date(2024, 7, 2)
    with pytest.raises(NabdError, match="after the last renewal the subscriptions record \\(2024-08-01\\)"):
        backtest_dates(store, None, date(2024, 8, 15), 7, 30)


def test_open_ended_periods_label_churn_up_to_the_last_day_with_data(store):
    _own_events(store)
    assert labels_end(store) == date(2024, 9, 30)


def test_backtest_prints_json_and_csv(store_url, tmp_path):
    with open_store(store_url) as store:
        _own_events(store)
    path = tmp_path / "tenure.yaml"
    path.write_text(f"name: tenure\nmeasures:\n{measure('t', 'tenure_days', '{kind: percentile}')}{BANDS}",
                    encoding="utf-8")
    args = ("score", "backtest", "--scorecard", str(path), "--from", "2024-06-30", "--to", "2024-06-30", "--horizon", "45")
    record = json.loads(run(*args, "--format", "json", url=store_url).stdout)
    assert (record["accounts"], record["churned"], record["dates"], record["unscored"]) == (2, 1, ["2024-06-30"], 0)
    assert record["auc"] is not None and record["auc_undefined"] is None
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv", url=store_url).stdout)))
    assert [r["band"] for r in rows] == ["unhealthy", "neutral", "healthy"]
    assert sum(int(r["pairs"]) for r in rows) == 2
    assert {r["auc"] for r in rows} == {str(record["auc"])}
