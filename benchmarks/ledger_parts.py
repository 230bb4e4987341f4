"""Ledger stores for the benchmarks: one Ledger (the second demo company) of N workspaces, or K of them generated
with seeds 7, 8, ... one at a time and merged into one store (Ledger's generator passed 16 GiB at 100,000
workspaces in one go; 5 x 20,000 stays near 5 GiB). Used by benchmarks/scorecard_init.py and benchmarks/churn.py.

    ledger_store(work, accounts, months, parts, reuse)   # the store's path: one part, or the parts merged
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from nabd.demo.companies.ledger import build_ledger
from nabd.store import Store, open_store

END = date(2026, 10, 31)

MERGED_TABLES = ("accounts", "contacts", "subscriptions", "invoices", "tickets", "survey_responses", "referrals",
                 "events", "activity_daily")  # every table a Ledger fills but the run records and event_types


def built(path: Path, reuse: bool, build: Callable[[Store], object], done: str) -> Path:
    """The DuckDB store at ``path``, filled by ``build(store)`` unless ``reuse`` and it exists (then kept as it
    is); prints "``done`` in N s" after a build."""
    if not (reuse and path.exists()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        with open_store(f"duckdb:///{path}") as store:
            build(store)
        print(f"{done} in {time.perf_counter() - started:.0f} s")
    return path


def ledger_part(work: Path, accounts: int, months: int, seed: int, reuse: bool) -> Path:
    """The store of one Ledger of ``accounts`` workspaces generated with ``seed`` (built unless ``reuse`` finds it)."""
    suffix = "" if seed == 7 else f"-seed-{seed}"
    folder = work / f"{accounts}-accounts-{months}-months{suffix}"
    return built(folder / "nabd.duckdb", reuse,
                 lambda store: build_ledger(store, accounts=accounts, months=months, seed=seed, end_date=END,
                                            workdir=folder / "files"),
                 f"built Ledger (seed {seed})")


def merged(work: Path, accounts: int, months: int, parts: list[Path], reuse: bool) -> Path:
    """One store holding every part: a copy of the first, then each later part's rows with their text id columns
    (``*_id``) prefixed ``pK-``."""
    path = work / f"{accounts}x{len(parts)}-accounts-{months}-months" / "nabd.duckdb"
    if reuse and path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(parts[0], path)
    started = time.perf_counter()
    with open_store(f"duckdb:///{path}") as store:
        for k, part in enumerate(parts[1:], start=2):
            store.execute(f"ATTACH '{part}' AS part{k} (READ_ONLY)")
            for table in MERGED_TABLES:
                columns = store.fetchall(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() "
                    "AND table_schema = 'main' "
                    "AND table_name = ? ORDER BY ordinal_position", [table])
                selected = ", ".join(f"'p{k}-' || \"{name}\"" if name.endswith("_id") and kind == "VARCHAR"
                                     else f'"{name}"' for name, kind in columns)
                store.execute(f"INSERT INTO main.{table} SELECT {selected} FROM part{k}.main.{table}")
            store.execute(f"DETACH part{k}")
    print(f"merged {len(parts)} parts in {time.perf_counter() - started:.0f} s")
    return path


def ledger_store(work: Path, accounts: int, months: int, parts: int, reuse: bool) -> Path:
    """The store of ``parts`` Ledgers of ``accounts`` workspaces (seeds 7, 8, ...): the one part, or all merged."""
    paths = [ledger_part(work, accounts, months, 7 + k, reuse) for k in range(parts)]
    return paths[0] if parts == 1 else merged(work, accounts, months, paths, reuse)
