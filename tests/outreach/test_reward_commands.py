"""`nabd rewards list | approve | reject`, `nabd referrals funnel | link` and `nabd loyalty tiers` as a person
runs them, on a real database (DuckDB and PostgreSQL)."""

from __future__ import annotations

import getpass
import subprocess
from datetime import date, datetime

from nabd.outreach.rewards import Reward, earn
from nabd.store import open_store
from tests.command_line import nabd as run
from tests.outreach.conftest import seed_company

NOW = datetime(2026, 6, 1, 6)


def nabd(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run(*args, env=env)


def test_rewards_are_listed_then_approved_or_rejected_once(store_url):
    with open_store(store_url) as store:
        seed_company(store)
        gift = Reward(kind="credit", amount=50, currency="USD", description={"en": "Referral credit", "ar": "رصيد"})
        for account_id in ("a1", "a2"):
            earn(store, gift, "tier", "SELECT ? AS reward_id, ? AS account_id, 'gold' AS source_id, "
                 "CAST(? AS DATE) AS earned_on", [f"tier:{account_id}:gold", account_id, date(2026, 6, 1)], NOW)
    listed = nabd("rewards", "list", "--status", "pending", "--database", store_url)
    assert listed.returncode == 0 and "tier:a1:gold" in listed.stdout and "50.00 USD" in listed.stdout
    approved = nabd("rewards", "approve", "tier:a1:gold", "--note", "sent", "--database", store_url)
    assert approved.returncode == 0 and f"tier:a1:gold: approved by cli:{getpass.getuser()}" in approved.stdout
    again = nabd("rewards", "reject", "tier:a1:gold", "--database", store_url)
    assert again.returncode == 1 and "already approved" in again.stderr and "Traceback" not in again.stderr
    assert nabd("rewards", "reject", "tier:a2:gold", "--database", store_url).returncode == 0
    with open_store(store_url) as store:
        assert store.fetchall("SELECT reward_id, status FROM rewards ORDER BY 1") == [
            ("tier:a1:gold", "approved"), ("tier:a2:gold", "rejected")]


def test_a_contacts_referral_link_and_the_accounts_tiers(store_url):
    with open_store(store_url) as store:
        seed_company(store)  # a1 and a2: customers since 2025-01-01
    link = nabd("referrals", "link", "c1", "--database", store_url, NABD_PUBLIC_URL="https://nabd.example.test")
    assert link.returncode == 0 and link.stdout.startswith("https://nabd.example.test/refer/")
    missing = nabd("referrals", "link", "nobody", "--database", store_url, NABD_PUBLIC_URL="https://nabd.example.test")
    assert missing.returncode == 1 and "there is no contact 'nobody'" in missing.stderr
    tiers = nabd("loyalty", "tiers", "--as-of", "2026-06-01", "--database", store_url)
    assert tiers.returncode == 0 and "2 accounts in a tier on 2026-06-01" in tiers.stdout and "bronze" in tiers.stdout
    assert "visited 0, signed up 0, paying 0" in nabd("referrals", "funnel", "--database", store_url).stdout
