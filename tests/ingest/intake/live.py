"""A live `nabd serve` subprocess on a free loopback port, to send real HTTP to, stop and kill."""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.serving import free_port

START_SECONDS = 30


class LiveServer:
    """`nabd serve` over ``url`` with its journal in ``journal``; restartable on the same port."""

    def __init__(
        self, url: str, key: str, journal: Path, log: Path, drain_seconds: float = 0.2,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.url, self.key, self.journal, self.log = url, key, journal, log
        self.drain_seconds = drain_seconds
        self.environment = environment or {}
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{self.key}:".encode()).decode()}

    def start(self) -> None:
        environment = {**os.environ, "NABD_INTAKE_JOURNAL": str(self.journal),
                       "NABD_INTAKE_DRAIN_SECONDS": str(self.drain_seconds), **self.environment}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).with_name("nabd")), "serve", "--port", str(self.port), "--database", self.url],
                env=environment, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                if self.get("/v1/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"nabd serve did not answer within {START_SECONDS} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no drain, no flush."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM: uvicorn shuts down (the intake drains its journal), then re-raises the signal."""
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(30) in (0, -signal.SIGTERM), self.log.read_text()[-2000:]
        assert "Traceback" not in self.log.read_text()

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers or self.auth)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            connection.close()

    def wait_drained(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while self.get("/v1/health")[1].get("pending") != 0:
            assert time.monotonic() < deadline, "the journal was not drained in time"
            time.sleep(0.1)

    def metric(self, name: str) -> float:
        """The value of one unlabelled series of the server's /metrics."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", "/metrics")
            text = connection.getresponse().read().decode()
        finally:
            connection.close()
        return next(float(line.split()[1]) for line in text.splitlines() if line.startswith(name + " "))
