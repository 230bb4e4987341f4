"""Saved scorecard versions and the ACTIVE scorecard, the one `nabd score`, the daily run and the backtest use.

A version is validated YAML kept in ``scorecard_versions`` (saved on the scorecard page, through the
API or by ``nabd scorecard save``), named by :attr:`Scorecard.version`. Activating a version appends
a row to ``scorecard_activations``; the newest row is active. With none, the shipped default is.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from nabd.errors import NabdError
from nabd.health.scorecard import DEFAULT_SCORECARD, Scorecard, load_scorecard, parse_scorecard
from nabd.store import Store
from nabd.store.clock import utc_now

SHIPPED = "shipped with Nabd"  # saved_by of the default scorecard, which is never stored


@cache
def shipped_scorecard() -> Scorecard:
    """The default scorecard shipped with Nabd (read once)."""
    return load_scorecard()


def shipped_yaml() -> str:
    return DEFAULT_SCORECARD.read_text(encoding="utf-8")


@lru_cache(maxsize=32)
def _parsed(text: str, name: str) -> Scorecard:
    return parse_scorecard(text, f"{name}.yaml")


def save_version(store: Store, text: str, saved_by: str, filename: str = "scorecard") -> Scorecard:
    """Validate YAML ``text`` and keep it as a version (saving the same content again only refreshes it)."""
    card = parse_scorecard(text, f"{filename}.yaml" if not filename.endswith((".yaml", ".yml")) else filename)
    store.execute("DELETE FROM scorecard_versions WHERE name = ? AND version = ?", [card.name, card.version])
    store.execute(
        "INSERT INTO scorecard_versions (name, version, yaml, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)",
        [card.name, card.version, text, saved_by, utc_now()],
    )
    return card


def active_version(store: Store) -> str:
    """The version of the newest activation, or the shipped default's."""
    newest = store.fetchall("SELECT version FROM scorecard_activations ORDER BY activation DESC LIMIT 1")
    return newest[0][0] if newest else shipped_scorecard().version


def active_scorecard(store: Store) -> Scorecard:
    """The scorecard in use: the newest activated version, or the shipped default when none was activated."""
    version = active_version(store)
    card = scorecard_of_version(store, version)
    if card is None:
        raise NabdError(f"the active scorecard version {version} is not saved any more: "
                        "activate another with `nabd scorecard activate VERSION`")
    return card


SHIPPED_FOLDER = files("nabd.health") / "scorecards"


def scorecard_for(store: Store, path: Path | None) -> Scorecard:
    """The scorecard of a command: the file given with --scorecard (a shipped one by its name, e.g.
    ``any_events``, when no such file exists), else the active one."""
    if path and not Path(path).exists() and (SHIPPED_FOLDER / f"{path}.yaml").is_file():
        return load_scorecard(Path(str(SHIPPED_FOLDER / f"{path}.yaml")))
    return load_scorecard(path) if path else active_scorecard(store)


def scorecard_of_version(store: Store, version: str) -> Scorecard | None:
    """The scorecard whose version is exactly ``version``: the shipped default or a saved one; else None."""
    if version == shipped_scorecard().version:
        return shipped_scorecard()
    for text, name in store.fetchall("SELECT yaml, name FROM scorecard_versions WHERE version = ?", [version]):
        return _parsed(text, name)
    return None


def versions(store: Store) -> list[dict[str, Any]]:
    """Every version, newest first, the shipped default last: name, version, saved_by, saved_at, active."""
    active = active_version(store)
    shipped = shipped_scorecard()
    rows = [
        {"name": name, "version": version, "saved_by": saved_by, "saved_at": saved_at, "active": version == active}
        for name, version, saved_by, saved_at in store.fetchall(
            "SELECT name, version, saved_by, saved_at FROM scorecard_versions ORDER BY saved_at DESC, version"
        )
        if version != shipped.version
    ]
    rows.append({"name": shipped.name, "version": shipped.version, "saved_by": SHIPPED, "saved_at": None,
                 "active": shipped.version == active})
    return rows


def find_version(store: Store, wanted: str) -> dict[str, Any]:
    """The row of :func:`versions` whose version is ``wanted`` or starts with it (at least 4 hex digits)."""
    wanted = wanted.strip().lower()
    rows = versions(store)
    exact = [row for row in rows if row["version"] == wanted]
    found = exact or ([row for row in rows if row["version"].startswith(wanted)] if len(wanted) >= 4 else [])
    if not found:
        raise NabdError(f"there is no scorecard version {wanted!r}: `nabd scorecard list` shows the saved ones")
    if len(found) > 1:
        raise NabdError(f"scorecard version {wanted!r} is ambiguous ({', '.join(r['version'] for r in found)}): "
                        "give more digits")
    return found[0]


def yaml_of(store: Store, version: str) -> str:
    """The YAML text of a version (the shipped file for the default)."""
    if version == shipped_scorecard().version:
        return shipped_yaml()
    text = store.scalar("SELECT yaml FROM scorecard_versions WHERE version = ?", [version])
    if text is None:
        raise NabdError(f"there is no saved scorecard version {version!r}")
    return text


def activate(store: Store, wanted: str, activated_by: str) -> Scorecard:
    """Make the version ``wanted`` (full or a unique prefix) the active scorecard; returns it."""
    row = find_version(store, wanted)
    card = scorecard_of_version(store, row["version"])
    store.execute(
        "INSERT INTO scorecard_activations (activation, version, name, activated_by, activated_at) "
        "SELECT coalesce(max(activation), 0) + 1, ?, ?, ?, ? FROM scorecard_activations",
        [card.version, card.name, activated_by, utc_now()],
    )
    return card
