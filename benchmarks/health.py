"""Health-score benchmark: score every account on DuckDB, against a bare GROUP BY and pandas.

    .venv/bin/python benchmarks/health.py [--accounts 1000000] [--events 100000000] [--reuse] [--no-pandas]
                                          [--history DAYS] [--layout first-load|daily-files|intake]

The company is generated with DuckDB SQL into a fresh store: accounts with one subscription
each, ``events`` spread over 120 days (logins, sessions with minutes, feature use), rolled up into
``activity_daily`` by ingest's own rollup, plus tickets, invoices and NPS answers. ``--layout`` is
the physical order of ``activity_daily``'s rows, which DuckDB's scans and hash tables feel (the
rows are the same in each; see LAYOUTS). It times
- Nabd, default scorecard: :func:`nabd.health.scoring.run_scoring` (15 measures, stored);
- Nabd, usage scorecard: the five usage measures of the default scorecard, to a pyarrow table;
- (a) one bare DuckDB ``GROUP BY account_id`` over ``events`` (count, sum of value): the floor;
- (b) pandas: the same usage scorecard on ``activity_daily`` already in memory (load timed apart);
and prints the ratios (wall and CPU seconds of the process) and its peak resident memory. With
``--history DAYS`` the timed run is the daily one on a store that already holds that many earlier
daily as-ofs (copies of one scored run, a band moved for one account in 20 each day), as it is after
DAYS days in production; without it the store holds no scores. DuckDB
runs with ``--memory-limit`` (8GB) and spills to the store's directory; ``--reuse`` keeps the
generated store of the same size (<--work, /tmp/nabd_bench_health>/<accounts>-accounts-<events>-events).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from nabd.health.scorecard import load_scorecard
from nabd.health.scoring import run_scoring, scored, scoring_sql
from nabd.ingest.activity import refresh_activity_daily
from nabd.store import open_store

WORK = Path("/tmp/nabd_bench_health")
AS_OF = date(2024, 6, 30)
EVENT_CHUNK = 10_000_000
USAGE = ["licence_utilisation", "usage_time_daily", "usage_time_weekly", "feature_adoption", "usage_trend"]


def generate(store, accounts: int, events: int) -> None:
    """The synthetic company, all in SQL: no Python loop over rows; events in chunks of 10M.

    ``events`` and ``activity_daily`` are recreated with the canonical columns but without their
    primary keys: neither scoring nor the floor reads an index (DuckDB scans), and a 100M-key index
    would only slow generation and eat memory. ``activity_daily`` is written by ingest's own rollup
    (:func:`nabd.ingest.activity.refresh_activity_daily`), so its rows lie as a first import leaves them.
    """
    users = 8
    store.execute(f"""
        INSERT INTO accounts (account_id, name, segment, plan, csm, country)
        SELECT 'A' || i, 'Account ' || i, ['SMB', 'mid-market', 'enterprise'][1 + i % 3], 'pro',
               'csm' || (i % 40), 'SA'
        FROM range({accounts}) t(i)""")
    store.execute(f"""
        INSERT INTO subscriptions
        SELECT 'S' || i, 'A' || i, 'core', 100 + i % 900, 'USD', 5 + i % 20, DATE '2023-01-01',
               CASE WHEN i % 10 = 0 THEN DATE '2024-08-01' END, DATE '2024-12-31'
        FROM range({accounts}) t(i)""")
    for table in ("events", "activity_daily"):
        store.execute(f"CREATE TABLE bench_{table} AS SELECT * FROM {table} LIMIT 0")
        store.execute(f"DROP TABLE {table}")
        store.execute(f"ALTER TABLE bench_{table} RENAME TO {table}")
    for first in range(0, events, EVENT_CHUNK):
        store.execute(f"""
            INSERT INTO events (event_id, account_id, contact_id, event_type, ts, value)
            SELECT 'E' || (i + 1), 'A' || a, 'C' || a || '-' || u,
                   CASE WHEN k < 3 THEN 'login' WHEN k < 6 THEN 'session' ELSE 'feature:f' || k END,
                   TIMESTAMP '2024-06-30 12:00:00' - INTERVAL (d) DAY,
                   CASE WHEN k BETWEEN 3 AND 5 THEN 5 + k * 3 ELSE 0 END
            FROM (
                SELECT i, (hash(i) % {accounts})::BIGINT AS a, (hash(i * 7) % {users})::BIGINT AS u,
                       (hash(i * 13) % 120)::INTEGER AS d, hash(i * 31) % 10 AS k
                FROM range({first}, {min(first + EVENT_CHUNK, events)}) t(i)
            )""")
    refresh_activity_daily(store)  # ingest's own rollup: the rows in the order its first load writes them
    store.execute("CREATE TABLE bench_layout AS SELECT 'first-load' AS layout")
    store.execute(f"""
        INSERT INTO tickets SELECT 'T' || i, 'A' || (i % {accounts}), TIMESTAMP '2024-06-30' - INTERVAL (i % 90) DAY,
               NULL, TIMESTAMP '2024-06-30' - INTERVAL (i % 80) DAY, 'normal', 'x', 1 + i % 5, 's', 'b'
        FROM range({accounts * 2}) t(i)""")
    store.execute(f"""
        INSERT INTO invoices SELECT 'I' || i, 'A' || (i % {accounts}), 100, 'USD',
               DATE '2024-06-30' - INTERVAL (i % 300) DAY, DATE '2024-06-30' - INTERVAL (i % 300 - 30) DAY,
               CASE WHEN i % 7 > 0 THEN DATE '2024-06-30' - INTERVAL (i % 300 - 35) DAY END
        FROM range({accounts * 3}) t(i)""")
    store.execute(f"""
        INSERT INTO survey_responses SELECT 'R' || i, 'A' || (i % {accounts}), NULL, 'nps', i % 11, NULL, 'en', 'x',
               TIMESTAMP '2024-06-30' - INTERVAL (i % 300) DAY
        FROM range({accounts}) t(i)""")
    store.execute("CHECKPOINT")  # generation's deferred writes are not the scoring run's cost


# Where activity_daily's rows lie, by how they were written (the same rows in each):
LAYOUTS = {
    # one import of the whole history: ingest's rollup inserts in key order
    "first-load": "account_id, contact_id, day, event_type",
    # one file a day, each imported after the last: a day's rows together, in key order within it
    "daily-files": "day, account_id, contact_id, event_type",
    # the event API: a day's rows together, in arrival order within it (no order; hashed here)
    "intake": "day, hash(account_id, contact_id, event_type)",
}


def lay_out(store, layout: str) -> None:
    """Rewrite activity_daily in ``layout``'s order unless it already lies so (untimed)."""
    store.execute("CREATE TABLE IF NOT EXISTS bench_layout (layout TEXT)")  # a store generated before layouts
    if store.scalar("SELECT max(layout) FROM bench_layout") != layout:
        started = time.perf_counter()
        store.execute(f"CREATE TABLE bench_relaid AS SELECT * FROM activity_daily ORDER BY {LAYOUTS[layout]}")
        store.execute("DROP TABLE activity_daily")
        store.execute("ALTER TABLE bench_relaid RENAME TO activity_daily")
        store.execute(f"CREATE OR REPLACE TABLE bench_layout AS SELECT '{layout}' AS layout")
        store.execute("CHECKPOINT")
        print(f"activity_daily rewritten in the {layout} layout ({time.perf_counter() - started:.0f} s untimed)")


def usage_in_pandas(activity: pd.DataFrame, accounts: pd.DataFrame, card) -> pd.DataFrame:
    """The usage scorecard in pandas: the same measures, rules, weights, reweighting, rounding and bands."""
    as_of = pd.Timestamp(AS_OF)
    age = (as_of - pd.to_datetime(activity["day"])).dt.days
    session = activity["event_type"] == "session"
    identified = activity["contact_id"] != ""
    last30, prev30, last28 = age < 30, (age >= 30) & (age < 60), age < 28
    per_account = accounts.set_index("account_id")[["segment", "licences"]].copy()
    grouped = activity.assign(
        minutes30=activity["value_sum"].where(last30 & session & identified, 0.0),
        minutes28=activity["value_sum"].where(last28 & session & identified, 0.0),
        all30=activity["value_sum"].where(last30 & session, 0.0),
        prev=activity["value_sum"].where(prev30 & session, 0.0),
    ).groupby("account_id")[["minutes30", "minutes28", "all30", "prev"]].sum()
    per_account = per_account.join(grouped)
    user_days = activity.loc[last30 & session & identified, ["account_id", "contact_id", "day"]].drop_duplicates()
    user_days = user_days.groupby("account_id").size()
    weeks = activity.loc[last28 & session & identified, ["account_id", "contact_id"]].assign(
        week=age[last28 & session & identified] // 7).drop_duplicates()
    user_weeks = weeks.groupby("account_id").size()
    users = activity[last30 & identified].groupby("account_id")["contact_id"].nunique()
    features = activity[last30 & activity["event_type"].str.startswith("feature:")].groupby("account_id")["event_type"].nunique()
    catalogue = activity.loc[(age >= 0) & activity["event_type"].str.startswith("feature:"), "event_type"].nunique()
    raw = pd.DataFrame(index=per_account.index)
    raw["licence_utilisation"] = users.reindex(raw.index).fillna(0) / per_account["licences"].where(per_account["licences"] > 0)
    raw["usage_time_daily"] = (per_account["minutes30"] / user_days.reindex(raw.index)).fillna(0)
    raw["usage_time_weekly"] = (per_account["minutes28"] / user_weeks.reindex(raw.index)).fillna(0)
    raw["feature_adoption"] = features.reindex(raw.index).fillna(0) / catalogue if catalogue else np.nan
    raw["usage_trend"] = per_account["all30"] / per_account["prev"].where(per_account["prev"] > 0) - 1
    scores = pd.DataFrame(index=raw.index)
    for measure in card.measures:
        value = raw[measure.id]
        if measure.rule.kind == "piecewise":
            xs, ys = zip(*measure.rule.points)
            scores[measure.id] = pd.Series(np.interp(value, xs, ys), index=value.index).where(value.notna())
        else:  # percentile within segment
            rank = value.groupby(per_account["segment"]).rank(method="min")
            count = value.groupby(per_account["segment"]).transform("count")
            scores[measure.id] = ((rank - 1) / (count - 1) * 100).where(count > 1, 50.0)
    weights = pd.Series(card.weights())
    available = scores.notna().mul(weights)
    weighted = scores.fillna(0).mul(weights).sum(axis=1) / available.sum(axis=1)
    score = np.floor(weighted + 0.5 + 1e-9)
    bands = pd.cut(score, [-1, 50, 79, 100], labels=[b.id for b in card.bands])
    return pd.DataFrame({"score": score, "band": bands})


def timed(label: str, work, repeat: int = 1, before=lambda: None) -> float:
    """The best of ``repeat`` runs (the machine is shared: the minimum is the least disturbed); ``before`` untimed."""
    runs, cpus = [], []
    for _ in range(repeat):
        before()
        started, cpu = time.perf_counter(), process_cpu()
        work()
        runs.append(time.perf_counter() - started)
        cpus.append(process_cpu() - cpu)
    shown = "  ".join(f"{run:.2f}" for run in runs)
    print(f"{label:<58} {min(runs):8.2f} s  cpu {min(cpus):8.2f} s" + (f"   (runs: {shown})" if repeat > 1 else ""),
          flush=True)
    CPU[label] = min(cpus)
    return min(runs)


CPU: dict[str, float] = {}  # label -> least CPU seconds of the process (DuckDB runs in it)


def process_cpu() -> float:
    """User + system CPU seconds of this process: steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def no_scores(store, history: int) -> None:
    """Every timed scoring run starts from a store without the as-of's scores, as the first run of a day does,
    and (without ``history`` days) without any other scores either (a reused store may hold some)."""
    for table in ("health_band_changes", "health_scores"):
        store.execute(f"DELETE FROM {table}" + (" WHERE as_of = ?" if history else ""), [AS_OF] if history else None)
    store.execute("CHECKPOINT")


def with_history(store, card, days: int) -> None:
    """Earlier daily as-ofs AS_OF - days .. AS_OF - 1, oldest first, each a copy of one scored run of AS_OF
    with the band of one account in 20 moved (untimed: scoring each day would take days x a run)."""
    store.execute("DELETE FROM health_scores WHERE as_of < ?", [AS_OF - timedelta(days=days)])  # a longer reused one
    stored = {row[0] for row in store.fetchall("SELECT DISTINCT as_of FROM health_scores WHERE as_of < ?", [AS_OF])}
    wanted = [AS_OF - timedelta(days=k) for k in range(days, 0, -1)]
    if set(wanted) <= stored:
        return
    if not store.scalar("SELECT count(*) FROM health_scores WHERE as_of = ?", [AS_OF]):
        run_scoring(store, card, AS_OF)
    started = time.perf_counter()
    for day in sorted(set(wanted) - stored):
        store.execute(f"""
            INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, weighted_score,
                                       band, coverage, measure_values, weight_set, computed_at)
            SELECT account_id, DATE '{day}', scorecard_version, scorecard, score, weighted_score,
                   CASE WHEN hash(account_id || '{day}') % 20 = 0
                        THEN CASE band WHEN 'unhealthy' THEN 'neutral' WHEN 'neutral' THEN 'healthy' ELSE 'unhealthy' END
                        ELSE band END,
                   coverage, measure_values, weight_set, computed_at
            FROM health_scores WHERE as_of = DATE '{AS_OF}' ORDER BY account_id""")
    print(f"history: {len(wanted)} earlier daily as-ofs stored ({time.perf_counter() - started:.0f} s untimed)")


def score_to_disk(store, card) -> None:
    """One scoring run and its checkpoint: DuckDB checkpoints a large insert at COMMIT but leaves an
    update in the WAL until close, so the run's write is timed only once it is in the database file."""
    run_scoring(store, card, AS_OF)
    store.execute("CHECKPOINT")


def open_generated(options: argparse.Namespace):
    """The benchmark store, generated afresh unless --reuse finds one of the same size."""
    work = options.work / f"{options.accounts}-accounts-{options.events}-events"
    path = work / "nabd.duckdb"
    if not options.reuse:
        shutil.rmtree(work, ignore_errors=True)
    (work / "spill").mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    store = open_store(f"duckdb:///{path}")
    store.execute(f"SET memory_limit = '{options.memory_limit}'")
    store.execute(f"SET temp_directory = '{work / 'spill'}'")
    if existed and store.scalar("SELECT count(*) FROM accounts") == options.accounts and store.scalar(
        "SELECT count(*) FROM events"
    ) == options.events:
        print(f"reusing the generated store {path}")
        return store
    if existed:
        store.close()
        shutil.rmtree(work)
        return open_generated(argparse.Namespace(**{**vars(options), "reuse": False}))
    timed(f"generate {options.accounts:,} accounts, {options.events:,} events",
          lambda: generate(store, options.accounts, options.events))
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=100_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="time each query this many times, keep the best")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit (spills to disk beyond it)")
    parser.add_argument("--reuse", action="store_true", help="keep a generated store of the same size")
    parser.add_argument("--work", type=Path, default=WORK, help="where generated stores are kept")
    parser.add_argument("--rerun", action="store_true", help="also time re-scoring an as-of already stored")
    parser.add_argument("--no-pandas", dest="pandas", action="store_false", help="skip pandas (too big for memory)")
    parser.add_argument("--history", type=int, default=0, metavar="DAYS",
                        help="time the daily run on a store holding this many earlier daily as-ofs")
    parser.add_argument("--layout", choices=LAYOUTS, default="first-load",
                        help="how activity_daily was written: one import, a file a day, or the event API")
    options = parser.parse_args()
    store = open_generated(options)
    lay_out(store, options.layout)
    print(f"activity_daily rows: {store.scalar('SELECT count(*) FROM activity_daily'):,}, {options.layout} layout")
    card = load_scorecard()
    if options.history:
        with_history(store, card, options.history)
    usage = card.model_copy(update={"measures": [m for m in card.measures if m.id in USAGE], "segments": {}})
    floor = timed("(a) bare GROUP BY account_id over events", lambda: store.raw.sql(
        "SELECT account_id, count(*), sum(value) FROM events GROUP BY account_id").to_arrow_table(), options.repeat)
    scoring_label = "Nabd: default scorecard (15 measures), scored and stored" + (
        f", {options.history} days stored" if options.history else "")
    full = timed(scoring_label,
                 lambda: score_to_disk(store, card), options.repeat, before=lambda: no_scores(store, options.history))
    if options.rerun:
        timed("   the same, re-run (replaces the stored as-of)", lambda: score_to_disk(store, card), options.repeat)
    query = scoring_sql(store, usage)
    rows = {}
    nabd_usage = timed("Nabd: usage scorecard (5 measures), to an Arrow table",
                       lambda: rows.__setitem__("nabd", store.raw.sql(query(AS_OF)).to_arrow_table()), options.repeat)
    print(f"Nabd default / bare GROUP BY: {full / floor:.2f}x   Nabd usage / bare GROUP BY: {nabd_usage / floor:.2f}x")
    cpu_floor = CPU["(a) bare GROUP BY account_id over events"]
    print(f"in CPU seconds: default {CPU[scoring_label] / cpu_floor:.2f}x"
          f"   usage {CPU['Nabd: usage scorecard (5 measures), to an Arrow table'] / cpu_floor:.2f}x")
    if options.rerun:
        print(f"in CPU seconds: re-run {CPU['   the same, re-run (replaces the stored as-of)'] / cpu_floor:.2f}x")
    if options.pandas:
        frames = {}

        def load() -> None:
            frames["activity"] = store.raw.sql("SELECT * FROM activity_daily").df()
            frames["accounts"] = scored(store, usage, AS_OF).select("account_id", "segment", "licences").to_pandas()

        timed("(b) pandas: load activity_daily into memory", load)
        pandas_usage = timed("(b) pandas: usage scorecard on the frames", lambda: frames.__setitem__(
            "scores", usage_in_pandas(frames["activity"], frames["accounts"], usage)))
        nabd_scores = rows["nabd"].select(["account_id", "score"]).to_pandas().set_index("account_id")["score"]
        same = (frames["scores"]["score"].reindex(nabd_scores.index) == nabd_scores.astype(float)).mean()
        print(f"accounts with the same score in pandas and Nabd: {same:.2%}")
        print(f"pandas usage / Nabd usage: {pandas_usage / nabd_usage:.2f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:,.0f} MiB")
    store.close()


if __name__ == "__main__":
    main()
