"""The scoring run: what it stores, that re-running replaces, band changes and the score trend."""

from collections import OrderedDict
from datetime import date, timedelta

import pytest

from tests.health.health_history import AS_OF, IDENTITY, custom, customer, scorecard, scores_by_account, sql_scorecard

from nabd.health.explain import stored_measures
from nabd.health.scorecard import load_scorecard
from nabd.health.scoring import as_of_dates, run_backfill, run_scoring, score_trend, scoring_sql
from nabd.store import open_store
from tests.conftest import fresh_url
from tests.snapshot import assert_sql_matches



def two_measures(a1, a2=None):
    """m1 (weight 3) scores a1; m2 (weight 1) scores a2 for account A."""
    return scorecard(custom("m1", {"A": a1}, IDENTITY, 3) + custom("m2", {"A": a2}, IDENTITY, 1))


def stored(store):
    return store.fetchall(
        "SELECT account_id, as_of, scorecard, scorecard_version, score, weighted_score, band, coverage "
        "FROM health_scores ORDER BY as_of"
    )


def test_a_run_stores_score_band_coverage_and_the_scorecard_version(store):
    # (75 x 60 + 25 x 100) / 100 = 70
    customer(store, "A")
    card = two_measures(60, 100)
    run = run_scoring(store, card, AS_OF)
    assert stored(store) == [("A", AS_OF, "test", card.version, 70, 70.0, "neutral", 1.0)]
    assert (run.accounts, run.bands, run.unscored) == (1, {"unhealthy": 0, "neutral": 1, "healthy": 0}, 0)


def test_each_measure_is_stored_with_raw_value_score_weight_and_contribution(store):
    # m1: 75 x 60 / 100 = 45 points; m2: 25 x 100 / 100 = 25 points
    customer(store, "A")
    run_scoring(store, two_measures(60, 100), AS_OF)
    account, as_of, version = store.fetchall("SELECT account_id, as_of, scorecard_version FROM health_scores")[0]
    measures = stored_measures(store, account, as_of, version)
    assert measures == {
        "m1": {"raw": 60, "score": 60, "weight": 75, "contribution": 45},
        "m2": {"raw": 100, "score": 100, "weight": 25, "contribution": 25},
    }


def test_each_measure_reads_back_as_a_row_of_health_measure_scores(store):
    # the same run as above, through the view a SQL user queries
    customer(store, "A")
    card = two_measures(60, 100)
    run_scoring(store, card, AS_OF)
    assert store.fetchall(
        "SELECT account_id, as_of, scorecard_version, measure, raw, score, weight, contribution "
        "FROM health_measure_scores ORDER BY position"
    ) == [("A", AS_OF, card.version, "m1", 60, 60, 75, 45), ("A", AS_OF, card.version, "m2", 100, 100, 25, 25)]


def test_a_run_stores_each_measures_raw_value_and_score_and_the_accounts_weight_set(store):
    # weights live once per version in health_score_weights: set 0 the default, set 1 the enterprise override
    customer(store, "A")
    customer(store, "E", segment="Enterprise")
    card = scorecard(custom("m1", {"A": 60, "E": 10}, IDENTITY, 3) + custom("m2", {"A": 100, "E": 30}, IDENTITY, 1),
                     "segments:\n  enterprise:\n    weights: {m1: 1}")
    run_scoring(store, card, AS_OF)
    assert store.fetchall("SELECT account_id, measure_values, weight_set FROM health_scores ORDER BY account_id") == [
        ("A", [60.0, 60.0, 100.0, 100.0], 0), ("E", [10.0, 10.0, 30.0, 30.0], 1)]
    assert store.fetchall(
        "SELECT weight_set, position, weight FROM health_score_weights ORDER BY weight_set, position"
    ) == [(0, 1, 75.0), (0, 2, 25.0), (1, 1, 50.0), (1, 2, 50.0)]


def _view_and_query(store, card):
    """{(account, measure): (weight, contribution)} as the view reads them back, and as the scoring query had them."""
    run_scoring(store, card, AS_OF)
    view = {(account, measure): (weight, contribution) for account, measure, weight, contribution in store.fetchall(
        "SELECT account_id, measure, weight, contribution FROM health_measure_scores")}
    rows = scores_by_account(store, card)
    query = {(account, m.id): (row[f"w__{m.id}"], row[f"c__{m.id}"]) for account, row in rows.items() for m in card.measures}
    return view, query


def _uneven(store, missing_data):
    """Weights 3/7/1 of 11 (no exact decimal), a percentile measure, enterprise weights 1/4/6 for B; B has no m2
    (its available weight, 63.63636363636364, is not (itself / 100) x 100 in doubles), C only m3."""
    for account, segment in (("A", "SMB"), ("B", "enterprise"), ("C", "SMB"), ("D", "SMB")):
        customer(store, account, segment=segment)
    percentile = "{kind: percentile, higher_is_better: true}"
    return scorecard(
        custom("m1", {"A": 61.7, "B": 13.3, "D": 40.1}, percentile, 3)
        + custom("m2", {"A": 33.3, "D": 71.9}, IDENTITY, 7)
        + custom("m3", {"A": 12.5, "B": 99.1, "C": 41.3, "D": 0.7}, IDENTITY, 1),
        f"segments:\n  enterprise:\n    weights: {{m1: 1, m2: 4, m3: 6}}\nmissing_data: {missing_data}",
    )


def test_the_view_gives_the_weight_and_contribution_the_run_computed_when_reweighting(store):
    # contribution = weight x score / (coverage x 100): the query's own arithmetic, so equal to the last bit
    view, query = _view_and_query(store, _uneven(store, "{policy: reweight, minimum_coverage: 0.5}"))
    assert view == query
    assert view[("B", "m2")] == (100 * 4 / 11, None)  # no data: no contribution
    assert view[("C", "m3")] == (100 * 1 / 11, None)  # 1/11 of the weight is below minimum coverage: no score


def test_the_view_gives_the_weight_and_contribution_the_run_computed_under_the_neutral_policy(store):
    # contribution = weight x (score, or 40 when missing) / 100
    view, query = _view_and_query(store, _uneven(store, "{policy: neutral, neutral_score: 40}"))
    assert view == query
    assert view[("B", "m2")] == (100 * 4 / 11, 100 * 4 / 11 * 40 / 100)


def test_running_the_same_as_of_twice_replaces_the_rows(store):
    customer(store, "A")
    card = two_measures(60, 100)
    run_scoring(store, card, AS_OF)
    run_scoring(store, card, AS_OF)
    assert store.scalar("SELECT count(*) FROM health_scores") == 1
    assert store.scalar("SELECT count(*) FROM health_band_changes") == 0


def test_a_first_run_of_an_as_of_adds_to_the_other_as_ofs_and_versions_without_touching_them(store):
    # the first run of an (as-of, version) inserts (nothing to replace); other dates and versions stay
    customer(store, "A")
    first, second = two_measures(90, 100), two_measures(60, 100)
    run_scoring(store, first, AS_OF)
    run_scoring(store, second, AS_OF - timedelta(days=7))
    run_scoring(store, second, AS_OF)
    run_scoring(store, first, AS_OF)  # a re-run of a stored (as-of, version) replaces its row
    scores = {(as_of, version): score for _, as_of, _, version, score, *_ in stored(store)}
    assert scores == {
        (AS_OF, first.version): 93, (AS_OF - timedelta(days=7), second.version): 70, (AS_OF, second.version): 70
    }


def test_a_rerun_after_the_data_changed_updates_the_rows_and_drops_accounts_no_longer_active(store):
    # m1 = the account's licences (identity rule): A 60 -> 90 between the runs; B's subscription ends
    quantity = (
        "  - id: m1\n    type: custom\n    name: {en: m1, ar: مقياس}\n    weight: 1\n"
        "    params: {sql: \"SELECT account_id, CAST(quantity AS DOUBLE PRECISION) AS value FROM subscriptions\"}\n"
        f"    rule: {IDENTITY}\n"
    )
    card = scorecard(quantity)
    customer(store, "A", quantity=60)
    customer(store, "B", quantity=70)
    run_scoring(store, card, AS_OF)
    store.execute("UPDATE subscriptions SET quantity = 90 WHERE account_id = 'A'")
    store.execute("UPDATE subscriptions SET end_date = ? WHERE account_id = 'B'", [date(2024, 3, 1)])
    run_scoring(store, card, AS_OF)
    rows = store.fetchall("SELECT account_id, score, band FROM health_scores")
    assert rows == [("A", 90, "healthy")]
    assert stored_measures(store, "A", AS_OF, card.version)["m1"] == {
        "raw": 90, "score": 90, "weight": 100, "contribution": 90}


def test_scores_of_another_scorecard_version_are_not_a_band_change(store):
    # healthy (93) under one version, unhealthy (40) under another: different rules, not a change of health
    customer(store, "A")
    run_scoring(store, two_measures(90, 100), AS_OF - timedelta(days=7))
    run = run_scoring(store, two_measures(20, 100), AS_OF)
    assert run.band_changes == 0


def test_band_changes_compare_with_the_accounts_previous_as_of_under_the_same_version(store):
    # the custom SQL reads :as_of, so one scorecard gives 90 on the first day and 30 on the second:
    # day 1: 90 -> healthy; day 2: 30 -> unhealthy
    customer(store, "A")
    sql = "SELECT account_id, CASE WHEN :as_of < DATE '2024-06-30' THEN 90.0 ELSE 30.0 END AS value FROM accounts"
    card = sql_scorecard(sql)
    run_scoring(store, card, AS_OF - timedelta(days=7))
    run = run_scoring(store, card, AS_OF)
    assert run.band_changes == 1
    assert store.fetchall("SELECT as_of, from_band, to_band, previous_score, score FROM health_band_changes") == [
        (AS_OF, "healthy", "unhealthy", 90, 30)
    ]


def test_an_account_without_a_band_on_the_previous_run_is_compared_with_its_latest_band_before_it(store):
    # A: 90 healthy, then no data (no band), then 30 -> a change from its band two runs back;
    # B: 30 unhealthy, then 90, then 90 -> compared with the previous run only: no change; C: new, no change
    for account_id in ("A", "B", "C"):
        customer(store, account_id)
    first, second = AS_OF - timedelta(days=14), AS_OF - timedelta(days=7)
    sql = (f"SELECT account_id, CASE WHEN account_id = 'A' AND :as_of = DATE '{first}' THEN 90.0 "
           f"WHEN account_id = 'A' AND :as_of = DATE '{second}' THEN NULL WHEN account_id = 'A' THEN 30.0 "
           f"WHEN account_id = 'B' AND :as_of = DATE '{first}' THEN 30.0 WHEN account_id = 'B' THEN 90.0 "
           f"WHEN :as_of = DATE '{AS_OF}' THEN 60.0 END AS value FROM accounts")
    card = sql_scorecard(sql)
    for day in (first, second):
        run_scoring(store, card, day)
    store.execute("DELETE FROM health_band_changes")
    run_scoring(store, card, AS_OF)
    assert store.fetchall("SELECT account_id, as_of, from_band, to_band, previous_score, score "
                          "FROM health_band_changes ORDER BY account_id") == [
        ("A", AS_OF, "healthy", "unhealthy", 90, 30)]


def test_a_run_on_duckdb_writes_its_rows_in_account_order_so_zone_maps_find_an_account(tmp_path):
    store = open_store(fresh_url("duckdb", tmp_path)[0])  # DuckDB only: PostgreSQL has its indexes
    for account_id in ("M", "B", "Z", "A"):
        customer(store, account_id)
    run_scoring(store, two_measures(90, 100), AS_OF)
    assert [row[0] for row in store.fetchall("SELECT account_id FROM health_scores")] == ["A", "B", "M", "Z"]
    store.close()


def test_an_account_below_minimum_coverage_is_stored_without_score_or_band(store):
    # m1 has no data: coverage 25% < 50%
    customer(store, "A")
    run = run_scoring(store, two_measures(None, 100), AS_OF)
    assert stored(store)[0][4:] == (None, None, None, 0.25)
    assert run.unscored == 1


def test_backfill_scores_every_week_from_first_to_last(store):
    customer(store, "A")
    runs = run_backfill(store, two_measures(60, 100), date(2024, 6, 2), date(2024, 6, 30), 7)
    assert [run.as_of for run in runs] == [date(2024, 6, d) for d in (2, 9, 16, 23, 30)]
    assert store.scalar("SELECT count(*) FROM health_scores") == 5


def test_a_backfilled_date_stores_what_scoring_that_date_alone_stores(store):
    # a backfill runs one compiled query for every date (prepared once on PostgreSQL): the rows are the same
    customer(store, "A")
    customer(store, "B")
    card = scorecard(custom("m1", {"A": 10, "B": 20}, IDENTITY) + custom("m2", {"A": 5, "B": 7}, IDENTITY))
    run_backfill(store, card, date(2024, 6, 2), date(2024, 6, 16), 7)
    backfilled = sorted(stored(store))
    store.execute("DELETE FROM health_scores")
    for day in (date(2024, 6, 2), date(2024, 6, 9), date(2024, 6, 16)):
        run_scoring(store, card, day)
    assert len(backfilled) == 6 and sorted(stored(store)) == backfilled


def test_as_of_dates_stop_at_the_last_day():
    assert as_of_dates(date(2024, 1, 1), date(2024, 1, 20), 7) == [date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 15)]


def test_a_measure_constant_across_accounts_is_warned_about(store):
    customer(store, "A")
    customer(store, "B")
    card = scorecard(custom("m1", {"A": 10, "B": 20}, IDENTITY) + custom("m2", {"A": 5, "B": 5}, IDENTITY))
    assert run_scoring(store, card, AS_OF).warnings == [
        "measure 'm2' has the same value for every account: it cannot tell accounts apart"
    ]


def test_the_constant_measure_warning_ignores_accounts_without_a_value_and_names_a_measure_without_data(store):
    # m1: 7 where known, null elsewhere (constant); m2: no data at all; m3: 1 and 2 (not constant);
    # m4: 0 and -0.5 (not constant: min < max)
    customer(store, "A")
    customer(store, "B")
    customer(store, "C")
    card = scorecard(
        custom("m1", {"A": 7, "B": 7, "C": None}, IDENTITY) + custom("m2", {"A": None}, IDENTITY)
        + custom("m3", {"A": 1, "B": 2, "C": 2}, IDENTITY) + custom("m4", {"A": 0, "B": -0.5}, IDENTITY)
    )
    assert run_scoring(store, card, AS_OF).warnings == [
        "measure 'm1' has the same value for every account: it cannot tell accounts apart",
        "measure 'm2' has the same value for every account (no data at all): it cannot tell accounts apart",
    ]


def test_one_scored_account_is_never_warned_about(store):
    customer(store, "A")
    assert run_scoring(store, scorecard(custom("m1", {"A": 5}, IDENTITY)), AS_OF).warnings == []


def test_trend_is_the_change_against_the_latest_score_on_or_before_7_30_and_90_days_ago(store):
    # scores: 40 on 03-31, 50 on 05-31, 65 on 06-23, 70 on 06-30
    # 7 days -> 06-23: 70 - 65 = 5; 30 days -> on or before 05-31: 70 - 50 = 20; 90 days -> 04-01: 40 -> 30
    customer(store, "A")
    sql = (
        "SELECT account_id, CASE WHEN :as_of = DATE '2024-03-31' THEN 40.0 WHEN :as_of = DATE '2024-05-31' THEN 50.0 "
        "WHEN :as_of = DATE '2024-06-23' THEN 65.0 ELSE 70.0 END AS value FROM accounts"
    )
    card = sql_scorecard(sql)
    for day in (date(2024, 3, 31), date(2024, 5, 31), date(2024, 6, 23), AS_OF):
        run_scoring(store, card, day)
    trend = score_trend(store, card.version, AS_OF).to_pyarrow().to_pylist()
    assert trend == [{"account_id": "A", "score": 70, "band": "neutral", "change_7d": 5, "change_30d": 20, "change_90d": 30}]


def test_trend_of_an_account_without_a_score_on_the_run_n_days_ago_reads_its_latest_score_before_that_run(store):
    # A: 40 on 06-16, no data (no score) on 06-23, 70 on 06-30 -> 7 days: 70 - 40 = 30
    # B: 60 on 06-16, 65 on 06-23, 70 on 06-30 -> 7 days: 70 - 65 = 5 (the run itself, not the older score)
    for account_id in ("A", "B"):
        customer(store, account_id)
    sql = (
        "SELECT account_id, CASE WHEN :as_of = DATE '2024-06-30' THEN 70.0 "
        "WHEN account_id = 'A' AND :as_of = DATE '2024-06-16' THEN 40.0 WHEN account_id = 'A' THEN NULL "
        "WHEN :as_of = DATE '2024-06-16' THEN 60.0 ELSE 65.0 END AS value FROM accounts"
    )
    card = sql_scorecard(sql)
    for day in (date(2024, 6, 16), date(2024, 6, 23), AS_OF):
        run_scoring(store, card, day)
    trend = score_trend(store, card.version, AS_OF, (7,)).order_by("account_id").to_pyarrow().to_pylist()
    assert [(row["account_id"], row["change_7d"]) for row in trend] == [("A", 30), ("B", 5)]


def test_the_query_compiled_once_gives_each_dates_own_scores(store):
    # the default scorecard over a small history: compiling on the sentinel date and substituting
    # 2024-06-30 must give exactly the rows of compiling on 2024-06-30
    from tests.health.health_history import activity, given, invoice, response, ticket, ts

    from nabd.health.scorecard import load_scorecard
    from nabd.health.score_expression import scored

    customer(store, "A")
    customer(store, "B", segment="enterprise")
    given(
        store,
        activity_daily=[activity("A", "c1", AS_OF, "session", 1, 30), activity("B", "c2", date(2024, 6, 2), "feature:x")],
        tickets=[ticket("T1", "A", ts(date(2024, 6, 5)), ts(date(2024, 6, 6)), csat=4)],
        invoices=[invoice("I1", "B", date(2024, 5, 1), date(2024, 5, 31))],
        survey_responses=[response("R1", "A", 8, ts(date(2024, 6, 1)))],
    )
    card = load_scorecard()
    expression = scored(store, card, AS_OF)
    columns = list(expression.schema().names)
    direct = sorted(store.fetchall(store.ibis.compile(expression)))
    substituted = sorted(store.fetchall(scoring_sql(store, card)(AS_OF)))
    assert [dict(zip(columns, row)) for row in substituted] == [dict(zip(columns, row)) for row in direct]


def test_a_rerun_within_the_same_second_records_a_later_computed_at(store):
    # the web app keeps the portfolio until the newest computed_at changes: a second-precision stamp
    # would hide a re-score made within the same second for up to CACHE_SECONDS
    customer(store, "A")
    card = two_measures(60, 100)
    run_scoring(store, card, AS_OF)
    first = store.scalar("SELECT computed_at FROM health_scores")
    run_scoring(store, card, AS_OF)
    assert store.scalar("SELECT computed_at FROM health_scores") > first


def test_the_scoring_query_reads_activity_daily_once_per_grain_and_the_feature_catalogue_from_event_types(store):
    # the default scorecard's usage grains: the account, contacts, features. The catalogue of features is read
    # from event_types once (as a scalar subquery, PostgreSQL ran it once per expression that read it)
    sql = scoring_sql(store, load_scorecard())(AS_OF)
    assert sql.count('FROM "activity_daily"') == 3
    assert sql.count('"event_types"') == 1


def test_the_compiled_scoring_query_of_the_default_scorecard_matches_its_snapshot(store, request):
    # the SQL a run sends for 2026-06-30, compiled once (nabd.store.per_day); any change to it (a measure,
    # a join, what Ibis writes) is a diff of snapshots/<this test>/<backend>.sql to review (tests/snapshot.py)
    assert_sql_matches(scoring_sql(store, load_scorecard())(date(2026, 6, 30)), request, store.kind)


def test_the_compiled_scoring_sql_is_kept_per_scorecard_version_and_reused_without_building(tmp_path, monkeypatch):
    # a later process (here: a later call) scoring with the same scorecard version reads the SQL kept in the
    # user's cache instead of building and compiling the expression again; another version compiles afresh
    import nabd.health.scoring as scoring
    import nabd.store.compiled as compiled

    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())  # a new process: nothing compiled in it yet
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = open_store(fresh_url("duckdb", tmp_path)[0])
    card = load_scorecard()
    first = scoring_sql(store, card)(AS_OF)
    folder = tmp_path / "cache" / "nabd" / "compiled"
    [kept] = folder.iterdir()
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    def not_built(*_):
        raise AssertionError("the expression was built again")

    monkeypatch.setattr(scoring, "scored", not_built)
    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    assert scoring_sql(store, card)(AS_OF) == first
    with pytest.raises(AssertionError, match="built again"):
        scoring_sql(store, two_measures(60, 100))
    store.close()


def test_a_process_compiles_the_scoring_sql_once_for_every_database_of_an_engine(tmp_path, monkeypatch):
    import nabd.health.scoring as scoring
    import nabd.store.compiled as compiled

    monkeypatch.setattr(compiled, "_COMPILED_HERE", OrderedDict())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "one").mkdir(), (tmp_path / "two").mkdir()
    with open_store(fresh_url("duckdb", tmp_path / "one")[0]) as one:
        first = scoring_sql(one, load_scorecard())(AS_OF)

    def not_built(*_):
        raise AssertionError("the expression was built again")

    monkeypatch.setattr(scoring, "scored", not_built)
    with open_store(fresh_url("duckdb", tmp_path / "two")[0]) as two:
        assert scoring_sql(two, load_scorecard())(AS_OF) == first
    assert len(list((tmp_path / "cache" / "nabd" / "compiled").iterdir())) == 1  # kept once, for later processes
