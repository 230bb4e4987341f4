"""MRR movements: Nabd against a hand-written DuckDB query of the same definition and Polars (frames preloaded).

    .venv/bin/python benchmarks/metrics_mrr.py [--accounts 100000] [--months 18] [--rounds 5]
    (Polars is in the `bench` extra: pip install -e ".[bench]")

The company is benchmarks/metrics.py's (subscriptions with upgrades and churn, 10% in EUR with three
rates), without events. Nabd's first call (cold: building and compiling the expression, nothing kept yet) is
timed apart; then each round times, interleaved in a fresh order: Nabd's ``mrr_movements`` as every caller runs
it (``nabd.metrics.compute``: its SQL kept, nabd.store.compiled); Nabd as it was on ``--before`` (a git
revision, default main, loaded from git; skipped when git cannot show it); the hand-written SQL; and
Polars on frames already in memory. The ratios are of medians over the rounds. Every result is
checked against the hand-written SQL's (money exactly for Nabd, within 0.01 for Polars, which uses
float64 like the pandas twin of benchmarks/metrics.py).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import types
from datetime import date
from decimal import Decimal
from pathlib import Path

from nabd.metrics import compute
from nabd.metrics.periods import next_period_start, period_starts
from nabd.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from metrics import START, generate  # noqa: E402  (the company of benchmarks/metrics.py)

WORK = Path("/tmp/nabd_bench_metrics_mrr")
MOVES = ("opening_mrr", "new", "reactivation", "expansion", "contraction", "churned", "fx_effect", "closing_mrr")


def hand_sql(starts: list[date], reporting: str = "USD") -> str:
    """The definition of nabd.metrics.mrr, written by hand for DuckDB."""
    values = ", ".join(f"(DATE '{s}', DATE '{next_period_start(s, 'month')}')" for s in starts)
    return f"""
    WITH b(period_start, next_start) AS (VALUES {values}),
    subs AS (SELECT s.* FROM subscriptions s WHERE s.account_id IN
             (SELECT account_id FROM accounts WHERE status IS DISTINCT FROM 'unmatched')),
    days AS (SELECT period_start AS d FROM b UNION SELECT next_start FROM b),
    rates AS (SELECT d, currency, arg_max(rate, valid_from) AS rate
              FROM days JOIN currency_rates r ON r.valid_from <= d WHERE currency <> '{reporting}' GROUP BY ALL
              UNION ALL SELECT d, '{reporting}', 1 FROM days),
    t AS (SELECT b.period_start, b.next_start, s.account_id, s.currency, s.mrr,
                 s.start_date <= b.period_start AND (s.end_date IS NULL OR s.end_date > b.period_start) AS at_start,
                 s.start_date <= b.next_start AND (s.end_date IS NULL OR s.end_date > b.next_start) AS at_end
          FROM subs s JOIN b ON s.start_date <= b.next_start AND (s.end_date IS NULL OR s.end_date > b.period_start)),
    rated AS (SELECT t.*, CAST(t.mrr * r1.rate AS DECIMAL(18, 4)) AS m1, CAST(t.mrr * r2.rate AS DECIMAL(18, 4)) AS m2
              FROM t JOIN rates r1 ON r1.d = t.period_start AND r1.currency = t.currency
              LEFT JOIN rates r2 ON r2.d = t.next_start AND r2.currency = t.currency
              WHERE t.at_start OR t.at_end),
    acc AS (SELECT period_start, account_id, bool_or(at_start) AS s, bool_or(at_end) AS e,
                   coalesce(sum(m1) FILTER (WHERE at_start), 0) AS o, coalesce(sum(m1) FILTER (WHERE at_end), 0) AS c,
                   coalesce(sum(m2) FILTER (WHERE at_end), 0) AS f
            FROM rated GROUP BY ALL),
    first AS (SELECT account_id, min(start_date) AS fs FROM subs GROUP BY ALL)
    SELECT period_start, sum(o) AS opening_mrr,
           sum(CASE WHEN e AND NOT s AND fs >= period_start THEN c ELSE 0 END) AS new,
           sum(CASE WHEN e AND NOT s AND fs < period_start THEN c ELSE 0 END) AS reactivation,
           sum(CASE WHEN s AND e AND c > o THEN c - o ELSE 0 END) AS expansion,
           sum(CASE WHEN s AND e AND c < o THEN o - c ELSE 0 END) AS contraction,
           sum(CASE WHEN s AND NOT e THEN o ELSE 0 END) AS churned,
           sum(f - c) AS fx_effect, sum(f) AS closing_mrr
    FROM acc JOIN first USING (account_id) GROUP BY ALL ORDER BY period_start"""


def polars_movements(pl, subs, rates, starts: list[date]):
    """The same definition in Polars (lazy), on frames already in memory."""
    bounds = pl.LazyFrame({"period_start": starts, "next_start": [next_period_start(s, "month") for s in starts]})
    days = pl.concat([bounds.select(d=pl.col("period_start")), bounds.select(d=pl.col("next_start"))]).unique()
    in_force = (days.join(rates.lazy(), how="cross").filter(pl.col("valid_from") <= pl.col("d"))
                .sort("valid_from").group_by("d", "currency").agg(pl.col("rate").last()))
    in_force = pl.concat([in_force, days.with_columns(currency=pl.lit("USD"), rate=pl.lit(1.0))])
    open_end = pl.col("end_date").is_null()
    touching = (subs.lazy().join_where(bounds, pl.col("start_date") <= pl.col("next_start"),
                                       open_end | (pl.col("end_date") > pl.col("period_start")))
                .with_columns(at_start=(pl.col("start_date") <= pl.col("period_start"))
                              & (open_end | (pl.col("end_date") > pl.col("period_start"))),
                              at_end=(pl.col("start_date") <= pl.col("next_start"))
                              & (open_end | (pl.col("end_date") > pl.col("next_start"))))
                .filter(pl.col("at_start") | pl.col("at_end")))
    rated = (touching.join(in_force.rename({"d": "period_start", "rate": "r1"}), on=["period_start", "currency"])
             .join(in_force.rename({"d": "next_start", "rate": "r2"}), on=["next_start", "currency"], how="left")
             .with_columns(m1=(pl.col("mrr") * pl.col("r1")).round(4), m2=(pl.col("mrr") * pl.col("r2")).round(4)))
    accounts = rated.group_by("period_start", "account_id").agg(
        s=pl.col("at_start").any(), e=pl.col("at_end").any(),
        o=pl.col("m1").filter(pl.col("at_start")).sum(), c=pl.col("m1").filter(pl.col("at_end")).sum(),
        f=pl.col("m2").filter(pl.col("at_end")).sum())
    first = subs.lazy().group_by("account_id").agg(fs=pl.col("start_date").min())
    a = accounts.join(first, on="account_id")
    arrived = pl.col("e") & ~pl.col("s")
    stayed = pl.col("s") & pl.col("e")
    zero = pl.lit(0.0)
    return (a.group_by("period_start").agg(
        opening_mrr=pl.col("o").sum(),
        new=pl.when(arrived & (pl.col("fs") >= pl.col("period_start"))).then(pl.col("c")).otherwise(zero).sum(),
        reactivation=pl.when(arrived & (pl.col("fs") < pl.col("period_start"))).then(pl.col("c")).otherwise(zero).sum(),
        expansion=pl.when(stayed & (pl.col("c") > pl.col("o"))).then(pl.col("c") - pl.col("o")).otherwise(zero).sum(),
        contraction=pl.when(stayed & (pl.col("c") < pl.col("o"))).then(pl.col("o") - pl.col("c")).otherwise(zero).sum(),
        churned=pl.when(pl.col("s") & ~pl.col("e")).then(pl.col("o")).otherwise(zero).sum(),
        fx_effect=(pl.col("f") - pl.col("c")).sum(), closing_mrr=pl.col("f").sum(),
    ).sort("period_start").collect())


def load_before(revision: str):
    """nabd.metrics.mrr and .currency as they were at ``revision`` (from git), as a module; None without git."""
    root = Path(__file__).resolve().parent.parent
    sources = {}
    for name in ("currency", "mrr"):
        shown = subprocess.run(["git", "-C", root, "show", f"{revision}:src/nabd/metrics/{name}.py"],
                               capture_output=True, text=True)
        if shown.returncode != 0:
            return None
        sources[name] = shown.stdout
    currency = types.ModuleType("mrr_before_currency")
    exec(compile(sources["currency"], "currency_before.py", "exec"), currency.__dict__)
    mrr_source = sources["mrr"].replace("from nabd.metrics.currency import", "from mrr_before_currency import")
    sys.modules["mrr_before_currency"] = currency
    mrr = types.ModuleType("mrr_before")
    exec(compile(mrr_source, "mrr_before.py", "exec"), mrr.__dict__)
    return mrr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", default="main", help="git revision of the 'before' Nabd (empty: none)")
    args = parser.parse_args()
    try:
        import polars as pl
    except ImportError:
        raise SystemExit("this benchmark compares with Polars: pip install -e '.[bench]'") from None
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ["XDG_CACHE_HOME"] = str(WORK / "cache")  # no SQL kept from an earlier run: the first call compiles
    store = open_store(f"duckdb:///{WORK / 'mrr.duckdb'}")
    generate(store, args.accounts, 0, args.months)
    end = date(START.year + (args.months - 1) // 12, (args.months - 1) % 12 + 1, 1)
    starts = period_starts("month", START, end)
    subscriptions = store.scalar("SELECT count(*) FROM subscriptions")
    subs = store.raw.execute("""SELECT account_id, mrr::DOUBLE AS mrr, currency, start_date, end_date FROM subscriptions
        WHERE account_id IN (SELECT account_id FROM accounts WHERE status IS DISTINCT FROM 'unmatched')""").pl()
    rates = store.raw.execute("SELECT currency, valid_from AS d0, rate::DOUBLE AS rate FROM currency_rates").pl()
    rates = rates.rename({"d0": "valid_from"})
    before = load_before(args.before) if args.before else None
    sql = hand_sql(starts)
    runs = {
        "nabd": lambda: compute(store, "mrr_movements", period="month", start=START, end=end),
        "sql": lambda: store.raw.execute(sql).to_arrow_table(),
        "polars": lambda: polars_movements(pl, subs, rates, starts),
    }
    if before is not None:
        runs["nabd_before"] = lambda: before.mrr_movements(store, period="month", start=START, end=end).to_pyarrow()
    began = time.perf_counter()
    runs["nabd"]()
    cold = time.perf_counter() - began
    times: dict[str, list[float]] = {name: [] for name in runs}
    results = {}
    order = list(runs)
    for _ in range(args.rounds):
        random.shuffle(order)
        for name in order:
            began = time.perf_counter()
            results[name] = runs[name]()
            times[name].append(time.perf_counter() - began)
    expected = results["sql"].to_pylist()
    for name in ("nabd", "nabd_before"):
        if name in results:
            got = [{k: row[k] for k in ("period_start", *MOVES)} for row in results[name].to_pylist()]
            assert got == [{k: (Decimal(v) if k != "period_start" else v) for k, v in row.items()} for row in expected], name
    for row, theirs in zip(expected, results["polars"].to_dicts()):
        assert all(abs(float(row[k]) - theirs[k]) < 0.01 for k in MOVES), (row, theirs)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.accounts:,} accounts, {subscriptions:,} subscription periods, {len(starts)} months, "
          f"{args.rounds} interleaved rounds; load average at the end {os.getloadavg()[0]:.1f}")
    for name in runs:
        print(f"  {name:<12} median {median[name]:6.3f} s   (runs: {', '.join(f'{t:.3f}' for t in times[name])})")
    print(f"  nabd's first call (cold: build and compile) {cold:.3f} s; cold / hand-written SQL {cold / median['sql']:.2f}")
    print(f"  nabd / hand-written SQL: {median['nabd'] / median['sql']:.2f}")
    print(f"  nabd / polars:           {median['nabd'] / median['polars']:.2f}")
    if "nabd_before" in median:
        print(f"  before / hand-written SQL: {median['nabd_before'] / median['sql']:.2f}; "
              f"before / polars: {median['nabd_before'] / median['polars']:.2f}")
    store.close()


if __name__ == "__main__":
    main()
