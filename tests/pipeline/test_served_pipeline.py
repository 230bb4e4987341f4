"""End to end through a real `nabd serve`: events sent to /v1/* reach a score, an indicator and a task
by the server's own scheduled pipeline, with no command run in between."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from segment.analytics import Client

from nabd.ingest.intake.keys import add_write_key
from nabd.pipeline.daily import run_daily
from nabd.store import open_store
from nabd.store.clock import utc_now
from nabd.web.users import add_token, add_user
from tests.ingest.intake.live import LiveServer

WAIT_SECONDS = 90


def _company(url: str) -> tuple[str, str, int]:
    """Account acme (2 licences, contact u1, an invoice paid on time, a promoter's NPS answer) and a daily
    run today with no activity: neutral, given the yellow band's survey task. A write key and an API token."""
    with open_store(url) as store:
        store.execute("INSERT INTO accounts (account_id, name, segment, plan, csm, created_at) VALUES "
                      "('acme', 'Acme Trading', 'smb', 'pro', 'carla', ?)", [datetime(2025, 1, 1)])
        store.execute("INSERT INTO subscriptions VALUES ('s-acme', 'acme', 'core', 100, 'USD', 2, "
                      "DATE '2025-01-01', NULL, NULL)")
        store.execute("INSERT INTO contacts (contact_id, account_id, name) VALUES ('u1', 'acme', 'Sara Ali')")
        today = utc_now().date()
        store.execute("INSERT INTO invoices (invoice_id, account_id, amount, currency, issued_at, due_at, paid_at) "
                      "VALUES ('i1', 'acme', 100, 'USD', ?, ?, ?)",
                      [today - timedelta(days=40), today - timedelta(days=25), today - timedelta(days=30)])
        store.execute("INSERT INTO survey_responses (response_id, account_id, kind, score, responded_at) "
                      "VALUES ('r1', 'acme', 'nps', 10, ?)", [today - timedelta(days=20)])
        run = run_daily(store, today, notify=False)
        assert run.scoring.bands == {"unhealthy": 0, "neutral": 1, "healthy": 0}
        assert store.fetchall("SELECT playbook, status FROM tasks") == [("yellow_survey", "open")]
        score = store.scalar("SELECT score FROM health_scores WHERE account_id = 'acme'")
        key = add_write_key(store, "tests")
        add_user(store, "lead", "a long enough password", "admin")
        token = add_token(store, "lead", "e2e")
    return key, token, score


def _send_usage(server: LiveServer) -> None:
    """A login, a session of 50 minutes, a feature used and two visits of the pricing page, as the Segment
    library sends them."""
    client = Client(write_key=server.key, host=server.address, upload_interval=0.05, upload_size=100, max_retries=5)
    context = {"groupId": "acme"}
    client.track(user_id="u1", event="login", context=context)
    client.track(user_id="u1", event="session", properties={"duration_minutes": 50}, context=context)
    client.track(user_id="u1", event="Feature X used", context=context)
    for _ in range(2):
        client.page(user_id="u1", name="Pricing", context=context)
    client.flush()
    client.join()


def test_events_posted_to_a_live_server_move_the_score_fire_the_intent_indicator_and_open_a_task(store_url, tmp_path):
    key, token, score_before = _company(store_url)
    server = LiveServer(store_url, key, tmp_path / "journal", tmp_path / "serve.log",
                        environment={"NABD_RUN_EVERY": "5s"})
    server.start()
    try:
        api = {"Authorization": f"Bearer {token}"}
        _send_usage(server)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            latest = server.get("/api/v1/accounts/acme", api)[1]["latest"]
            tasks = server.get("/api/v1/tasks?account_id=acme&status=open", api)[1]["items"]
            finished = "pipeline run (" in server.log.read_text()  # the run logs its line once all its steps are done
            if latest["score"] != score_before and len(tasks) > 1 and finished:
                break
            assert time.monotonic() < deadline, f"no run moved the score: {latest}, {tasks}\n{server.log.read_text()[-3000:]}"
            time.sleep(0.5)
        assert (latest["band"], latest["score"] > score_before) == ("healthy", True)
        assert sorted(task["playbook"] for task in tasks) == ["green_upsell", "yellow_survey"]
    finally:
        server.stop()
    with open_store(store_url) as store:
        assert store.fetchall("SELECT event_type, events FROM activity_daily ORDER BY 1") == [
            ("Feature X used", 1), ("login", 1), ("page:pricing", 2), ("session", 1)
        ]
        assert store.fetchall("SELECT account_id, indicator FROM indicator_firings WHERE indicator = 'intent_pages'") == [
            ("acme", "intent_pages")
        ]
