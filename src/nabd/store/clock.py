"""Time as the store keeps it: naive UTC timestamps."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, in UTC, without tzinfo (the store's timestamp convention)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
