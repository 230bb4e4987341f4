"""The CLI side of the hand-off: send the command line to the server and print what it streams back."""

from __future__ import annotations

import http.client
import json
import os
import sys

from nabd.config import VARIABLES, environment
from nabd.console import answers_read, console, errors
from nabd.errors import NabdError
from nabd.handoff.jobs import JobRequest, Terminal
from nabd.servefile import Server


def forward(server: Server, argv: list[str]) -> int:
    """Run ``argv`` in ``server`` with this process's settings (every variable nabd.config reads),
    copying its output to stdout and stderr; its exit code."""
    variables = environment()
    job = JobRequest(
        argv=argv, cwd=os.getcwd(), answers=answers_read(),
        settings={name: variables.get(name) for name in VARIABLES},
        stdout=Terminal.of(console), stderr=Terminal.of(errors),
    )
    connection = http.client.HTTPConnection(server.host, server.port, timeout=None)
    try:
        try:
            connection.request("POST", "/admin/v1/run", body=job.model_dump_json().encode(), headers={
                "Authorization": f"Bearer {server.token}", "Content-Type": "application/json"})
            response = connection.getresponse()
        except OSError as error:
            raise NabdError(f"{server.holder} but it did not take the command: {error}") from None
        if response.status != 200:
            raise NabdError(f"{server.holder} and refused the command: {_error_of(response.read())}")
        return _copy(response, server)
    finally:
        connection.close()


def _copy(response: http.client.HTTPResponse, server: Server) -> int:
    streams = {"out": sys.stdout, "err": sys.stderr}
    try:
        for line in response:
            item = json.loads(line)
            if "exit" in item:
                return int(item["exit"])
            for name, text in item.items():
                streams[name].write(text)
                streams[name].flush()
    except (OSError, http.client.HTTPException, ValueError):
        pass
    raise NabdError(f"{server.holder} but it stopped answering before the command finished")


def _error_of(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"])
    except (ValueError, KeyError, TypeError):
        return body.decode(errors="replace").strip()[:200] or "no reason given"
