"""Nabd's settings: every NABD_* environment variable, read in one place, cast strictly, passed down.

Modelled on Starlette's ``Config``: each variable is read by :func:`load_settings` with a cast
(text, boolean, integer, duration, URL, timezone, path); a value the cast refuses is one
:class:`NabdError` naming the variable. An empty variable counts as unset. A command handed to a
running server reads the caller's variables (:func:`job_environment`), not the server's.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from nabd.errors import NabdError

DEFAULT_DATABASE_URL = "duckdb:///nabd.duckdb"
DEFAULT_RUN_EVERY = timedelta(hours=1)
DEFAULT_YEARS = (1970, 2100)
DEFAULT_TASKS_PER_CSM = 10

T = TypeVar("T")


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes (survey links and playbook alerts alike); host None = not configured
    (surveys then try localhost, alerts are refused with a note)."""

    host: str | None = None
    port: int = 25
    sender: str = "nabd@localhost"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False

    @property
    def server(self) -> str:
        """The host to connect to: NABD_SMTP_HOST, else localhost."""
        return self.host or "localhost"


class IntakeVariables(BaseModel):
    """The event intake's variables as given (nabd.ingest.intake.settings validates and completes them)."""

    value_property: str | None = Field(None, description="NABD_INTAKE_VALUE_PROPERTY")
    unknown_accounts: str = Field("unmatched", description="NABD_INTAKE_UNKNOWN_ACCOUNTS")
    journal: Path | None = Field(None, description="NABD_INTAKE_JOURNAL")
    drain_seconds: float = Field(0.5, description="NABD_INTAKE_DRAIN_SECONDS")


class Settings(BaseModel):
    """Nabd's settings; each field is set by the environment variable named in its description."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, description="NABD_DATABASE_URL (or --database)")
    timezone: str = Field("UTC", description="NABD_TIMEZONE: the company's IANA timezone, for 'a day'")
    reporting_currency: str = Field("USD", description="NABD_REPORTING_CURRENCY")
    smtp: SmtpSettings = Field(SmtpSettings(), description="NABD_SMTP_*")
    webhook_url: str | None = Field(None, description="NABD_WEBHOOK_URL: the default playbooks' webhook")
    alert_email: str | None = Field(None, description="NABD_ALERT_EMAIL: the default playbooks' e-mail alerts")
    public_url: str | None = Field(None, description="NABD_PUBLIC_URL: the address survey links point to")
    inbox: Path | None = Field(None, description="NABD_INBOX: folder of files `nabd run` imports first")
    journeys: Path | None = Field(None, description="NABD_JOURNEYS: the journeys YAML the daily run follows")
    loyalty: Path | None = Field(None, description="NABD_LOYALTY: the loyalty tiers and referral reward YAML")
    widget_origins: tuple[str, ...] = Field((), description="NABD_WIDGET_ORIGINS: the origins (https://app.example.com) "
                                            "whose pages may embed the in-app survey widget")
    run_every: timedelta | None = Field(DEFAULT_RUN_EVERY, description="NABD_RUN_EVERY: None = off")
    intake: IntakeVariables = Field(IntakeVariables(), description="NABD_INTAKE_*")
    years: tuple[int, int] = Field(DEFAULT_YEARS, description="NABD_DATE_RANGE: the years a date may fall in")
    secret_key: str | None = Field(None, repr=False, description="NABD_SECRET_KEY: signs web sessions")
    survey_key: str | None = Field(None, repr=False, description="NABD_SURVEY_KEY: signs survey links")
    report_recipients: tuple[tuple[str, str], ...] = Field(
        (), description="NABD_REPORT_RECIPIENTS: who gets the monthly report, 'ceo@example.com:ar, cfo@example.com:en'")
    trusted_proxies: tuple[str, ...] = Field((), description="NABD_TRUSTED_PROXIES: addresses or networks of the "
                                             "reverse proxies whose X-Forwarded-For/-Proto are believed")
    tasks_per_csm: int = Field(DEFAULT_TASKS_PER_CSM, description="NABD_TASKS_PER_CSM_PER_DAY: the most tasks the "
                               "playbooks open for one CSM on one day (the rest wait in the risk inbox)")
    working_days: tuple[int, ...] = Field((0, 1, 2, 3, 4), description="NABD_WORKING_DAYS: the company's working "
                                          "weekdays (Monday = 0), 'mon-fri' or 'sun-thu'; the monthly report goes out "
                                          "on the first of them in each month")
    sentiment_data: Path | None = Field(None, description="NABD_SENTIMENT_DATA: the public labelled comments "
                                        "`nabd feedback train` and the sentiment evaluation read")


# Every variable load_settings reads: what a hand-off job carries from its caller.
VARIABLES = (
    "NABD_DATABASE_URL", "NABD_TIMEZONE", "NABD_REPORTING_CURRENCY",
    "NABD_SMTP_HOST", "NABD_SMTP_PORT", "NABD_SMTP_FROM", "NABD_SMTP_USER", "NABD_SMTP_PASSWORD", "NABD_SMTP_STARTTLS",
    "NABD_WEBHOOK_URL", "NABD_ALERT_EMAIL", "NABD_PUBLIC_URL", "NABD_INBOX", "NABD_RUN_EVERY",
    "NABD_INTAKE_VALUE_PROPERTY", "NABD_INTAKE_UNKNOWN_ACCOUNTS", "NABD_INTAKE_JOURNAL", "NABD_INTAKE_DRAIN_SECONDS",
    "NABD_SECRET_KEY", "NABD_SURVEY_KEY", "NABD_REPORT_RECIPIENTS", "NABD_DATE_RANGE", "NABD_TRUSTED_PROXIES",
    "NABD_TASKS_PER_CSM_PER_DAY",
    "NABD_JOURNEYS", "NABD_WIDGET_ORIGINS", "NABD_LOYALTY",
    "NABD_WORKING_DAYS", "NABD_SENTIMENT_DATA",
)

# Settings of the server process as a whole, which a hand-off job cannot vary: the timezone decides
# the days the server's own scheduled pipeline stores, the currency the dashboard it keeps warm; a
# command's days and money must agree with them, so a caller with other values is refused (naming
# each variable). Every other variable is the caller's while its job runs.
SERVER_WIDE = {"NABD_TIMEZONE": "timezone", "NABD_REPORTING_CURRENCY": "reporting_currency"}
SERVER_OWNED = ("NABD_DATABASE_URL",)  # never the caller's: a job uses the store the server holds

_job: ContextVar[Mapping[str, str | None] | None] = ContextVar("nabd_job_environment", default=None)


def environment() -> Mapping[str, str]:
    """The variables settings are read from: the running hand-off job's caller's, else this process's."""
    job = _job.get()
    if job is None:
        return os.environ
    caller = {name for name in VARIABLES if name not in SERVER_OWNED}
    return {**{k: v for k, v in os.environ.items() if k not in caller},
            **{k: v for k, v in job.items() if v is not None and k in caller}}


@contextmanager
def job_environment(variables: Mapping[str, str | None]) -> Iterator[None]:
    """While the block runs (in this thread), :func:`load_settings` reads ``variables`` (a caller's
    NABD_* values, None = unset) instead of this process's environment."""
    token = _job.set({name: value for name, value in variables.items() if name not in SERVER_OWNED})
    try:
        yield
    finally:
        _job.reset(token)


class Environment:
    """Typed reads of environment variables, like Starlette's Config: ``read(name, cast, default)``."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        self.variables = variables

    def __call__(self, name: str, cast: Callable[[str], T] | None = None, default: Any = None) -> Any:
        value = self.variables.get(name, "").strip()
        if not value:
            return default
        if cast is None:
            return value
        try:
            return cast(value)
        except (ValueError, TypeError) as error:
            raise NabdError(f"{name}={value!r} is not {error}") from None


def boolean(value: str) -> bool:
    """true/false, 1/0, yes/no, on/off (any case)."""
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("a boolean: use true or false")


def integer(value: str) -> int:
    """A whole number."""
    if not re.fullmatch(r"[+-]?\d+", value):
        raise ValueError("a whole number")
    return int(value)


def count(value: str) -> int:
    """A whole number of at least 1."""
    number = integer(value)
    if number < 1:
        raise ValueError("a whole number of at least 1")
    return number


def port(value: str) -> int:
    """A TCP port, 1-65535."""
    number = integer(value)
    if not 1 <= number <= 65535:
        raise ValueError("a port between 1 and 65535")
    return number


def number(value: str) -> float:
    """A positive number (seconds)."""
    try:
        parsed = float(value)
    except ValueError:
        raise ValueError("a number") from None
    if not parsed > 0:
        raise ValueError("a positive number")
    return parsed


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(value: str) -> timedelta | None:
    """A duration like 30s, 15m, 1h or 1d; ``off`` = never (None)."""
    if value.lower() == "off":
        return None
    match = re.fullmatch(r"(\d+)\s*([smhd])", value.lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError("a duration like 30s, 15m, 1h or 1d (or off)")
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def url(value: str) -> str:
    """An http(s) URL with a host."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("an http(s) URL like https://nabd.example.com")
    return value


def timezone(value: str) -> str:
    """An IANA timezone name (Asia/Riyadh, America/New_York); UTC in any letter case is ``UTC``."""
    value = value.strip()
    if value.upper() == "UTC":
        return "UTC"  # needs no tz database (a slim container may have none)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of the tz database, e.g. "America"
        raise ValueError("a known timezone: use a name such as UTC, Asia/Riyadh or America/New_York") from None
    return value


def networks(value: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks (127.0.0.1, 10.0.0.0/8, ::1), as normalised networks."""
    found = []
    for part in value.split(","):
        try:
            found.append(str(ipaddress.ip_network(part.strip(), strict=False)))
        except ValueError:
            raise ValueError("a comma-separated list of IP addresses or networks like 127.0.0.1, 10.0.0.0/8") from None
    return tuple(found)


def currency(value: str) -> str:
    """An ISO 4217 code of three letters (SAR, USD)."""
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError("a three-letter currency code like USD or SAR")
    return value.upper()


def recipients(value: str) -> tuple[tuple[str, str], ...]:
    """(address, language) pairs from "ceo@example.com:ar, cfo@example.com" (language ar or en, default en)."""
    found = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        address, _, language = item.partition(":")
        language = language.strip() or "en"
        if "@" not in address or language not in ("ar", "en"):
            raise ValueError("a list of e-mail addresses, each with an optional language: ceo@example.com:ar, cfo@example.com:en")
        found.append((address.strip(), language))
    return tuple(found)


def origins(value: str) -> tuple[str, ...]:
    """Comma-separated web origins: scheme://host[:port], no path (https://app.example.com, http://127.0.0.1:8080)."""
    found = []
    for part in (p.strip().rstrip("/") for p in value.split(",")):
        if not part:
            continue
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", part):
            raise ValueError("a list of origins like https://app.example.com, http://127.0.0.1:8080 (no path)")
        found.append(part.lower())
    return tuple(found)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekdays(value: str) -> tuple[int, ...]:
    """Weekdays (Monday = 0) from day names and ranges: "mon-fri", "sun-thu", "sun,mon,tue,wed,thu" (a range may
    wrap round the week: "sat-wed")."""
    days: set[int] = set()
    for part in (p.strip().lower() for p in value.split(",")):
        if not part:
            continue
        first, _, last = part.partition("-")
        first, last = first.strip()[:3], (last.strip()[:3] or first.strip()[:3])
        if first not in WEEKDAYS or last not in WEEKDAYS:
            raise ValueError("working days like mon-fri, sun-thu or sun,mon,tue,wed,thu")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last)
        days.update((start + k) % 7 for k in range((end - start) % 7 + 1))
    if not days:
        raise ValueError("working days like mon-fri, sun-thu or sun,mon,tue,wed,thu")
    return tuple(sorted(days))


def years(value: str) -> tuple[int, int]:
    """A range of years, first-last (1970-2100), both included."""
    match = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", value)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError("a range of years like 1970-2100")
    return int(match.group(1)), int(match.group(2))


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from the environment (a hand-off job's: its caller's), an explicit database URL (a
    CLI flag) taking precedence; one NabdError naming the variable for a value that does not cast."""
    read = Environment(environment())
    return Settings(
        database_url=database_url or read("NABD_DATABASE_URL", default=DEFAULT_DATABASE_URL),
        timezone=read("NABD_TIMEZONE", timezone, "UTC"),
        reporting_currency=read("NABD_REPORTING_CURRENCY", currency, "USD"),
        smtp=SmtpSettings(
            host=read("NABD_SMTP_HOST"), port=read("NABD_SMTP_PORT", port, 25),
            sender=read("NABD_SMTP_FROM", default="nabd@localhost"),
            username=read("NABD_SMTP_USER"), password=read("NABD_SMTP_PASSWORD"),
            starttls=read("NABD_SMTP_STARTTLS", boolean, False),
        ),
        webhook_url=read("NABD_WEBHOOK_URL", url),
        alert_email=read("NABD_ALERT_EMAIL"),
        public_url=read("NABD_PUBLIC_URL", url),
        inbox=read("NABD_INBOX", Path),
        journeys=read("NABD_JOURNEYS", Path),
        loyalty=read("NABD_LOYALTY", Path),
        widget_origins=read("NABD_WIDGET_ORIGINS", origins, ()),
        run_every=read("NABD_RUN_EVERY", duration, DEFAULT_RUN_EVERY),
        intake=IntakeVariables(
            value_property=read("NABD_INTAKE_VALUE_PROPERTY"),
            unknown_accounts=read("NABD_INTAKE_UNKNOWN_ACCOUNTS", default="unmatched"),
            journal=read("NABD_INTAKE_JOURNAL", Path),
            drain_seconds=read("NABD_INTAKE_DRAIN_SECONDS", number, 0.5),
        ),
        years=read("NABD_DATE_RANGE", years, DEFAULT_YEARS),
        secret_key=read("NABD_SECRET_KEY"),
        survey_key=read("NABD_SURVEY_KEY"),
        report_recipients=read("NABD_REPORT_RECIPIENTS", recipients, ()),
        trusted_proxies=read("NABD_TRUSTED_PROXIES", networks, ()),
        tasks_per_csm=read("NABD_TASKS_PER_CSM_PER_DAY", count, DEFAULT_TASKS_PER_CSM),
        working_days=read("NABD_WORKING_DAYS", weekdays, (0, 1, 2, 3, 4)),
        sentiment_data=read("NABD_SENTIMENT_DATA", Path),
    )
