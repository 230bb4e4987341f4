"""What every ``nabd`` command shares: the --database option, opening the store, the consoles.

A command runs either in its own process or, on a DuckDB file held by ``nabd serve``, inside the
server as a hand-off job (:mod:`nabd.handoff`). The same function runs either way: while a job
runs, :data:`console` and :data:`errors` print to the client, :func:`read_input` replays what the
client read, and :func:`open_configured_store` lends the server's store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.servefile import live_server
from nabd.store import Store, open_store

DatabaseOption = Annotated[
    str | None,
    typer.Option(  # without it, nabd.config reads NABD_DATABASE_URL (the one reader of NABD_* variables)
        "--database", "-d",
        help="Database URL: duckdb:///FILE.duckdb or postgresql://USER@HOST/DB "
        "(default: NABD_DATABASE_URL, else duckdb:///nabd.duckdb).",
        show_default=False,
    ),
]


@dataclass
class Job:
    """A command handed to this process by a client: its consoles, the input it read, the store it borrows."""

    out: Console
    err: Console
    answers: list[str]
    borrow_store: Callable[[], Store]
    holder: str  # "a server (pid N, http://...) holds FILE", for commands that cannot run inside it
    read: int = field(default=0)


_job: Job | None = None  # the hand-off job running in this process (one at a time), else None
_answers: list[str] = []  # what this process read from its user, for a server it hands the job to


class _RoutedConsole:
    """The process's own rich Console, or the running hand-off job's, which prints to its client."""

    def __init__(self, own: Console, stream: str) -> None:
        self._own, self._stream = own, stream

    def _target(self) -> Console:
        return self._own if _job is None else getattr(_job, self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __enter__(self) -> Console:  # rich's Live uses `with console:` to group its output
        return self._target().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._target().__exit__(*exc)


console: Console = _RoutedConsole(Console(), "out")  # type: ignore[assignment]
errors: Console = _RoutedConsole(Console(stderr=True), "err")  # type: ignore[assignment]


def running_job() -> Job | None:
    """The hand-off job running in this process, if any (e.g. `nabd run --every` refuses to loop in one)."""
    return _job


def set_running_job(job: Job | None) -> None:
    """Route the consoles, the input and the store to ``job`` (None: back to this process's own)."""
    global _job
    _job = job


def read_input(ask: Callable[[], str]) -> str:
    """An answer from the user (a prompt, a line of stdin): asked here, or replayed in a hand-off job."""
    if _job is not None:
        if _job.read >= len(_job.answers):
            raise NabdError("the command asked for more input than its client sent to the server")
        _job.read += 1
        return _job.answers[_job.read - 1]
    answer = ask()
    _answers.append(answer)
    return answer


def answers_read() -> list[str]:
    """Every answer :func:`read_input` asked for in this process, in order."""
    return list(_answers)


class HandOff(BaseException):
    """The database is a DuckDB file held by a running `nabd serve`: the command must run there.

    A BaseException, so that no ``except Exception`` of a command swallows it on its way to cli.main.
    """

    def __init__(self, server: Any) -> None:
        super().__init__(server.holder)
        self.server = server


def print_error(error: NabdError) -> None:
    """The one line a failed command prints."""
    errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)


OpeningStep = Callable[[Store, Callable[[str], None]], Any]
_opening_steps: list[OpeningStep] = []


def on_store_open(step: OpeningStep) -> None:
    """Run ``step(store, announce)`` on every store a command opens itself, after migrating it.

    The composition root (cli.py) registers the steps of higher layers, e.g. recounting activity_daily
    once when NABD_TIMEZONE changed, so that this module imports nothing above the store.
    """
    if step not in _opening_steps:
        _opening_steps.append(step)


def open_configured_store(database: str | None, *, handoff: bool = True, create: bool = False) -> Store:
    """Open (and migrate) the store named by --database, NABD_DATABASE_URL or the default file.

    On a DuckDB file held by `nabd serve` the command is handed to the server (HandOff), or refused
    when ``handoff`` is False (commands that replace the database or serve it themselves). Only the
    commands that fill a database (init, demo, import, serve) ``create`` it: the others refuse a
    database that does not exist (a mistyped --database must not leave an empty database behind).
    """
    if _job is not None:
        if not handoff:
            raise NabdError(f"{_job.holder}: stop it first")
        return _job.borrow_store()
    url = load_settings(database).database_url
    server = live_server(url)
    if server is not None:
        if not handoff:
            raise NabdError(f"{server.holder}: stop it first")
        raise HandOff(server)
    store = open_store(url, upgrading=lambda migration: errors.print(
        f"upgrading the database: migration {migration.version:04d}_{migration.name} "
        "(on a large database this can take minutes)", highlight=False), create=create)
    try:
        for step in _opening_steps:
            step(store, lambda message: errors.print(message, highlight=False))
    except BaseException:
        store.close()
        raise
    return store
