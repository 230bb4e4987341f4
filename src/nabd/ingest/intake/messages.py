"""Segment HTTP Tracking API messages as pydantic models, and the rules a message must meet.

A message is one of track, page, screen, identify or group. Unknown fields are allowed and
ignored, as Segment does. The rules beyond types: a ``messageId`` always (it is the idempotency
key); ``event`` on track; ``userId`` or ``anonymousId`` on track/page/screen; ``userId`` on
identify; ``groupId`` on group; a time no more than a day ahead of the server's clock and within
the years every date of Nabd falls in (nabd.store.date_range, as for imported files); and no
field nested deeper than :data:`MAX_DEPTH` objects or lists (``{"a": {"b": 1}}`` is 2 deep).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from nabd.store.date_range import DateRange, date_range

MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_FUTURE = timedelta(days=1)
MAX_DEPTH = 32  # objects and lists inside one field of a message
EVENT_KINDS = ("track", "page", "screen")


def _number_as_text(value: Any) -> Any:
    """Segment accepts numeric ids and sends them on as text; booleans are not ids."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[
    str, BeforeValidator(_number_as_text), StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1, "maxLength": 255}, {"type": "integer"}]}),
]


class Context(BaseModel):
    """The ``context`` object; only ``groupId`` (the account of a track or identify) matters here."""

    model_config = ConfigDict(extra="allow")
    groupId: Id | None = None


class Message(BaseModel):
    """One Segment message, as in a single call's body or an entry of ``batch``."""

    model_config = ConfigDict(extra="allow")
    type: Literal["track", "page", "screen", "identify", "group"]
    messageId: Id
    userId: Id | None = None
    anonymousId: Id | None = None
    groupId: Id | None = None
    event: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)] | None = None
    name: str | None = None
    timestamp: datetime | None = None
    originalTimestamp: datetime | None = None
    sentAt: datetime | None = None
    context: Context = Field(default_factory=Context)
    properties: dict[str, Any] = Field(default_factory=dict)
    traits: dict[str, Any] = Field(default_factory=dict)


class Refusal(Exception):
    """A message (or request) that breaks a rule; ``field`` names where, ``reason`` says what."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def validate_message(
    raw: Any, kind: str | None, batch_sent_at: datetime | None, received_at: datetime,
    dates: DateRange | None = None,
) -> tuple[dict[str, Any], datetime]:
    """The fields of the message in ``raw`` and its time (naive UTC), or :class:`Refusal` naming the first bad field.

    ``kind`` is the endpoint's type (None in a batch, where each message says its own). The
    fields are a dict as :class:`Message` reads them (ids as stripped text, nested objects as
    dicts, unknown fields kept); a message whose fields already hold exactly that (the usual
    case) is taken as is, any other goes through the model, which names what is wrong. The time
    follows Segment: ``timestamp`` as sent; else ``originalTimestamp`` corrected for the sender's
    clock, receivedAt - (sentAt - originalTimestamp); else the time it was received. ``dates`` is
    the range in force (read once per request by the caller; else here).
    """
    if not isinstance(raw, dict):
        raise Refusal("message", "must be a JSON object")
    check_depth(raw)
    if kind is not None:
        raw = {**raw, "type": raw.get("type", kind)}
        if raw["type"] != kind:
            raise Refusal("type", f"is {str(raw['type'])[:40]!r} but this endpoint takes {kind!r} messages")
    times = _plain_times(raw)
    if times is None:
        try:
            message = Message.model_validate(raw)
        except ValidationError as error:
            problem = error.errors(include_url=False)[0]
            raise Refusal(".".join(str(part) for part in problem["loc"]) or "message", problem["msg"]) from None
        raw = message.model_dump()
        times = message.timestamp, message.originalTimestamp, message.sentAt
    _check_ids(raw)
    try:
        return raw, _message_time(*times, batch_sent_at, received_at, dates or date_range())
    except OverflowError:
        raise Refusal("timestamp", "is out of the range of dates Nabd can store") from None


_TYPES = ("track", "page", "screen", "identify", "group")  # a tuple: `in` must not hash what was sent
_ID_FIELDS = ("messageId", "userId", "anonymousId", "groupId", "event")
_OBJECT_FIELDS = ("properties", "traits")
_HOUR_MINUTE = r"(?:[01]\d|2[0-3]):[0-5]\d"
_PLAIN_TIME = re.compile(rf"\d{{4}}-\d\d-\d\dT{_HOUR_MINUTE}:[0-5]\d(?:\.\d{{1,6}})?(?:Z|[+-]{_HOUR_MINUTE})?", re.ASCII)
Times = tuple[datetime | None, datetime | None, datetime | None]


def _plain_id(value: Any) -> bool:
    """Whether ``value`` is text the model keeps unchanged as an id: 1-255 characters, nothing to strip."""
    return type(value) is str and 0 < len(value) <= 255 and not value[0].isspace() and not value[-1].isspace()


def _plain_times(raw: dict[str, Any]) -> Times | None:
    """The times of ``raw`` if every field the model reads already holds what the model would make of it, else None.

    A conservative check on the dict (no model built): anything unusual (numeric or padded ids,
    timestamps not in plain ISO 8601, nulls where objects go) returns None and takes the model's way.
    """
    if raw.get("type") not in _TYPES or raw.get("messageId") is None:
        return None
    for name in _ID_FIELDS:  # _plain_id, inlined: this loop runs for every message
        value = raw.get(name)
        if value is not None and (
            type(value) is not str or not 0 < len(value) <= 255 or value[0].isspace() or value[-1].isspace()
        ):
            return None
    for name in _OBJECT_FIELDS:
        if name in raw and type(raw[name]) is not dict:
            return None
    if "context" in raw:
        context = raw["context"]
        if type(context) is not dict or (context.get("groupId") is not None and not _plain_id(context["groupId"])):
            return None
    name = raw.get("name")
    if name is not None and type(name) is not str:
        return None
    try:
        return _plain_time(raw.get("timestamp")), _plain_time(raw.get("originalTimestamp")), _plain_time(raw.get("sentAt"))
    except ValueError:
        return None


def _plain_time(value: Any) -> datetime | None:
    """``value`` as a datetime if it is None or plain ISO 8601 text (as the model would read it), else ValueError."""
    if value is None:
        return None
    if type(value) is not str or not _PLAIN_TIME.fullmatch(value):
        raise ValueError(value)
    return datetime.fromisoformat(value)


def nesting_depth(value: Any, limit: int) -> int:
    """How many objects and lists deep ``value`` is (a number 0, ``[1]`` 1), counted to ``limit`` + 1 at most.

    Without recursion, so that a value thousands of levels deep costs no stack.
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        kind = type(node)
        if kind is not dict and kind is not list:
            continue
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in (node.values() if kind is dict else node)
                     if type(child) is dict or type(child) is list)
    return deepest


def check_depth(raw: dict[str, Any]) -> None:
    """Refuse a message with a field nested deeper than :data:`MAX_DEPTH` (naming the field)."""
    for field, value in raw.items():
        if (type(value) is dict or type(value) is list) and nesting_depth(value, MAX_DEPTH) > MAX_DEPTH:
            raise Refusal(str(field)[:40], f"is nested more than {MAX_DEPTH} objects or lists deep")


def _check_ids(message: dict[str, Any]) -> None:
    kind = message["type"]
    if kind == "track" and message.get("event") is None:
        raise Refusal("event", "is missing: a track call names its event")
    if kind in EVENT_KINDS and message.get("userId") is None and message.get("anonymousId") is None:
        raise Refusal("userId", f"is missing: a {kind} call needs userId or anonymousId")
    if kind == "identify" and message.get("userId") is None:
        raise Refusal("userId", "is missing: identify names the contact by userId")
    if kind == "group" and message.get("groupId") is None:
        raise Refusal("groupId", "is missing: group names the account by groupId")


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _message_time(
    timestamp: datetime | None, original: datetime | None, message_sent_at: datetime | None,
    batch_sent_at: datetime | None, received_at: datetime, dates: DateRange,
) -> datetime:
    sent_at = message_sent_at or batch_sent_at
    if timestamp is not None:
        field, moment = "timestamp", _naive_utc(timestamp)
    elif original is not None:
        field, moment = "originalTimestamp", _naive_utc(original)
        if sent_at is not None:
            moment = received_at - (_naive_utc(sent_at) - moment)
    else:
        return received_at
    if moment > received_at + MAX_FUTURE:
        raise Refusal(field, f"{moment.isoformat()} is more than a day ahead of the server's clock (UTC)")
    return _in_range(moment, field, dates)


def _in_range(moment: datetime, field: str, dates: DateRange) -> datetime:
    if not dates.holds(moment):
        raise Refusal(field, f"{moment.isoformat()} {dates.reason}")
    return moment


def parse_time(value: Any, field: str, dates: DateRange | None = None) -> datetime | None:
    """An optional ISO 8601 time (a request's ``sentAt``, a group's ``createdAt``), as naive UTC, in the
    range of dates (``dates``, else the one in force)."""
    if value is None:
        return None
    try:
        moment = _naive_utc(datetime.fromisoformat(value)) if isinstance(value, str) else _invalid_time(field)
    except (ValueError, OverflowError):
        return _invalid_time(field)
    return _in_range(moment, field, dates or date_range())


def _invalid_time(field: str) -> datetime:
    raise Refusal(field, "is not an ISO 8601 date and time")
