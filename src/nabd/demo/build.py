"""Build the demo company in a store: generate its files, import them through the real import
path, and mark the database as a demo so a later run may replace it (and nothing else)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from nabd.demo.generate import TABLE_ORDER, generate_files
from nabd.errors import NabdError
from nabd.ingest.files import ImportSummary, import_file
from nabd.store import CANONICAL_TABLES, Store
from nabd.store.calendar import company_zone

DEMO_KEY = "demo"

# A step of the build: ("generate", message, None) or ("import", table, rows in its file); and
# the import's own (stage, done, total) reports while a file loads.
BuildProgress = Callable[[str, str, int | None], None]


@dataclass
class DemoSummary:
    """What the demo build produced: files, rows per table, headline figures, time per step."""

    accounts: int
    churned: int
    events: int
    mrr_usd: Decimal
    as_of: date
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    imports: dict[str, ImportSummary] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def demo_marker(store: Store) -> dict | None:
    """The demo parameters recorded in ``nabd_meta``, or None when the database holds no demo."""
    value = store.scalar("SELECT value FROM nabd_meta WHERE key = ?", [DEMO_KEY])
    return json.loads(value) if value is not None else None


def holds_data(store: Store) -> bool:
    """Whether any canonical table has a row."""
    return any(store.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT 1) t") for name in CANONICAL_TABLES)


# What the daily run and the web app derive from the demo's rows: records of what ran (playbooks,
# indicators, onboarding, tags, notifications, survey sends) and the comment analyses. A rebuilt
# demo starts without them, so its first `nabd run` acts as on a new company.
DERIVED_TABLES = (
    "indicator_firings", "playbook_runs", "account_tags", "onboarding_milestones", "outbox",
    "survey_sends", "feedback_analysis", "feedback_themes",
)


def check_size(accounts: int, months: int) -> None:
    """A demo company has at least one account and three months of history (one clear line otherwise)."""
    if accounts < 1:
        raise NabdError("--accounts must be at least 1")
    if months < 3:
        raise NabdError("--months must be at least 3 so that the company has a history")


def clear_earlier_demo(store: Store) -> None:
    """Empty every canonical table, and what runs derived from them, of a database that holds an earlier
    demo; refuse any other data."""
    if not holds_data(store):
        return
    if demo_marker(store) is None:
        raise NabdError(
            f"the database {store.url.display} already holds data that is not a Nabd demo; "
            "the demo will not touch it: pass --database with an empty database instead"
        )
    with store.transaction():
        for name in (*CANONICAL_TABLES, *DERIVED_TABLES):
            store.execute(f"DELETE FROM {name}")
        store.execute("DELETE FROM nabd_meta WHERE key = ?", [DEMO_KEY])


def build_demo(
    store: Store,
    *,
    accounts: int = 500,
    months: int = 18,
    seed: int = 7,
    end_date: date,
    workdir: Path,
    progress: BuildProgress | None = None,
) -> DemoSummary:
    """Generate the demo company into ``workdir`` and load it into ``store`` via ``import_file``.

    Refuses (NabdError) a store holding data that is not an earlier demo; replaces an earlier demo.
    """
    check_size(accounts, months)
    report = progress or (lambda kind, what, rows: None)
    clear_earlier_demo(store)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    files = generate_files(
        Path(workdir), accounts=accounts, months=months, seed=seed, end_date=end_date, timezone=company_zone(),
        progress=lambda message: report("generate", message, None),
    )
    seconds["generate"] = time.perf_counter() - started
    imports = {}
    for table in TABLE_ORDER:
        generated = files[table]
        report("import", table, generated.rows)
        started = time.perf_counter()
        imports[table] = import_file(
            store, table, generated.path,
            progress=lambda stage, done, total, table=table: report(f"import {stage}", table, total),
        )  # a load only: `nabd demo` analyses the recent comments after the import
        seconds[f"import {table}"] = time.perf_counter() - started
    store.execute("DELETE FROM nabd_meta WHERE key = ?", [DEMO_KEY])
    store.execute(
        "INSERT INTO nabd_meta (key, value) VALUES (?, ?)",
        [DEMO_KEY, json.dumps({"seed": seed, "accounts": accounts, "months": months,
                               "end_date": end_date.isoformat()})],
    )
    churned, active_mrr = headline_figures(store, end_date)
    return DemoSummary(
        accounts=accounts, churned=churned, events=files["events"].rows, mrr_usd=active_mrr,
        as_of=end_date, files={t: f.path for t, f in files.items()},
        rows={t: f.rows for t, f in files.items()}, imports=imports, seconds=seconds,
    )


def headline_figures(store: Store, as_of: date) -> tuple[int, Decimal]:
    """Accounts without an active platform subscription on ``as_of`` (churned), and the MRR in
    USD of the subscriptions active then (each converted at its currency's latest rate)."""
    churned = store.scalar(
        "SELECT count(*) FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM subscriptions s"
        " WHERE s.account_id = a.account_id AND s.start_date <= ? AND (s.end_date IS NULL OR s.end_date > ?))",
        [as_of, as_of],
    )
    mrr = store.scalar(
        "SELECT coalesce(sum(s.mrr * coalesce((SELECT r.rate FROM currency_rates r"
        "   WHERE r.currency = s.currency AND r.valid_from <= ? ORDER BY r.valid_from DESC LIMIT 1),"
        "   CASE WHEN s.currency = 'USD' THEN 1 END)), 0)"
        " FROM subscriptions s WHERE s.start_date <= ? AND (s.end_date IS NULL OR s.end_date > ?)",
        [as_of, as_of, as_of],
    )
    return int(churned), Decimal(mrr).quantize(Decimal("0.01"))
