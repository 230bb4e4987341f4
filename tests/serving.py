"""Live servers for tests: a free loopback port, and the web app served by uvicorn in a thread."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ServedApp:
    """An ASGI app answering at ``base`` until :meth:`stop`."""

    base: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_in_thread(app, port: int | None = None) -> ServedApp:
    """Serve ``app`` (lifespan on) on 127.0.0.1:``port`` (a free one by default); return once it answers."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        assert time.monotonic() < deadline, f"the server did not start within {START_SECONDS} s"
        time.sleep(0.05)
    return ServedApp(f"http://127.0.0.1:{port}", server, thread)
