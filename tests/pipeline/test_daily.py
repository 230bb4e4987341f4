"""The daily run: import pending files, score, indicators, playbooks, notifications; safe to repeat."""

from datetime import date
from pathlib import Path

from nabd.pipeline.commands import interval_seconds
from nabd.pipeline.daily import pending_files, run_daily
from tests.command_line import nabd

AS_OF = date(2026, 6, 30)


def write_inbox(folder: Path) -> Path:
    """Two accounts, each with a subscription; a1 answered NPS 2 on June 20 (a detractor)."""
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,segment,plan,csm,country,language,created_at\n"
        "a1,Acme,smb,pro,carla,SA,en,2025-01-01 00:00:00\n"
        "a2,Beta,smb,pro,dan,SA,en,2025-01-01 00:00:00\n"
    )
    (folder / "subscriptions_june.csv").write_text(
        "subscription_id,account_id,product,mrr,currency,quantity,start_date,end_date,renewal_date\n"
        "s1,a1,core,100,USD,5,2025-01-01,,2027-01-01\n"
        "s2,a2,core,100,USD,5,2025-01-01,,2027-01-01\n"
    )
    (folder / "survey_responses.csv").write_text(
        "response_id,account_id,contact_id,kind,score,comment,language,touchpoint,responded_at\n"
        "r1,a1,,nps,2,slow,en,,2026-06-20 10:00:00\n"
    )
    (folder / "notes.txt").write_text("not a table file")
    return folder


def test_pending_files_are_taken_in_load_order_by_their_table_prefix(tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    assert [(table, path.name) for table, path in pending_files(inbox)] == [
        ("accounts", "accounts.csv"), ("subscriptions", "subscriptions_june.csv"),
        ("survey_responses", "survey_responses.csv"),
    ]


def test_a_daily_run_imports_scores_warns_and_acts_and_a_rerun_repeats_nothing(store, tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    first = run_daily(store, AS_OF, inbox=inbox, notify=False)
    assert [s.table for s in first.imported] == ["accounts", "subscriptions", "survey_responses"]
    assert sorted(p.name for p in (inbox / "done").iterdir()) == [
        "accounts.csv", "subscriptions_june.csv", "survey_responses.csv"
    ]
    assert first.scoring.accounts == 2
    assert first.indicators.fired["negative_feedback"] == 1
    assert first.playbooks.accounts["detractor_call"] == 1
    tasks = store.scalar("SELECT count(*) FROM tasks")
    again = run_daily(store, AS_OF, inbox=inbox, notify=False)
    assert again.imported == [] and sum(again.playbooks.accounts.values()) == 0
    assert store.scalar("SELECT count(*) FROM tasks") == tasks
    assert store.scalar("SELECT count(*) FROM health_scores") == 2
    assert store.scalar("SELECT count(*) FROM indicator_firings WHERE indicator = 'negative_feedback'") == 1


def test_nabd_run_and_nabd_tasks_from_the_command_line(store_url, tmp_path):
    inbox = write_inbox(tmp_path / "inbox")
    ran = nabd("run", "-d", store_url, "--as-of", "2026-06-30", "--inbox", str(inbox), "--no-notify")
    assert ran.returncode == 0, ran.stderr
    assert "scored 2 accounts as of 2026-06-30" in ran.stdout and "detractor_call 1" in ran.stdout
    listed = nabd("tasks", "-d", store_url, "--owner", "carla")
    assert listed.returncode == 0 and "Call Acme" in listed.stdout.replace("\n", " ").replace("│", "")


def test_every_takes_a_number_and_a_unit():
    assert [interval_seconds(text) for text in ("90s", "30m", "1h", "1d")] == [90, 1800, 3600, 86400]


def test_the_daily_run_keeps_loyalty_tiers_and_earns_their_rewards_once(store, tmp_path):
    inbox = write_inbox(tmp_path / "inbox")  # a1 and a2: customers since 2025-01-01, 545 days on June 30: bronze
    first = run_daily(store, AS_OF, inbox=inbox, notify=False)
    assert (first.tiers.accounts, first.tiers.rewards, first.referrals.paying) == (2, 2, 0)
    assert store.fetchall("SELECT account_id, tier, since FROM account_tiers ORDER BY 1") == [
        ("a1", "bronze", AS_OF), ("a2", "bronze", AS_OF)]
    again = run_daily(store, AS_OF, inbox=inbox, notify=False)
    assert again.tiers.rewards == 0 and store.scalar("SELECT count(*) FROM rewards WHERE status = 'pending'") == 2
