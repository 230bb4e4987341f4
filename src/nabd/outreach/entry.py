"""Who enters a journey on a day: account_id and reason, as an Ibis expression over the store."""

from __future__ import annotations

from datetime import date, timedelta

import ibis

from nabd.health.portfolio import band_ids
from nabd.health.scorecard import Scorecard
from nabd.metrics.active import active_accounts, customer_accounts, customer_subscriptions, next_renewals
from nabd.outreach.journey import Entry
from nabd.store import Store
from nabd.store.calendar import local_day
from nabd.store.window import Window, as_of_value

SIGNED_UP_DAYS = 7  # a new account may enter a signed_up journey in its first 7 days (a missed run loses none)
CHURNED_DAYS = 7  # likewise after its last subscription ended
NPS_ANSWERED_DAYS = 7  # likewise after an NPS answer in the range


def churned_accounts(store: Store, as_of: date, within_days: int = CHURNED_DAYS) -> ibis.Table:
    """account_id, ended_on: customers with no active subscription on as_of whose last subscription period
    ended in the ``within_days`` days up to as_of (end_date exclusive: the first day without it)."""
    periods = customer_subscriptions(store)
    last = periods.group_by("account_id").aggregate(
        ended_on=periods.end_date.max(), still_open=periods.end_date.isnull().any()
    )
    ended = last.filter(
        ~last.still_open & (last.ended_on <= as_of) & (last.ended_on > as_of - timedelta(days=within_days))
    )
    active = active_accounts(store, as_of)
    return ended.anti_join(active, "account_id").select("account_id", "ended_on")


def entering(store: Store, entry: Entry, as_of: date, scorecard: Scorecard) -> ibis.Table:
    """account_id, reason: the accounts ``entry`` selects on as_of (before dedup, holdout and re-entry rules)."""
    if entry.band_entered is not None:
        changes = store.table("health_band_changes")
        ids = band_ids(scorecard.bands, entry.band_entered)  # a band's id, colour or name
        changes = changes.filter(
            (changes.as_of == as_of) & (changes.scorecard_version == scorecard.version)
            & (changes.to_band.isin(ids) if ids else ibis.literal(False))
        )
        return changes.select(
            "account_id", reason="band " + changes.from_band.fill_null("none") + " -> " + changes.to_band
            + ", score " + changes.score.cast("string"),
        )
    indicator = entry.indicator or ("onboarding_stalled" if entry.lifecycle == "onboarding_stalled" else None)
    if indicator is not None:
        firings = store.table("indicator_firings")
        firings = firings.filter((firings.as_of == as_of) & (firings.indicator == indicator))
        return firings.select("account_id", reason=firings.indicator + " " + firings.evidence.cast("string"))
    if entry.lifecycle == "signed_up":
        accounts = customer_accounts(store)
        new = accounts.filter(Window(as_of_value(as_of), SIGNED_UP_DAYS).contains(accounts.created_at))
        return new.select("account_id", reason="signed up on " + local_day(new.created_at).cast("string"))
    if entry.lifecycle == "churned":
        churned = churned_accounts(store, as_of)
        return churned.select("account_id", reason="subscription ended on " + churned.ended_on.cast("string"))
    if entry.renewal_in_days is not None:
        renewals = next_renewals(store, as_of, entry.renewal_in_days)
        return renewals.select("account_id", reason="renews on " + renewals.renewal_date.cast("string"))
    if entry.segment is not None:
        return _segment(store, entry, as_of, scorecard)
    if entry.nps_answered is not None:
        answers = store.table("survey_responses")
        answers = answers.filter(
            (answers.kind == "nps") & Window(as_of_value(as_of), NPS_ANSWERED_DAYS).contains(answers.responded_at)
            & answers.score.between(entry.nps_answered.min, entry.nps_answered.max)
        )
        return answers.select("account_id", reason="NPS " + answers.score.cast("string") + " on "
                              + local_day(answers.responded_at).cast("string"))
    raise TypeError(f"unhandled entry {entry!r}")


def _segment(store: Store, entry: Entry, as_of: date, scorecard: Scorecard) -> ibis.Table:
    """Active accounts on as_of in the segment (segments, plans, CSMs and the band scored on as_of)."""
    wanted = entry.segment
    assert wanted is not None
    accounts = store.table("accounts").semi_join(active_accounts(store, as_of), "account_id")
    if wanted.segments:
        accounts = accounts.filter(accounts.segment.isin(wanted.segments))
    if wanted.plans:
        accounts = accounts.filter(accounts.plan.isin(wanted.plans))
    if wanted.csms:
        accounts = accounts.filter(accounts.csm.isin(wanted.csms))
    if wanted.bands:
        scores = store.table("health_scores")
        ids = [found for band in wanted.bands for found in band_ids(scorecard.bands, band)]
        scores = scores.filter(
            (scores.as_of == as_of) & (scores.scorecard_version == scorecard.version) & scores.band.isin(ids or [""])
        )
        accounts = accounts.semi_join(scores, "account_id")
    return accounts.select("account_id", reason=ibis.literal("in the segment"))
