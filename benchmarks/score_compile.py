"""What a scoring process pays before its query runs: building and compiling the default scorecard's
expression (a cold process) against reading the SQL kept by an earlier one (nabd.health.scoring).

    .venv/bin/python benchmarks/score_compile.py [--rounds 7]

Each round, in a fresh random order: `cold` removes the kept SQL and calls ``scoring_sql`` (builds
the 15-measure expression and compiles it with Ibis); `kept` calls it with the SQL kept in the cache
folder (this run's own, under the work folder), as a new process would. Both forget what this process
compiled first, and both are in this process, so Ibis' import is paid by neither (a new process pays it
either way). The two must give the same SQL.
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

import nabd.store.compiled as compiled
from nabd.health.scorecard import load_scorecard
from nabd.health.scoring import scoring_sql
from nabd.store import open_store

WORK = Path("/tmp/nabd_bench_score_compile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ["XDG_CACHE_HOME"] = str(WORK / "cache")  # this run's cache of compiled SQL (nabd.store.compiled)
    store = open_store(f"duckdb:///{WORK / 'nabd.duckdb'}")
    card = load_scorecard()
    kept = WORK / "cache" / "nabd" / "compiled"
    day = date(2026, 6, 30)
    reference = scoring_sql(store, card)(day)
    times: dict[str, list[float]] = {"cold": [], "kept": []}
    for _ in range(args.rounds):
        for name in random.sample(list(times), 2):
            compiled._COMPILED_HERE.clear()  # as a new process
            if name == "cold":
                shutil.rmtree(kept, ignore_errors=True)
            began = time.perf_counter()
            sql = scoring_sql(store, card)(day)
            times[name].append(time.perf_counter() - began)
            assert sql == reference
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"default scorecard, {args.rounds} interleaved rounds, load average {os.getloadavg()[0]:.1f}")
    for name, values in times.items():
        print(f"  {name:<5} median {median[name]:.3f} s  (runs: {', '.join(f'{v:.3f}' for v in values)})")
    print(f"  saved per process: {median['cold'] - median['kept']:.3f} s ({median['cold'] / median['kept']:.0f}x)")
    store.close()


if __name__ == "__main__":
    main()
