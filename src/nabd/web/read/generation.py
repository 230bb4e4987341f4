"""When kept results are stale: the data generation, and how long a kept result is shown at most."""

from __future__ import annotations

from typing import Any

from nabd.store import Store

CACHE_SECONDS = 300  # the longest a kept portfolio or dashboard is shown


def data_generation(store: Store) -> tuple[Any, ...]:
    """What changes when data arrives: imports (count, newest end), the newest score computed, accounts,
    the newest intake drain (events, contacts and account traits), survey responses (the survey form) and
    score overrides (each change adds an audit row)."""
    return tuple(store.fetchall(
        "SELECT (SELECT count(*) FROM imports), (SELECT max(finished_at) FROM imports), "
        "(SELECT max(computed_at) FROM health_scores), (SELECT count(*) FROM accounts), "
        "(SELECT max(drained_at) FROM intake_journals), (SELECT count(*) FROM survey_responses), "
        "(SELECT count(*) FROM score_override_audit)"
    )[0])
