"""The pipeline as ``nabd serve`` runs it: every NABD_RUN_EVERY, and within seconds after new data.

A thread of the server runs :func:`~nabd.pipeline.daily.run_daily` for today on its own connection
(DuckDB: a second connection of the same database; PostgreSQL: its own connection), so it never
holds the store lock of web requests nor the hand-off's one-job lock. It runs when:

- ``every`` seconds have passed since the last run (at start: since the newest score was computed);
- the data changed: the server's data generation (a function of the store, e.g. imports, intake
  drains, survey responses) differs from the one seen after the last run, or :meth:`Schedule.data_changed`
  was called (the event intake calls it after a drain that stored something). A change is acted on
  SETTLE_SECONDS later, so a burst of data makes one run. (A change that lands while a run is under
  way is in the generation seen after it: an intake drain still calls data_changed, an import waits
  for the next periodic run.)

Each run is one log line; the last run's time, status and length are Prometheus gauges.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nabd.pipeline.daily import DailyRun, run_daily
from nabd.store import Store, reading_connection
from nabd.store.calendar import today
from nabd.store.clock import utc_now

log = logging.getLogger("nabd.pipeline")
LOOK_SECONDS = 2.0  # how often the data generation is looked at
SETTLE_SECONDS = 1.0  # after a change, wait this long for the rest of the burst

Generation = Callable[[Store], Any]


@dataclass
class Schedule:
    """The scheduled pipeline of one server process."""

    store: Store  # the schedule's own connection
    every: float  # seconds between runs
    generation: Generation | None = None
    inbox: Path | None = None
    runs: int = 0
    failures: int = 0
    last_finished: datetime | None = None
    last_status: str = ""  # "ok" or "failed"
    last_seconds: float = 0.0
    next_due: float = 0.0  # time.monotonic() of the next periodic run
    _seen: Any = None  # the data generation after the last run
    _changed: threading.Event = field(default_factory=threading.Event)
    _wake: threading.Event = field(default_factory=threading.Event)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def data_changed(self) -> None:
        """New data arrived: run soon."""
        self._changed.set()
        self._wake.set()

    def run_once(self, reason: str) -> DailyRun | None:
        """Run the pipeline for today now; log one line; None when it failed (the next trigger tries again)."""
        self._changed.clear()
        began = time.perf_counter()
        try:
            run = run_daily(self.store, today(), inbox=self.inbox)
        except Exception as error:
            self.failures += 1
            self._finished("failed", began)
            log.error("pipeline run (%s) failed after %.1f s: %s", reason, self.last_seconds, error)
            return None
        self._finished("ok", began)
        log.info("pipeline run (%s) in %.1f s: %s", reason, self.last_seconds, summary(run))
        return run

    def _finished(self, status: str, began: float) -> None:
        self.runs += 1
        self.last_status, self.last_seconds = status, time.perf_counter() - began
        self.last_finished = utc_now()
        self.next_due = time.monotonic() + self.every
        if self.generation is not None:
            self._seen = self.generation(self.store)

    def _reason(self) -> str | None:
        """Why to run now, or None."""
        if self._changed.is_set():
            return "new data"
        if self.generation is not None and self.generation(self.store) != self._seen:
            return "new data"
        if time.monotonic() >= self.next_due:
            return "schedule"
        return None

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(max(0.0, min(LOOK_SECONDS, self.next_due - time.monotonic())))
            self._wake.clear()
            if self._stopping.is_set():
                return
            try:
                reason = self._reason()
                if reason == "new data" and self._stopping.wait(SETTLE_SECONDS):
                    return
                if reason:
                    self.run_once(reason)
            except Exception:
                if self._stopping.is_set():
                    return
                log.exception("the pipeline schedule failed; trying again")
                self._stopping.wait(LOOK_SECONDS)


def summary(run: DailyRun) -> str:
    """One line of what a run did."""
    parts = [f"as of {run.as_of}"]
    if run.imported:
        parts.append(f"{len(run.imported)} files imported")
    if run.scoring:
        parts.append(f"{run.scoring.accounts} accounts scored, {run.scoring.band_changes} band changes")
    if run.indicators:
        parts.append(f"{sum(run.indicators.fired.values())} indicator firings")
    if run.playbooks:
        parts.append(f"{run.playbooks.tasks} tasks, {run.playbooks.notifications} notifications queued")
    if run.delivery:
        parts.append(f"{run.delivery.sent} sent, {run.delivery.failed} failed")
    parts += [f"note: {note}" for note in run.notes]
    return "; ".join(parts)


def own_connection(store: Store, store_lock: threading.Lock) -> Store:
    """A connection of the schedule's own to ``store``'s database (taken while no other thread uses ``store``)."""
    with store_lock:
        return reading_connection(store)


def start_schedule(
    store: Store, store_lock: threading.Lock, every: float, *, generation: Generation | None = None,
    inbox: Path | None = None,
) -> Schedule:
    """Start the pipeline schedule of a server over ``store``: the first run is ``every`` seconds after
    the newest score was computed (now when there is none), or sooner when the data changes."""
    own = own_connection(store, store_lock)
    schedule = Schedule(own, every, generation, inbox)
    newest = own.scalar("SELECT max(computed_at) FROM health_scores")
    waited = (utc_now(microseconds=True) - newest).total_seconds() if newest is not None else every
    schedule.next_due = time.monotonic() + max(0.0, every - waited)
    if generation is not None:
        schedule._seen = generation(own)
    schedule._thread = threading.Thread(target=schedule._run, name="nabd-pipeline", daemon=True)
    schedule._thread.start()
    return schedule


def stop_schedule(schedule: Schedule) -> None:
    """Stop the schedule, interrupting a run under way (it rolls back), and close its connection."""
    schedule._stopping.set()
    schedule._wake.set()
    try:
        schedule.store.raw.interrupt() if schedule.store.kind == "duckdb" else schedule.store.raw.cancel_safe()
    except Exception:  # nothing was running
        pass
    if schedule._thread is not None:
        schedule._thread.join()
    schedule.store.close()
