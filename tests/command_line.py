"""`nabd ARGS` as the tests run it: in this process, through the console script's own code (nabd.cli.run_command:
the same parsing, one-line errors and exit codes a person sees), or as a real process where the process itself is
what a test checks (the console script, a hand-off to a server, imports, crashes).

A command in this process saves the ~2-3 CPU-seconds a new `nabd` process spends importing before it runs.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from nabd import console as consoles
from nabd.cli import run_command

WIDE = {"COLUMNS": "200"}  # rich wraps at 80 columns when it writes to no terminal


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _width(columns: int) -> Iterator[None]:
    """The process's own consoles (nabd.console) as wide as a new process would make them from COLUMNS: they read it
    once, when nabd was imported (xdist's workers have COLUMNS=80)."""
    owns = [routed._own for routed in (consoles.console, consoles.errors)]
    before = [own._width for own in owns]  # None: read from the terminal or COLUMNS at each print
    for own in owns:
        own.width = columns
    try:
        yield
    finally:
        for own, width in zip(owns, before):
            own._width = width


@contextmanager
def _folder(path: Path | None) -> Iterator[None]:
    before = Path.cwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _line(args: tuple[str, ...], database: str | None) -> list[str]:
    return [*args, "--database", database] if database else [*args]


def nabd(*args: str, database: str | None = None, env: Mapping[str, str] | None = None, cwd: Path | None = None,
         input: str = "") -> subprocess.CompletedProcess:
    """Run `nabd ARGS [--database DATABASE]` here with ``env`` added to the environment, ``input`` as its standard
    input: its exit code, standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    sys.stdin = io.StringIO(input)
    try:
        environment = {**WIDE, **(env or {})}
        with _environment(environment), _width(int(environment["COLUMNS"])), _folder(cwd), redirect_stdout(out), \
                redirect_stderr(err):
            code = run_command(_line(args, database), prog_name="nabd")
    finally:
        sys.stdin = stdin
    return subprocess.CompletedProcess(["nabd", *_line(args, database)], code, out.getvalue(), err.getvalue())


def nabd_process(*args: str, database: str | None = None, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m nabd ARGS [--database DATABASE]` as a process of its own, ``env`` added to the environment."""
    return subprocess.run([sys.executable, "-m", "nabd", *_line(args, database)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env={**os.environ, **WIDE, **(env or {})}, check=False)
