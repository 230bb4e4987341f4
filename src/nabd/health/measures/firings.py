"""Measures of early warnings: the indicators the daily run fired for an account (``indicator_firings``,
nabd.playbooks.indicators), all of them or only those named in ``params.indicators``.

Point in time: a firing counts in the window when its as_of is one of the window's days (as_of - N, as_of].
"""

from __future__ import annotations

import ibis
from ibis import _

from nabd.health.scorecard import MeasureParams
from nabd.store import Store
from nabd.store.window import Window


def indicator_firings(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """firings of the indicators (every one, or params.indicators) in the window (0 without any)."""
    fired = store.table("indicator_firings")
    fired = fired.filter((fired.as_of >= window.first_day) & (fired.as_of <= window.as_of))
    if params.indicators:
        fired = fired.filter(fired.indicator.isin(params.indicators))
    return fired.group_by("account_id").aggregate(value=_.count())
