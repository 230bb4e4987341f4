"""``/health`` and ``/metrics`` (no session, no customer data): the server's Prometheus text, every
line of it rendered here.

HTTP requests by method, route template and status; uptime; the event intake's counters, pending
messages and latency histogram; the dashboards computed ahead; the pipeline runs the server made.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from nabd.ingest.intake.service import LATENCY_BUCKETS, Intake
from nabd.pipeline.schedule import Schedule
from nabd.store import schema_version
from nabd.web.security import store_of
from nabd.web.warm import Warming

router = APIRouter(include_in_schema=False)

INTAKE_COUNTERS = (
    ("received", "Messages received in requests that were answered."),
    ("accepted", "Messages accepted (made durable) for the store."),
    ("refused", "Batch messages refused at the door and quarantined with their reason."),
    ("quarantined", "Rows the drainer wrote to quarantine (refused messages, unknown or missing accounts)."),
    ("duplicate", "Events not stored again because their messageId was already stored."),
    ("stored", "New events stored."),
    ("rejected_requests", "Requests answered 4xx (bad key, bad body, a bad single message)."),
)


def metric(name: str, kind: str, help_text: str, samples: Iterable[str]) -> list[str]:
    """One metric: its HELP and TYPE lines, then its samples (``name{labels} value`` lines)."""
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *samples]


def http_lines(app: FastAPI) -> list[str]:
    """Request counts and durations by method and route template (never a path with an id in it), and uptime."""
    return [
        *metric("nabd_http_requests_total", "counter", "HTTP requests by method, route and status.", (
            f'nabd_http_requests_total{{method="{method}",route="{route}",status="{status}"}} {count}'
            for (method, route, status), count in sorted(app.state.requests.items())
        )),
        *metric("nabd_http_request_seconds_total", "counter", "Seconds spent answering, by method and route.", (
            f'nabd_http_request_seconds_total{{method="{method}",route="{route}"}} {seconds:.6f}'
            for (method, route), seconds in sorted(app.state.seconds.items())
        )),
        *metric("nabd_uptime_seconds", "gauge", "Seconds since the server started.",
                [f"nabd_uptime_seconds {time.time() - app.state.started:.3f}"]),
    ]


def intake_lines(intake: Intake) -> list[str]:
    """The intake's counters, pending gauge and request latency histogram."""
    lines: list[str] = []
    for name, help_text in INTAKE_COUNTERS:
        lines += metric(f"nabd_intake_{name}_total", "counter", help_text,
                        [f"nabd_intake_{name}_total {intake.counters[name]}"])
    lines += metric("nabd_intake_pending_messages", "gauge", "Acknowledged journal lines not yet in the store.",
                    [f"nabd_intake_pending_messages {intake.pending}"])
    buckets, cumulative = [], 0
    for bound, count in zip(LATENCY_BUCKETS, intake.latency.buckets, strict=True):
        cumulative += count
        buckets.append(f'nabd_intake_request_seconds_bucket{{le="{bound}"}} {cumulative}')
    return lines + metric(
        "nabd_intake_request_seconds", "histogram", "Seconds from receiving an intake request to answering it.", [
            *buckets,
            f'nabd_intake_request_seconds_bucket{{le="+Inf"}} {intake.latency.count}',
            f"nabd_intake_request_seconds_sum {intake.latency.total:.6f}",
            f"nabd_intake_request_seconds_count {intake.latency.count}",
        ])


def warming_lines(warming: Warming) -> list[str]:
    """How many dashboard computations ahead were kept, and how long the last one took."""
    return [
        *metric("nabd_dashboard_ahead_total", "counter", "Computations of the dashboards ahead (kept).",
                [f"nabd_dashboard_ahead_total {warming.computed}"]),
        *metric("nabd_dashboard_ahead_seconds", "gauge",
                "Seconds the last computation of the dashboards ahead took.",
                [f"nabd_dashboard_ahead_seconds {warming.seconds:.3f}"]),
    ]


def schedule_lines(schedule: Schedule | None) -> list[str]:
    """The pipeline runs the server made itself: how many (by status), when the last one finished, how long
    it took, whether it failed (nothing when the server runs no schedule)."""
    if schedule is None:
        return []
    last = schedule.last_finished
    finished = (last - datetime(1970, 1, 1)).total_seconds() if last is not None else 0  # naive UTC -> Unix time
    return [
        *metric("nabd_pipeline_runs_total", "counter", "Pipeline runs the server made itself, by status.",
                [f'nabd_pipeline_runs_total{{status="ok"}} {schedule.runs - schedule.failures}',
                 f'nabd_pipeline_runs_total{{status="failed"}} {schedule.failures}']),
        *metric("nabd_pipeline_last_run_timestamp_seconds", "gauge",
                "When the last pipeline run finished (Unix time; 0: none yet).",
                [f"nabd_pipeline_last_run_timestamp_seconds {finished:.0f}"]),
        *metric("nabd_pipeline_last_run_seconds", "gauge", "Seconds the last pipeline run took.",
                [f"nabd_pipeline_last_run_seconds {schedule.last_seconds:.3f}"]),
        *metric("nabd_pipeline_last_run_failed", "gauge", "1 when the last pipeline run failed, else 0.",
                [f"nabd_pipeline_last_run_failed {int(schedule.last_status == 'failed')}"]),
    ]


def prometheus_text(app: FastAPI) -> str:
    """The whole ``/metrics`` answer of the app's server."""
    lines = [*http_lines(app), *intake_lines(app.state.intake), *warming_lines(app.state.warming),
             *schedule_lines(app.state.schedule)]
    return "\n".join(lines) + "\n"


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    """Liveness and database check, for load balancers: no customer data."""
    def read():
        with store_of(request) as store:
            return schema_version(store)

    version = await run_in_threadpool(read)
    return JSONResponse({"status": "ok", "database": request.app.state.store.kind, "schema_version": version})


@router.get("/metrics")
async def prometheus(request: Request) -> PlainTextResponse:
    """Prometheus text format: request counts and timings, the intake's and the warmer's figures."""
    return PlainTextResponse(prometheus_text(request.app), media_type="text/plain; version=0.0.4")
