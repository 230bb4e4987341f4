"""Surveys and churned accounts: the relationship survey goes to customers only, and sending a survey to a
churned account's contacts is refused until asked for (``nabd feedback send --churned``)."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from nabd.cli import app
from nabd.feedback.sending import churned_contacts, contacts_due
from nabd.feedback.surveys import load_surveys
from nabd.store import open_store

TODAY = date(2026, 3, 1)


def _company(store) -> None:
    """al (customer), bo (churned on 2026-02-01), cy (never a customer); one contact each."""
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('al', 'Al'), ('bo', 'Bo'), ('cy', 'Cy')")
    store.execute("INSERT INTO subscriptions VALUES ('s1', 'al', 'core', 10, 'USD', 1, '2025-01-01', NULL, NULL), "
                  "('s2', 'bo', 'core', 10, 'USD', 1, '2025-01-01', '2026-02-01', NULL)")
    store.execute("INSERT INTO contacts VALUES ('c-al', 'al', 'A', 'a@x.test', 'CEO', 'en'), "
                  "('c-bo', 'bo', 'B', 'b@x.test', 'CEO', 'ar'), ('c-cy', 'cy', 'C', 'c@x.test', 'CEO', 'en')")


def test_the_relationship_survey_is_due_for_customers_only(store):
    _company(store)
    survey = next(s for s in load_surveys().surveys if s.touchpoint == "quarterly relationship")
    assert contacts_due(store, survey, TODAY) == ["c-al"]


def test_a_churned_accounts_contacts_are_named(store):
    _company(store)
    assert churned_contacts(store, ["c-al", "c-bo", "c-cy"], TODAY) == ["c-bo"]
    assert churned_contacts(store, ["c-bo"], date(2026, 1, 15)) == []  # still a customer then


def test_sending_to_a_churned_accounts_contact_is_refused_without_churned(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    with open_store(url) as store:
        _company(store)
    survey = next(s for s in load_surveys().surveys if s.touchpoint == "quarterly relationship")
    result = CliRunner().invoke(app, ["feedback", "send", survey.id, "--base-url", "https://nabd.test",
                                      "--contact", "c-bo", "--database", url])
    assert result.exit_code == 1  # the NabdError: the command line prints its one line
    assert "1 of these contacts belong to churned accounts (c-bo): add --churned" in str(result.exception)
