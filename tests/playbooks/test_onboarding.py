"""Onboarding milestones are met from activity on the day the threshold is first reached."""

from datetime import date

import pytest

from nabd.errors import NabdError
from nabd.playbooks.onboarding import (
    Onboarding,
    load_onboarding,
    onboarding_progress,
    refresh_onboarding,
)
from nabd.yamlfile import parse_model
from tests.playbooks.conftest import add_account, add_activity


def met(store) -> dict[tuple[str, str], date]:
    return {(a, m): d for a, m, d in store.fetchall("SELECT account_id, milestone, completed_on FROM onboarding_milestones")}


def test_three_users_is_met_the_day_the_third_contact_first_logs_in(store):
    add_account(store, "a1")
    add_activity(store, "a1", date(2026, 5, 1), "login", contact="c1")
    add_activity(store, "a1", date(2026, 5, 3), "login", contact="c1")  # the same person again
    add_activity(store, "a1", date(2026, 5, 4), "login", contact="c2")
    add_activity(store, "a1", date(2026, 5, 9), "login", contact="c3")
    add_activity(store, "a1", date(2026, 5, 9), "feature:reports", contact="c3")
    assert refresh_onboarding(store, load_onboarding()) == 3
    assert met(store) == {
        ("a1", "first_login"): date(2026, 5, 1),
        ("a1", "three_users"): date(2026, 5, 9),
        ("a1", "first_report"): date(2026, 5, 9),
    }


def test_progress_counts_the_milestones_of_the_accounts_plan_met_by_as_of(store):
    add_account(store, "std", plan="pro")            # default plan: 4 milestones
    add_account(store, "ent", plan="Enterprise")     # Enterprise: 5 milestones
    for account in ("std", "ent"):
        add_activity(store, account, date(2026, 5, 1), "login")
        add_activity(store, account, date(2026, 6, 1), "feature:integrations")
    onboarding = load_onboarding()
    refresh_onboarding(store, onboarding)
    rows = onboarding_progress(store, onboarding, date(2026, 5, 15)).to_pyarrow().to_pylist()
    progress = {row["account_id"]: (row["completed"], row["milestones"], row["progress"]) for row in rows}
    # By May 15 only first_login is met: 1/4 = 0.25 and 1/5 = 0.2 (integration comes on June 1).
    assert progress == {"std": (1, 4, 0.25), "ent": (1, 5, 0.2)}


def test_milestones_need_a_default_plan():
    with pytest.raises(NabdError, match=r"onb.yaml:1: plans: Value error|onb.yaml:1: plans: a 'default' plan"):
        parse_model("plans:\n  pro:\n    - {id: a, name: {en: A}, event_type: login}\n", Onboarding, "onb.yaml")


def test_the_shipped_milestones_are_valid():
    shipped = load_onboarding()
    assert [m.id for m in shipped.plans["default"]] == ["first_login", "three_users", "integration_connected", "first_report"]
