"""Settings read from the environment: where the database is and how days and money are counted."""

from __future__ import annotations

import os

from pydantic import BaseModel, Field

DEFAULT_DATABASE_URL = "duckdb:///nabd.duckdb"


class Settings(BaseModel):
    """Nabd's settings; each field can be set by the environment variable named in its description."""

    database_url: str = Field(DEFAULT_DATABASE_URL, description="NABD_DATABASE_URL")
    timezone: str = Field("UTC", description="NABD_TIMEZONE: the company's timezone for 'a day'")
    reporting_currency: str = Field("USD", description="NABD_REPORTING_CURRENCY")


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from the environment, with an explicit database URL (a CLI flag) taking precedence."""
    return Settings(
        database_url=database_url or os.environ.get("NABD_DATABASE_URL") or DEFAULT_DATABASE_URL,
        timezone=os.environ.get("NABD_TIMEZONE", "UTC"),
        reporting_currency=os.environ.get("NABD_REPORTING_CURRENCY", "USD"),
    )
