"""``POST /admin/v1/run``: a CLI command handed to the server, answered on loopback with its token only.

The answer streams one JSON object a line: ``{"out": text}``, ``{"err": text}``, then
``{"exit": code}``. Refusals are JSON ``{"error": ...}``: 403 for a client not on this machine,
401 without the right token, 422 for a malformed body, 400 for settings that do not load or that
differ from the server's where they must agree (nabd.config.SERVER_WIDE).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import secrets
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError

from nabd.handoff.jobs import CommandRunner, JobOutput, JobRequest, run_job, settings_mismatch
from nabd.servefile import Server, remove_serve_file, write_serve_file

router = APIRouter()


@dataclass(frozen=True)
class Handoff:
    """A server taking CLI commands: its serve file, and how it runs a command line."""

    server: Server
    run_command: CommandRunner

    @property
    def holder(self) -> str:
        return self.server.holder


def start_handoff(database_url: str, address: tuple[str, int] | None,
                  run_command: CommandRunner | None) -> Handoff | None:
    """Write the serve file when serving a DuckDB file at ``address`` with a command runner (else no hand-off)."""
    if address is None or run_command is None:
        return None
    server = write_serve_file(database_url, *address)
    return None if server is None else Handoff(server, run_command)


def stop_handoff(database_url: str, handoff: Handoff | None) -> None:
    """Remove the serve file written by :func:`start_handoff`."""
    if handoff is not None:
        remove_serve_file(database_url, handoff.server)


def _refusal(request: Request) -> Response | None:
    """A 403 for a client not on this machine, a 401 without this server's token, else None."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
        local = address.is_loopback or bool(getattr(address, "ipv4_mapped", None) and address.ipv4_mapped.is_loopback)
    except ValueError:
        local = False
    if not local:
        return JSONResponse({"error": "the admin endpoint answers only on this machine (loopback)"}, 403)
    handoff: Handoff | None = getattr(request.app.state, "handoff", None)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if handoff is None or scheme.lower() != "bearer" or not secrets.compare_digest(
            given.encode(), handoff.server.token.encode()):
        return JSONResponse({"error": "a valid admin token is needed (the serve file beside the database has it)"},
                            401, headers={"WWW-Authenticate": "Bearer"})
    return None


@router.post("/admin/v1/run", include_in_schema=False)
async def run(request: Request) -> Response:
    """Run a `nabd` command line sent by a CLI on this machine and stream its output back."""
    refused = _refusal(request)
    if refused is not None:
        return refused
    try:
        job = JobRequest.model_validate_json(await request.body())
    except ValidationError as error:
        return JSONResponse({"error": f"not a hand-off job: {error.errors()[0]['msg']}"}, 422)
    mismatch = settings_mismatch(job)
    if mismatch:
        return JSONResponse({"error": mismatch}, 400)
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict] = asyncio.Queue()
    output = JobOutput(lambda item: loop.call_soon_threadsafe(queue.put_nowait, item))
    state = request.app.state
    output.thread = threading.Thread(
        target=run_job,
        args=(job, output, state.store, state.store_lock, state.handoff.holder, state.handoff.run_command),
        name="nabd-handoff-job", daemon=True,
    )
    output.thread.start()

    async def lines() -> AsyncIterator[str]:
        try:
            while True:
                item = await queue.get()
                yield json.dumps(item, ensure_ascii=False) + "\n"
                if "exit" in item:
                    return
        finally:
            output.cancelled = True  # no-op once the job has finished; else it stops at its next output

    return StreamingResponse(lines(), media_type="application/x-ndjson")
