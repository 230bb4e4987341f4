"""The server computes the dashboard before anyone asks: at start, and after each change of its data.

A thread looks at the data generation (:func:`nabd.web.read.generation.data_generation`: imports, scoring
runs, intake drains, survey responses, accounts) every ``WARM_SECONDS``. When it or the day changed,
it computes the default dashboard (12 months, all accounts) and every segment's, on its own
connection (so pages are not held behind the store lock meanwhile), and keeps them under the new
generation; a request for one of them waits for that computation instead of starting its own, and
one kept ``CACHE_SECONDS`` or more is shown while it is computed again.
A result is kept only if the generation did not change while it was computed, so a page never shows
numbers older than the data it read its generation from.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from nabd.store import Store, reading_connection
from nabd.store.calendar import today as calendar_today
from nabd.web.read import dashboard as dashboards
from nabd.web.read.dashboard import DashboardKey
from nabd.web.read.generation import data_generation
from nabd.web.read.portfolio import filter_choices

log = logging.getLogger("nabd.web")
WARM_SECONDS = 2.0  # how often the generation is looked at
WARM_MONTHS = 12  # the dashboard's default period


@dataclass
class Warming:
    """The dashboard warmer of one server process."""

    store: Store
    store_lock: threading.Lock
    currency: Callable[[], str]
    warmed: tuple[date, DashboardKey] | None = None  # (day, default dashboard's key) last computed
    computed: int = 0  # computations kept
    seconds: float = 0.0  # how long the last one took
    _computing: dict[DashboardKey, threading.Event] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _reader: Store | None = None
    _thread: threading.Thread | None = None

    def ready(self, key: DashboardKey, timeout: float = 600.0) -> dict | None:
        """The dashboard kept under ``key`` (waiting for it if the warmer is computing it now), else None.

        One kept CACHE_SECONDS ago or more is still given, and computed again in the background."""
        with self._guard:
            event = self._computing.get(key)
        if event is not None:
            event.wait(timeout)
        kept = dashboards.kept_dashboard(key, fresh=False)
        if kept is not None and dashboards.kept_dashboard(key) is None:
            self.warmed = None  # the next look computes it again
        return kept

    def warm_once(self) -> bool:
        """Compute the default and every segment's dashboard if the day or the data changed; True if it did."""
        today = calendar_today()
        currency = self.currency()
        with self.store_lock:
            default = dashboards.dashboard_key(self.store, today, WARM_MONTHS, None, currency)
            segments = filter_choices(self.store)["segment"]
        if (today, default) == self.warmed:
            return False
        keys = [default] + [default._replace(segment=name) for name in segments]
        missing = [key for key in keys if dashboards.kept_dashboard(key) is None]  # a request may have made some
        events = {key: threading.Event() for key in missing}
        with self._guard:
            self._computing.update(events)
        began = time.perf_counter()
        try:
            reader = self._reader_store()
            shown = {}
            if default in missing:
                shown[default] = dashboards.dashboard_figures(reader, today, WARM_MONTHS, None, currency)
            if any(key != default for key in missing):
                for name, found in dashboards.segment_dashboards(reader, today, WARM_MONTHS, currency).items():
                    shown[default._replace(segment=name)] = found
                for key in keys[1:]:
                    shown.setdefault(key, dashboards.empty_dashboard(today, WARM_MONTHS, currency))
            with self.store_lock:
                unchanged = data_generation(self.store) == default.generation
            self.seconds = time.perf_counter() - began
            if unchanged:  # else the data changed meanwhile: the next look computes again
                dashboards.keep_dashboards(shown)
                self.warmed = (today, default)
                self.computed += 1
            log.info("computed %d dashboards ahead in %.1f s%s", len(shown), self.seconds,
                     "" if unchanged else " (the data changed meanwhile: computing again)")
            return unchanged
        finally:
            with self._guard:
                for key, event in events.items():
                    self._computing.pop(key, None)
                    event.set()

    def _reader_store(self) -> Store:
        """The warmer's second connection to the store (:func:`nabd.store.reading_connection`)."""
        if self._reader is None:
            with self.store_lock:  # the main connection is not touched by two threads at once
                self._reader = reading_connection(self.store)
        return self._reader

    def _run(self) -> None:
        while not self._stopping.wait(WARM_SECONDS):
            try:
                self.warm_once()
            except Exception:
                if self._stopping.is_set():
                    return
                log.exception("computing the dashboard ahead failed; trying again")


def start_warming(store: Store, store_lock: threading.Lock, currency: Callable[[], str]) -> Warming:
    """Start the warmer of a server over ``store``; its first look is WARM_SECONDS after start."""
    warming = Warming(store, store_lock, currency)
    warming._thread = threading.Thread(target=warming._run, name="nabd-dashboard-warmer", daemon=True)
    warming._thread.start()
    return warming


def stop_warming(warming: Warming) -> None:
    """Stop the warmer, cancelling a computation under way, and close its connection."""
    warming._stopping.set()
    reader = warming._reader
    if reader is not None:
        try:
            reader.raw.interrupt() if reader.kind == "duckdb" else reader.raw.cancel_safe()
        except Exception:  # nothing was running
            pass
    if warming._thread is not None:
        warming._thread.join()
    if reader is not None:
        reader.close()
