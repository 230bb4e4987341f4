"""The band table pages show: each band of a scorecard version with its CSS class."""

from __future__ import annotations

from typing import Any

from nabd.health import versions
from nabd.health.scorecard import Scorecard
from nabd.store import Store

BAND_CLASSES = frozenset({"red", "yellow", "green", "blue"})  # colours app.css styles as .band-<colour>
_scorecards: dict[str, Scorecard] = {}  # scorecard version -> its scorecard (a version names its content)


def bands_of(card: Scorecard) -> dict[str, dict[str, Any]]:
    """Band id -> {id, name, range, colour, colour_name, action, css, style} of ``card``: a colour app.css
    knows is its class ``band-<colour>``; any other is ``band-custom`` with the colour as ``--band``."""
    return {
        band.id: {**band.model_dump(),
                  "css": f"band-{band.colour}" if band.colour in BAND_CLASSES else "band-custom",
                  "style": None if band.colour in BAND_CLASSES else f"--band: {band.colour}"}
        for band in card.bands
    }


def scorecard_shown(store: Store, version: str | None = None) -> Scorecard:
    """The scorecard of ``version``; the active scorecard when ``version`` is None or not held by this
    database. Kept per version: a version names its content, so it never changes."""
    if version and version not in _scorecards:
        card = versions.scorecard_of_version(store, version)
        if card is not None:
            _scorecards[version] = card
    if version in _scorecards:
        return _scorecards[version]
    active = versions.active_version(store)
    if active not in _scorecards:
        _scorecards[active] = versions.active_scorecard(store)
    return _scorecards[active]


def band_table(store: Store, version: str | None = None) -> dict[str, dict[str, Any]]:
    """The bands of scorecard ``version`` (see :func:`bands_of` and :func:`scorecard_shown`)."""
    return bands_of(scorecard_shown(store, version))
