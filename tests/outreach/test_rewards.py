"""The rewards ledger on DuckDB and PostgreSQL: a reward is earned once, decided once (who and when kept),
and a bad reward in the YAML is refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from nabd.errors import NabdError
from nabd.outreach.rewards import Reward, decide, earn, list_rewards, reward_counts

NOW = datetime(2026, 6, 1, 6)
GIFT = Reward(kind="gift", description={"en": "A mug", "ar": "كوب"})


def _earned(store) -> None:
    store.execute("INSERT INTO accounts (account_id, name, created_at) VALUES ('a1', 'Acme', ?)", [NOW])
    sql = "SELECT ? AS reward_id, 'a1' AS account_id, 'gold' AS source_id, CAST(? AS DATE) AS earned_on"
    assert earn(store, GIFT, "tier", sql, ["tier:a1:gold", date(2026, 6, 1)], NOW) == 1
    assert earn(store, GIFT, "tier", sql, ["tier:a1:gold", date(2026, 6, 2)], NOW) == 0  # once


def test_a_reward_is_approved_once_with_who_and_when(store):
    _earned(store)
    approved = decide(store, "tier:a1:gold", "approve", by="ana", now=datetime(2026, 6, 3, 9), note="sent")
    assert (approved["status"], approved["decided_by"], approved["decided_at"], approved["account_name"]) == \
        ("approved", "ana", datetime(2026, 6, 3, 9), "Acme")
    with pytest.raises(NabdError, match="already approved by ana on 2026-06-03 09:00"):
        decide(store, "tier:a1:gold", "reject", by="bob", now=NOW)
    assert reward_counts(store) == {"pending": 0, "approved": 1, "rejected": 0}
    assert [r["reward_id"] for r in list_rewards(store, status="approved")] == ["tier:a1:gold"]
    assert list_rewards(store, status="pending") == []


def test_a_rejected_reward_and_an_unknown_one(store):
    _earned(store)
    assert decide(store, "tier:a1:gold", "reject", by="ana", now=NOW)["status"] == "rejected"
    with pytest.raises(NabdError, match="there is no reward 'nope'"):
        decide(store, "nope", "approve", by="ana", now=NOW)


@pytest.mark.parametrize("fields", [
    {"kind": "credit", "amount": 10},  # no currency
    {"kind": "discount", "amount": 150},  # more than 100 percent
    {"kind": "gift", "amount": 5, "currency": "USD"},
])
def test_a_reward_that_does_not_fit_its_kind_is_refused(fields):
    with pytest.raises(ValidationError):
        Reward(description={"en": "x", "ar": "س"}, **fields)
