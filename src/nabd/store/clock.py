"""Time as the store keeps it: naive UTC timestamps."""

from datetime import UTC, datetime


def utc_now(microseconds: bool = False) -> datetime:
    """Now, in UTC, without tzinfo (the store's timestamp convention), to the second unless ``microseconds``
    (for a timestamp that tells two writes within one second apart, e.g. a scoring run's computed_at)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now if microseconds else now.replace(microsecond=0)
