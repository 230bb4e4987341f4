"""Saved views: a named portfolio filter (its query string), shareable as a link ``/views/<view_id>``."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode

from nabd.errors import NabdError
from nabd.store import Store
from nabd.store.clock import utc_now

# The portfolio's filter and order parameters a view keeps (anything else in a query is dropped).
VIEW_PARAMETERS = ("band", "segment", "csm", "q", "trend", "churned", "renewal", "risk", "top", "indicator", "sort",
                   "order")


def view_query(query: str) -> str:
    """``query`` with only the portfolio's filter parameters, non-empty, in a stable order."""
    kept = {name: value for name, value in parse_qsl(query) if name in VIEW_PARAMETERS and value}
    return urlencode([(name, kept[name]) for name in VIEW_PARAMETERS if name in kept])


def save_view(store: Store, name: str, query: str, owner: str) -> str:
    """Save the portfolio filter ``query`` as ``name`` for ``owner``; returns the view's id."""
    if not name.strip():
        raise NabdError("a saved view needs a name")
    view_id = uuid.uuid4().hex[:12]
    store.execute(
        "INSERT INTO saved_views (view_id, name, owner, query, created_at) VALUES (?, ?, ?, ?, ?)",
        [view_id, name.strip(), owner, view_query(query), utc_now()],
    )
    return view_id


def find_view(store: Store, view_id: str) -> dict[str, Any] | None:
    found = store.records("SELECT view_id, name, owner, query, created_at FROM saved_views WHERE view_id = ?", [view_id])
    return found[0] if found else None


def views_of(store: Store, owner: str) -> list[dict[str, Any]]:
    """The views ``owner`` saved, newest first."""
    return store.records(
        "SELECT view_id, name, owner, query, created_at FROM saved_views WHERE owner = ? ORDER BY created_at DESC, name",
        [owner],
    )


def delete_view(store: Store, view_id: str) -> None:
    store.execute("DELETE FROM saved_views WHERE view_id = ?", [view_id])
