"""A valid Segment message becomes one staged intake row; a refused one a quarantine row.

Rows are flat (the columns of :data:`STAGE_COLUMNS`), written to the journal as JSON lines and
applied to the canonical tables in SQL by :mod:`nabd.ingest.intake.applying`:

- track/page/screen -> an ``events`` row: event_id = messageId, contact_id = userId, account_id =
  ``context.groupId`` (else the contact's account), event_type = the vocabulary's type of the call
  (:func:`nabd.store.vocabulary.event_type_of_call`: ``track("X")`` is ``X``, ``page("Pricing")`` and
  ``screen("Pricing")`` are ``page:pricing``, a call without a name ``page``), value = the configured
  property (default ``properties.duration_minutes``), properties = the message's properties as JSON,
  with the page's name as sent in ``name``;
- identify -> a ``contacts`` upsert: contact_id = userId, account from ``context.groupId``,
  ``traits.groupId`` or ``traits.company.id``; traits name, email, role (or title), language;
- group -> an ``accounts`` upsert: account_id = groupId; traits name, segment, plan, csm,
  country, language, createdAt.
"""

from __future__ import annotations

import functools
import json
import math
from datetime import datetime
from typing import Any

import orjson

from nabd.ingest.intake.messages import EVENT_KINDS, MAX_DEPTH, Refusal, parse_time
from nabd.store.vocabulary import event_type_of_call

DEFAULT_VALUE_PROPERTY = "properties.duration_minutes"
MAX_QUARANTINED_TEXT = 4000

# Column name -> DuckDB type of the staged rows (the journal's JSON lines).
STAGE_COLUMNS = {
    "kind": "VARCHAR", "message_id": "VARCHAR", "account_id": "VARCHAR", "contact_id": "VARCHAR",
    "event_type": "VARCHAR", "ts": "TIMESTAMP", "value": "DOUBLE", "properties": "JSON",
    "name": "VARCHAR", "email": "VARCHAR", "role": "VARCHAR", "language": "VARCHAR",
    "segment": "VARCHAR", "plan": "VARCHAR", "csm": "VARCHAR", "country": "VARCHAR",
    "created_at": "TIMESTAMP", "source": "VARCHAR", "received_at": "TIMESTAMP",
    "table_name": "VARCHAR", "row_as_received": "VARCHAR", "error": "VARCHAR",
}
_FIELD_OF_COLUMN = {"message_id": "messageId", "contact_id": "userId", "account_id": "groupId", "event_type": "event"}
TABLE_OF_KIND = {"track": "events", "page": "events", "screen": "events", "identify": "contacts", "group": "accounts"}


def message_row(
    message: dict[str, Any], moment: datetime, value_property: str, source: str, received_at: str,
) -> dict[str, Any]:
    """The staged row of a valid message (its fields, from validate_message; only non-null columns); ``received_at`` in ISO 8601."""
    kind = message["type"]
    context = message.get("context") or {}
    row = {
        "kind": kind, "message_id": message["messageId"], "contact_id": message.get("userId"),
        "ts": moment.isoformat(), "source": source, "received_at": received_at,
    }
    if kind in EVENT_KINDS:
        row.update(
            event_type=event_type_of_call(kind, message["event"] if kind == "track" else _page_name(message)),
            value=_value(message, value_property),
            properties=_with_page_name(message), account_id=context.get("groupId"),
        )
    elif kind == "identify":
        traits = message.get("traits") or {}
        company = traits.get("company")
        row.update(
            account_id=context.get("groupId") or _text(traits, "groupId")
            or (_text(company, "id") if isinstance(company, dict) else None),
            name=_text(traits, "name") or _full_name(traits), email=_text(traits, "email"),
            role=_text(traits, "role") or _text(traits, "title"), language=_text(traits, "language"),
        )
    else:
        traits = message.get("traits") or {}
        created = parse_time(traits.get("createdAt"), "traits.createdAt") if isinstance(traits.get("createdAt"), str) else None
        row.update(
            account_id=message["groupId"], name=_text(traits, "name"), segment=_text(traits, "segment"),
            plan=_text(traits, "plan"), csm=_text(traits, "csm"), country=_text(traits, "country"),
            language=_text(traits, "language"), created_at=created.isoformat() if created else None,
        )
    return {key: value for key, value in row.items() if value is not None}


def journal_line(row: dict[str, Any]) -> bytes:
    """``row`` as one JSON line of UTF-8; text the databases cannot store is refused.

    JSON properties may hold any character (as an escape); a text column may not hold NUL.
    orjson writes the line; what it cannot (integers past 64 bits, lone surrogates) goes the
    standard library's way, which keeps the big integers and refuses the surrogates.
    """
    for column, value in row.items():
        if type(value) is str and "\x00" in value:
            raise Refusal(_FIELD_OF_COLUMN.get(column, column), "holds a NUL character, which text fields cannot store")
    try:
        return orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        pass
    try:
        return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        raise Refusal("message", "holds text that is not valid Unicode (a lone surrogate)") from None


def refused_row(raw: Any, refusal: Refusal, source: str, received_at: datetime) -> dict[str, Any]:
    """The quarantine row of a refused batch message: the message as received (what lies deeper than
    :data:`MAX_DEPTH` as ``"…"``) and the reason."""
    kind = raw.get("type") if isinstance(raw, dict) else None
    text = json.dumps(_cut(raw, MAX_DEPTH + 1), ensure_ascii=False, default=str)
    if len(text) > MAX_QUARANTINED_TEXT:
        text = text[:MAX_QUARANTINED_TEXT] + "…"
    return {
        "kind": "refused", "table_name": TABLE_OF_KIND.get(kind, "events") if isinstance(kind, str) else "events",
        "row_as_received": _storable(text), "error": _storable(str(refusal)), "source": source,
        "received_at": received_at.isoformat(),
    }


def _cut(value: Any, levels: int) -> Any:
    """``value`` with the objects and lists below ``levels`` levels replaced by ``"…"``."""
    if type(value) is dict:
        return {key: _cut(child, levels - 1) for key, child in value.items()} if levels > 0 else "…"
    if type(value) is list:
        return [_cut(child, levels - 1) for child in value] if levels > 0 else "…"
    return value


def _storable(text: str) -> str:
    """``text`` with lone surrogates and NUL characters spelled out, so any database can keep it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _value(message: dict[str, Any], value_property: str) -> float | None:
    """The number at the dotted path ``value_property`` of the message, None when absent."""
    node: Any = message
    for part in _path(value_property):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if node is None:
        return None
    try:
        value = float(node) if isinstance(node, (int, float)) and not isinstance(node, bool) else math.nan
    except OverflowError:
        value = math.nan
    if not math.isfinite(value):
        raise Refusal(value_property, f"is {str(node)[:40]!r} but must be a number (it is the event's value)")
    return value


@functools.cache
def _path(value_property: str) -> tuple[str, ...]:
    return tuple(value_property.split("."))


def _page_name(message: dict[str, Any]) -> str | None:
    """The name a page or screen call gives its page (``name``, else ``properties.name``), if any."""
    name = message.get("name")
    if name is None:
        name = (message.get("properties") or {}).get("name")
    return name if isinstance(name, str) else None


def _with_page_name(message: dict[str, Any]) -> dict[str, Any]:
    properties = message.get("properties") or {}
    if message["type"] != "track" and message.get("name") is not None and "name" not in properties:
        return {**properties, "name": message["name"]}
    return properties


def _text(traits: dict[str, Any], key: str) -> str | None:
    value = traits.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _full_name(traits: dict[str, Any]) -> str | None:
    return " ".join(part for part in (_text(traits, "firstName"), _text(traits, "lastName")) if part) or None
