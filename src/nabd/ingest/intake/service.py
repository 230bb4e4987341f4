"""The event intake as the web server runs it: the journal, the thread that drains it, the counters.

:func:`start_intake` is called by the web app's lifespan with the app's one store and its lock;
it drains what a previous run left in the journal (acknowledged before a crash) before the
server answers. ``on_change`` hears of each drain that stored something (the server's pipeline
schedule runs soon after). :func:`stop_intake` drains everything, so a clean stop leaves an empty journal.
The drainer applies sealed segments every ``drain_seconds``, or sooner when many lines wait.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from nabd.ingest.intake.applying import apply_segment, drained_segment
from nabd.ingest.intake.journal import Journal, count_lines
from nabd.ingest.intake.keys import WriteKeys, key_in_use, keys_in_use
from nabd.ingest.intake.settings import IntakeSettings, load_intake_settings
from nabd.store import Store, reading_connection

log = logging.getLogger("nabd.intake")
DRAIN_SOON_LINES = 20_000
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Latency:
    """A Prometheus histogram of request seconds: counts per upper bound, their sum and count."""

    buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    total: float = 0.0
    count: int = 0

    def observe(self, seconds: float) -> None:
        index = bisect.bisect_left(LATENCY_BUCKETS, seconds)
        if index < len(self.buckets):
            self.buckets[index] += 1
        self.total += seconds
        self.count += 1


@dataclass
class Intake:
    """The running intake of one server process."""

    settings: IntakeSettings
    store: Store
    store_lock: threading.Lock
    journal: Journal
    keys: WriteKeys
    counters: Counter = field(default_factory=Counter)
    latency: Latency = field(default_factory=Latency)
    on_change: Callable[[], None] | None = None  # called after a drain that stored events, contacts or accounts
    pending: int = 0  # journal lines not yet in the store
    drained: int = 0  # last segment in the store
    _since_drain: int = 0
    _count_lock: threading.Lock = field(default_factory=threading.Lock)
    _drain_lock: threading.Lock = field(default_factory=threading.Lock)  # one drain at a time
    key_store: Store | None = None  # PostgreSQL: the connection write keys are looked up on
    _key_lock: threading.Lock = field(default_factory=threading.Lock)
    _open_lock: asyncio.Lock | None = None
    _wake: threading.Event = field(default_factory=threading.Event)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    async def accept(self, lines: bytes, count: int) -> None:
        """Return once ``count`` journal lines are durable (the caller then acknowledges them)."""
        if not self.journal.is_open:
            self._open_lock = self._open_lock or asyncio.Lock()
            async with self._open_lock:
                if not self.journal.is_open:
                    await run_in_threadpool(self.journal.open)
        with self._count_lock:  # counted before the write, so a drain never sees lines it did not count
            self.pending += count
        try:
            await self.journal.append(lines)
        except BaseException:
            with self._count_lock:
                self.pending -= count
            raise
        with self._count_lock:
            self._since_drain += count
            if self._since_drain >= DRAIN_SOON_LINES:
                self._wake.set()

    def reload_keys(self) -> None:
        with self.store_lock:
            self.keys.reload()

    def check_key(self, key: str) -> str | None:
        """The name of write key ``key`` if it is in use now (on PostgreSQL: asked on the intake's own connection)."""
        if self.keys.look_up is not None:
            with self._key_lock:
                return self.keys.check(key)
        with self.store_lock:
            return self.keys.check(key)

    def drain(self) -> int:
        """Apply every sealed segment to the store, in order; return how many lines were applied."""
        if not self.journal.is_open:
            return 0
        with self._drain_lock:
            return self._drain_sealed()

    def _drain_sealed(self) -> int:
        with self._count_lock:
            self._since_drain = 0
        applied_lines = changed = 0
        for segment in self.journal.seal():
            if segment > self.drained:
                path = self.journal.path(segment)
                lines = count_lines(path)
                with self.store_lock:
                    applied = apply_segment(
                        self.store, path, self.journal.journal_id, segment, self.settings.unknown_accounts
                    )
                self.drained = segment
                self.counters.update(
                    stored=applied.events, duplicate=applied.duplicates, quarantined=applied.quarantined,
                    contacts=applied.contacts, accounts=applied.accounts,
                )
                with self._count_lock:
                    self.pending -= lines
                applied_lines += lines
                changed += applied.events + applied.contacts + applied.accounts
            self.journal.remove(segment)
        if changed and self.on_change is not None:
            self.on_change()
        return applied_lines

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.settings.drain_seconds)
            self._wake.clear()
            try:
                self.drain()
            except Exception:
                log.exception("draining the intake journal failed; retrying")
                self._stopping.wait(1.0)


def start_intake(
    database_url: str, store: Store, store_lock: threading.Lock, on_change: Callable[[], None] | None = None,
) -> Intake:
    """Open the intake of the server over ``store``: recover its journal, start the drainer."""
    settings = load_intake_settings(database_url)
    journal = Journal(settings.journal)
    key_store = reading_connection(store) if store.kind == "postgres" else None  # another process may revoke
    keys = WriteKeys(lambda: keys_in_use(store), key_store and (lambda hashed: key_in_use(key_store, hashed)))
    intake = Intake(settings=settings, store=store, store_lock=store_lock, journal=journal, keys=keys,
                    on_change=on_change, key_store=key_store)
    with store_lock:
        keys.reload()
    if (settings.journal / "journal.id").exists():
        journal.open()
        with store_lock:
            intake.drained = drained_segment(store, journal.journal_id)
        intake.pending = sum(count_lines(journal.path(s)) for s in journal.segments() if s > intake.drained)
        journal.write_after(intake.drained)
        intake.drain()
    intake._thread = threading.Thread(target=intake._run, name="nabd-intake-drainer", daemon=True)
    intake._thread.start()
    return intake


def stop_intake(intake: Intake) -> None:
    """Stop the drainer, drain what is left, and release the journal."""
    intake._stopping.set()
    intake._wake.set()
    if intake._thread is not None:
        intake._thread.join()
    try:
        intake.drain()
    finally:
        intake.journal.close()
        if intake.key_store is not None:
            intake.key_store.close()
