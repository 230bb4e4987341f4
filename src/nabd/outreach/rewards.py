"""The rewards ledger: rewards (credit, discount, gift) earned by a referral reaching paying or an account
entering a loyalty tier, pending until an admin approves or rejects them (who and when kept on the row).

A reward's id is fixed by what earned it (``referral:REFERRAL_ID``, ``tier:ACCOUNT_ID:TIER``), so each is
earned once however often the daily run repeats. A decision is final: deciding twice is refused.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nabd.errors import NabdError
from nabd.store import Store

KINDS = ("credit", "discount", "gift")
STATUSES = ("pending", "approved", "rejected")
DECISIONS = {"approve": "approved", "reject": "rejected"}


class Description(BaseModel):
    model_config = ConfigDict(extra="forbid")

    en: str = Field(min_length=1, max_length=300)
    ar: str = Field(min_length=1, max_length=300)


class Reward(BaseModel):
    """What is earned: a credit (amount and currency), a discount (amount = percent off) or a gift."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["credit", "discount", "gift"]
    amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=4)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    description: Description

    @model_validator(mode="after")
    def _amount_fits_kind(self) -> Reward:
        if self.kind == "credit" and (self.amount is None or self.currency is None):
            raise ValueError("a credit needs an amount and a currency (three capital letters)")
        if self.kind == "discount" and (self.amount is None or self.amount > 100 or self.currency is not None):
            raise ValueError("a discount needs an amount, the percent off (at most 100), and no currency")
        if self.kind == "gift" and (self.amount is not None or self.currency is not None):
            raise ValueError("a gift has a description only, no amount or currency")
        return self


def earn(store: Store, reward: Reward, source: str, earned_sql: str, params: list[Any], now: datetime) -> int:
    """Record ``reward`` as pending for each row of ``earned_sql`` (reward_id, account_id, source_id, earned_on)
    not yet in the ledger, in one INSERT ... SELECT; returns how many were new."""
    before = int(store.scalar("SELECT count(*) FROM rewards WHERE source = ?", [source]))
    store.execute(
        "INSERT INTO rewards (reward_id, account_id, source, source_id, kind, amount, currency, description_en, "
        "description_ar, earned_on, status, created_at) "
        f"SELECT e.reward_id, e.account_id, CAST(? AS TEXT), e.source_id, CAST(? AS TEXT), "
        "CAST(? AS DECIMAL(18,4)), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), e.earned_on, 'pending', "
        f"CAST(? AS TIMESTAMP) FROM ({earned_sql}) e ON CONFLICT DO NOTHING",
        [source, reward.kind, reward.amount, reward.currency, reward.description.en, reward.description.ar, now,
         *params],
    )
    return int(store.scalar("SELECT count(*) FROM rewards WHERE source = ?", [source])) - before


def list_rewards(store: Store, *, status: str | None = None, account_id: str | None = None,
                 reward_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The ledger, newest first, with each account's name: pending, approved or rejected (``status``)."""
    if status is not None and status not in STATUSES:
        raise NabdError("status %(status)r is not one of pending, approved, rejected", status=status)
    where, params = ["1 = 1"], []
    if status:
        where.append("r.status = ?")
        params.append(status)
    for column, value in (("account_id", account_id), ("reward_id", reward_id)):
        if value:
            where.append(f"r.{column} = ?")
            params.append(value)
    return store.records(
        "SELECT r.reward_id, r.account_id, a.name AS account_name, r.source, r.source_id, r.kind, r.amount, "
        "r.currency, r.description_en, r.description_ar, r.earned_on, r.status, r.created_at, r.decided_by, "
        "r.decided_at, r.decision_note FROM rewards r LEFT JOIN accounts a ON a.account_id = r.account_id "
        f"WHERE {' AND '.join(where)} ORDER BY r.earned_on DESC, r.reward_id LIMIT {int(limit)}", params,
    )


def decide(store: Store, reward_id: str, decision: str, *, by: str, now: datetime,
           note: str | None = None) -> dict[str, Any]:
    """Approve or reject (``decision``) a pending reward, recording who and when; returns the reward.
    NabdError for an unknown reward or one already decided."""
    if decision not in DECISIONS:
        raise NabdError("decision %(decision)r is not approve or reject", decision=decision)
    with store.transaction():
        rows = store.fetchall("SELECT status, decided_by, decided_at FROM rewards WHERE reward_id = ?", [reward_id])
        if not rows:
            raise NabdError("there is no reward %(reward_id)r", reward_id=reward_id)
        status, decided_by, decided_at = rows[0]
        if status != "pending":
            raise NabdError("reward %(reward_id)s was already %(status)s by %(by)s on %(on)s", reward_id=reward_id,
                            status=status, by=decided_by, on=f"{decided_at:%Y-%m-%d %H:%M}")
        store.execute("UPDATE rewards SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? "
                      "WHERE reward_id = ? AND status = 'pending'",
                      [DECISIONS[decision], by, now, note or None, reward_id])
    return list_rewards(store, reward_id=reward_id)[0]


def reward_counts(store: Store) -> dict[str, int]:
    """How many rewards are pending, approved and rejected."""
    counts = dict(store.fetchall("SELECT status, count(*) FROM rewards GROUP BY status"))
    return {status: int(counts.get(status, 0)) for status in STATUSES}
