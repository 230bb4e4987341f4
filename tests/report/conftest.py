"""The report's own demo: the session demo company (150 accounts to 2026-10-31, seed 7) with weekly health
scores from August, so the portfolio's movement over a month can be shown, its comments analysed, and the
early-warning indicators run weekly from May (so the report can tell whether they caught October's churn)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from nabd.store import Store, open_store

TODAY = date(2026, 12, 6)
INDICATOR_DAYS = [date(2026, 5, 2) + timedelta(days=7 * k) for k in range(27)]  # 2026-05-02 ... 2026-10-31  # the reports are asked for on this day: November is closed, December in progress


@pytest.fixture(scope="session")
def scored_demo(copy_demo, tmp_path_factory) -> Iterator[Store]:
    """The demo company with health scores every 7 days from 2026-08-01 to 2026-10-31. Read it; do not change it.

    A copy of the session's ``demo_store`` file (the same company, built once per session), scored here."""
    from nabd.health.scoring import run_backfill
    from nabd.health.versions import active_scorecard

    opened = open_store(copy_demo(tmp_path_factory.mktemp("report_demo")))
    from nabd.feedback.analysis import analyse_comments
    from nabd.playbooks.indicators import evaluate_indicators, indicator_sql, load_indicator_settings

    scorecard = active_scorecard(opened)
    run_backfill(opened, scorecard, date(2026, 8, 1), date(2026, 10, 31), 7)
    analyse_comments(opened)
    compiled = indicator_sql(opened, load_indicator_settings(), scorecard)
    for day in INDICATOR_DAYS:
        evaluate_indicators(opened, day, scorecard=scorecard, compiled=compiled)
    yield opened
    opened.close()
