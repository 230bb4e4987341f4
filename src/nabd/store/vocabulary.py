"""The event vocabulary: the event types that Nabd's own measures, indicators and metrics name, and how
each call of the event API (the Segment tracking format) becomes an event type.

One definition for every writer (file import, event API, demo) and every reader of ``events`` and
``activity_daily``:

- ``login``: a login; ``session``: a session, its value the minutes it lasted;
- ``feature:<name>``: a use of feature <name>;
- ``page:<name>``: a visit of page <name> (``page:pricing``, ``page:cancel``); <name> is the page's
  name as sent, in lower case with each run of spaces as one hyphen.

A Segment ``track("X")`` call is event type ``X`` as sent; ``page("Pricing")`` and ``screen("Pricing")``
are ``page:pricing`` (the name as sent stays in the event's properties); a page call without a name
is ``page``.
"""

from __future__ import annotations

import re

LOGIN = "login"
SESSION = "session"
FEATURE_PREFIX = "feature:"
PAGE_PREFIX = "page:"
PAGE_WITHOUT_NAME = "page"

_SPACES = re.compile(r"\s+")


def feature(name: str) -> str:
    """The event type of a use of feature ``name``: ``feature:<name>``."""
    return FEATURE_PREFIX + name


def page(name: str) -> str:
    """The event type of a visit of page ``name``: ``page:<name>`` in lower case, spaces as hyphens."""
    return PAGE_PREFIX + _SPACES.sub("-", name.strip()).lower()


def event_type_of_call(kind: str, name: str | None) -> str:
    """The event type of an event API call: ``track`` keeps its event name; ``page`` and ``screen`` give
    ``page:<name>`` (``page`` when the call names no page)."""
    if kind == "track":
        if not name:
            raise ValueError("a track call names its event")
        return name
    if kind in ("page", "screen"):
        return page(name) if name and name.strip() else PAGE_WITHOUT_NAME
    raise ValueError(f"{kind} calls are not events")
