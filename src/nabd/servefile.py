"""The serve file: which process holds a DuckDB file, where its admin endpoint is, and its token.

Below the hand-off (it needs only the store's URL parsing), so that :mod:`nabd.console` can ask
whether a command must be handed to a running server without importing the hand-off.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from pathlib import Path

from pydantic import BaseModel, ValidationError

from nabd.store import parse_url

CONNECT_SECONDS = 5.0  # a server that has just started (or is stopping) may not answer at once


class Server(BaseModel):
    """A running `nabd serve` as its serve file describes it."""

    pid: int
    host: str
    port: int
    token: str
    database: str  # the absolute path of the DuckDB file

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def holder(self) -> str:
        return f"a server (pid {self.pid}, {self.address}) holds {self.database}"


def database_file(database_url: str) -> Path | None:
    """The absolute path of a DuckDB database file; None for memory and PostgreSQL."""
    url = parse_url(database_url)
    if url.kind != "duckdb" or url.path == ":memory:":
        return None
    return Path(url.path).expanduser().absolute()


def serve_file_of(database_url: str) -> Path | None:
    """Where the serve file of ``database_url`` is: FILE.duckdb.serve.json beside the database."""
    database = database_file(database_url)
    return None if database is None else database.with_name(database.name + ".serve.json")


def write_serve_file(database_url: str, host: str, port: int) -> Server | None:
    """Record this process as the server of ``database_url`` with a new token (None: nothing to hand off)."""
    database = database_file(database_url)
    if database is None:
        return None
    path = database.with_name(database.name + ".serve.json")
    loopback = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "localhost": "127.0.0.1", "::": "::1"}
    server = Server(pid=os.getpid(), host=loopback.get(host, host), port=port,
                    token=secrets.token_urlsafe(32), database=str(database))
    partial = path.with_name(path.name + f".{os.getpid()}.tmp")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(server.model_dump_json())
    os.replace(partial, path)
    return server


def remove_serve_file(database_url: str, server: Server) -> None:
    """Remove the serve file if it is still this server's (a newer server may have replaced it)."""
    path = serve_file_of(database_url)
    if path is not None and _read(path) == server:
        path.unlink(missing_ok=True)


def live_server(database_url: str) -> Server | None:
    """The running server holding ``database_url``, or None (no serve file, or a stale one)."""
    path = serve_file_of(database_url)
    server = _read(path) if path is not None else None
    deadline = time.monotonic() + CONNECT_SECONDS
    while server is not None and _alive(server.pid):
        try:
            socket.create_connection((server.host, server.port), timeout=1).close()
            return server
        except OSError:
            if time.monotonic() > deadline:
                return None  # a process with that pid that does not answer: not a server of ours
            time.sleep(0.1)
    return None


def _read(path: Path) -> Server | None:
    try:
        return Server.model_validate(json.loads(path.read_text()))
    except (OSError, ValueError, ValidationError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True
