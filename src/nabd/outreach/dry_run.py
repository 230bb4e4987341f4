"""What a journey would do on a day, writing nothing: the accounts that would enter (with why), how many
would be held out on average, and the steps due for the accounts already in it; plus each journey's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from jinja2 import TemplateError

from nabd.health.scorecard import Scorecard
from nabd.outreach.advance import due_enrolments
from nabd.outreach.entry import entering
from nabd.outreach.journey import TEMPLATE_FIELDS, Journey, Journeys
from nabd.outreach.messages import render
from nabd.store import Store


@dataclass
class DryRun:
    journey: str
    as_of: date
    entering: list[dict] = field(default_factory=list)  # account_id, account_name, reason
    expected_held_out: float = 0.0
    due: list[dict] = field(default_factory=list)  # account_id, step, kind, what
    messages: list[dict] = field(default_factory=list)  # the e-mails of the first account: step, subject, body


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
    sample = found.entering[0] if found.entering else (found.due[0] if found.due else None)
    if sample is not None:
        found.messages = message_previews(store, journey, sample["account_id"], sample.get("reason", ""))
    return found


def message_previews(store: Store, journey: Journey, account_id: str, reason: str) -> list[dict]:
    """Each e-mail step of ``journey`` as the account's contacts would get it (the contact's own fields left
    blank), in English and Arabic: step, account_id, subject {en, ar}, body {en, ar} (or the template's error)."""
    found = store.records(
        "SELECT a.name AS account_name, a.segment, a.plan, a.csm, a.country, "
        "(SELECT h.band FROM health_scores h WHERE h.account_id = a.account_id ORDER BY h.as_of DESC LIMIT 1) AS band, "
        "(SELECT h.score FROM health_scores h WHERE h.account_id = a.account_id ORDER BY h.as_of DESC LIMIT 1) AS score "
        "FROM accounts a WHERE a.account_id = ?", [account_id])
    fields = {**{name: "" for name in TEMPLATE_FIELDS}, **(found[0] if found else {}), "account_id": account_id,
              "reason": reason, "journey": journey.id}
    previews = []
    for number, step in enumerate(journey.steps):
        if step.email is None:
            continue
        shown: dict = {"step": number, "account_id": account_id}
        for part in ("subject", "body"):
            template = getattr(step.email, part)
            shown[part] = {}
            for language in ("en", "ar"):
                try:
                    shown[part][language] = render(template.text(language), fields)
                except (TemplateError, TypeError, ValueError) as error:  # fails on this account's values
                    shown[part][language] = f"(cannot be written for this account: {error})"
        previews.append(shown)
    return previews


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
