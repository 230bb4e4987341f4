"""Journeys edited on the web: each save keeps the whole validated document in ``journey_versions`` with who
saved it, when, which journey it changed and how (created, edited, disabled, enabled): the audit log.

One source of truth at run time (:func:`journeys_in_force`): the newest saved version; before the first
save, the file of NABD_JOURNEYS or the shipped journeys.yaml. The daily run, the pages and ``nabd journeys``
all read it. A journey's id never changes once saved (its enrolments keep it).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.outreach.journey import Journey, Journeys, load_journeys, parse_journeys
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.yamlfile import parse_model

EDITED = "journey.yaml"  # the name the editor's errors give the text


class _Dumper(yaml.SafeDumper):
    """YAML for people: multi-line text as a literal block, keys in the model's order."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.splitlines()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _plain(journey: Journey) -> dict[str, Any]:
    return journey.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)


def journey_yaml(journey: Journey) -> str:
    """One journey as the editor shows it (what :func:`parse_journey` reads back)."""
    return yaml.dump(_plain(journey), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


def journeys_yaml(journeys: Journeys) -> str:
    """The whole document, as saved."""
    return yaml.dump({"journeys": [_plain(j) for j in journeys.journeys]}, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=110)


def parse_journey(text: str) -> Journey:
    """Validate one journey's YAML (the editor's text); errors name ``journey.yaml``, the line and the field."""
    return parse_model(text, Journey, EDITED)


def journeys_in_force(store: Store, path: str | Path | None = None) -> Journeys:
    """The journeys the daily run follows: the newest saved version, else ``path``, NABD_JOURNEYS or the shipped."""
    newest = store.fetchall("SELECT version_id, yaml FROM journey_versions ORDER BY saved_at DESC, version_id DESC "
                            "LIMIT 1")
    if newest:
        return parse_journeys(newest[0][1], f"journey_versions:{newest[0][0]}")
    return load_journeys(path or load_settings().journeys)


def _line_of_id(text: str) -> int:
    found = re.search(r"^id\s*:", text, flags=re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def _record(store: Store, journeys: Journeys, journey_id: str, action: str, by: str, now: datetime) -> str:
    text = journeys_yaml(journeys)
    parse_journeys(text, "saved journeys")  # what is stored reads back
    # the save's number breaks a tie of saved_at (two saves in one instant): the later save is the newer version
    number = int(store.scalar("SELECT count(*) FROM journey_versions")) + 1
    version_id = f"{now.strftime('%Y%m%dT%H%M%S%f')}-{number:06d}"
    store.execute(
        "INSERT INTO journey_versions (version_id, yaml, digest, journey, action, saved_by, saved_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [version_id, text, hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], journey_id, action, by, now],
    )
    return version_id


def save_journey(store: Store, text: str, by: str, journey_id: str | None = None,
                 now: datetime | None = None) -> Journey:
    """Validate ``text`` (one journey) and save the journeys with it: a new journey when ``journey_id`` is None,
    else a new version of that journey (same id). NabdError with file:line: field: message; nothing saved then."""
    journey = parse_journey(text)
    current = journeys_in_force(store)
    ids = [j.id for j in current.journeys]
    if journey_id is None and journey.id in ids:
        raise NabdError(f"{EDITED}:{_line_of_id(text)}: id: there is a journey {journey.id!r} already: edit it")
    if journey_id is not None and journey_id not in ids:
        raise NabdError(f"there is no journey {journey_id!r}")
    if journey_id is not None and journey.id != journey_id:
        raise NabdError(f"{EDITED}:{_line_of_id(text)}: id: a journey's id cannot change (its accounts keep it): "
                        f"keep {journey_id!r}, or create a new journey")
    listed = ([journey if j.id == journey.id else j for j in current.journeys] if journey_id is not None
              else [*current.journeys, journey])
    _record(store, Journeys(journeys=listed), journey.id, "created" if journey_id is None else "edited", by,
            now or utc_now())
    return journey


def set_enabled(store: Store, journey_id: str, enabled: bool, by: str, now: datetime | None = None) -> Journey:
    """Enable or disable a journey (a disabled one enrols no one and runs no step), saved as a new version."""
    current = journeys_in_force(store)
    changed = current.journey(journey_id).model_copy(update={"enabled": enabled})
    listed = [changed if j.id == journey_id else j for j in current.journeys]
    _record(store, Journeys(journeys=listed), journey_id, "enabled" if enabled else "disabled", by, now or utc_now())
    return changed


def journey_history(store: Store, journey_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The saves (newest first), of one journey or all: version_id, journey, action, saved_by, saved_at, digest."""
    where, params = ("WHERE journey = ?", [journey_id]) if journey_id else ("", [])
    return store.records(
        f"SELECT version_id, journey, action, saved_by, saved_at, digest FROM journey_versions {where} "
        "ORDER BY saved_at DESC, version_id DESC LIMIT ?", [*params, limit])
