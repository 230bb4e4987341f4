"""Bring-your-own-data benchmark: `nabd profile` and `nabd scorecard init` on Ledger (the second demo company,
its own event names), against a bare GROUP BY over ``events`` timed in the same run.

    .venv/bin/python benchmarks/scorecard_init.py [--accounts 20000] [--months 18] [--every 28] [--reuse]
    .venv/bin/python benchmarks/scorecard_init.py --accounts 20000 --parts 5 [--reuse]
    .venv/bin/python benchmarks/scorecard_init.py --synthetic --accounts 100000 --events 10000000 [--reuse]

The company is Ledger's generator loaded through the import path (``build_ledger``) into a DuckDB store in
``<--work, /tmp/nabd_bench_init>/<accounts>-accounts-<months>-months`` (``--reuse`` keeps it). It times
- the floor: one ``SELECT account_id, count(*), sum(value) FROM events GROUP BY account_id``;
- :func:`nabd.health.profile.profile` under the shipped starter scorecard (as `nabd profile` runs it);
- :func:`nabd.health.scorecard_init.init_scorecard` (candidates on every ``--every``-day as-of date of the
  observed year, fit, check, and the backtests of the shipped scorecards on the check dates);
and prints wall seconds, their ratio to the floor, and the process's peak resident memory. With ``--parts K``
the company is K Ledgers of ``--accounts`` each, generated with seeds 7, 8, ... (one at a time: Ledger's
generator passed 16 GiB at 100,000 workspaces) and merged into one store, the ids of part k >= 2 prefixed
``pk-`` (K x accounts workspaces; each part is its own company, none a copy of another; benchmarks/ledger_parts.py,
shared with benchmarks/churn.py). With
``--synthetic`` the company is the health benchmark's SQL-generated one (benchmarks/health.py: ``--events``
over 120 days, one open subscription per account, so no churn) and only the floor and `nabd profile` are
timed: it reaches 100k accounts / 10M events in minutes where Ledger's generator takes far longer.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from ledger_parts import built, ledger_store  # benchmarks/ledger_parts.py
from nabd.health.backtest import backtest_dates
from nabd.health.coverage import STARTER_SCORECARD
from nabd.health.profile import profile
from nabd.health.scorecard import load_scorecard
from nabd.health.scorecard_init import init_scorecard, render_starter
from nabd.store import open_store


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--every", type=int, default=28, help="days between as-of dates of scorecard init")
    parser.add_argument("--work", type=Path, default=Path("/tmp/nabd_bench_init"))
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--parts", type=int, default=1, help="merge this many Ledgers of --accounts (seeds 7, 8, ...)")
    parser.add_argument("--synthetic", action="store_true", help="profile only, on benchmarks/health.py's company")
    parser.add_argument("--events", type=int, default=10_000_000, help="with --synthetic")
    args = parser.parse_args()
    if args.synthetic:
        synthetic_profile(args)
        return
    path = ledger_store(args.work, args.accounts, args.months, args.parts, args.reuse)
    with open_store(f"duckdb:///{path}") as store:
        events = store.scalar("SELECT count(*) FROM events")
        accounts = store.scalar("SELECT count(*) FROM accounts")
        print(f"{accounts:,} accounts, {events:,} events, {args.months} months")
        started = time.perf_counter()
        store.fetchall("SELECT account_id, count(*), sum(value) FROM events GROUP BY account_id")
        floor = time.perf_counter() - started
        started = time.perf_counter()
        profile(store, load_scorecard(str(STARTER_SCORECARD)))
        profiled = time.perf_counter() - started
        print(f"peak memory after profile: {peak_gib():.2f} GiB")
        started = time.perf_counter()
        starter = init_scorecard(store, backtest_dates(store, None, None, args.every, 90), 90)
        learnt = time.perf_counter() - started
    print("\n".join(render_starter(starter)))
    print(f"floor (GROUP BY over events) {floor:8.2f} s")
    print(f"nabd profile                 {profiled:8.2f} s  {profiled / floor:7.1f}x the floor")
    print(f"nabd scorecard init          {learnt:8.2f} s  {learnt / floor:7.1f}x the floor "
          f"({len(starter.fitted_on) + len(starter.checked_on)} as-of dates every {args.every} days)")
    print(f"peak memory {peak_gib():.2f} GiB")


def synthetic_profile(args: argparse.Namespace) -> None:
    """Time the floor and `nabd profile` on benchmarks/health.py's generated company."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from health import generate  # benchmarks/health.py

    path = built(args.work / f"synthetic-{args.accounts}-accounts-{args.events}-events" / "nabd.duckdb", args.reuse,
                 lambda store: generate(store, args.accounts, args.events), "generated")
    with open_store(f"duckdb:///{path}") as store:
        events = store.scalar("SELECT count(*) FROM events")
        started = time.perf_counter()
        store.fetchall("SELECT account_id, count(*), sum(value) FROM events GROUP BY account_id")
        floor = time.perf_counter() - started
        started = time.perf_counter()
        profile(store, load_scorecard(str(STARTER_SCORECARD)))
        profiled = time.perf_counter() - started
    print(f"{args.accounts:,} accounts, {events:,} events (synthetic)")
    print(f"floor (GROUP BY over events) {floor:8.2f} s")
    print(f"nabd profile                 {profiled:8.2f} s  {profiled / floor:7.1f}x the floor")
    print(f"peak memory {peak_gib():.2f} GiB")


if __name__ == "__main__":
    main()
