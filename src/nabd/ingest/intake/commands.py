"""The `nabd key add|list|revoke` commands: write keys of the event intake (/v1/*)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from nabd.console import DatabaseOption, console, open_configured_store
from nabd.ingest.intake.keys import add_write_key, list_write_keys, revoke_write_key


def key_add(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. the product or service that sends events.")],
    database: DatabaseOption = None,
) -> None:
    """Make a write key for the event API; it is printed once (only its hash is kept).

    Senders use it as the HTTP basic user name, as Segment libraries do with their write key.
    """
    with open_configured_store(database) as store:
        key = add_write_key(store, name)
    console.print(key, highlight=False, soft_wrap=True)


def key_list(database: DatabaseOption = None) -> None:
    """List the write keys: name, first characters, when made, and when revoked."""
    with open_configured_store(database) as store:
        keys = list_write_keys(store)
    if not keys:
        console.print("no write keys yet; make one with `nabd key add NAME`")
        return
    table = Table("name", "key starts", "created (UTC)", "revoked (UTC)")
    for key in keys:
        table.add_row(key.name, key.key_start + "…", f"{key.created_at:%Y-%m-%d %H:%M}",
                      f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "in use")
    console.print(table)


def key_revoke(
    name: Annotated[str, typer.Argument(help="The name of the key to revoke (see `nabd key list`).")],
    database: DatabaseOption = None,
) -> None:
    """Revoke a write key: a running server refuses it from the next request."""
    with open_configured_store(database) as store:
        revoke_write_key(store, name)
    console.print(f"write key {name} is revoked")


def register(app: typer.Typer) -> None:
    """Add `nabd key add|list|revoke` to the `nabd` application."""
    keys = typer.Typer(help="Write keys of the event API (/v1/track, /v1/batch, ...).", no_args_is_help=True)
    keys.command("add")(key_add)
    keys.command("list")(key_list)
    keys.command("revoke")(key_revoke)
    app.add_typer(keys, name="key")
