"""Running a handed-off command inside the server: the same Typer command, the server's store, the
caller's settings.

The command runner comes from the composition root (``nabd serve`` passes cli's), so the hand-off
never imports the CLI. A job carries its caller's NABD_* variables and runs with them
(:func:`nabd.config.job_environment`); only the settings of the server as a whole
(:data:`nabd.config.SERVER_WIDE`) must agree, and the database is the server's.

One job runs at a time. While it runs, the consoles, ``sys.stdout`` and ``sys.stderr`` of the
server process write to the job's client; each ``open_configured_store`` of the command borrows
the server's store under its lock, so web requests wait only while the command uses the store.
A client that goes away stops its job at the job's next output, as Ctrl-C would.
"""

from __future__ import annotations

import functools
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console

from nabd.config import SERVER_WIDE, environment, job_environment, load_settings
from nabd.console import Job, set_running_job
from nabd.errors import NabdError
from nabd.store import Store

# Runs one command line (argv) with relative paths taken from a folder (the client's cwd): its exit code.
CommandRunner = Callable[[list[str], Path], int]

Emit = Callable[[dict[str, Any]], None]


class Terminal(BaseModel):
    """How the client's stdout or stderr prints: a terminal or not, its size and colours."""

    terminal: bool = False
    interactive: bool = False
    width: int = Field(80, ge=10, le=1000)
    height: int = Field(25, ge=5, le=1000)
    color_system: str | None = None
    no_color: bool = False

    @classmethod
    def of(cls, console: Console) -> Terminal:
        return cls(terminal=console.is_terminal, interactive=console.is_interactive, width=console.width,
                   height=console.height, color_system=console.color_system, no_color=console.no_color)

    def console(self, file: Any) -> Console:
        colours = self.color_system if self.color_system in {"standard", "256", "truecolor"} else None
        return Console(file=file, force_terminal=self.terminal, force_interactive=self.interactive,
                       width=self.width, height=self.height, color_system=colours, no_color=self.no_color,
                       legacy_windows=False, _environ={})


class JobRequest(BaseModel):
    """What a client sends: its command line, where it runs, what it read, its settings and terminals."""

    argv: list[str]
    cwd: str
    answers: list[str] = []
    settings: dict[str, str | None] = {}  # the client's value of each of nabd.config.VARIABLES (None: unset)
    stdout: Terminal = Terminal()
    stderr: Terminal = Terminal()


def settings_mismatch(request: JobRequest) -> str | None:
    """Why the job cannot run in this server, or None: its settings do not load, or a setting of the
    server as a whole differs (every such variable named)."""
    try:
        with job_environment(request.settings):
            theirs = load_settings()
    except NabdError as error:
        return str(error)
    ours, here = load_settings(), environment()
    differ = [
        f"{name} is {request.settings.get(name) or 'not set'} for this command but {here.get(name) or 'not set'} "
        "in the server" for name, setting in SERVER_WIDE.items() if getattr(theirs, setting) != getattr(ours, setting)
    ]
    if not differ:
        return None
    return "; ".join(differ) + ": give both the same, or stop the server"


class JobOutput:
    """The stream of one job to its client: output chunks, then the exit code."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self.thread: threading.Thread | None = None
        self.cancelled = False

    def write(self, stream: str, text: str) -> None:
        if self.cancelled:
            if threading.current_thread() is self.thread:
                raise KeyboardInterrupt  # the client went away: stop as Ctrl-C would
            return
        if text:
            self._emit({stream: text})

    def finish(self, code: int) -> None:
        self._emit({"exit": code})


class _Channel:
    """A text file writing to one stream of a job (what its Console and sys.stdout print to)."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, output: JobOutput, stream: str, terminal: bool) -> None:
        self.output, self.stream, self.terminal = output, stream, terminal

    def write(self, text: str) -> int:
        self.output.write(self.stream, text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.terminal


class _RoutedStream:
    """sys.stdout or sys.stderr of the server: the running job's channel, else the original stream."""

    def __init__(self, original: Any, stream: str) -> None:
        self.original, self.stream = original, stream

    def _target(self) -> Any:
        return _channels.get(self.stream, self.original) if _channels else self.original

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def isatty(self) -> bool:
        return self._target().isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


_channels: dict[str, _Channel] = {}
_one_job = threading.Lock()
_running: list[str] = []  # the command line of the job running, for the one waiting


def run_job(request: JobRequest, output: JobOutput, store: Store, store_lock: threading.Lock, holder: str,
            run_command: CommandRunner) -> None:
    """Run the client's command line here with its settings, its output streamed to ``output``, then its exit code."""
    out = _Channel(output, "out", request.stdout.terminal)
    err = _Channel(output, "err", request.stderr.terminal)
    job = Job(out=request.stdout.console(out), err=request.stderr.console(err), answers=request.answers,
              borrow_store=functools.partial(_borrow, store, store_lock), holder=holder)
    code = 1
    try:
        if not _one_job.acquire(blocking=False):
            job.err.print(f"waiting for `nabd {' '.join(_running)}`, which the server is running", highlight=False)
            _one_job.acquire()
        try:
            _running[:] = request.argv
            _route_standard_streams()
            _channels.update(out=out, err=err)
            set_running_job(job)
            try:
                with job_environment(request.settings):
                    code = run_command(request.argv, Path(request.cwd))
            except BaseException:  # what a local run prints for a bug or with --debug: the traceback
                err.write(traceback.format_exc())
                code = 1
        finally:
            set_running_job(None)
            _channels.clear()
            _one_job.release()
    except KeyboardInterrupt:  # the client went away while its job waited or printed
        code = 130
    output.finish(code)


def _borrow(store: Store, lock: threading.Lock) -> Store:
    """The server's store for one ``with open_configured_store(...)`` of a job, under the store lock."""
    lock.acquire()
    return _BorrowedStore(store.url, store.ibis, lock)


class _BorrowedStore(Store):
    """The server's store lent to a job: closing it gives it back instead of disconnecting."""

    def __init__(self, url: Any, backend: Any, lock: threading.Lock) -> None:
        super().__init__(url, backend)
        self._lock = lock

    def close(self) -> None:
        if self._lock is not None:
            self._lock, lock = None, self._lock
            lock.release()


def _route_standard_streams() -> None:
    if not isinstance(sys.stdout, _RoutedStream):
        sys.stdout = _RoutedStream(sys.stdout, "out")
    if not isinstance(sys.stderr, _RoutedStream):
        sys.stderr = _RoutedStream(sys.stderr, "err")


def command_in(command: Any, cwd: Path) -> Any:
    """A freshly built click command tree, with every relative path argument taken from ``cwd`` and
    every option's environment variable read from the job's settings (nabd.config.environment)."""
    pending = [command]
    while pending:
        each = pending.pop()
        if each.callback is not None:
            each.callback = _paths_from(cwd, each.callback)
        for param in each.params:
            if isinstance(param.envvar, str):
                param.resolve_envvar_value = functools.partial(_variable, param.envvar)
        pending.extend(getattr(each, "commands", {}).values())
    return command


def _variable(name: str, ctx: Any = None) -> str | None:
    return environment().get(name) or None


def _paths_from(cwd: Path, callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **params: Any) -> Any:
        return callback(*args, **{name: _absolute(cwd, value) for name, value in params.items()})

    return run


def _absolute(cwd: Path, value: Any) -> Any:
    if isinstance(value, PurePath):
        return value if value.is_absolute() else type(value)(cwd / value)
    if isinstance(value, list | tuple) and value and all(isinstance(v, PurePath) for v in value):
        return type(value)(_absolute(cwd, v) for v in value)
    return value


__all__ = ["CommandRunner", "JobOutput", "JobRequest", "Terminal", "command_in", "run_job", "settings_mismatch"]
