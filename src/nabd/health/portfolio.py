"""The portfolio: stored scores grouped by band colour, with counts and MRR per band, filtered by segment/CSM.

MRR per band = sum of the accounts' MRR on the scores' as_of, in the reporting currency
(:func:`nabd.metrics.active.account_mrr`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import ibis

from nabd.errors import NabdError
from nabd.health.scorecard import Band, Scorecard
from nabd.metrics.active import account_mrr
from nabd.store import Store


@dataclass(frozen=True)
class BandSummary:
    band: Band | None  # None = accounts without a score (too little data)
    accounts: int
    mrr: Decimal


@dataclass(frozen=True)
class Portfolio:
    as_of: date
    bands: list[BandSummary]
    accounts: ibis.Table  # account_id, name, segment, csm, score, band, colour, mrr; worst score first


def latest_as_of(store: Store, scorecard: Scorecard) -> date:
    """The latest as_of scored with this scorecard version, or an error saying to run `nabd score`."""
    day = store.scalar("SELECT max(as_of) FROM health_scores WHERE scorecard_version = ?", [scorecard.version])
    if day is None:
        raise NabdError(
            f"no scores stored for scorecard {scorecard.name!r} version {scorecard.version}: run `nabd score` first"
        )
    return day


def portfolio(
    store: Store, scorecard: Scorecard, as_of: date | None = None, segment: str | None = None,
    csm: str | None = None, band: str | None = None, reporting_currency: str = "USD",
) -> Portfolio:
    """Accounts scored on ``as_of`` (latest by default) by band: counts and MRR, filtered by segment, CSM, band."""
    as_of = as_of or latest_as_of(store, scorecard)
    scores = store.table("health_scores")
    scores = scores.filter((scores.scorecard_version == scorecard.version) & (scores.as_of == as_of))
    accounts = store.table("accounts").select("account_id", "name", "segment", "csm")
    mrr = account_mrr(store, as_of, reporting_currency).rename(mrr_account="account_id")
    rows = scores.join(accounts, "account_id")
    rows = rows.left_join(mrr, rows.account_id == mrr.mrr_account).drop("mrr_account")
    if segment:
        rows = rows.filter(rows.segment.lower() == segment.lower())
    if csm:
        rows = rows.filter(rows.csm == csm)
    if band:
        wanted = [b.id for b in scorecard.bands if band.lower() in {b.id, b.colour, b.name.en.lower(), b.name.ar}]
        if not wanted:
            names = ", ".join(f"{b.id}/{b.colour}" for b in scorecard.bands)
            raise NabdError(f"no band {band!r} in scorecard {scorecard.name!r}: use one of {names}")
        rows = rows.filter(rows.band.isin(wanted))
    colour = ibis.cases(*[(rows.band == b.id, b.colour) for b in scorecard.bands], else_=ibis.null("string"))
    rows = rows.select(
        "account_id", "name", "segment", "csm", "score", "band", colour=colour, mrr=rows.mrr.fill_null(0),
    ).order_by([ibis.asc("score"), "account_id"])
    totals = rows.group_by("band").aggregate(accounts=rows.count(), mrr=rows.mrr.sum()).to_pyarrow().to_pylist()
    by_band = {row["band"]: row for row in totals}
    summaries = [
        BandSummary(b, by_band.get(b.id, {}).get("accounts", 0), Decimal(by_band.get(b.id, {}).get("mrr") or 0))
        for b in sorted(scorecard.bands, key=lambda b: b.range[0])
    ]
    if None in by_band:
        summaries.append(BandSummary(None, by_band[None]["accounts"], Decimal(by_band[None]["mrr"] or 0)))
    return Portfolio(as_of, summaries, rows)
