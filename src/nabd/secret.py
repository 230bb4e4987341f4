"""The `nabd secret` commands: where the signing keys are, and `rotate` to replace them; cli.py calls :func:`register`."""

from __future__ import annotations

import typer

from nabd.config import load_settings
from nabd.console import DatabaseOption, console, errors, open_configured_store
from nabd.store.signing import key_file, rotate_keys

OVERRIDES = {"secret_key": ("NABD_SECRET_KEY", "sessions"), "survey_key": ("NABD_SURVEY_KEY", "survey links")}


def rotate(database: DatabaseOption = None) -> None:
    """Make new keys for web sessions and survey links: everyone must log in again, and every survey
    link sent before stops working (from the next request, in a running server too)."""
    with open_configured_store(database) as store:  # refuses a mistyped database; moves old keys out of it
        path = rotate_keys(store.url)
    console.print(f"new keys written to {path}: every session and survey link signed before has stopped working",
                  highlight=False, soft_wrap=True)
    settings = load_settings()
    for field, (variable, what) in OVERRIDES.items():
        if getattr(settings, field):
            errors.print(f"note: {variable} is set and signs {what} instead of the key file: change it to end "
                         f"the {what} signed with it", highlight=False, soft_wrap=True)


def show(database: DatabaseOption = None) -> None:
    """Say where the keys that sign sessions and survey links are (never in the database)."""
    settings = load_settings(database)
    path = key_file(settings.database_url)
    for field, (variable, what) in OVERRIDES.items():
        place = f"{variable} (environment)" if getattr(settings, field) else str(path or "this process's memory")
        console.print(f"{what}: {place}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `secret rotate` and `secret where` to the `nabd` application."""
    secret = typer.Typer(help="The keys that sign web sessions and survey links.", no_args_is_help=True)
    secret.command("rotate")(rotate)
    secret.command("where")(show)
    app.add_typer(secret, name="secret")
