"""Metrics benchmark: every metric for 100,000 accounts and 10M events on DuckDB, against pandas and a bare aggregate.

    .venv/bin/python benchmarks/metrics.py [--accounts 100000] [--events 10000000] [--months 18]
    .venv/bin/python benchmarks/metrics.py --sql [--rounds 5]   (each family against hand-written SQL)

The company is generated with DuckDB SQL straight into a fresh store (accounts, subscriptions
with upgrades and churn, events rolled up into activity_daily, surveys, tickets, acquisition
costs). It times
- Nabd: each metric of ``nabd.metrics.METRICS`` over every month, run to a pyarrow table;
- (a) pandas: the same definitions written directly in pandas for the metrics that have a
  pandas twin here (customer churn, MRR movements, NPS, tickets per account, DAU, session minutes),
  on frames already in memory (the load from the store is timed separately);
- (b) one bare DuckDB aggregate over the events table (count and sum of value per account);
and prints each time and the ratios Nabd / pandas and Nabd / bare aggregate.

``--sql`` instead times one metric per family (customer churn, MRR movements, NPS, tickets per account,
session minutes) against a hand-written DuckDB query of the same definition (:data:`HAND_SQL`), in
interleaved rounds of random order, checks that both give the same figures and prints the medians and
Nabd / SQL; Nabd's first call (cold: building and compiling its expression, nothing kept yet) is timed apart.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

import pandas as pd

from nabd.metrics import METRICS, compute
from nabd.metrics.periods import next_period_start, period_starts
from nabd.store import open_store

WORK = Path("/tmp/nabd_bench_metrics")
START, MONTH_COUNT = date(2023, 1, 1), 18


def generate(store, accounts: int, events: int, months: int) -> None:
    """The synthetic company, all in SQL: no Python loop over rows."""
    days = months * 30
    store.execute(f"""
        INSERT INTO accounts (account_id, name, segment, plan, csm, country)
        SELECT 'A' || i, 'Account ' || i, ['SMB', 'MID', 'ENT'][1 + i % 3], ['basic', 'pro'][1 + i % 2],
               'csm' || (i % 40), ['SA', 'AE', 'EG', 'US'][1 + i % 4]
        FROM range({accounts}) r(i)""")
    # First period from a random start; a third upgrade mid-way; a fifth churn; 10% in EUR.
    store.execute(f"""
        CREATE TEMP TABLE plan AS
        SELECT i, DATE '{START}' + CAST(floor(random() * {days}) AS INTEGER) AS s,
               100 + CAST(floor(random() * 900) AS INTEGER) AS mrr,
               CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END AS cur,
               random() AS u, random() AS c FROM range({accounts}) r(i)""")
    store.execute("""
        INSERT INTO subscriptions
        SELECT 'S' || i || 'a', 'A' || i, 'core', mrr, cur, 1, s,
               CASE WHEN u < 0.33 THEN s + 90 WHEN c < 0.2 THEN s + 60 + CAST(c * 300 AS INTEGER) END, NULL FROM plan
        UNION ALL
        SELECT 'S' || i || 'b', 'A' || i, 'core', mrr * 1.5, cur, 2, s + 90,
               CASE WHEN c < 0.2 THEN s + 150 + CAST(c * 300 AS INTEGER) END, NULL FROM plan WHERE u < 0.33""")
    store.execute(f"""INSERT INTO currency_rates VALUES ('EUR', DATE '2020-01-01', 1.08),
        ('EUR', DATE '{START}' + 200, 1.10), ('EUR', DATE '{START}' + 400, 1.12)""")
    store.execute(f"""
        INSERT INTO events
        SELECT 'e' || i, 'A' || (i % {accounts}), 'c' || (i % {accounts}) || '-' || (CAST(hash(i) % 5 AS BIGINT)),
               ['login', 'session', 'session', 'feature:export', 'feature:reports', 'feature:alerts', 'page:pricing'][1 + CAST(hash(i * 7) % 7 AS BIGINT)],
               TIMESTAMP '{START}' + to_seconds(CAST(CAST(hash(i * 13) % ({days} * 86400) AS BIGINT) AS BIGINT)),
               CAST(CAST(hash(i * 17) % 60 AS BIGINT) AS DOUBLE), NULL
        FROM range({events}) r(i)""")
    store.execute("""
        INSERT INTO activity_daily
        SELECT account_id, coalesce(contact_id, ''), CAST(ts AS DATE), event_type, count(*), coalesce(sum(value), 0)
        FROM events GROUP BY ALL""")
    store.execute(f"""
        INSERT INTO survey_responses
        SELECT 'R' || i, 'A' || (i % {accounts}), NULL, ['nps', 'csat', 'ces'][1 + i % 3],
               CASE i % 3 WHEN 0 THEN CAST(hash(i) % 11 AS BIGINT) WHEN 1 THEN 1 + CAST(hash(i) % 5 AS BIGINT) ELSE 1 + CAST(hash(i) % 7 AS BIGINT) END,
               NULL, 'en', ['ticket', 'onboarding', 'relationship'][1 + CAST(hash(i * 3) % 3 AS BIGINT)],
               TIMESTAMP '{START}' + to_seconds(CAST(CAST(hash(i * 5) % ({days} * 86400) AS BIGINT) AS BIGINT))
        FROM range({accounts * 2}) r(i)""")
    store.execute(f"""
        INSERT INTO tickets
        SELECT 'T' || i, 'A' || (i % {accounts}), o, o + to_seconds(CAST(CAST(hash(i) % 86400 AS BIGINT) AS BIGINT)),
               CASE WHEN i % 10 <> 0 THEN o + to_seconds(CAST(CAST(hash(i * 3) % 604800 AS BIGINT) AS BIGINT)) END,
               'normal', 'how-to', CASE WHEN i % 2 = 0 THEN 1 + CAST(hash(i * 7) % 5 AS BIGINT) END, 's', 'b'
        FROM (SELECT i, TIMESTAMP '{START}' + to_seconds(CAST(CAST(hash(i * 11) % ({days} * 86400) AS BIGINT) AS BIGINT)) AS o
              FROM range({accounts * 3}) r(i))""")
    store.execute(f"""
        INSERT INTO acquisition_costs
        SELECT CAST(DATE '{START}' + INTERVAL (m) MONTH AS DATE), s, 50000, 'USD'
        FROM range({months}) r(m), (VALUES ('SMB'), ('MID'), ('ENT')) v(s)""")


def timed(run) -> tuple[float, object]:
    began = time.perf_counter()
    result = run()
    return time.perf_counter() - began, result


# --- (a) the same definitions written directly in pandas -------------------------------------

def month_starts(months: int) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(START), periods=months + 1, freq="MS")


def active_on(subs: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return subs[(subs.start_date <= day) & (subs.end_date.isna() | (subs.end_date > day))]


def pandas_customer_churn(subs, months):
    bounds = month_starts(months)
    active = [set(active_on(subs, d).account_id) for d in bounds]
    return pd.DataFrame({"period_start": bounds[:-1], "customers_start": [len(a) for a in active[:-1]],
                         "customers_lost": [len(a - b) for a, b in zip(active[:-1], active[1:])]})


def pandas_mrr_movements(subs, rates, months):
    bounds = month_starts(months)
    first = subs.groupby("account_id").start_date.min()
    rows = []
    for day, nxt in zip(bounds[:-1], bounds[1:]):
        def mrr_at(on, rate_day):
            live = active_on(subs, on)
            rate = rates[rates.valid_from <= rate_day].sort_values("valid_from").groupby("currency").rate.last()
            factor = live.currency.map(rate).fillna(1.0)
            return (live.mrr * factor).round(4).groupby(live.account_id).sum()
        both = pd.concat({"o": mrr_at(day, day), "c": mrr_at(nxt, day), "f": mrr_at(nxt, nxt)}, axis=1)
        o, c, f = both.o, both.c, both.f
        change = c - o
        ret = first.reindex(both.index) < day
        rows.append({"period_start": day, "opening": o.sum(), "new": c[o.isna() & ~ret].sum(),
                     "reactivation": c[o.isna() & ret].sum(), "expansion": change[change > 0].sum(),
                     "contraction": -change[change < 0].sum(), "churned": o[c.isna()].sum(), "fx": (f - c).sum()})
    return pd.DataFrame(rows)


def pandas_nps(responses):
    nps = responses[responses.kind == "nps"]
    month = nps.responded_at.dt.to_period("M")
    grouped = nps.groupby(month).score
    return pd.DataFrame({"n": grouped.size(), "p": grouped.apply(lambda s: (s >= 9).sum()),
                         "d": grouped.apply(lambda s: (s <= 6).sum())}).assign(nps=lambda t: 100 * (t.p - t.d) / t.n)


def pandas_tickets_per_account(tickets, churn):
    opened = tickets.groupby(tickets.opened_at.dt.to_period("M").dt.to_timestamp()).size()
    return opened.reindex(churn.period_start).values / churn.customers_start.values


def pandas_usage(activity, subs, months):
    bounds = month_starts(months)
    out = []
    for day, nxt in zip(bounds[:-1], bounds[1:]):
        customers = active_on(subs, day).account_id.unique()
        rows = activity[(activity.day >= day) & (activity.day < nxt) & activity.account_id.isin(customers)]
        users = rows[rows.contact_id != ""]
        user_days = len(users[["account_id", "contact_id", "day"]].drop_duplicates())
        minutes = rows.loc[rows.event_type == "session", "value_sum"].sum()
        n = max(len(customers), 1)
        out.append({"period_start": day, "dau": user_days / (nxt - day).days / n, "minutes": minutes / n})
    return pd.DataFrame(out)


# --- (c) the same definitions as hand-written DuckDB SQL ------------------------------------

CUSTOMERS = "SELECT * FROM subscriptions WHERE account_id IN (SELECT account_id FROM accounts WHERE status <> 'unmatched')"
EDGES = f"""acc AS (SELECT period_start, account_id,
        bool_or(start_date <= period_start AND (end_date IS NULL OR end_date > period_start)) AS s,
        bool_or(start_date <= next_start AND (end_date IS NULL OR end_date > next_start)) AS e
    FROM ({CUSTOMERS}) subs JOIN b ON start_date <= next_start AND (end_date IS NULL OR end_date > period_start)
    GROUP BY ALL)"""
HAND_SQL = {
    "customer_churn": (f"""WITH {{bounds}}, {EDGES}
        SELECT b.period_start, count(*) FILTER (WHERE s) AS customers_start,
               count(*) FILTER (WHERE s AND NOT e) AS customers_lost,
               count(*) FILTER (WHERE s AND NOT e) / nullif(count(*) FILTER (WHERE s), 0) AS churn_rate
        FROM b LEFT JOIN acc USING (period_start) GROUP BY ALL ORDER BY 1""",
        ("customers_start", "customers_lost", "churn_rate")),
    "nps": ("""WITH {bounds}, r AS (SELECT date_trunc('month', responded_at)::DATE AS period_start, count(*) AS responses,
               count(*) FILTER (WHERE score >= 9) AS promoters, count(*) FILTER (WHERE score BETWEEN 7 AND 8) AS passives,
               count(*) FILTER (WHERE score <= 6) AS detractors
            FROM survey_responses WHERE kind = 'nps' GROUP BY ALL),
        s AS (SELECT b.period_start, coalesce(responses, 0) AS responses, coalesce(promoters, 0) AS promoters,
               coalesce(passives, 0) AS passives, coalesce(detractors, 0) AS detractors,
               promoters / nullif(responses, 0) AS p, detractors / nullif(responses, 0) AS d
            FROM b LEFT JOIN r USING (period_start))
        SELECT period_start, responses, promoters, passives, detractors, 100.0 * (p - d) AS nps,
               CASE WHEN responses > 0 THEN greatest(100.0 * (p - d)
                    - 195.9963984540054 * sqrt((p + d - pow(p - d, 2)) / responses), -100.0) END AS nps_low,
               CASE WHEN responses > 0 THEN least(100.0 * (p - d)
                    + 195.9963984540054 * sqrt((p + d - pow(p - d, 2)) / responses), 100.0) END AS nps_high,
               CASE WHEN responses = 0 THEN 'no responses in the period' END AS note
        FROM s ORDER BY 1""",
        ("responses", "promoters", "passives", "detractors", "nps", "nps_low", "nps_high")),
    "ticket_volume": (f"""WITH {{bounds}}, {EDGES},
        c AS (SELECT period_start, count(*) AS customers_start FROM acc WHERE s GROUP BY ALL),
        o AS (SELECT date_trunc('month', opened_at)::DATE AS period_start, count(*) AS tickets_opened FROM tickets GROUP BY ALL),
        k AS (SELECT b.period_start, count(*) AS backlog FROM b JOIN tickets t ON CAST(t.opened_at AS DATE) < b.next_start
              AND (t.closed_at IS NULL OR CAST(t.closed_at AS DATE) >= b.next_start) GROUP BY ALL)
        SELECT b.period_start, coalesce(customers_start, 0) AS customers_start, coalesce(tickets_opened, 0) AS tickets_opened,
               coalesce(backlog, 0) AS backlog, tickets_opened / customers_start AS tickets_per_account
        FROM b LEFT JOIN c USING (period_start) LEFT JOIN o USING (period_start) LEFT JOIN k USING (period_start) ORDER BY 1""",
        ("customers_start", "tickets_opened", "backlog", "tickets_per_account")),
    "session_minutes": (f"""WITH {{bounds}}, {EDGES},
        c AS (SELECT period_start, count(*) AS customers_start FROM acc WHERE s GROUP BY ALL),
        m AS (SELECT b.period_start, sum(a.events) AS sessions, sum(a.value_sum) AS session_minutes
              FROM activity_daily a JOIN b ON a.day >= b.period_start AND a.day < b.next_start
              JOIN acc ON acc.period_start = b.period_start AND acc.account_id = a.account_id AND acc.s
              WHERE a.event_type = 'session' GROUP BY ALL)
        SELECT b.period_start, coalesce(customers_start, 0) AS customers_start, coalesce(sessions, 0) AS sessions,
               coalesce(session_minutes, 0) AS session_minutes, session_minutes / customers_start AS minutes_per_account
        FROM b LEFT JOIN c USING (period_start) LEFT JOIN m USING (period_start) ORDER BY 1""",
        ("customers_start", "sessions", "session_minutes", "minutes_per_account")),
}


def same_figures(ours: list[dict], theirs: list[dict], columns: tuple[str, ...]) -> bool:
    """Equal counts and money, floats within 1e-9 relative."""
    def close(a, b) -> bool:
        if a is None or b is None:
            return a is None and b is None
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return len(ours) == len(theirs) and all(close(o[c], t[c]) for o, t in zip(ours, theirs) for c in columns)


def against_sql(store, end: date, rounds: int) -> None:
    """Each family's metric against its hand-written SQL: Nabd's first call in this process with nothing kept
    (cold: build, compile and run), then interleaved rounds of both (Nabd warm: its kept SQL, nabd.store.compiled);
    medians and Nabd / SQL."""
    import metrics_mrr  # the MRR twin lives beside this file

    starts = period_starts("month", START, end)
    values = ", ".join(f"(DATE '{s}', DATE '{next_period_start(s, 'month')}')" for s in starts)
    bounds = f"b(period_start, next_start) AS (VALUES {values})"
    params = {"period": "month", "start": START, "end": end}
    runs, columns = {}, {}
    for name, (sql, cols) in HAND_SQL.items():
        text = sql.format(bounds=bounds)
        runs[("nabd", name)] = lambda name=name: compute(store, name, **params)
        runs[("sql", name)] = lambda text=text: store.raw.execute(text).to_arrow_table()
        columns[name] = cols
    mrr_text = metrics_mrr.hand_sql(starts)
    runs[("nabd", "mrr_movements")] = lambda: compute(store, "mrr_movements", **params)
    runs[("sql", "mrr_movements")] = lambda: store.raw.execute(mrr_text).to_arrow_table()
    columns["mrr_movements"] = metrics_mrr.MOVES
    cold = {name: timed(runs[("nabd", name)])[0] for name in columns}
    times = {key: [] for key in runs}
    results = {}
    order = list(runs)
    for _ in range(rounds):
        random.shuffle(order)
        for key in order:
            began = time.perf_counter()
            results[key] = runs[key]()
            times[key].append(time.perf_counter() - began)
    print(f"{rounds} interleaved rounds; load average at the end {os.getloadavg()[0]:.1f}")
    print(f"{'metric':<18}{'cold s':>9}{'nabd s':>9}{'sql s':>9}{'cold/sql':>10}{'nabd/sql':>10}  same figures")
    for name, cols in columns.items():
        ours, theirs = results[("nabd", name)].to_pylist(), results[("sql", name)].to_pylist()
        nabd, sql = statistics.median(times[("nabd", name)]), statistics.median(times[("sql", name)])
        print(f"{name:<18}{cold[name]:9.3f}{nabd:9.3f}{sql:9.3f}{cold[name] / sql:10.2f}{nabd / sql:10.2f}  "
              f"{same_figures(ours, theirs, cols)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--months", type=int, default=MONTH_COUNT)
    parser.add_argument("--sql", action="store_true", help="each family against hand-written SQL instead")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ["XDG_CACHE_HOME"] = str(WORK / "cache")  # no SQL kept from an earlier run: each first call compiles
    store = open_store(f"duckdb:///{WORK / 'metrics.duckdb'}")
    seconds, _ = timed(lambda: generate(store, args.accounts, args.events, args.months))
    print(f"generated {args.accounts:,} accounts, {args.events:,} events in {seconds:.1f} s "
          f"(activity_daily: {store.scalar('SELECT count(*) FROM activity_daily'):,} rows)")
    end = date(START.year + (args.months - 1) // 12, (args.months - 1) % 12 + 1, 1)
    if args.sql:
        against_sql(store, end, args.rounds)
        store.close()
        return
    params = {"period": "month", "start": START, "end": end}
    nabd_times: dict[str, float] = {}
    for name in METRICS:
        extra = {"metric": "customer_churn", "by": "segment"} if name == "change_explained" else {}
        if name == "change_explained":
            call = {"period": "month", "start": START, "end": end, **extra}
        else:
            call = params
        nabd_times[name], result = timed(lambda: compute(store, name, **call))
        print(f"  nabd {name:<18} {nabd_times[name]:7.2f} s  ({result.num_rows} rows)")
    total = sum(nabd_times.values())
    bare, _ = timed(lambda: store.raw.execute(
        "SELECT account_id, count(*), sum(value) FROM events GROUP BY account_id").fetchall())
    load, frames = timed(lambda: {
        "subs": store.raw.execute("SELECT account_id, mrr::DOUBLE AS mrr, currency, start_date::TIMESTAMP AS start_date, "
                                  "end_date::TIMESTAMP AS end_date FROM subscriptions").df(),
        "rates": store.raw.execute("SELECT currency, valid_from::TIMESTAMP AS valid_from, rate::DOUBLE AS rate FROM currency_rates").df(),
        "responses": store.raw.execute("SELECT kind, score, responded_at FROM survey_responses").df(),
        "tickets": store.raw.execute("SELECT opened_at FROM tickets").df(),
        "activity": store.raw.execute("SELECT account_id, contact_id, day::TIMESTAMP AS day, event_type, value_sum FROM activity_daily").df(),
    })
    f = frames
    pandas_times = {}
    pandas_times["customer_churn"], churn = timed(lambda: pandas_customer_churn(f["subs"], args.months))
    pandas_times["mrr_movements"], _ = timed(lambda: pandas_mrr_movements(f["subs"], f["rates"], args.months))
    pandas_times["nps"], _ = timed(lambda: pandas_nps(f["responses"]))
    pandas_times["ticket_volume"], _ = timed(lambda: pandas_tickets_per_account(f["tickets"], churn))
    usage_seconds, _ = timed(lambda: pandas_usage(f["activity"], f["subs"], args.months))
    pandas_times["active_users+session_minutes"] = usage_seconds
    nabd_times["active_users+session_minutes"] = nabd_times["active_users"] + nabd_times["session_minutes"]
    print(f"\nbare DuckDB aggregate over events: {bare:.2f} s; pandas load of the frames: {load:.2f} s")
    print(f"all {len(METRICS)} metrics in Nabd: {total:.2f} s = {total / bare:.1f} x the bare aggregate")
    print(f"{'metric':<30}{'nabd s':>9}{'pandas s':>10}{'nabd/pandas':>13}{'nabd/bare':>11}")
    for name, seconds in pandas_times.items():
        print(f"{name:<30}{nabd_times[name]:9.2f}{seconds:10.2f}{nabd_times[name] / seconds:13.2f}{nabd_times[name] / bare:11.1f}")
    store.close()


if __name__ == "__main__":
    main()
