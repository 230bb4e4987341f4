"""Settings of the event intake: the NABD_INTAKE_* values of nabd.config, validated and completed."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.ingest.intake.applying import UnknownAccounts
from nabd.ingest.intake.mapping import DEFAULT_VALUE_PROPERTY
from nabd.store.places import place_of

_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class IntakeSettings(BaseModel):
    value_property: str = Field(DEFAULT_VALUE_PROPERTY, description="NABD_INTAKE_VALUE_PROPERTY: dotted path of an event's value")
    unknown_accounts: UnknownAccounts = Field("unmatched", description="NABD_INTAKE_UNKNOWN_ACCOUNTS: unmatched or quarantine")
    journal: Path = Field(description="NABD_INTAKE_JOURNAL: folder of the durable journal")
    drain_seconds: float = Field(0.5, gt=0, description="NABD_INTAKE_DRAIN_SECONDS: how often the journal is drained")


def default_journal(database_url: str) -> Path:
    """Beside the DuckDB file (``nabd.duckdb.intake``); for PostgreSQL, in the user's state folder."""
    # nothing of an in-memory database outlives the process, so neither need its journal
    return place_of(database_url, "intake") or Path(tempfile.gettempdir()) / f"nabd-intake-memory-{os.getpid()}"


def load_intake_settings(database_url: str) -> IntakeSettings:
    """The intake settings for the database at ``database_url`` (read through nabd.config), or one clear error."""
    given = load_settings().intake
    try:
        settings = IntakeSettings(
            value_property=given.value_property or DEFAULT_VALUE_PROPERTY,
            unknown_accounts=given.unknown_accounts,
            journal=given.journal or default_journal(database_url),
            drain_seconds=given.drain_seconds,
        )
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        field = IntakeSettings.model_fields[str(problem["loc"][0])].description.split(":")[0]
        raise NabdError(f"{field}: {problem['msg']}") from None
    if not _PATH.match(settings.value_property):
        raise NabdError(
            f"NABD_INTAKE_VALUE_PROPERTY {settings.value_property!r} is not a dotted path like properties.duration_minutes"
        )
    return settings
