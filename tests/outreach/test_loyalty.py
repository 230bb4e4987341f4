"""Loyalty tiers on DuckDB and PostgreSQL: the shipped YAML, a bad file refused with file:line, each account's
tier hand-checked on a small case, and entering a tier earning its reward once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from nabd.errors import NabdError
from nabd.outreach.loyalty import account_tiers, load_loyalty, refresh_tiers, stored_tier

AS_OF = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 6)

# account: first subscription day, latest NPS answer (day, score), active days in the 30 days to AS_OF
#   tenure (AS_OF - start)  NPS  active  -> tier (bronze: 180 days; silver: 365, NPS 7, 8 days; gold: 730, 9, 15)
CASES = {
    "t1": (date(2025, 11, 1), None, 0),                 # 212 days                    -> bronze
    "t2": (date(2025, 5, 1), (date(2026, 5, 1), 8), 10),  # 396 days, NPS 8, 10 days   -> silver
    "t3": (date(2024, 1, 1), (date(2026, 5, 20), 10), 20),  # 882 days, NPS 10, 20 days -> gold
    "t4": (date(2024, 1, 1), (date(2026, 5, 20), 10), 5),  # gold but 5 active days     -> bronze
    "t5": (date(2024, 1, 1), (date(2025, 5, 1), 10), 20),  # NPS older than 365 days     -> bronze
    "t6": (date(2026, 3, 1), (date(2026, 5, 1), 10), 30),  # 92 days                     -> none
}
EXPECTED = {"t1": "bronze", "t2": "silver", "t3": "gold", "t4": "bronze", "t5": "bronze"}


def _company(store) -> None:
    for account_id, (start, nps, active) in CASES.items():
        store.execute("INSERT INTO accounts (account_id, name, created_at) VALUES (?, ?, ?)",
                      [account_id, account_id.upper(), datetime(2024, 1, 1)])
        store.execute("INSERT INTO subscriptions VALUES (?, ?, 'core', 100, 'USD', 1, ?, NULL, NULL)",
                      [f"s-{account_id}", account_id, start])
        if nps is not None:
            store.execute("INSERT INTO survey_responses (response_id, account_id, kind, score, responded_at) "
                          "VALUES (?, ?, 'nps', ?, ?)", [f"r-{account_id}", account_id, nps[1],
                                                         datetime.combine(nps[0], datetime.min.time())])
        for back in range(active):
            store.execute("INSERT INTO activity_daily VALUES (?, '', ?, 'login', 1, 0)",
                          [account_id, AS_OF - timedelta(days=back)])


def test_the_shipped_tiers_are_bronze_silver_gold_with_arabic_names():
    loyalty = load_loyalty()
    assert [(t.id, t.name.ar) for t in loyalty.tiers] == [("bronze", "برونزي"), ("silver", "فضي"), ("gold", "ذهبي")]
    assert loyalty.referral_reward is not None and loyalty.referral_reward.kind == "credit"


def test_a_bad_loyalty_file_is_refused_with_its_file_and_line(tmp_path):
    path = tmp_path / "loyalty.yaml"
    path.write_text("tiers:\n  - id: gold\n    name: {en: Gold, ar: ذهبي}\n    min_nps: 11\n"
                    "    reward: {kind: credit, amount: 10, description: {en: x, ar: y}}\n", encoding="utf-8")
    with pytest.raises(NabdError) as refused:
        load_loyalty(path)
    assert f"{path}:4" in str(refused.value) and "min_nps" in str(refused.value)
    assert "a credit needs an amount and a currency" in str(refused.value)


def test_each_accounts_tier_is_the_highest_whose_every_condition_holds(store):
    _company(store)
    rows = account_tiers(store, load_loyalty(), AS_OF).to_pyarrow().to_pylist()
    assert {row["account_id"]: row["tier"] for row in rows} == EXPECTED
    t2 = next(row for row in rows if row["account_id"] == "t2")
    assert (t2["tenure"], t2["nps"], t2["usage"]) == (396, 8, 10)


def test_entering_a_tier_earns_its_reward_once(store):
    _company(store)
    run = refresh_tiers(store, AS_OF, NOW)
    assert (run.accounts, run.entered, run.rewards) == (5, 5, 5)
    assert store.fetchall("SELECT reward_id, kind, amount, currency, status FROM rewards ORDER BY reward_id") == [
        ("tier:t1:bronze", "gift", None, None, "pending"),
        ("tier:t2:silver", "discount", Decimal(10), None, "pending"),
        ("tier:t3:gold", "credit", Decimal(200), "USD", "pending"),
        ("tier:t4:bronze", "gift", None, None, "pending"),
        ("tier:t5:bronze", "gift", None, None, "pending"),
    ]
    store.execute("INSERT INTO activity_daily VALUES ('t4', '', ?, 'login', 1, 0)", [AS_OF + timedelta(days=1)])
    for back in range(5, 16):  # t4 now has 17 active days in the 30 up to the next day: gold
        store.execute("INSERT INTO activity_daily VALUES ('t4', '', ?, 'login', 1, 0)", [AS_OF - timedelta(days=back)])
    later = refresh_tiers(store, AS_OF + timedelta(days=1), NOW)
    assert (later.entered, later.rewards) == (1, 1)
    assert stored_tier(store, "t4") == ("gold", AS_OF + timedelta(days=1))
    assert stored_tier(store, "t1") == ("bronze", AS_OF)  # kept since the day it entered
    assert refresh_tiers(store, AS_OF + timedelta(days=1), NOW).rewards == 0
    assert refresh_tiers(store, AS_OF, NOW).accounts == 0  # an earlier day never moves tiers back
    assert stored_tier(store, "t6") is None
