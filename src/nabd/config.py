"""Settings read from the environment: where the database is and how days and money are counted."""

from __future__ import annotations

import os
import re

from pydantic import BaseModel, Field

from nabd.errors import NabdError

DEFAULT_DATABASE_URL = "duckdb:///nabd.duckdb"
DEFAULT_RUN_EVERY = "1h"
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(text: str, name: str) -> int:
    """'30s', '15m', '1h', '1d' -> seconds; anything else is a one-line error naming the setting ``name``."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not match or int(match.group(1)) < 1:
        raise NabdError(f"{name} {text!r} is not a duration: use a number and a unit, like 30s, 15m, 1h or 1d")
    return int(match.group(1)) * _DURATION_UNITS[match.group(2)]


def run_every_seconds(text: str) -> int | None:
    """NABD_RUN_EVERY: how often `nabd serve` runs the pipeline, in seconds; None for ``off``."""
    if text.strip().lower() == "off":
        return None
    return duration_seconds(text, "NABD_RUN_EVERY")


class Settings(BaseModel):
    """Nabd's settings; each field can be set by the environment variable named in its description."""

    database_url: str = Field(DEFAULT_DATABASE_URL, description="NABD_DATABASE_URL")
    timezone: str = Field("UTC", description="NABD_TIMEZONE: the company's timezone for 'a day'")
    reporting_currency: str = Field("USD", description="NABD_REPORTING_CURRENCY")
    run_every: int | None = Field(3600, description="NABD_RUN_EVERY: seconds between the pipeline runs of `nabd serve` (None: off)")


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from the environment, with an explicit database URL (a CLI flag) taking precedence."""
    return Settings(
        database_url=database_url or os.environ.get("NABD_DATABASE_URL") or DEFAULT_DATABASE_URL,
        timezone=os.environ.get("NABD_TIMEZONE", "UTC"),
        reporting_currency=os.environ.get("NABD_REPORTING_CURRENCY", "USD"),
        run_every=run_every_seconds(os.environ.get("NABD_RUN_EVERY", DEFAULT_RUN_EVERY)),
    )
