"""Why accounts go unscored: the measures that had no value, and the table, column or event that feeds each.

An account gets no score when its measures with a value weigh less than the scorecard's minimum coverage
(nabd.health.score_expression). Every surface that shows unscored accounts names this cause, never
"nothing" or "no churn".
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files

from nabd.health.scorecard import Scorecard
from nabd.store import Store

STARTER_SCORECARD = files("nabd.health") / "scorecards" / "any_events.yaml"

_SESSIONS = "`session` events with the minutes in events.value and a contact_id"
FEEDS: dict[str, str] = {
    "usage_time_daily": _SESSIONS,
    "usage_time_weekly": _SESSIONS,
    "usage_trend": "`session` events with the minutes in events.value, over two windows",
    "active_users": "events with a contact_id",
    "licence_utilisation": "events with a contact_id, and subscriptions.quantity (licences)",
    "feature_adoption": "`feature:<name>` events",
    "page_visits": "`page:<name>` events",
    "new_licences": "subscriptions.quantity",
    "solution_upgrade": "subscriptions periods (product, mrr, start_date, end_date)",
    "ticket_frequency": "tickets (opened_at)",
    "ticket_trend": "tickets (opened_at)",
    "ticket_csat": "tickets.csat of tickets closed in the window",
    "payment_days_overdue": "invoices (due_at, paid_at)",
    "late_invoice_share": "invoices due in the window (due_at, paid_at)",
    "nps_latest": "survey_responses of kind nps in the window",
    "nps_trend": "survey_responses of kind nps in this window and the one before",
    "sentiment": "comments (survey_responses.comment, tickets) analysed by `nabd feedback analyse`",
    "referrals": "referrals (referred_at)",
    "csm_rating": "relationship_ratings (rated_at, rating)",
    "days_to_renewal": "subscriptions.renewal_date",
    "renewal_exposure": "subscriptions.renewal_date, and a year of history of the same renewal term",
    "custom": "the rows its own SQL returns",
    "tenure_days": "subscriptions.start_date",
    "event_trend": "events of its selected types in this window and the one before",
    "mrr_change": "subscriptions.mrr on as_of and the day before the window",
    "csat_mean": "survey_responses of kind csat in the window",
    "ces_mean": "survey_responses of kind ces in the window",
    "onboarding_progress": "onboarding_milestones (completed_on), written by `nabd run` from playbooks/onboarding.yaml",
    "days_since_milestone": "onboarding_milestones (completed_on), written by `nabd run` from playbooks/onboarding.yaml",
    "indicator_firings": "indicator_firings (as_of), written by `nabd run`",
}


def feed_of(scorecard: Scorecard, measure_id: str) -> str:
    """What would give the measure a value: a table and column, or the events it reads."""
    spec = scorecard.measure(measure_id)
    if spec.type in FEEDS:
        return FEEDS[spec.type]
    return f"events of types {', '.join(spec.params.events or ['*'])} in the window"


def missing_by_measure(store: Store, scorecard: Scorecard, as_of: date) -> tuple[int, dict[str, int]]:
    """(unscored accounts, {measure id: unscored accounts without its value}) of a stored run."""
    nulls = ", ".join(f"sum(CASE WHEN measure_values[{2 * p - 1}] IS NULL THEN 1 ELSE 0 END)"
                      for p in range(1, len(scorecard.measures) + 1))
    row = store.fetchall(
        f"SELECT count(*), {nulls} FROM health_scores WHERE as_of = ? AND scorecard_version = ? AND score IS NULL",
        [as_of, scorecard.version],
    )[0]
    return int(row[0]), {m.id: int(n or 0) for m, n in zip(scorecard.measures, row[1:])}


def unscored_cause(
    scorecard: Scorecard, unscored: int, missing: dict[str, int], total: int | None = None, what: str = "accounts",
) -> list[str]:
    """Lines naming why ``unscored`` accounts have no score: coverage below the minimum, the measures with no
    value (most often missing first) and what would feed each; empty when every account is scored."""
    if not unscored:
        return []
    minimum = scorecard.missing_data.minimum_coverage
    of = f" of {total}" if total is not None else ""
    lines = [f"{unscored}{of} {what} unscored: the measures with a value weigh less than the minimum coverage "
             f"({minimum:.0%}) of scorecard {scorecard.name}. Measures with no value, and what would feed them:"]
    for measure_id, count in sorted(missing.items(), key=lambda item: -item[1]):
        if count:
            lines.append(f"  {measure_id} ({count} {what}): {feed_of(scorecard, measure_id)}")
    lines.append("Or score on measures that read any event names and need no contact id: --scorecard any_events")
    return lines
