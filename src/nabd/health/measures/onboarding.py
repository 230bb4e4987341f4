"""Measures of onboarding progress, from the milestones the daily run records (``onboarding_milestones``:
the first day each milestone was met, nabd.playbooks.onboarding.refresh_onboarding).

Point in time: a milestone counts once its ``completed_on`` is on or before as_of. The plan's milestones are
those the store knows for it by as_of (met by some account of the same plan): the milestone file belongs to
the playbooks layer, above the measures.
"""

from __future__ import annotations

import ibis

from nabd.health.scorecard import MeasureParams
from nabd.store import Store
from nabd.store.window import Window


def _met(store: Store, window: Window) -> ibis.Table:
    met = store.table("onboarding_milestones")
    return met.filter(met.completed_on <= window.as_of)


def onboarding_progress(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """milestones met by as_of / milestones of the account's plan met by any account by as_of (0 to 1)."""
    met = _met(store, window)
    accounts = store.table("accounts")
    accounts = accounts.select("account_id", plan=accounts.plan.fill_null(""))
    by_plan = met.join(accounts, "account_id")
    totals = by_plan.group_by("plan").aggregate(milestones=by_plan.milestone.nunique())
    done = met.group_by("account_id").aggregate(completed=met.milestone.nunique()).rename(done_account="account_id")
    rows = accounts.join(totals, "plan")
    rows = rows.left_join(done, rows.account_id == done.done_account)
    return rows.select("account_id", value=rows.completed.fill_null(0).cast("float64") / rows.milestones)


def days_since_milestone(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """as_of - the day of the last milestone met by as_of (null before the first)."""
    met = _met(store, window)
    last = met.group_by("account_id").aggregate(last_day=met.completed_on.max())
    return last.select("account_id", value=window.as_of.delta(last.last_day, unit="day"))
