"""Fixtures of the outreach tests: a real local SMTP server (aiosmtpd) and a small company.

| account | name         | contacts                                          | CSM   |
|---------|--------------|---------------------------------------------------|-------|
| a1      | Acme Trading | c1 Huda (ar, huda@acme.test), c2 Sam (en)         | carla |
| a2      | Beta Foods   | c3 Omar (ar, omar@beta.test)                      | carla |

Both have an open subscription from 2025-01-01. ``band_change`` writes what a scoring run writes when an
account moves band (a health_scores row and a health_band_changes row) for the active scorecard.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from nabd.health.versions import active_scorecard
from nabd.outreach.journey import parse_journeys
from nabd.store import Store
from tests.feedback.conftest import Mailbox, mailbox  # noqa: F401 - the real SMTP server fixture

DAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 6, 0)
BASE_URL = "https://nabd.example.test"

SAVE_JOURNEY = """\
journeys:
  - id: save
    name: {en: Save, ar: إنقاذ}
    entry: {band_entered: red}
    exit: [churned]
    steps:
      - email:
          subject:
            en: "An offer for {{ account_name }}"
            ar: "عرض خاص لـ {{ account_name }}"
          body:
            en: "Hello {{ contact_name }}, tell us what is wrong."
            ar: "مرحباً {{ contact_name }}، أخبرنا بما لا يلبي احتياجاتك."
      - wait: {days: 7}
      - branch: {if: answered, then: end, else: call}
      - id: call
        task: {title: "Call {{ account_name }} ({{ reason }})", due_in_days: 2, priority: high}
"""


def save_journey(holdout: float = 0.0):
    return parse_journeys(SAVE_JOURNEY.replace("    exit:", f"    holdout: {holdout}\n    exit:"), "save.yaml")


def add_account(store: Store, account_id: str, name: str, language: str = "ar", csm: str = "carla") -> None:
    store.execute(
        "INSERT INTO accounts (account_id, name, segment, plan, csm, language, created_at) "
        "VALUES (?, ?, 'smb', 'pro', ?, ?, ?)", [account_id, name, csm, language, datetime(2025, 1, 1)],
    )
    store.execute(
        "INSERT INTO subscriptions VALUES (?, ?, 'core', 100, 'USD', 5, ?, NULL, NULL)",
        [f"s-{account_id}", account_id, date(2025, 1, 1)],
    )


def add_contact(store: Store, contact_id: str, account_id: str, name: str, email: str | None, language: str) -> None:
    store.execute(
        "INSERT INTO contacts (contact_id, account_id, name, email, language) VALUES (?, ?, ?, ?, ?)",
        [contact_id, account_id, name, email, language],
    )


def seed_company(store: Store) -> None:
    add_account(store, "a1", "Acme Trading")
    add_account(store, "a2", "Beta Foods")
    add_contact(store, "c1", "a1", "Huda", "huda@acme.test", "ar")
    add_contact(store, "c2", "a1", "Sam", "sam@acme.test", "en")
    add_contact(store, "c3", "a2", "Omar", "omar@beta.test", "ar")


def band_change(store: Store, account_id: str, day: date, to_band: str, score: int, from_band: str = "neutral") -> None:
    version = active_scorecard(store).version
    store.execute(
        "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, band, computed_at) "
        "VALUES (?, ?, ?, 'default', ?, ?, ?)", [account_id, day, version, score, to_band, NOW],
    )
    store.execute(
        "INSERT INTO health_band_changes (account_id, as_of, scorecard_version, from_band, to_band, score) "
        "VALUES (?, ?, ?, ?, ?, ?)", [account_id, day, version, from_band, to_band, score],
    )


@pytest.fixture
def company(store: Store) -> Store:
    seed_company(store)
    return store
