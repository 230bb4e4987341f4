"""Event selectors: which event types a measure reads, in a company's own vocabulary.

A selector is one string:

- ``*``: every event type;
- a glob with ``*`` (any run of characters) or ``?`` (one character): ``feature:*``, ``report_*``;
- ``group:<name>``: the event types of a named group (or role) of the scorecard's vocabulary;
- anything else: one event type, exactly as sent (``invoice_sent``).

A measure's ``events`` is a list of selectors (an event type is selected when any of them matches it).
Selectors become one engine condition on ``event_type`` (globs are anchored regular expressions), so
nothing is resolved against the data in Python and the same scorecard runs on any store.

The vocabulary (optional, inline under ``vocabulary:`` in a scorecard or in its own YAML file given with
``--vocabulary FILE``) maps the company's names to Nabd's roles (``session`` with the event value as its
duration in minutes, ``login``, ``feature_use``, ``page_view``) and names groups of its own.
"""

from __future__ import annotations

import functools
import operator
import re
from pathlib import Path

import ibis
from pydantic import BaseModel, ConfigDict, Field, field_validator

from nabd.errors import NabdError
from nabd.yamlfile import load_model, parse_model

ALL_EVENTS = "*"
GROUP_PREFIX = "group:"
ROLES = ("session", "login", "feature_use", "page_view")
_GROUP_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_REGEX_SPECIAL = set(".^$+(){}[]|\\")


def check_selector(selector: str) -> str:
    """``selector`` when it is well formed; a ValueError naming what is wrong otherwise."""
    if not selector or selector != selector.strip():
        raise ValueError(f"event selector {selector!r} is empty or has spaces around it")
    if selector.startswith(GROUP_PREFIX) and not _GROUP_NAME.match(selector.removeprefix(GROUP_PREFIX)):
        raise ValueError(f"event selector {selector!r}: a group name is lower case letters, digits and _")
    return selector


class Vocabulary(BaseModel):
    """A company's event names by Nabd's role (``roles``) and by groups of its own (``groups``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: dict[str, list[str]] = {}
    groups: dict[str, list[str]] = {}
    session_duration: str = Field("value", pattern="^value$")  # the event value holds a session's minutes

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role {', '.join(unknown)}: the roles are {', '.join(ROLES)}")
        return {role: _checked(names) for role, names in roles.items()}

    @field_validator("groups")
    @classmethod
    def _named_groups(cls, groups: dict[str, list[str]]) -> dict[str, list[str]]:
        bad = sorted(name for name in groups if not _GROUP_NAME.match(name) or name in ROLES)
        if bad:
            raise ValueError(f"group name {', '.join(bad)}: use lower case letters, digits and _, not a role's name")
        return {name: _checked(names) for name, names in groups.items()}

    def members(self, name: str) -> list[str] | None:
        """The selectors of group or role ``name``; None when the vocabulary has neither."""
        return self.groups.get(name, self.roles.get(name))


def _checked(selectors: list[str]) -> list[str]:
    if not selectors:
        raise ValueError("a group or role lists at least one event type or pattern")
    for selector in selectors:
        check_selector(selector)
        if selector.startswith(GROUP_PREFIX):
            raise ValueError(f"{selector!r}: a group lists event types or patterns, not other groups")
    return selectors


VOCABULARY_SHAPE = "a vocabulary is a YAML mapping with roles (session, login, feature_use, page_view) and groups"


def load_vocabulary(path: str | Path) -> Vocabulary:
    """Read and validate a vocabulary YAML file; errors name the file, the line and the field."""
    return load_model(path, Vocabulary, what=VOCABULARY_SHAPE)


def parse_vocabulary(text: str, filename: str = "<vocabulary>") -> Vocabulary:
    return parse_model(text, Vocabulary, filename, top_level=VOCABULARY_SHAPE)


def expand(selectors: list[str], vocabulary: Vocabulary | None) -> list[str]:
    """``selectors`` with each ``group:<name>`` replaced by the group's (or role's) selectors."""
    expanded: list[str] = []
    for selector in selectors:
        if selector.startswith(GROUP_PREFIX):
            name = selector.removeprefix(GROUP_PREFIX)
            members = vocabulary.members(name) if vocabulary else None
            if members is None:
                known = sorted({*(vocabulary.groups if vocabulary else {}), *(vocabulary.roles if vocabulary else {})})
                raise NabdError(f"unknown event selector {selector!r}: the vocabulary has "
                                + (f"groups {', '.join(known)}" if known else "no groups (add vocabulary: groups: ...)"))
            expanded += members
        else:
            expanded.append(selector)
    return expanded


def is_glob(selector: str) -> bool:
    return "*" in selector or "?" in selector


def glob_regex(selector: str) -> str:
    """An anchored regular expression (POSIX and RE2 alike) matching what the glob matches."""
    parts = []
    for char in selector:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append("\\" + char if char in _REGEX_SPECIAL else char)
    return "^" + "".join(parts) + "$"


def selected(event_type: ibis.StringValue, selectors: list[str]) -> ibis.BooleanValue:
    """True where ``event_type`` matches any of ``selectors`` (already expanded: no ``group:`` left)."""
    if ALL_EVENTS in selectors:
        return ibis.literal(True)
    names = [s for s in selectors if not is_glob(s)]
    conditions = []
    if names:
        conditions.append(event_type == names[0] if len(names) == 1 else event_type.isin(names))
    conditions += [event_type.re_search(glob_regex(s)) for s in selectors if is_glob(s)]
    return functools.reduce(operator.or_, conditions)
