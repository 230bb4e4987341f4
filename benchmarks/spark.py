"""Spark local mode against DuckDB on this machine: the same health-score and metric expressions, each engine
writing its result as Parquet, with the ratio, the peak memory and Spark's measured per-task (per-partition)
costs, from which benchmarks/RESULTS.md estimates a cluster for a larger company.

    .venv/bin/python benchmarks/spark.py [--accounts 100000] [--events 10000000] [--master local[2]]
                                         [--driver-memory 8g] [--reuse] [--repeat 1] [--generate-only]

The company is benchmarks/health.py's generator (DuckDB SQL: accounts with one subscription each, events over
120 days rolled up into activity_daily by ingest's own rollup, tickets, invoices, NPS answers) in a fresh
DuckDB store, then ``nabd export parquet`` writes its tables (nabd.store.parquet). Timed, alternating engines:
- floor: one bare ``GROUP BY account_id`` over ``events`` (count, sum of value);
- score: the default scorecard (:func:`nabd.health.score_expression.scored`, 15 measures) for one as-of day,
  written as Parquet;
- mrr_movements: the MRR waterfall by month over 12 months, written as Parquet;
on DuckDB over its own tables, on DuckDB over the Parquet folder (the same files Spark reads), and on Spark
(``--master``, one JVM in local mode). Peak memory: this process's (DuckDB runs in it) and the JVM's VmHWM.
Spark's event log gives each task's run time, CPU time, input bytes and peak execution memory per phase.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from health import AS_OF, generate  # noqa: E402  (benchmarks/health.py: the same synthetic company)

import ibis  # noqa: E402

from nabd.health.score_expression import scored  # noqa: E402
from nabd.health.scorecard import load_scorecard  # noqa: E402
from nabd.metrics.registry import metric_expression  # noqa: E402
from nabd.store import open_store  # noqa: E402
from nabd.store.connection import DatabaseURL, Store  # noqa: E402
from nabd.store.parquet import export_parquet, exported_tables  # noqa: E402
from nabd.store.spark import spark_session, spark_store  # noqa: E402
from nabd.store.sql import string_literal  # noqa: E402

WORK = Path("/tmp/nabd_bench_spark")
MRR = {"period": "month", "start": date(2023, 7, 1), "end": date(2024, 6, 30)}


def duckdb_over_parquet(folder: Path) -> Store:
    """An in-memory DuckDB whose tables are views over the Parquet folder (the files Spark reads)."""
    store = Store(DatabaseURL(kind="duckdb", path=":memory:"), ibis.duckdb.connect())
    for name, path in exported_tables(str(folder)).items():
        store.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({string_literal(path)})")
    return store


def floor(store: Store) -> ibis.Table:
    events = store.table("events")
    return events.group_by("account_id").aggregate(events=events.count(), value=events.value.sum())


def jobs(store: Store, out: Path) -> dict:
    """The timed phases: name -> a function writing that phase's result as Parquet under ``out``."""
    card = load_scorecard()
    return {
        "floor": lambda: write(store, floor(store), out / "floor"),
        "score": lambda: write(store, scored(store, card, AS_OF), out / "score"),
        "mrr_movements": lambda: write(store, metric_expression(store, "mrr_movements", **MRR), out / "mrr"),
    }


def write(store: Store, expression: ibis.Table, path: Path) -> None:
    if store.kind == "spark":
        store.ibis.to_parquet(expression, str(path), mode="overwrite")
    else:
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        store.ibis.to_parquet(expression, path)


def jvm_cpu_seconds(session) -> float:
    """CPU seconds (user + system) the JVM has used so far: Spark's driver and executor threads in local mode."""
    pid = session._jvm.java.lang.ProcessHandle.current().pid()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def jvm_peak_mb(session) -> float:
    """The JVM's peak resident memory (VmHWM), in MB."""
    pid = session._jvm.java.lang.ProcessHandle.current().pid()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def task_costs(log_folder: Path) -> dict[str, dict[str, float]]:
    """Per phase (the job group set while it ran): tasks, their run and CPU seconds, input bytes and rows,
    shuffle bytes written, and the largest peak execution memory of a task, from Spark's event log."""
    stage_group: dict[int, str] = {}
    costs: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for file in log_folder.rglob("*"):
        if not file.is_file() or file.name.startswith("appstatus"):
            continue
        for line in file.read_text().splitlines():
            event = json.loads(line)
            if event["Event"] == "SparkListenerJobStart":
                group = (event.get("Properties") or {}).get("spark.jobGroup.id", "other")
                for stage in event.get("Stage IDs", []):
                    stage_group[stage] = group
            elif event["Event"] == "SparkListenerTaskEnd":
                metrics = event.get("Task Metrics") or {}
                phase = costs[stage_group.get(event["Stage ID"], "other")]
                phase["tasks"] += 1
                phase["run_s"] += metrics.get("Executor Run Time", 0) / 1e3
                phase["cpu_s"] += metrics.get("Executor CPU Time", 0) / 1e9
                phase["input_mb"] += (metrics.get("Input Metrics") or {}).get("Bytes Read", 0) / 2**20
                phase["input_rows"] += (metrics.get("Input Metrics") or {}).get("Records Read", 0)
                phase["shuffle_write_mb"] += (metrics.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0) / 2**20
                phase["max_task_run_s"] = max(phase["max_task_run_s"], metrics.get("Executor Run Time", 0) / 1e3)
                peak = metrics.get("Peak Execution Memory", 0) / 2**20
                phase["max_task_peak_mb"] = max(phase["max_task_peak_mb"], peak)
    return {name: dict(values) for name, values in costs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="8g")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the generated store and Parquet")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--generate-only", action="store_true",
                        help="build the store and its Parquet (untimed) and stop: time them later with --reuse")
    args = parser.parse_args()
    folder = args.work / f"{args.accounts}-accounts-{args.events}-events"
    parquet, results = folder / "parquet", folder / "results"
    print(f"load average before: {os.getloadavg()}")
    if not (args.reuse and (folder / "ready").exists()):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        with open_store(f"duckdb:///{folder / 'nabd.duckdb'}") as store:
            store.execute("SET memory_limit = '8GB'")
            generate(store, args.accounts, args.events)
            print(f"generated in {time.perf_counter() - started:.0f} s (untimed)")
            started = time.perf_counter()
            export_parquet(store, parquet)
            print(f"exported to Parquet in {time.perf_counter() - started:.0f} s (untimed)")
        (folder / "ready").touch()
    if args.generate_only:
        return
    size = sum(f.stat().st_size for f in parquet.rglob("*.parquet")) / 2**20
    print(f"Parquet folder: {size:,.0f} MB ({(parquet / 'events.parquet').stat().st_size / 2**20:,.0f} MB events)")

    logs = folder / "spark-events"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    started = time.perf_counter()
    session = spark_session(args.master, {
        "spark.driver.memory": args.driver_memory, "spark.ui.enabled": "false",
        "spark.eventLog.enabled": "true", "spark.eventLog.dir": logs.as_uri(),
        "spark.eventLog.rolling.enabled": "false", "spark.eventLog.compress": "false",  # one plain JSON file
        "spark.sql.shuffle.partitions": "16",
    })
    spark = spark_store(parquet, session=session)
    print(f"Spark session and views: {time.perf_counter() - started:.1f} s (untimed)")
    own = open_store(f"duckdb:///{folder / 'nabd.duckdb'}")
    own.execute("SET memory_limit = '8GB'")
    over_parquet = duckdb_over_parquet(parquet)
    over_parquet.execute("SET memory_limit = '8GB'")
    engines = {"duckdb": own, "duckdb_parquet": over_parquet, "spark": spark}
    timings: dict[tuple[str, str], list[float]] = defaultdict(list)
    cpu: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _ in range(args.repeat):
        for engine, store in engines.items():
            for phase, run in jobs(store, results / engine).items():
                if engine == "spark":
                    session.sparkContext.setJobGroup(phase, phase)
                load = os.getloadavg()[0]
                cpu_before = time.process_time() + jvm_cpu_seconds(session)
                started = time.perf_counter()
                run()
                timings[(engine, phase)].append(time.perf_counter() - started)
                cpu[(engine, phase)].append(time.process_time() + jvm_cpu_seconds(session) - cpu_before)
                print(f"{engine:15s} {phase:14s} {timings[(engine, phase)][-1]:8.2f} s wall "
                      f"{cpu[(engine, phase)][-1]:8.2f} s CPU (load {load:.1f})", flush=True)
    print(f"\npeak memory: this process (DuckDB) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB, "
          f"Spark's JVM {jvm_peak_mb(session):,.0f} MB")
    print(f"load average after: {os.getloadavg()}")
    for label, seconds in (("wall", timings), ("CPU (this process + the JVM)", cpu)):
        print(f"\n{label}, best of {args.repeat}:")
        print("| phase | DuckDB (own tables) | DuckDB (Parquet) | Spark local | Spark / DuckDB | Spark / DuckDB-Parquet |")
        print("|---|---:|---:|---:|---:|---:|")
        for phase in ("floor", "score", "mrr_movements"):
            best = {engine: min(seconds[(engine, phase)]) for engine in engines}
            print(f"| {phase} | {best['duckdb']:.2f} s | {best['duckdb_parquet']:.2f} s | {best['spark']:.2f} s | "
                  f"{best['spark'] / best['duckdb']:.1f}x | {best['spark'] / best['duckdb_parquet']:.1f}x |")
    session.stop()
    print("\nSpark tasks per phase (event log; all repeats):")
    print("| phase | tasks | run s | CPU s | input MB | input rows | shuffle written MB | slowest task s | largest task peak memory MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for phase, cost in sorted(task_costs(logs).items()):
        print(f"| {phase} | {cost['tasks']:.0f} | {cost['run_s']:.1f} | {cost['cpu_s']:.1f} | {cost['input_mb']:,.0f} | "
              f"{cost['input_rows']:,.0f} | {cost['shuffle_write_mb']:,.0f} | {cost['max_task_run_s']:.1f} | "
              f"{cost['max_task_peak_mb']:,.0f} |")


if __name__ == "__main__":
    main()
