"""Onboarding milestones per plan, met from activity_daily, and each account's progress.

A milestone is met on the first day when the account's cumulative ``event_type`` events reach
``min_events`` and the distinct contacts with such an event reach ``min_contacts``.
progress = milestones met by as_of / milestones of the account's plan.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

import ibis
from pydantic import BaseModel, ConfigDict, Field, field_validator

from nabd.metrics.active import customer_accounts
from nabd.yamlfile import load_model
from nabd.store import Store

DEFAULT_ONBOARDING = files("nabd.playbooks") / "onboarding.yaml"


class Milestone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: dict[str, str]
    event_type: str = Field(min_length=1)
    min_events: int = Field(1, ge=1)
    min_contacts: int = Field(1, ge=1)


class Onboarding(BaseModel):
    """Milestones per plan name; ``default`` applies to every plan not listed."""

    model_config = ConfigDict(extra="forbid")

    plans: dict[str, list[Milestone]]

    @field_validator("plans")
    @classmethod
    def _default_and_unique(cls, plans: dict[str, list[Milestone]]) -> dict[str, list[Milestone]]:
        if "default" not in plans:
            raise ValueError("a 'default' plan is needed for the plans not listed")
        for plan, milestones in plans.items():
            ids = [m.id for m in milestones]
            if not ids:
                raise ValueError(f"plan {plan!r} has no milestones")
            if len(set(ids)) != len(ids):
                raise ValueError(f"plan {plan!r} names a milestone twice")
        return plans


def load_onboarding(path: str | Path | None = None) -> Onboarding:
    """Read and validate onboarding milestones (the shipped file when ``path`` is None)."""
    return load_model(path or Path(str(DEFAULT_ONBOARDING)), Onboarding)


def _plan_accounts(store: Store, onboarding: Onboarding, plan: str) -> ibis.Table:
    accounts = customer_accounts(store)
    named = [p for p in onboarding.plans if p != "default"]
    if plan == "default":
        return accounts.filter(accounts.plan.isnull() | ~accounts.plan.isin(named)) if named else accounts
    return accounts.filter(accounts.plan == plan)


def _met_on(store: Store, accounts: ibis.Table, milestone: Milestone) -> ibis.Table:
    """account_id, milestone, completed_on: the first day both the events and the contacts threshold are met."""
    rows = store.table("activity_daily")
    rows = rows.filter((rows.event_type == milestone.event_type) & rows.account_id.isin(accounts.account_id))
    daily = rows.group_by(["account_id", "day"]).aggregate(events=rows.events.sum())
    running = daily.mutate(
        total=daily.events.sum().over(ibis.window(group_by="account_id", order_by="day", preceding=None, following=0))
    )
    events_met = running.filter(running.total >= milestone.min_events).group_by("account_id").aggregate(
        events_day=lambda t: t.day.min()
    )
    firsts = rows.group_by(["account_id", "contact_id"]).aggregate(first_day=rows.day.min())
    ranked = firsts.mutate(rank=ibis.row_number().over(group_by="account_id", order_by=["first_day", "contact_id"]))
    contacts_met = ranked.filter(ranked.rank == milestone.min_contacts - 1).select(
        contact_account="account_id", contacts_day="first_day"
    )
    both = events_met.join(contacts_met, events_met.account_id == contacts_met.contact_account)
    return both.select(
        "account_id",
        milestone=ibis.literal(milestone.id),
        completed_on=ibis.greatest(both.events_day, both.contacts_day),
    )


def milestone_completions(store: Store, onboarding: Onboarding) -> ibis.Table:
    """Every (account_id, milestone, completed_on) met so far, each account against its plan's milestones."""
    parts = [
        _met_on(store, _plan_accounts(store, onboarding, plan), milestone)
        for plan, milestones in onboarding.plans.items()
        for milestone in milestones
    ]
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def milestone_counts(store: Store, onboarding: Onboarding) -> ibis.Table:
    """account_id, milestones: how many milestones each account's plan has."""
    parts = [
        _plan_accounts(store, onboarding, plan).select("account_id", milestones=ibis.literal(len(milestones)))
        for plan, milestones in onboarding.plans.items()
    ]
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def onboarding_progress(store: Store, onboarding: Onboarding, as_of: date | ibis.DateValue) -> ibis.Table:
    """Per account: completed (milestones met by as_of), milestones, progress = completed / milestones,
    last_completed_on (null when none). Reads ``onboarding_milestones``: run :func:`refresh_onboarding` first."""
    met = store.table("onboarding_milestones")
    met = met.filter(met.completed_on <= as_of)
    done = met.group_by("account_id").aggregate(
        completed=met.milestone.nunique(), last_completed_on=met.completed_on.max()
    ).rename(done_account="account_id")
    counts = milestone_counts(store, onboarding)
    joined = counts.left_join(done, counts.account_id == done.done_account)
    completed = joined.completed.fill_null(0)
    return joined.select(
        "account_id", "milestones", "last_completed_on", completed=completed,
        progress=completed.cast("float64") / joined.milestones,
    )


def refresh_onboarding(store: Store, onboarding: Onboarding) -> int:
    """Rewrite ``onboarding_milestones`` from activity; returns how many milestones are met in all."""
    compiled = store.ibis.compile(milestone_completions(store, onboarding))
    with store.transaction():
        store.execute("DELETE FROM onboarding_milestones")
        store.execute(
            f"INSERT INTO onboarding_milestones (account_id, milestone, completed_on) "
            f"SELECT account_id, milestone, completed_on FROM ({compiled}) met"
        )
    return int(store.scalar("SELECT count(*) FROM onboarding_milestones"))
