"""The `nabd` commands of the metrics package; cli.py calls :func:`register`."""

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `nabd` application."""
