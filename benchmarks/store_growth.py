"""How the cost of a write grows with what a DuckDB table already holds, with and without ART indexes.

    .venv/bin/python benchmarks/store_growth.py [--accounts 1000000] [--days 1 10 30]
                                                [--events 1000000 10000000] [--work /tmp/nabd_bench_growth]

DuckDB 1.5 writes a whole ART index again at each checkpoint (duckdb/duckdb#24848), so a write's cost
can grow with the table rather than with the write. Two tables Nabd writes every day, each in a fresh
file, keyed as the store had them and bare:
- health scores: ``days`` daily as-ofs of ``accounts`` rows stored, then the next day inserted and
  committed (one scoring run's write; the narrow columns of the key, score and band). Keyed = the
  primary key (account_id, as_of, scorecard_version) and the account_id index that health_scores had
  before migration 0009; bare = as it is now on DuckDB.
- events: ``events`` rows stored, then 60 commits of 10,000 new events (the size of intake drains).
  Keyed = ``event_id`` primary key, as ``events`` has it (its idempotency key); bare = none.
It prints each timing, the keyed / bare ratio of the same size, and the file sizes.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import duckdb

WORK = Path("/tmp/nabd_bench_growth")
BATCHES, BATCH = 60, 10_000


def _fresh(work: Path, name: str) -> tuple[duckdb.DuckDBPyConnection, Path]:
    path = work / f"{name}.duckdb"
    path.unlink(missing_ok=True)
    return duckdb.connect(str(path)), path


def _score_day(con: duckdb.DuckDBPyConnection, accounts: int, day: int) -> None:
    con.execute(f"""INSERT INTO scores SELECT 'A' || i, DATE '2024-01-01' + INTERVAL ({day}) DAY,
                    '96dc620b7e1f', 'default', i % 101, ['unhealthy', 'neutral', 'healthy'][1 + i % 3]
                    FROM range({accounts}) t(i) ORDER BY 1""")


def health_scores(work: Path, accounts: int, days: int, keyed: bool) -> tuple[float, float, int]:
    """(insert s, commit s, file bytes) of the day after ``days`` stored days."""
    con, path = _fresh(work, f"scores-{days}-{'keyed' if keyed else 'bare'}")
    key = ", PRIMARY KEY (account_id, as_of, scorecard_version)" if keyed else ""
    con.execute("CREATE TABLE scores (account_id TEXT NOT NULL, as_of DATE NOT NULL, scorecard_version TEXT NOT NULL, "
                f"scorecard TEXT NOT NULL, score INTEGER, band TEXT{key})")
    if keyed:
        con.execute("CREATE INDEX scores_account ON scores (account_id)")
    for day in range(days):
        _score_day(con, accounts, day)
    con.execute("CHECKPOINT")
    con.execute("BEGIN")
    started = time.perf_counter()
    _score_day(con, accounts, days)
    inserted = time.perf_counter()
    con.execute("COMMIT")
    committed = time.perf_counter()
    con.close()
    size = path.stat().st_size
    path.unlink()
    return inserted - started, committed - inserted, size


def events(work: Path, stored: int, keyed: bool) -> tuple[float, float, int]:
    """(events/s over the commits, slowest commit s, file bytes) with ``stored`` events already in."""
    con, path = _fresh(work, f"events-{stored}-{'keyed' if keyed else 'bare'}")
    con.execute(f"CREATE TABLE events (event_id TEXT {'PRIMARY KEY' if keyed else ''}, account_id TEXT NOT NULL, "
                "contact_id TEXT, event_type TEXT NOT NULL, ts TIMESTAMP NOT NULL, value DOUBLE)")
    for first in range(0, stored, 5_000_000):
        con.execute(f"""INSERT INTO events SELECT md5(i::TEXT), 'A' || i % 10000, 'C' || i % 80000, 'session',
                        TIMESTAMP '2024-01-01' + INTERVAL (i % 10000000) SECOND, 5
                        FROM range({first}, {min(stored, first + 5_000_000)}) t(i)""")
    con.execute("CHECKPOINT")
    slowest, started = 0.0, time.perf_counter()
    for batch in range(BATCHES):
        began = time.perf_counter()
        con.execute(f"""INSERT INTO events SELECT md5('new' || i::TEXT), 'A' || i % 10000, 'C' || i % 80000, 'session',
                        TIMESTAMP '2024-06-01' + INTERVAL (i) SECOND, 5
                        FROM range({batch * BATCH}, {(batch + 1) * BATCH}) t(i)""")
        slowest = max(slowest, time.perf_counter() - began)
    rate = BATCHES * BATCH / (time.perf_counter() - started)
    con.close()
    size = path.stat().st_size
    path.unlink()
    return rate, slowest, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, nargs="*", default=[1, 10, 30])
    parser.add_argument("--events", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--work", type=Path, default=WORK)
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    mib = 2**20
    for days in options.days:
        (k_insert, k_commit, k_size), (b_insert, b_commit, b_size) = (
            health_scores(options.work, options.accounts, days, keyed) for keyed in (True, False))
        print(f"health scores, {days:3} days of {options.accounts:,} stored, next day: keyed insert {k_insert:.2f} s "
              f"commit {k_commit:.2f} s ({k_size / mib:,.0f} MiB) | bare insert {b_insert:.2f} s commit {b_commit:.2f} s "
              f"({b_size / mib:,.0f} MiB) | keyed / bare {(k_insert + k_commit) / (b_insert + b_commit):.1f}x", flush=True)
    for stored in options.events:
        (k_rate, k_slowest, k_size), (b_rate, b_slowest, b_size) = (
            events(options.work, stored, keyed) for keyed in (True, False))
        print(f"events, {stored:,} stored, {BATCHES} commits of {BATCH:,}: keyed {k_rate:,.0f} events/s (slowest commit "
              f"{k_slowest:.2f} s, {k_size / mib:,.0f} MiB) | bare {b_rate:,.0f} events/s (slowest {b_slowest:.2f} s, "
              f"{b_size / mib:,.0f} MiB) | bare / keyed {b_rate / k_rate:.1f}x", flush=True)
    shutil.rmtree(options.work, ignore_errors=True)


if __name__ == "__main__":
    main()
