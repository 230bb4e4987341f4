"""Kill -9 under load: every acknowledged message is stored after restart, and none twice.

Four loopback senders post 300 batches of 50 track calls to a live `nabd serve` that drains its
journal once a second; a batch counts as
acknowledged only on a 200, and a sender sends a batch again (same messageIds) after any failure,
as Segment libraries do. The server is killed with SIGKILL at 1/3 and 2/3 of the acknowledged
load and right after the last acknowledgement, each time restarted on the same journal.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections.abc import Iterator

import pytest

from nabd.store import open_store
from tests.ingest.intake.conftest import track
from tests.ingest.intake.live import LiveServer

BATCHES, BATCH_SIZE, SENDERS = 300, 50, 4
DEADLINE_SECONDS = 120


def _send_until_acknowledged(server, batches: queue.Queue, acknowledged: list[str], lock: threading.Lock,
                             deadline: float) -> None:
    connection = None
    while not batches.empty() and time.monotonic() < deadline:
        try:
            batch = batches.get_nowait()
        except queue.Empty:
            return
        body = json.dumps({"batch": batch}).encode()
        while time.monotonic() < deadline:
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                connection.request("POST", "/v1/batch", body, {**server.auth, "Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    with lock:
                        acknowledged.extend(message["messageId"] for message in batch)
                    break
            except (OSError, http.client.HTTPException):
                pass
            if connection is not None:
                connection.close()
                connection = None
            time.sleep(0.05)


@pytest.fixture
def live_server(intake_db, tmp_path) -> Iterator[LiveServer]:
    """`nabd serve` over ``intake_db``, draining once a second so kills find work in the journal."""
    server = LiveServer(intake_db.url, intake_db.key, intake_db.journal, tmp_path / "serve.log", drain_seconds=1.0)
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


def test_every_acknowledged_message_survives_sigkill_and_none_is_stored_twice(live_server):
    batches: queue.Queue = queue.Queue()
    for number in range(BATCHES):
        batches.put([track(f"c{number}-{index}", properties={"duration_minutes": 1}) for index in range(BATCH_SIZE)])
    acknowledged: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLINE_SECONDS
    senders = [threading.Thread(target=_send_until_acknowledged, args=(live_server, batches, acknowledged, lock, deadline))
               for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    acknowledged_at_kill, pending_at_kill = [], []

    def kill_and_restart() -> None:
        pending_at_kill.append(live_server.get("/v1/health")[1]["pending"])  # acknowledged, only in the journal
        acknowledged_at_kill.append(len(acknowledged))
        live_server.kill()
        live_server.start()

    for share in (1 / 3, 2 / 3):
        while len(acknowledged) < share * BATCHES * BATCH_SIZE and time.monotonic() < deadline:
            time.sleep(0.005)
        kill_and_restart()
    for sender in senders:
        sender.join()
    kill_and_restart()  # right after the last acknowledgement
    live_server.wait_drained()
    live_server.stop()

    total = BATCHES * BATCH_SIZE  # 300 x 50 = 15,000
    assert all(count < total for count in acknowledged_at_kill[:2])  # the first two kills came mid-load
    assert max(pending_at_kill) > 0  # some kill found acknowledged messages not yet in the store
    assert len(acknowledged) == total  # every batch got its 200 in the end
    with open_store(live_server.url) as store:
        stored, distinct = store.fetchall("SELECT count(*), count(DISTINCT event_id) FROM events")[0]
        assert stored == distinct == len(set(acknowledged)) == total
        assert store.scalar("SELECT sum(events) FROM activity_daily") == total  # each event counted once
