"""Surveys and churned accounts: the relationship survey goes to customers only, and ``nabd feedback send``
warns about and skips a churned account's contacts unless asked for (``--include-churned``)."""

from __future__ import annotations

from datetime import date

from nabd.feedback.sending import churned_contacts, contacts_due
from nabd.feedback.surveys import load_surveys
from nabd.store import open_store
from tests.command_line import nabd

TODAY = date(2026, 3, 1)


def _company(store) -> None:
    """al (customer), bo (churned on 2026-02-01), cy (not yet a customer); one contact each."""
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('al', 'Al'), ('bo', 'Bo'), ('cy', 'Cy')")
    store.execute("INSERT INTO subscriptions VALUES ('s1', 'al', 'core', 10, 'USD', 1, '2025-01-01', NULL, NULL), "
                  "('s2', 'bo', 'core', 10, 'USD', 1, '2025-01-01', '2026-02-01', NULL), "
                  "('s3', 'cy', 'core', 10, 'USD', 1, '2026-09-01', NULL, NULL)")
    store.execute("INSERT INTO contacts VALUES ('c-al', 'al', 'A', 'a@x.test', 'CEO', 'en'), "
                  "('c-bo', 'bo', 'B', 'b@x.test', 'CEO', 'ar'), ('c-cy', 'cy', 'C', 'c@x.test', 'CEO', 'en')")


def test_the_relationship_survey_is_due_for_customers_only(store):
    _company(store)
    survey = next(s for s in load_surveys().surveys if s.touchpoint == "quarterly relationship")
    assert contacts_due(store, survey, TODAY) == ["c-al"]


def test_the_contacts_of_accounts_without_an_active_subscription_are_churned(store):
    _company(store)
    assert churned_contacts(store, ["c-al", "c-bo", "c-cy"], TODAY) == ["c-bo"]
    assert churned_contacts(store, ["c-bo"], date(2026, 1, 15)) == []  # still a customer then


def test_sending_to_a_churned_accounts_contact_warns_and_skips_it_without_include_churned(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    with open_store(url) as store:
        _company(store)
    survey = next(s for s in load_surveys().surveys if s.touchpoint == "quarterly relationship")
    result = nabd("feedback", "send", survey.id, "--base-url", "https://nabd.test", "--contact", "c-bo", database=url)
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert "1 of these contacts belong to churned accounts (c-bo): not surveyed" in " ".join(said.split())
    assert "sent 0;" in said
