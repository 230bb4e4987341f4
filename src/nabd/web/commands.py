"""The `nabd serve`, `nabd user add` and `nabd token add|list|revoke` commands; cli.py calls :func:`register`."""

from __future__ import annotations

import errno
import gc
import logging
import socket
import sys
from typing import Annotated

import typer

from nabd.config import load_settings
from nabd.console import DatabaseOption, console, open_configured_store, read_input
from nabd.errors import NabdError
from nabd.handoff.jobs import CommandRunner
from nabd.web.users import ROLES, add_token, add_user, list_tokens, revoke_token

_command_runner: list[CommandRunner] = []  # how `serve` runs handed-off commands: given by register()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1 keeps it on this machine).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on (1-65535).", min=1, max=65535)] = 8000,
    database: DatabaseOption = None,
) -> None:
    """Serve the web app and the REST API; this process owns the database while it runs.

    It runs the pipeline itself every NABD_RUN_EVERY (default 1h; `off`: never), and within seconds
    after new data (an import, events from the intake), importing NABD_INBOX first when set.
    """
    import uvicorn

    from nabd.web.app import create_app

    settings = load_settings(database)
    url = settings.database_url
    # migrate, and fail with one clear line when another process holds the file
    open_configured_store(database, handoff=False, create=True).close()
    listening = _listen(host, port)  # before saying "serving": a busy port is one line, and nothing else
    console.print(f"Nabd is serving {url} at http://{host}:{port}/ (API: /api/v1, Ctrl-C stops it)")
    every = settings.run_every.total_seconds() if settings.run_every else None
    console.print(f"the pipeline runs every {_duration(int(every))} and after new data (NABD_RUN_EVERY)"
                  if every else "the pipeline runs only when `nabd run` is run (NABD_RUN_EVERY=off)")
    app = create_app(url, address=(host, port), run_command=_command_runner[-1] if _command_runner else None,
                     run_every=every, inbox=settings.inbox, trusted_proxies=settings.trusted_proxies)
    _log_pipeline_runs()
    gc.collect()
    gc.freeze()  # the modules and the app live as long as the server: keep them out of later collections
    # X-Forwarded-* only from NABD_TRUSTED_PROXIES (the app's own middleware), never uvicorn's loopback default
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False)).run(
        sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` and listening, or one clear error (a busy port, an unknown host)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=2048)
    except socket.gaierror as error:
        raise NabdError(f"cannot listen on {host}: {error.strerror} (--host takes an address such as 127.0.0.1)") from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise NabdError(f"port {port} on {host} is in use (another `nabd serve`?): stop it, or pick "
                            "another port with --port") from None
        raise NabdError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def _duration(seconds: int) -> str:
    """3600 -> '1h', 90 -> '90s'."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _log_pipeline_runs() -> None:
    """The scheduled pipeline runs' one line each, on this process's standard error."""
    pipeline = logging.getLogger("nabd.pipeline")
    if not pipeline.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
        pipeline.addHandler(handler)
    pipeline.setLevel(logging.INFO)


def user_add(
    login: Annotated[str, typer.Argument(help="The login (for a CSM: the value of accounts.csm).")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "viewer",
    language: Annotated[str, typer.Option(help="Page language: en or ar.")] = "en",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of a prompt.")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Add a user who can log in to the web app (or reset an existing user's password and role)."""
    if password_stdin:
        password = read_input(lambda: sys.stdin.readline().rstrip("\n"))
    else:
        password = read_input(lambda: typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    if not password:
        raise NabdError("the password is empty: give one at the prompt or with --password-stdin")
    with open_configured_store(database) as store:
        user = add_user(store, login, password, role, language)
    console.print(f"user {user.login} ({user.role}) can now log in")


def token_add(
    login: Annotated[str, typer.Argument(help="The user the token acts as (it gets that user's role).")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. the script that uses it.")] = "api",
    database: DatabaseOption = None,
) -> None:
    """Make an API token for a user; it is printed once (only its hash is kept)."""
    with open_configured_store(database) as store:
        token = add_token(store, login, name)
    console.print(token, highlight=False, soft_wrap=True)


def token_list(
    login: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    database: DatabaseOption = None,
) -> None:
    """List API tokens: id, user, name, when made, last used and revoked (never the token itself)."""
    with open_configured_store(database) as store:
        rows = list_tokens(store, login)
    if not rows:
        console.print("no API tokens" + (f" for {login}" if login else "") + ": make one with `nabd token add LOGIN`")
        return
    for row in rows:
        used = _moment(row["last_used_at"]) or "never used"
        state = f"revoked {_moment(row['revoked_at'])}" if row["revoked_at"] else "active"
        console.print(f"{row['token_id']}  {row['login']}  {row['name']}  made {_moment(row['created_at'])}  "
                      f"last used {used}  {state}", highlight=False, markup=False)


def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id, as `nabd token list` shows it.")],
    database: DatabaseOption = None,
) -> None:
    """Revoke one API token for good (enabling its user again does not bring it back)."""
    with open_configured_store(database) as store:
        row = revoke_token(store, token_id)
    console.print(f"token {row['token_id']} of {row['login']} ({row['name']}) is revoked",
                  highlight=False, markup=False)


def _moment(value) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else None


def register(app: typer.Typer, run_command: CommandRunner | None = None) -> None:
    """Add `serve`, `user add` and `token add` to the `nabd` application; ``serve`` hands the CLI's
    commands on a served DuckDB file to ``run_command`` (the composition root's; None: no hand-off)."""
    if run_command is not None:
        _command_runner.append(run_command)
    app.command("serve")(serve)
    users = typer.Typer(help="People who can log in to the web app.", no_args_is_help=True)
    users.command("add")(user_add)
    app.add_typer(users, name="user")
    tokens = typer.Typer(help="Tokens for the REST API (/api/v1).", no_args_is_help=True)
    tokens.command("add")(token_add)
    tokens.command("list")(token_list)
    tokens.command("revoke")(token_revoke)
    app.add_typer(tokens, name="token")
