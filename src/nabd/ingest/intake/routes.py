"""The Segment HTTP Tracking API of Nabd: /v1/track, /identify, /group, /page, /screen, /batch, /health.

Every route needs a write key as the HTTP basic user name (no session, no CSRF: these are
server-to-server calls). A single call that breaks a rule gets a 400 naming the field; in a
batch, good messages are accepted and bad ones (too large, nested too deep, missing a field...)
quarantined with their reason, and the answer counts both. A body that cannot be read as JSON at
all (including one nested deeper than the JSON reader's 1,024 levels) is refused whole with a 400. A 200 is sent only once every message of the request is durable (journal.py).
"""

from __future__ import annotations

import json
import math
import time
import zlib
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool

from nabd.ingest.intake.keys import key_from_basic_auth
from nabd.ingest.intake.mapping import journal_line, message_row, refused_row
from nabd.ingest.intake.messages import (
    MAX_BATCH_BYTES,
    MAX_MESSAGE_BYTES,
    Message,
    Refusal,
    check_depth,
    parse_time,
    validate_message,
)
from nabd.ingest.intake.service import Intake
from nabd.store.date_range import DateRange, date_range


class IntakeRefusal(Exception):
    """A request the intake answers with ``status`` and a JSON error (Segment clients read code/message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


async def write_key_guard(request: Request) -> None:
    """The request's write key (HTTP basic user name) must be one in use, else 401."""
    key = key_from_basic_auth(request.headers.get("authorization", ""))
    if key is None:
        raise IntakeRefusal(401, "unauthorized", "send a write key as the HTTP basic user name (make one with `nabd key add NAME`)")
    intake: Intake = request.app.state.intake
    if intake.keys.stale_for(key):
        name = await run_in_threadpool(intake.check_key, key)
    else:
        name = intake.keys.name_of(key)
    if name is None:
        raise IntakeRefusal(401, "unauthorized", "the write key is not valid: it was revoked or never made")
    request.state.write_key = name


router = APIRouter(prefix="/v1", include_in_schema=False, dependencies=[Depends(write_key_guard)])


def install(app: FastAPI) -> None:
    """Give the web app the intake's JSON error answers (its routes, ``router``, are included by nabd.web.app)."""

    @app.exception_handler(IntakeRefusal)
    async def refused(_: Request, error: IntakeRefusal) -> JSONResponse:
        headers = {"WWW-Authenticate": 'Basic realm="nabd"'} if error.status == 401 else None
        return JSONResponse(
            {"success": False, "code": error.code, "message": error.message, "error": error.message},
            status_code=error.status, headers=headers,
        )


@router.get("/health")
async def intake_health(request: Request) -> dict[str, Any]:
    """Whether the intake runs, and how many acknowledged messages still wait to be drained."""
    intake: Intake = request.app.state.intake
    return {"status": "ok", "database": intake.store.kind, "pending": intake.pending}


class Batch(BaseModel):
    """The body of /v1/batch: messages each saying their own ``type``. Any entry is taken: one that is
    not a good Message is quarantined with its reason and the others kept (the answer counts both)."""

    model_config = ConfigDict(extra="allow")
    batch: list[Any]
    sentAt: datetime | None = None


class Accepted(BaseModel):
    """A 200: every message is durable; the bad ones of a batch are quarantined with their reason."""

    success: bool
    accepted: int
    quarantined: int


class IntakeError(BaseModel):
    """A refused request (400 naming the field, 401 without a valid write key); Segment clients read code/message."""

    success: bool
    code: str
    message: str
    error: str


class IntakeHealth(BaseModel):
    status: str
    database: str
    pending: int


def intake_document() -> dict[str, Any]:
    """The OpenAPI document of the intake routes (served at /v1/openapi.json)."""
    _, schemas = models_json_schema(
        [(model, "validation") for model in (Message, Batch, Accepted, IntakeError, IntakeHealth)],
        ref_template="#/components/schemas/{model}",
    )
    reference = {name: {"$ref": f"#/components/schemas/{name}"} for name in schemas["$defs"]}
    refused = {"content": {"application/json": {"schema": reference["IntakeError"]}}}
    answers = {"400": {"description": "A rule broken, naming the field", **refused},
               "401": {"description": "No valid write key", **refused}}

    def receiving(body: str, summary: str) -> dict[str, Any]:
        return {"post": {
            "summary": summary,
            "requestBody": {"required": True, "content": {"application/json": {"schema": reference[body]}}},
            "responses": {"200": {"description": "Durable",
                                  "content": {"application/json": {"schema": reference["Accepted"]}}},
                          **answers},
        }}

    paths = {f"/v1/{kind}": receiving("Message", f"one {kind} message")
             for kind in ("track", "identify", "group", "page", "screen")}
    paths["/v1/batch"] = receiving("Batch", "up to 500 KB of messages; bad ones are quarantined, the rest kept")
    paths["/v1/health"] = {"get": {"summary": "whether the intake runs", "responses": {
        "200": {"description": "Running", "content": {"application/json": {"schema": reference["IntakeHealth"]}}},
        "401": answers["401"]}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Nabd event intake (Segment HTTP Tracking API)", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas["$defs"],
                       "securitySchemes": {"writeKey": {"type": "http", "scheme": "basic"}}},
        "security": [{"writeKey": []}],
    }


@router.get("/openapi.json")
async def openapi() -> dict[str, Any]:
    """The OpenAPI document of the intake."""
    return intake_document()


@router.post("/track")
async def track(request: Request) -> JSONResponse:
    return await _receive(request, "track")


@router.post("/identify")
async def identify(request: Request) -> JSONResponse:
    return await _receive(request, "identify")


@router.post("/group")
async def group(request: Request) -> JSONResponse:
    return await _receive(request, "group")


@router.post("/page")
async def page(request: Request) -> JSONResponse:
    return await _receive(request, "page")


@router.post("/screen")
async def screen(request: Request) -> JSONResponse:
    return await _receive(request, "screen")


@router.post("/batch")
async def batch(request: Request) -> JSONResponse:
    return await _receive(request, None)


async def _receive(request: Request, kind: str | None) -> JSONResponse:
    intake: Intake = request.app.state.intake
    started = time.perf_counter()
    try:
        body = await _body(request, MAX_MESSAGE_BYTES if kind else MAX_BATCH_BYTES)
        document = _json(body)
        received_at = datetime.now(UTC).replace(tzinfo=None)
        source = f"event API ({request.state.write_key})"
        dates = date_range()  # read once per request
        if kind is None:
            lines, accepted, quarantined = _batch_lines(
                intake, document, len(body) > MAX_MESSAGE_BYTES, source, received_at, dates)
        else:
            lines, accepted, quarantined = _message_line(intake, document, kind, source, received_at, dates), 1, 0
        intake.counters.update(received=accepted + quarantined, accepted=accepted, refused=quarantined)
        if lines:
            await intake.accept(lines, accepted + quarantined)
        return JSONResponse({"success": True, "accepted": accepted, "quarantined": quarantined})
    except IntakeRefusal:
        intake.counters.update(rejected_requests=1)
        raise
    finally:
        intake.latency.observe(time.perf_counter() - started)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, gunzipped if so sent, refused past ``limit`` bytes (Segment's limits)."""
    what = "a message" if limit == MAX_MESSAGE_BYTES else "a batch"
    too_big = IntakeRefusal(400, "too_large", f"body: {what} may be at most {limit // 1024} KB")
    declared = request.headers.get("content-length", "")
    gzipped = request.headers.get("content-encoding", "").lower() == "gzip"
    if declared.isdigit() and int(declared) > limit and not gzipped:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit * (20 if gzipped else 1):
            raise too_big
        chunks.append(chunk)
    body = b"".join(chunks)
    if gzipped:
        try:
            inflater = zlib.decompressobj(wbits=31)
            body = inflater.decompress(body, limit + 1)
        except zlib.error:
            raise IntakeRefusal(400, "invalid_request", "body: is not valid gzip") from None
    if len(body) > limit:
        raise too_big
    return body


_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0" * 10)
_LONG_NUMBER = b"0" * 20  # a number past 64 bits, which orjson would read as a float


def _json(body: bytes) -> Any:
    """The JSON document of ``body``; orjson reads it unless it needs the standard library's rules.

    Those rules (which orjson refuses or reads otherwise): integers past 64 bits kept exact, lone
    surrogate escapes kept (then quarantined per message), UTF-16 bodies; NaN, Infinity and numbers
    that overflow a double are refused. A body too deep for the standard library (about 1,000 levels)
    is orjson's (1,024 levels), so one such message is refused alone.
    """
    if _LONG_NUMBER not in body.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(body, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        try:  # deeper than the standard library reads (its messages are refused per message), not than orjson
            return orjson.loads(body)
        except orjson.JSONDecodeError as error:
            reason = str(error).splitlines()[0][:200]
            raise IntakeRefusal(400, "invalid_json", f"body: is not valid JSON ({reason})") from None
    except ValueError as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise IntakeRefusal(400, "invalid_json", f"body: is not valid JSON ({reason})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:40]} is too large a number")
    return number


def _message_line(intake: Intake, raw: Any, kind: str, source: str, received_at: datetime, dates: DateRange) -> bytes:
    try:
        message, moment = validate_message(raw, kind, None, received_at, dates)
        return journal_line(message_row(message, moment, intake.settings.value_property, source, received_at.isoformat()))
    except Refusal as refusal:
        raise IntakeRefusal(400, "invalid_request", str(refusal)) from None


def _batch_lines(
    intake: Intake, document: Any, check_sizes: bool, source: str, received_at: datetime, dates: DateRange,
) -> tuple[bytes, int, int]:
    """Journal lines of a batch: a row per good message, a quarantine row per bad one.

    Each message's size is checked only when the body could hold one over the limit.
    """
    if not isinstance(document, dict) or not isinstance(document.get("batch"), list):
        raise IntakeRefusal(400, "invalid_request", "batch: is missing or not a list of messages")
    try:
        sent_at = parse_time(document.get("sentAt"), "sentAt", dates)
    except Refusal as refusal:
        raise IntakeRefusal(400, "invalid_request", str(refusal)) from None
    lines, accepted, quarantined = [], 0, 0
    received = received_at.isoformat()
    for raw in document["batch"]:
        try:
            if check_sizes and isinstance(raw, dict):
                check_depth(raw)  # first: a message thousands of levels deep cannot be measured
                if _size(raw) > MAX_MESSAGE_BYTES:
                    raise Refusal("message", f"is larger than {MAX_MESSAGE_BYTES // 1024} KB")
            message, moment = validate_message(raw, None, sent_at, received_at, dates)
            lines.append(journal_line(message_row(message, moment, intake.settings.value_property, source, received)))
            accepted += 1
        except Refusal as refusal:
            lines.append(journal_line(refused_row(raw, refusal, source, received_at)))
            quarantined += 1
    return b"".join(lines), accepted, quarantined


def _size(raw: Any) -> int:
    """Bytes of ``raw`` as compact UTF-8 JSON (a lone surrogate counts as its UTF-8 form)."""
    try:
        return len(orjson.dumps(raw))
    except orjson.JSONEncodeError:
        return len(json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))
