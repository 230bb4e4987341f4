"""Load Ledger into a store through the import path a customer's files take (``import_file`` per
table, accounts first), and mark the database as a demo so a later ``nabd demo`` may replace it."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

from nabd.demo.build import DEMO_KEY, BuildProgress, DemoSummary, clear_earlier_demo, headline_figures
from nabd.demo.companies.ledger.files import generate_ledger_files
from nabd.errors import NabdError
from nabd.ingest.files import import_file
from nabd.store import Store

COMPANY = "ledger"


def build_ledger(
    store: Store, *, accounts: int = 500, months: int = 18, seed: int = 7, end_date: date, workdir: Path,
    progress: BuildProgress | None = None,
) -> DemoSummary:
    """Generate Ledger into ``workdir`` and import it into ``store``; refuse a store with data that is not a demo."""
    if accounts < 1:
        raise NabdError("--accounts must be at least 1")
    if months < 3:
        raise NabdError("--months must be at least 3 so that the company has a history")
    report = progress or (lambda kind, what, rows: None)
    clear_earlier_demo(store)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    files = generate_ledger_files(Path(workdir), accounts=accounts, months=months, seed=seed, end_date=end_date,
                                  progress=lambda message: report("generate", message, None))
    seconds["generate"] = time.perf_counter() - started
    imports = {}
    for table, written in files.items():
        report("import", table, written.rows)
        started = time.perf_counter()
        imports[table] = import_file(
            store, table, written.path,
            progress=lambda stage, done, total, table=table: report(f"import {stage}", table, total),
        )
        seconds[f"import {table}"] = time.perf_counter() - started
    store.execute("DELETE FROM nabd_meta WHERE key = ?", [DEMO_KEY])
    store.execute("INSERT INTO nabd_meta (key, value) VALUES (?, ?)", [DEMO_KEY, json.dumps(
        {"company": COMPANY, "seed": seed, "accounts": accounts, "months": months, "end_date": end_date.isoformat()})])
    churned, mrr = headline_figures(store, end_date)
    return DemoSummary(
        accounts=accounts, churned=churned, events=files["events"].rows, mrr_usd=mrr, as_of=end_date,
        files={t: f.path for t, f in files.items()}, rows={t: f.rows for t, f in files.items()},
        imports=imports, seconds=seconds,
    )
