"""A journey survives a SIGKILL between its steps without sending twice, and its holdout is a random,
recorded share of the entering accounts that is sent nothing (DuckDB and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path

from nabd.feedback.throttle import ContactLimit
from nabd.health.versions import active_scorecard
from nabd.outreach.advance import advance_journeys, insert_rows
from nabd.outreach.journey import parse_journeys
from nabd.playbooks.outbox import deliver
from nabd.playbooks.tasks import task_list
from nabd.store import open_store
from tests.outreach.conftest import (
    BASE_URL, DAY, NOW, SAVE_JOURNEY, add_account, add_contact, band_change, save_journey,
)

LIMIT = ContactLimit(messages=3, days=30)
ROOT = Path(__file__).resolve().parents[2]

# Run the journey for DAY in a process of its own, which stops inside the transaction of step 1 (the wait,
# after step 0's e-mails committed) and says so; the test then kills it with SIGKILL.
CRASHING_RUN = textwrap.dedent("""
    import sys, time
    from datetime import date, datetime
    import nabd.outreach.advance as advance
    from nabd.feedback.throttle import ContactLimit
    from nabd.outreach.journey import parse_journeys
    from nabd.store import open_store

    running = advance.run_step

    def run_step(store, journey, number, group, context):
        if number == 1:
            print("inside step 1", flush=True)
            time.sleep(120)
        return running(store, journey, number, group, context)

    advance.run_step = run_step
    store = open_store(sys.argv[1])
    advance.advance_journeys(store, date(2026, 6, 1), journeys=parse_journeys(sys.stdin.read(), "save.yaml"),
                             base_url="https://nabd.example.test", sender="cs@nabd.test",
                             limit=ContactLimit(messages=3, days=30), now=datetime(2026, 6, 1, 6, 0))
""")


def advance(store, day, journeys=None):
    return advance_journeys(store, day, journeys=journeys or save_journey(), base_url=BASE_URL,
                            sender="cs@nabd.test", limit=LIMIT, now=datetime.combine(day, NOW.time()))


def test_a_sigkill_between_steps_sends_nothing_twice(store_url, mailbox):
    box, smtp = mailbox
    with open_store(store_url) as store:
        add_account(store, "a1", "Acme Trading")
        add_contact(store, "c1", "a1", "Huda", "huda@acme.test", "ar")
        add_contact(store, "c2", "a1", "Sam", "sam@acme.test", "en")
        band_change(store, "a1", DAY, "unhealthy", 42)
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_RUN, store_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    process.stdin.write(SAVE_JOURNEY)
    process.stdin.close()
    line = process.stdout.readline()
    assert line.strip() == "inside step 1", process.stderr.read()
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    with open_store(store_url) as store:
        # Step 0 (the e-mails) committed before the kill; step 1 (the wait) did not.
        assert store.fetchall("SELECT step, status FROM journey_enrolments") == [(1, "active")]
        advance(store, DAY)  # the same day again: picks up at step 1
        assert deliver(store, smtp=smtp, now=NOW + timedelta(hours=1)).sent == 2
        advance(store, DAY + timedelta(days=7))
        deliver(store, smtp=smtp, now=NOW + timedelta(days=7, hours=1))
        assert sorted(m["To"] for m in box.messages) == ["huda@acme.test", "sam@acme.test"]
        assert store.scalar("SELECT count(*) FROM journey_messages") == 2
        assert [t["title"] for t in task_list(store, owner="carla")] == [
            "Call Acme Trading (band neutral -> unhealthy, score 42)"]
        assert store.fetchall("SELECT step, kind FROM journey_steps ORDER BY step") == [
            (0, "email"), (1, "wait"), (2, "branch"), (3, "task")]


def _many_red_accounts(store, count: int) -> None:
    """``count`` accounts (one contact each) that all entered the red band on DAY, written in bulk."""
    version = active_scorecard(store).version
    numbers = range(count)
    insert_rows(store, "accounts", ("account_id", "name", "segment", "plan", "csm", "language", "created_at"),
                [(f"a{n:03d}", f"Account {n}", "smb", "pro", "carla", "en", datetime(2025, 1, 1)) for n in numbers])
    insert_rows(store, "subscriptions", ("subscription_id", "account_id", "product", "mrr", "currency", "quantity",
                                         "start_date"),
                [(f"s{n:03d}", f"a{n:03d}", "core", 100, "USD", 5, date(2025, 1, 1)) for n in numbers])
    insert_rows(store, "contacts", ("contact_id", "account_id", "name", "email", "language"),
                [(f"c{n:03d}", f"a{n:03d}", f"Contact {n}", f"c{n}@example.test", "en") for n in numbers])
    insert_rows(store, "health_scores", ("account_id", "as_of", "scorecard_version", "scorecard", "score", "band",
                                         "computed_at"),
                [(f"a{n:03d}", DAY, version, "default", 40, "unhealthy", NOW) for n in numbers])
    insert_rows(store, "health_band_changes", ("account_id", "as_of", "scorecard_version", "from_band", "to_band",
                                               "score"),
                [(f"a{n:03d}", DAY, version, "neutral", "unhealthy", 40) for n in numbers])


def test_the_held_out_share_is_random_recorded_and_sent_nothing(store, mailbox):
    box, smtp = mailbox
    _many_red_accounts(store, 120)
    two = parse_journeys(SAVE_JOURNEY.replace("    exit:", "    holdout: 0.3\n    exit:")
                         + SAVE_JOURNEY.split("journeys:\n", 1)[1].replace("id: save", "id: save_again")
                         .replace("    exit:", "    holdout: 0.3\n    exit:"), "two.yaml")
    run = advance(store, DAY, two)
    assert run.entered == {"save": 120, "save_again": 120}
    held = {journey: {a for (a,) in store.fetchall(
        "SELECT account_id FROM journey_enrolments WHERE journey = ? AND held_out AND status = 'held_out'",
        [journey])} for journey in ("save", "save_again")}
    # 30% of 120 = 36, standard deviation sqrt(120 x 0.3 x 0.7) = 5.0: outside 18..54 (3.6 sd) is a broken draw.
    assert all(18 <= len(accounts) <= 54 for accounts in held.values())
    assert held["save"] != held["save_again"]  # drawn at random, not from the account id
    deliver(store, smtp=smtp, now=NOW + timedelta(hours=1))
    mailed = {m["To"] for m in box.messages}
    held_addresses = {f"c{int(a[1:])}@example.test" for a in held["save"] & held["save_again"]}
    assert mailed and not mailed & held_addresses
    assert store.scalar(
        "SELECT count(*) FROM journey_messages m JOIN journey_enrolments e ON e.journey = m.journey "
        "AND e.account_id = m.account_id WHERE e.held_out") == 0
    advance(store, DAY + timedelta(days=7), two)
    tasked = {t["account_id"] for t in task_list(store, owner="carla", limit=500)}
    assert tasked and not tasked & held["save"] & held["save_again"]
    assert store.scalar("SELECT count(*) FROM tasks t JOIN journey_enrolments e ON t.playbook = "
                        "'journey:' || e.journey AND t.account_id = e.account_id WHERE e.held_out") == 0
