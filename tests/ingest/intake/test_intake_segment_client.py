"""Segment's own Python library, pointed at a live `nabd serve`, just works; its retries store nothing twice."""

from __future__ import annotations

import socket
import threading
from contextlib import closing

from segment.analytics import Client

from nabd.store import open_store


def _segment_client(server_address: str, key: str) -> Client:
    return Client(write_key=key, host=server_address, upload_interval=0.05, upload_size=100, max_retries=5)


def test_events_identifies_and_groups_sent_by_the_segment_library_arrive(live_server):
    client = _segment_client(live_server.address, live_server.key)
    client.identify(user_id="u1", traits={"name": "Sara Ali", "email": "sara@acme.test"}, context={"groupId": "acme"})
    client.group(user_id="u1", group_id="acme", traits={"plan": "pro"})
    for number in range(250):
        client.track(user_id="u1", event="report_viewed", properties={"duration_minutes": number},
                     context={"groupId": "acme"}, message_id=f"m{number}")
    client.flush()
    client.join()
    live_server.wait_drained()
    live_server.stop()
    with open_store(live_server.url) as store:
        # 250 events worth 0 + 1 + ... + 249 = 249 * 250 / 2 = 31,125 minutes
        assert store.fetchall("SELECT count(*), count(DISTINCT event_id), sum(value) FROM events") == [(250, 250, 31125.0)]
        assert store.fetchall("SELECT contact_id, account_id, name FROM contacts") == [("u1", "acme", "Sara Ali")]
        assert store.scalar("SELECT plan FROM accounts WHERE account_id = 'acme'") == "pro"


class AnswerDroppingProxy:
    """A loopback TCP proxy that forwards the first request to the server but drops its answer.

    The client sees its connection closed without a response, as when a network fails after the
    server acknowledged, and sends the same batch again.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dropped = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(downstream,), daemon=True).start()

    def _relay(self, downstream: socket.socket) -> None:
        with closing(downstream), closing(socket.create_connection(("127.0.0.1", self.upstream_port))) as upstream:
            threading.Thread(target=self._pipe, args=(downstream, upstream), daemon=True).start()
            while answer := upstream.recv(65536):
                if self.dropped == 0:
                    self.dropped += 1
                    downstream.shutdown(socket.SHUT_RDWR)  # the server answered 200; the client never hears it
                    return
                downstream.sendall(answer)

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()


def test_a_batch_the_segment_library_sends_again_after_a_lost_answer_is_stored_once(live_server):
    proxy = AnswerDroppingProxy(live_server.port)
    client = _segment_client(f"http://127.0.0.1:{proxy.port}", live_server.key)
    for number in range(40):
        client.track(user_id="u1", event="login", context={"groupId": "acme"}, message_id=f"m{number}")
    client.flush()
    client.join()
    proxy.close()
    assert proxy.dropped == 1
    live_server.wait_drained()
    duplicates = live_server.metric("nabd_intake_duplicate_total")
    live_server.stop()
    with open_store(live_server.url) as store:
        assert store.fetchall("SELECT count(*), count(DISTINCT event_id) FROM events") == [(40, 40)]
    assert duplicates >= 1  # the batch whose answer was lost arrived twice
