"""Measures of the relationship: referrals made, the CSM's rating, days to the next renewal."""

from __future__ import annotations

import ibis
from ibis import _

from nabd.health.scorecard import MeasureParams
from nabd.metrics.active import next_renewals
from nabd.store import Store
from nabd.store.window import Window


def referrals(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """referrals the account made in the window (0 without any)."""
    made = store.table("referrals")
    made = made.filter((made.referred_at >= window.start) & (made.referred_at < window.end))
    return made.group_by("account_id").aggregate(value=_.count())


def csm_rating(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """the CSM's most recent relationship rating (1-5) given in the window."""
    ratings = store.table("relationship_ratings")
    ratings = ratings.filter((ratings.rated_at >= window.first_day) & (ratings.rated_at <= window.as_of))
    return ratings.group_by("account_id").aggregate(value=ratings.rating.argmax(ratings.rated_at))


def days_to_renewal(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """next renewal - as_of (nabd.metrics.active.next_renewals: active periods renewing on or after as_of)."""
    renewals = next_renewals(store, window.as_of)
    return renewals.select("account_id", value=renewals.renewal_date.delta(window.as_of, unit="day"))
