"""What every ``nabd`` command shares: the --database option, opening the store, the consoles."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from nabd.config import load_settings
from nabd.store import Store, open_store

console = Console()
errors = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database", "-d", envvar="NABD_DATABASE_URL",
        help="Database URL: duckdb:///FILE.duckdb (default ./nabd.duckdb) or postgresql://USER@HOST/DB.",
        show_default=False,
    ),
]


def open_configured_store(database: str | None) -> Store:
    """Open (and migrate) the store named by --database, NABD_DATABASE_URL or the default file."""
    return open_store(load_settings(database).database_url)
