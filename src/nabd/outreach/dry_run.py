"""What a journey would do on a day, writing nothing: the accounts that would enter (with why), how many
would be held out on average, and the steps due for the accounts already in it; plus each journey's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from nabd.health.scorecard import Scorecard
from nabd.outreach.advance import due_enrolments
from nabd.outreach.entry import entering
from nabd.outreach.journey import Journey, Journeys
from nabd.store import Store


@dataclass
class DryRun:
    journey: str
    as_of: date
    entering: list[dict] = field(default_factory=list)  # account_id, account_name, reason
    expected_held_out: float = 0.0
    due: list[dict] = field(default_factory=list)  # account_id, step, kind, what


def dry_run(store: Store, journey: Journey, as_of: date, scorecard: Scorecard) -> DryRun:
    """The journey's day as_of, computed and not written (held-out accounts are drawn only when they enter)."""
    compiled = store.ibis.compile(entering(store, journey.entry, as_of, scorecard))
    rows = store.fetchall(
        "SELECT e.account_id, a.name, min(e.reason) FROM (" + compiled + ") e "
        "LEFT JOIN accounts a ON a.account_id = e.account_id "
        "WHERE NOT EXISTS (SELECT 1 FROM journey_enrolments j WHERE j.journey = ? AND j.account_id = e.account_id "
        "  AND (j.status = 'active' OR j.entered_on > ?)) "
        "GROUP BY e.account_id, a.name ORDER BY e.account_id",
        [journey.id, as_of - timedelta(days=journey.reenter_after_days)],
    )
    found = DryRun(journey.id, as_of, [{"account_id": a, "account_name": n, "reason": r} for a, n, r in rows])
    found.expected_held_out = len(rows) * journey.holdout
    for enrolment in due_enrolments(store, journey, as_of, scorecard):
        if enrolment.step >= len(journey.steps):
            continue
        step = journey.steps[enrolment.step]
        what = step.kind
        if step.email:
            what = f"e-mail: {step.email.subject.en}"
        elif step.wait:
            what = f"wait {step.wait.days} days"
        elif step.branch:
            holds = enrolment.holds(step.branch.condition)
            what = f"{step.branch.condition}? {'yes' if holds else 'no'}"
        elif step.task:
            what = f"task: {step.task.title}"
        elif step.survey:
            what = f"survey {step.survey.survey_id}"
        found.due.append({"account_id": enrolment.account_id, "step": enrolment.step, "kind": step.kind, "what": what})
    return found


def journey_states(store: Store, journeys: Journeys) -> list[dict]:
    """Per journey: its enrolments by status (active, done, exited, held_out) and e-mails queued."""
    counts = {(j, s): n for j, s, n in store.fetchall(
        "SELECT journey, status, count(*) FROM journey_enrolments GROUP BY journey, status")}
    emails = dict(store.fetchall(
        "SELECT journey, count(*) FROM journey_messages WHERE status = 'queued' GROUP BY journey"))
    return [
        {"journey": j.id, "name_en": j.name.en, "name_ar": j.name.ar, "enabled": j.enabled, "holdout": j.holdout,
         "steps": len(j.steps), **{status: counts.get((j.id, status), 0) for status in
                                   ("active", "done", "exited", "held_out")},
         "emails": emails.get(j.id, 0)}
        for j in journeys.journeys
    ]
