"""The report's own demo: the session demo company (150 accounts to 2026-10-31, seed 7) with weekly health
scores from August, so the portfolio's movement over a month can be shown."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from nabd.store import Store, open_store

TODAY = date(2026, 12, 6)  # the reports are asked for on this day: November is closed, December in progress


@pytest.fixture(scope="session")
def scored_demo(demo_store: Store, tmp_path_factory) -> Iterator[Store]:
    """The demo company with health scores every 7 days from 2026-08-01 to 2026-10-31. Read it; do not change it.

    A copy of the session's ``demo_store`` file (the same company, built once per session), scored here."""
    from nabd.health.scoring import run_backfill
    from nabd.health.versions import active_scorecard

    folder = tmp_path_factory.mktemp("report_demo")
    demo_store.execute("CHECKPOINT")  # every row in the file itself, so a copy holds them all
    source = Path(demo_store.url.path)
    for part in source.parent.glob(source.name + "*"):
        if part.is_file() and not part.name.endswith(".wal"):
            shutil.copy2(part, folder / part.name)
    opened = open_store(f"duckdb:///{folder / source.name}")
    run_backfill(opened, active_scorecard(opened), date(2026, 8, 1), date(2026, 10, 31), 7)
    yield opened
    opened.close()
