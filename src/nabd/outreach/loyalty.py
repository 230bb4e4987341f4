"""Loyalty tiers (YAML: ``loyalty.yaml``, NABD_LOYALTY for your own) from tenure, NPS and usage, each with
the reward it earns, and the referral programme's reward.

An account's tier on a day is the highest tier (the last listed) whose every condition holds for it, computed
in the engine over the health measures' own values (nabd.health.measures.values.measure_values):
tenure = tenure_days; nps = nps_latest over 365 days; usage = active_days (days with any event) over 30 days.
The daily run keeps each account's tier in ``account_tiers`` (with the day it entered it) and records the
tier's reward once per account and tier (nabd.outreach.rewards).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path

import ibis
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nabd.health.measures.values import measure_values
from nabd.health.scorecard import MeasureSpec
from nabd.outreach.journey import Bilingual
from nabd.outreach.rewards import Reward, earn
from nabd.store import Store
from nabd.yamlfile import load_model

DEFAULT_LOYALTY = files("nabd.outreach") / "loyalty.yaml"
NPS_DAYS = 365  # the latest NPS answer of this many days counts
USAGE_DAYS = 30  # active days are counted over this many days


class Tier(BaseModel):
    """A loyalty tier: its conditions (each optional, at least one) and the reward entering it earns."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")
    name: Bilingual
    min_tenure_days: int | None = Field(None, ge=0)
    min_nps: int | None = Field(None, ge=0, le=10)
    min_active_days: int | None = Field(None, ge=0, le=USAGE_DAYS)
    reward: Reward | None = None

    @model_validator(mode="after")
    def _some_condition(self) -> Tier:
        if self.min_tenure_days is None and self.min_nps is None and self.min_active_days is None:
            raise ValueError("a tier needs at least one of min_tenure_days, min_nps, min_active_days")
        return self


class Loyalty(BaseModel):
    """The programmes: the referral reward and the tiers, lowest first."""

    model_config = ConfigDict(extra="forbid")

    referral_reward: Reward | None = None
    tiers: list[Tier] = []

    @field_validator("tiers")
    @classmethod
    def _unique(cls, tiers: list[Tier]) -> list[Tier]:
        ids = [tier.id for tier in tiers]
        for tier_id in ids:
            if ids.count(tier_id) > 1:
                raise ValueError(f"tier id {tier_id!r} is used twice")
        return tiers

    def tier(self, tier_id: str | None) -> Tier | None:
        return next((tier for tier in self.tiers if tier.id == tier_id), None)


def load_loyalty(path: str | Path | None = None) -> Loyalty:
    """Read and validate the programmes (the shipped file when ``path`` is None); errors name file:line."""
    return load_model(path or Path(str(DEFAULT_LOYALTY)), Loyalty)


_RULE = {"kind": "percentile"}  # unused: measure_values reads raw values only
MEASURES = [
    MeasureSpec(id="tenure", type="tenure_days", name={"en": "tenure", "ar": "مدة الاشتراك"}, weight=1, rule=_RULE),
    MeasureSpec(id="nps", type="nps_latest", name={"en": "latest NPS", "ar": "آخر NPS"}, weight=1, rule=_RULE,
                params={"window_days": NPS_DAYS}),
    MeasureSpec(id="usage", type="active_days", name={"en": "active days", "ar": "أيام النشاط"}, weight=1,
                rule=_RULE, params={"window_days": USAGE_DAYS}),
]


def _holds(values: ibis.Table, tier: Tier) -> ibis.BooleanValue:
    """Every condition of ``tier`` on the account's values (a missing value meets no condition)."""
    conditions = [values[column] >= minimum for column, minimum in (
        ("r__tenure", tier.min_tenure_days), ("r__nps", tier.min_nps), ("r__usage", tier.min_active_days),
    ) if minimum is not None]
    held = conditions[0]
    for condition in conditions[1:]:
        held = held & condition
    return held.fill_null(False)


def account_tiers(store: Store, loyalty: Loyalty, as_of: date) -> ibis.Table:
    """account_id, tier, tenure, nps, usage: the accounts active on as_of that reach a tier (the highest)."""
    values = measure_values(store, MEASURES, as_of)
    if not loyalty.tiers:
        return values.select("account_id", tier=ibis.literal(None, "string"), tenure="r__tenure", nps="r__nps",
                             usage="r__usage").limit(0)
    tier = ibis.cases(*((_holds(values, t), t.id) for t in reversed(loyalty.tiers)), else_=ibis.null("string"))
    reached = values.select("account_id", tier=tier, tenure="r__tenure", nps="r__nps", usage="r__usage")
    return reached.filter(reached.tier.notnull())


@dataclass
class TierRun:
    """What refreshing the tiers did on a day."""

    as_of: date
    accounts: int = 0  # accounts in a tier
    entered: int = 0  # accounts that entered a tier (or another one) that day
    rewards: int = 0  # rewards earned


def refresh_tiers(store: Store, as_of: date, now: datetime, loyalty: Loyalty | None = None) -> TierRun:
    """Store each account's tier as of ``as_of`` in ``account_tiers`` (``since`` kept while the tier stays) and
    record each tier's reward once per account (pending). A run for an earlier day than the stored one is
    ignored, so a backfill never moves tiers back."""
    loyalty = loyalty or load_loyalty()
    run = TierRun(as_of)
    if store.scalar("SELECT count(*) FROM account_tiers WHERE as_of > ?", [as_of]):
        return run
    compiled = store.ibis.compile(account_tiers(store, loyalty, as_of).select("account_id", "tier"))
    with store.transaction():
        run.entered = int(store.scalar(
            f"SELECT count(*) FROM ({compiled}) t LEFT JOIN account_tiers s ON s.account_id = t.account_id "
            "WHERE s.tier IS NULL OR s.tier <> t.tier"))
        store.execute(f"DELETE FROM account_tiers WHERE account_id NOT IN (SELECT account_id FROM ({compiled}) t)")
        store.execute(
            "INSERT INTO account_tiers (account_id, tier, since, as_of) "
            f"SELECT t.account_id, t.tier, CAST(? AS DATE), CAST(? AS DATE) FROM ({compiled}) t "
            "ON CONFLICT (account_id) DO UPDATE SET since = CASE WHEN account_tiers.tier = excluded.tier "
            "THEN account_tiers.since ELSE excluded.since END, tier = excluded.tier, as_of = excluded.as_of",
            [as_of, as_of],
        )
        run.accounts = int(store.scalar("SELECT count(*) FROM account_tiers"))
        for tier in loyalty.tiers:
            if tier.reward is not None:
                run.rewards += earn(
                    store, tier.reward, "tier",
                    "SELECT 'tier:' || account_id || ':' || tier AS reward_id, account_id, tier AS source_id, "
                    "since AS earned_on FROM account_tiers WHERE tier = ?", [tier.id], now)
    return run


def stored_tier(store: Store, account_id: str) -> tuple[str, date] | None:
    """The account's tier and the day it entered it, as of the last daily run (None: no tier)."""
    rows = store.fetchall("SELECT tier, since FROM account_tiers WHERE account_id = ?", [account_id])
    return (rows[0][0], rows[0][1]) if rows else None
