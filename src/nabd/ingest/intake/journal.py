"""The intake journal: where a message is made durable before the server acknowledges it.

Durability choice (DESIGN.md, "Processes and the one-writer rule"): a 2xx means the message's
staged row is in a local, append-only journal file and ``fdatasync`` has returned; a background
drainer (:mod:`nabd.ingest.intake.service`) then moves the journal into the database in batches.
One commit per request cannot reach tens of thousands of events a second on DuckDB (every commit
syncs its WAL), whereas here concurrent requests share one write and one sync (group commit).

The journal is a folder of numbered segment files of JSON lines plus ``journal.id``. Writes go
to the newest segment; the drainer seals it (the next write opens a new one), applies the sealed
segments in order, and records "segment N of journal J is in the store" in ``intake_journals`` in
the same transaction as the rows, then deletes the file. So after a ``kill -9`` at any moment:
a sealed segment is applied once (its number is recorded or it is not), a line whose sync had
not returned was never acknowledged (a torn last line is skipped when read), and messages sent
again by a client that got no answer carry the same messageId, which is stored only once.
tests/ingest/intake/test_intake_crash.py kills the server with SIGKILL under load and checks exactly that.

The folder is locked (``flock``) by the one server that uses it; it is made on the first message.
It holds customers' events: the folder is 0700 and its files 0600 (also those an earlier Nabd made).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nabd.errors import NabdError
from nabd.store.files import PRIVATE_FILE, make_private, private_folder

SEGMENT_SUFFIX = ".jsonl"


class Journal:
    """Segment files in ``folder`` with group commit; thread-safe, appends from one event loop."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.journal_id: str | None = None
        self._lock = threading.Lock()  # the open segment: writes, syncs and sealing
        self._lock_file: int | None = None
        self._segment = 0  # number of the segment being written
        self._fd: int | None = None
        self._waiting: list[tuple[bytes, asyncio.Future[None]]] = []
        self._flushing = False
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nabd-journal")

    @property
    def is_open(self) -> bool:
        return self.journal_id is not None

    def open(self) -> None:
        """Lock the folder (making it if new); new writes go to a segment after every one on disk."""
        private_folder(self.folder)
        for path in self.folder.iterdir():
            make_private(path)
        self._lock_file = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_file)
            raise NabdError(
                f"the intake journal {self.folder} is in use by another Nabd server: "
                "give each server its own folder with NABD_INTAKE_JOURNAL"
            ) from None
        self.journal_id = self._read_or_make_id()
        self._segment = max([0, *self.segments()]) + 1

    def write_after(self, drained_segment: int) -> None:
        """Number new segments after ``drained_segment`` too (its file may be gone already)."""
        with self._lock:
            if self._fd is None:
                self._segment = max(self._segment, drained_segment + 1)

    def _read_or_make_id(self) -> str:
        id_file = self.folder / "journal.id"
        if id_file.exists():
            return id_file.read_text(encoding="ascii").strip()
        journal_id = uuid.uuid4().hex
        temporary = self.folder / "journal.id.new"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(journal_id)
        _sync_file(temporary)
        temporary.replace(id_file)
        _sync_folder(self.folder)
        return journal_id

    def segments(self) -> list[int]:
        """Numbers of the segment files on disk, in order."""
        return sorted(int(path.stem) for path in self.folder.glob(f"*{SEGMENT_SUFFIX}") if path.stem.isdigit())

    def path(self, segment: int) -> Path:
        return self.folder / f"{segment:012d}{SEGMENT_SUFFIX}"

    async def append(self, lines: bytes) -> None:
        """Return once ``lines`` are written and synced; concurrent appends share one write and sync."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((lines, future))
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        await future

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                group, self._waiting = self._waiting, []
                try:
                    await loop.run_in_executor(self._writer, self._write, b"".join(lines for lines, _ in group))
                except Exception as error:  # noqa: BLE001 - every waiter learns the write failed
                    for _, future in group:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for _, future in group:
                    if not future.done():
                        future.set_result(None)
        finally:
            self._flushing = False

    def _write(self, blob: bytes) -> None:
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path(self._segment), os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
                _sync_folder(self.folder)
            try:
                view = memoryview(blob)
                while view:
                    view = view[os.write(self._fd, view):]
                os.fdatasync(self._fd)
            except OSError:
                self._close_segment()  # a partial line must stay the last line of its segment
                raise

    def seal(self) -> list[int]:
        """Close the segment being written (if it has lines); return the sealed segments on disk, in order."""
        with self._lock:
            if self._fd is not None:
                self._close_segment()
            return [segment for segment in self.segments() if segment < self._segment]

    def _close_segment(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._segment += 1

    def remove(self, segment: int) -> None:
        """Delete a segment the store has (its number is recorded in ``intake_journals``)."""
        self.path(segment).unlink(missing_ok=True)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        with self._lock:
            if self._fd is not None:
                self._close_segment()
        if self._lock_file is not None:
            os.close(self._lock_file)  # releases the flock
            self._lock_file = None


def count_lines(path: Path) -> int:
    with path.open("rb") as segment:
        return sum(block.count(b"\n") for block in iter(lambda: segment.read(1 << 20), b""))


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    _sync_file(folder)
