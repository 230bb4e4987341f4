"""A backtest on PostgreSQL: each date's SQL planned on its own (literal dates) against one prepared statement
run with its generic plan (nabd.store.per_day.rows_on_days), on the demo company copied into PostgreSQL.

    .venv/bin/python benchmarks/pg_generic_plans.py [--accounts 2000] [--rounds 3] [--url URL]

The demo company is built on DuckDB (18 months to 2026-10-31, seed 7), then every table with rows is copied
into a fresh PostgreSQL schema by COPY. Each round, in a fresh random order: `literal` runs the default
scorecard's backtest outcome query once per as-of date with the date written in (PostgreSQL plans each);
`prepared` runs the same dates through rows_on_days (prepared once per connection: a new connection each
round, so each round pays its one planning). Both must give the same rows. The as-of dates are the
backtest's: every 28 days over the year the data can label.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import duckdb
import psycopg

from nabd.demo.build import build_demo
from nabd.health.backtest import backtest_dates, outcome_columns, outcomes
from nabd.health.scorecard import load_scorecard
from nabd.store import open_store
from nabd.store.compiled import kept_per_day
from nabd.store.copying import copy_from_duckdb
from nabd.store.per_day import as_of_parameter, rows_on_days, sentinel_sql
from nabd.store.sql import string_literal

HORIZON = 90


def copy_company(duckdb_path: Path, url: str) -> None:
    """Every table of the DuckDB store that has rows, into the (migrated, empty) PostgreSQL store at ``url``."""
    with open_store(f"duckdb:///{duckdb_path}") as source:
        tables = [t for t in source.tables() if source.scalar(f'SELECT count(*) FROM "{t}"')]
        columns = {t: list(source.table(t).columns) for t in tables}
    with open_store(url) as target:
        reader = duckdb.connect()
        reader.execute(f"ATTACH {string_literal(str(duckdb_path))} AS demo (READ_ONLY)")
        with target.transaction():
            target.execute("SET session_replication_role = replica")  # rows copied as they are, keys unchecked
            for table in tables:
                target.execute(f'DELETE FROM "{table}"')
                listed = ", ".join(f'"{c}"' for c in columns[table])
                copy_from_duckdb(target, reader, f'SELECT {listed} FROM demo."{table}"', f'"{table}"',
                                 [f'"{c}"' for c in columns[table]])
            target.execute("SET session_replication_role = DEFAULT")
        target.execute("ANALYZE")
        reader.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--url", default=os.environ.get("NABD_TEST_POSTGRES_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    schema = f"nabd_bench_{uuid.uuid4().hex[:8]}"
    url = f"{args.url}?schema={schema}"
    with tempfile.TemporaryDirectory(prefix="nabd-bench-pg-") as folder:
        path = Path(folder) / "demo.duckdb"
        began = time.perf_counter()
        with open_store(f"duckdb:///{path}") as store:
            build_demo(store, accounts=args.accounts, months=18, seed=7, end_date=date(2026, 10, 31),
                       workdir=Path(folder) / "files")
        open_store(url).close()
        copy_company(path, url)
        print(f"demo of {args.accounts} accounts built and copied into {schema} in {time.perf_counter() - began:.0f} s")
        try:
            measure(url, args.rounds)
        finally:
            with psycopg.connect(args.url, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure(url: str, rounds: int) -> None:
    card = load_scorecard()
    with open_store(url) as store:
        dates = backtest_dates(store, None, None, 28, HORIZON)

        def write() -> str:
            as_of = as_of_parameter()
            return sentinel_sql(store, outcomes(store, card, as_of, HORIZON), as_of)

        query = kept_per_day(store, f"outcomes {card.version} {HORIZON} False", write)
        reference = [sorted(store.fetchall(query(day))) for day in dates]
    width = len(outcome_columns(card))
    times: dict[str, list[float]] = {"literal": [], "prepared": []}
    for _ in range(rounds):
        for name in random.sample(list(times), 2):
            with open_store(url) as store:  # a new connection: nothing prepared yet
                began = time.perf_counter()
                if name == "literal":
                    rows = [store.fetchall(query(day)) for day in dates]
                else:
                    rows = rows_on_days(store, query, dates)
                times[name].append(time.perf_counter() - began)
            assert [sorted(r) for r in rows] == reference and all(len(row) == width for r in rows for row in r)
    median = {name: statistics.median(values) for name, values in times.items()}
    pairs = sum(len(r) for r in reference)
    print(f"default scorecard's backtest outcomes, {len(dates)} as-of dates {dates[0]}..{dates[-1]}, {pairs} pairs, "
          f"{rounds} interleaved rounds, load average {os.getloadavg()[0]:.1f}")
    for name, values in times.items():
        print(f"  {name:<8} median {median[name]:.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"  literal / prepared: {median['literal'] / median['prepared']:.2f}x")


if __name__ == "__main__":
    main()
