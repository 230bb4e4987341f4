"""Before a survey goes out, the contacts of churned accounts are found (``nabd feedback send`` warns and skips them)."""

from datetime import date

from nabd.feedback.sending import churned_contacts


def test_the_contacts_of_accounts_without_an_active_subscription_are_churned(store):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('gone', 'Gone'), ('here', 'Here'), ('soon', 'Soon')")
    store.execute(
        "INSERT INTO subscriptions VALUES ('s1', 'gone', 'core', 10, 'USD', 1, '2025-01-01', '2026-05-01', NULL), "
        "('s2', 'here', 'core', 10, 'USD', 1, '2025-01-01', NULL, NULL), "
        "('s3', 'soon', 'core', 10, 'USD', 1, '2026-09-01', NULL, NULL)"  # not yet a customer: not churned
    )
    store.execute("INSERT INTO contacts (contact_id, account_id) VALUES ('c1', 'gone'), ('c2', 'here'), ('c3', 'soon')")
    assert churned_contacts(store, ["c1", "c2", "c3"], date(2026, 6, 30)) == ["c1"]
    assert churned_contacts(store, ["c1"], date(2026, 4, 30)) == []  # still a customer then
