"""The portfolio: stored scores grouped by band colour, with counts and MRR per band, filtered by segment/CSM.

The portfolio filter (:class:`PortfolioFilter`, :func:`filter_accounts`) is the one used by
``nabd portfolio``, the web portfolio and ``/api/v1/accounts``: segment in any case; band by id,
colour or name in English or Arabic, in any case; CSM; part of the name; trend; churned accounts
(customers with no active subscription) only when asked for; churn risk (risk >= a fraction, and/or the
top N by risk, highest first, ties by account id, among the accounts every other filter but the band keeps);
an early-warning indicator that fired in the last 30 days (rows' ``indicators``: " id id " of those firings).

MRR per band = sum of the accounts' MRR on the scores' as_of, in the reporting currency
(:func:`nabd.metrics.active.account_mrr`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import ibis

from nabd.errors import NabdError
from nabd.health.scorecard import Band, Scorecard
from nabd.metrics.active import account_mrr
from nabd.store import Store


@dataclass(frozen=True)
class PortfolioFilter:
    """Which accounts a portfolio shows; None = any."""

    band: str | None = None  # a band's id, colour or name (English or Arabic), any case
    segment: str | None = None  # any case: "smb" finds segment "SMB"
    csm: str | None = None  # the CSM's login, exactly
    search: str | None = None  # part of the account's name, any case
    trend: str | None = None  # up | down | flat: the score's change since the run before
    churned: bool = False  # also the churned accounts (no active subscription): left out by default
    renewal_by: date | None = None  # only accounts whose next renewal is on or before this day
    risk_min: float | None = None  # only accounts whose newest churn risk (0-1) is at least this
    risk_top: int | None = None  # only the N accounts of highest churn risk (after every other filter but the band)
    indicator: str | None = None  # only accounts on which this indicator fired in the last 30 days


WARNING_DAYS = 30  # the indicator filter's window: firings with as_of in (today - 30, today]


def band_ids(bands: Iterable[Band], wanted: str) -> list[str]:
    """Ids of the bands whose id, colour, English name or Arabic name is ``wanted`` (any case)."""
    key = wanted.strip().lower()
    return [b.id for b in bands if key in {b.id.lower(), b.colour.lower(), b.name.en.lower(), b.name.ar.lower()}]


def filter_accounts(
    rows: ibis.Table, wanted: PortfolioFilter, bands: Iterable[Band], *, by_band: bool = True
) -> ibis.Table:
    """The rows (columns segment, csm, name, band, and trend when it is asked for) that ``wanted`` keeps;
    the band filter only ``by_band`` (a band no band of ``bands`` answers to keeps no row). Rows with a
    ``churned`` column are kept only when ``wanted.churned`` (churned accounts are not the portfolio's);
    the risk filters read a ``risk`` column, the indicator filter an ``indicators`` one."""
    if not wanted.churned and "churned" in rows.columns:
        rows = rows.filter(~rows.churned)
    if wanted.renewal_by is not None:
        rows = rows.filter(rows.renewal_date.notnull() & (rows.renewal_date <= wanted.renewal_by))
    if wanted.segment:
        rows = rows.filter(rows.segment.lower() == wanted.segment.lower())
    if wanted.csm:
        rows = rows.filter(rows.csm == wanted.csm)
    if wanted.search:
        rows = rows.filter(rows.name.lower().contains(wanted.search.lower()))
    trends = {"up": rows.trend > 0, "down": rows.trend < 0, "flat": rows.trend == 0} if wanted.trend else {}
    if wanted.trend in trends:
        rows = rows.filter(trends[wanted.trend])
    if wanted.risk_min is not None:
        rows = rows.filter(rows.risk.cast("float64") >= wanted.risk_min)
    if wanted.indicator:
        rows = rows.filter(rows.indicators.contains(f" {wanted.indicator} "))
    if wanted.risk_top:
        ranked = rows.filter(rows.risk.notnull()).mutate(
            risk_rank=ibis.row_number().over(order_by=[ibis.desc(rows.risk.cast("float64")), ibis.asc("account_id")])
        )
        rows = ranked.filter(ranked.risk_rank < wanted.risk_top).drop("risk_rank")
    if by_band and wanted.band:
        ids = band_ids(bands, wanted.band)
        rows = rows.filter(rows.band.isin(ids) if ids else ibis.literal(False))
    return rows


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
    if band and not band_ids(scorecard.bands, band):
        names = ", ".join(f"{b.id}/{b.colour}" for b in scorecard.bands)
        raise NabdError(f"no band {band!r} in scorecard {scorecard.name!r}: use one of {names}")
    rows = filter_accounts(rows, PortfolioFilter(band=band, segment=segment, csm=csm), scorecard.bands)
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
