"""Advance journeys by one day (the daily run's step): enrol the accounts whose entry condition holds, hold
out a random share, then run every due step of every active enrolment.

Each step commits in one transaction with what it writes (the enrolment's next step and day, the step log,
outbox rows, journey_messages, tasks), so a crash between steps loses nothing and repeats nothing: the next
run starts at the first step not committed. Ids are fixed by (journey, account, entered_on, step, contact),
so an e-mail is queued once. The outbox sends (retries with backoff); a held-out account is sent nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from nabd.config import environment, load_settings
from nabd.feedback.links import link_key
from nabd.feedback.surveys import load_surveys
from nabd.feedback.throttle import ContactLimit, unreachable_contacts
from nabd.health.scorecard import Scorecard
from nabd.health.versions import active_scorecard
from nabd.metrics.active import active_accounts
from nabd.outreach.entry import entering
from nabd.outreach.journey import Journey, Journeys, Step, load_journeys
from nabd.outreach.messages import compose, render, signed_token
from nabd.playbooks.tasks import open_tasks
from nabd.store import Store
from nabd.store.clock import utc_now

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class JourneyRun:
    """What advancing the journeys on one day did."""

    as_of: date
    entered: dict[str, int] = field(default_factory=dict)  # journey -> accounts entered (treated and held out)
    held_out: dict[str, int] = field(default_factory=dict)
    steps: int = 0
    emails: int = 0
    tasks: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Enrolment:
    """One account in one journey, with what the day's run knows of it: its fields (for templates) and the
    facts its conditions read, fetched for every due enrolment of a journey in one query (:func:`due_enrolments`)."""

    journey: Journey
    account_id: str
    entered_on: date
    reason: str
    entry_score: int | None
    step: int
    due_on: date
    fields: dict[str, Any]
    answered: bool
    opened_ticket: bool
    score: int | None
    active: bool

    def holds(self, condition: str) -> bool:
        """Whether ``condition`` holds for the account between the day it entered (from midnight) and as_of."""
        if condition == "answered":
            return self.answered
        if condition == "opened_ticket":
            return self.opened_ticket
        if condition in ("score_rose", "score_fell"):
            if self.score is None or self.entry_score is None:
                return False
            return self.score > self.entry_score if condition == "score_rose" else self.score < self.entry_score
        if condition == "churned":
            return not self.active
        raise ValueError(f"unknown condition {condition!r}")


FIELDS = ("account_name", "segment", "plan", "csm", "country", "account_language", "band", "score")


def due_enrolments(store: Store, journey: Journey, as_of: date, scorecard: Scorecard) -> list[Enrolment]:
    """The active enrolments of ``journey`` with a step due by as_of, with their fields and facts: answered
    (a survey response since entering), opened_ticket (a ticket opened since), score (the latest by as_of,
    of the active scorecard), active (a subscription active on as_of, nabd.metrics.active)."""
    active = store.ibis.compile(active_accounts(store, as_of))
    until = datetime.combine(as_of + timedelta(days=1), time())
    latest = ("(SELECT h.{column} FROM health_scores h WHERE h.account_id = e.account_id AND h.as_of <= ? "
              "AND h.scorecard_version = ? ORDER BY h.as_of DESC LIMIT 1)")
    rows = store.fetchall(
        "SELECT e.account_id, e.entered_on, e.reason, e.entry_score, e.step, e.due_on, "
        "a.name, a.segment, a.plan, a.csm, a.country, a.language, "
        f"{latest.format(column='band')}, {latest.format(column='score')}, "
        "EXISTS (SELECT 1 FROM survey_responses r WHERE r.account_id = e.account_id "
        "  AND r.responded_at >= CAST(e.entered_on AS TIMESTAMP) AND r.responded_at < ?), "
        "EXISTS (SELECT 1 FROM tickets t WHERE t.account_id = e.account_id "
        "  AND t.opened_at >= CAST(e.entered_on AS TIMESTAMP) AND t.opened_at < ?), "
        f"EXISTS (SELECT 1 FROM ({active}) x WHERE x.account_id = e.account_id) "
        "FROM journey_enrolments e LEFT JOIN accounts a ON a.account_id = e.account_id "
        "WHERE e.journey = ? AND e.status = 'active' AND e.due_on <= ? ORDER BY e.account_id, e.entered_on",
        [as_of, scorecard.version, as_of, scorecard.version, until, until, journey.id, as_of],
    )
    found = []
    for account_id, entered_on, reason, entry_score, step, due_on, *values, answered, ticket, active_now in rows:
        fields = {"account_id": account_id, **dict(zip(FIELDS, values)), "reason": reason, "journey": journey.id}
        found.append(Enrolment(journey, account_id, entered_on, reason, entry_score, step, due_on, fields,
                               bool(answered), bool(ticket), fields["score"], bool(active_now)))
    return found


def _digest(*parts: object) -> str:
    return hashlib.md5("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def enrol(store: Store, journey: Journey, as_of: date, scorecard: Scorecard, now: datetime) -> tuple[int, int]:
    """Enrol the accounts entering ``journey`` on as_of that are not in it (active, or entered within
    ``reenter_after_days``); each is held out with probability ``holdout`` (the engine's random(), recorded).
    Returns (entered, held out)."""
    compiled = store.ibis.compile(entering(store, journey.entry, as_of, scorecard))
    before = int(store.scalar("SELECT count(*) FROM journey_enrolments WHERE journey = ?", [journey.id]))
    latest = ("(SELECT h.{column} FROM health_scores h WHERE h.account_id = e.account_id AND h.as_of <= ? "
              "AND h.scorecard_version = ? ORDER BY h.as_of DESC LIMIT 1)")
    store.execute(
        "INSERT INTO journey_enrolments (journey, account_id, entered_on, reason, held_out, entry_score, entry_band, "
        "step, due_on, status, updated_at) "
        "SELECT ?, d.account_id, ?, d.reason, d.held_out, d.entry_score, d.entry_band, 0, ?, "
        "CASE WHEN d.held_out THEN 'held_out' ELSE 'active' END, ? FROM ("
        f"  SELECT e.account_id, e.reason, random() < ? AS held_out, {latest.format(column='score')} AS entry_score, "
        f"  {latest.format(column='band')} AS entry_band "
        "  FROM (SELECT account_id, min(reason) AS reason FROM (" + compiled + ") x GROUP BY account_id) e "
        "  WHERE NOT EXISTS (SELECT 1 FROM journey_enrolments j WHERE j.journey = ? AND j.account_id = e.account_id "
        "    AND (j.status = 'active' OR j.entered_on > ?))"
        ") d",
        [journey.id, as_of, as_of, now, journey.holdout, as_of, scorecard.version, as_of, scorecard.version,
         journey.id, as_of - timedelta(days=journey.reenter_after_days)],
    )
    after = int(store.scalar("SELECT count(*) FROM journey_enrolments WHERE journey = ?", [journey.id]))
    held = int(store.scalar(
        "SELECT count(*) FROM journey_enrolments WHERE journey = ? AND entered_on = ? AND held_out", [journey.id, as_of]
    ))
    return after - before, held


def _expand(value: str) -> str:
    """``${VAR}`` replaced by the environment's value ('' when unset)."""
    variables = environment()
    return _VARIABLE.sub(lambda match: variables.get(match.group(1), ""), value).strip()


def _queue(store: Store, notification_id: str, channel: str, target: str, subject: str, payload: dict,
           account_id: str, journey: Journey, now: datetime, task_id: str | None = None) -> None:
    store.execute(
        "INSERT INTO outbox (notification_id, channel, target, subject, payload, account_id, playbook, task_id, "
        "status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [notification_id, channel, target, subject[:500], json.dumps(payload, ensure_ascii=False), account_id,
         f"journey:{journey.id}", task_id, now, now],
    )


@dataclass
class Context:
    """What running steps needs besides the store: the day, scorecard, when, links and the contact limit."""

    as_of: date
    scorecard: Scorecard
    now: datetime
    base_url: str | None
    sender: str
    limit: ContactLimit
    run: JourneyRun
    key: bytes  # signs the unsubscribe and onboarding links


def _email(store: Store, enrolment: Enrolment, number: int, step: Step, context: Context) -> str:
    if not context.base_url:
        context.run.notes.append(f"{enrolment.journey.id}: e-mail step skipped (NABD_PUBLIC_URL is not set: "
                                 "the unsubscribe link needs it)")
        return "skipped: NABD_PUBLIC_URL is not set"
    assert step.email is not None
    fields = enrolment.fields
    contacts = store.fetchall(
        "SELECT contact_id, name, email, coalesce(language, ?, 'en') FROM contacts WHERE account_id = ? "
        "ORDER BY contact_id", [fields.get("account_language"), enrolment.account_id],
    )
    barred = unreachable_contacts(store, [c[0] for c in contacts], context.now, context.limit)
    key = context.key
    base = context.base_url.rstrip("/")
    counts: dict[str, int] = {}
    for contact_id, name, address, language in contacts:
        language = language if language in ("ar", "en") else "en"
        message_id = _digest(enrolment.journey.id, enrolment.account_id, enrolment.entered_on, number, contact_id)
        status = barred.get(contact_id) or ("no_email" if not address else "queued")
        notification_id = None
        if status == "queued":
            notification_id = f"jrn-{message_id[:20]}"
            filled = {
                **fields, "contact_name": name or "", "contact_email": address,
                "unsubscribe_url": f"{base}/unsubscribe/{signed_token(key, 'unsubscribe', contact_id, context.now)}",
                "onboarding_url": f"{base}/onboarding/{signed_token(key, 'onboarding', enrolment.account_id, context.now)}",
            }
            message = compose(step.email, filled, language=language, sender=context.sender, to=address,
                              message_id=f"journey-{message_id}")
            _queue(store, notification_id, "message", address, str(message["Subject"]),
                   {"mime": message.as_string(), "account_id": enrolment.account_id, "contact_id": contact_id},
                   enrolment.account_id, enrolment.journey, context.now)
        store.execute(
            "INSERT INTO journey_messages (message_id, journey, account_id, contact_id, step, language, status, "
            "notification_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [message_id, enrolment.journey.id, enrolment.account_id, contact_id, number, language, status,
             notification_id, context.now],
        )
        counts[status] = counts.get(status, 0) + 1
    context.run.emails += counts.get("queued", 0)
    return ", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "no contacts"


def _task(store: Store, enrolment: Enrolment, number: int, step: Step, context: Context) -> str:
    assert step.task is not None
    fields = {**enrolment.fields,
              "contact_name": "", "contact_email": "", "unsubscribe_url": "", "onboarding_url": ""}
    task_id = "task-" + _digest(enrolment.journey.id, enrolment.account_id, enrolment.entered_on, number)[:16]
    owner = fields.get("csm") if step.task.owner == "csm" else step.task.owner
    due = datetime.combine(context.as_of + timedelta(days=step.task.due_in_days), time())
    open_tasks(
        store,
        "SELECT CAST(? AS TEXT) AS task_id, CAST(? AS TEXT) AS account_id, CAST(? AS TEXT) AS playbook, "
        "CAST(? AS TEXT) AS title, CAST(? AS TEXT) AS owner, CAST(? AS TEXT) AS priority, "
        "CAST(? AS TIMESTAMP) AS due_at",
        [task_id, enrolment.account_id, f"journey:{enrolment.journey.id}", render(step.task.title, fields)[:300],
         owner, step.task.priority, due], context.now,
    )
    context.run.tasks += 1
    return f"task {task_id}"


def _webhook(store: Store, enrolment: Enrolment, number: int, step: Step, context: Context) -> str:
    assert step.webhook is not None
    url = _expand(step.webhook.url)
    if not url:
        return "skipped: the webhook's variable is not set"
    fields = {**enrolment.fields,
              "contact_name": "", "contact_email": "", "unsubscribe_url": "", "onboarding_url": ""}
    text = render(step.webhook.text, fields)
    notification_id = "jrn-" + _digest(enrolment.journey.id, enrolment.account_id, enrolment.entered_on, number)[:20]
    _queue(store, notification_id, "webhook", url, text,
           {"text": text, "account_id": enrolment.account_id, "journey": enrolment.journey.id},
           enrolment.account_id, enrolment.journey, context.now)
    return "webhook queued"


def _survey(store: Store, enrolment: Enrolment, number: int, step: Step, context: Context) -> str:
    assert step.survey is not None
    if not context.base_url:
        return "skipped: NABD_PUBLIC_URL is not set"
    notification_id = "jrn-" + _digest(enrolment.journey.id, enrolment.account_id, enrolment.entered_on, number)[:20]
    _queue(store, notification_id, "survey", context.base_url, step.survey.survey_id,
           {"survey_id": step.survey.survey_id, "account_id": enrolment.account_id},
           enrolment.account_id, enrolment.journey, context.now)
    return f"survey {step.survey.survey_id} queued"


def _run_step(store: Store, enrolment: Enrolment, number: int, context: Context) -> tuple[str, int, date]:
    """Run step ``number``: (outcome, the next step's index, the day it is due)."""
    journey, step = enrolment.journey, enrolment.journey.steps[number]
    if step.wait is not None:
        return f"wait {step.wait.days} days", number + 1, context.as_of + timedelta(days=step.wait.days)
    if step.branch is not None:
        holds = enrolment.holds(step.branch.condition)
        target = step.branch.then if holds else step.branch.otherwise
        return f"{step.branch.condition}: {'yes' if holds else 'no'} -> {target}", journey.target(number, target), \
            context.as_of
    action = {"email": _email, "task": _task, "webhook": _webhook, "survey": _survey}[step.kind]
    return action(store, enrolment, number, step, context), number + 1, context.as_of


def advance_enrolment(store: Store, enrolment: Enrolment, context: Context) -> None:
    """Run the enrolment's steps due by as_of, each in its own transaction; check the exits before each."""
    journey, step, due_on = enrolment.journey, enrolment.step, enrolment.due_on
    key = [journey.id, enrolment.account_id, enrolment.entered_on]
    while due_on <= context.as_of:
        if step >= len(journey.steps):
            store.execute("UPDATE journey_enrolments SET status = 'done', updated_at = ? "
                          "WHERE journey = ? AND account_id = ? AND entered_on = ?", [context.now, *key])
            return
        for condition in journey.exit:
            if enrolment.holds(condition):
                store.execute("UPDATE journey_enrolments SET status = 'exited', exit_reason = ?, updated_at = ? "
                              "WHERE journey = ? AND account_id = ? AND entered_on = ?",
                              [condition, context.now, *key])
                return
        with store.transaction():
            outcome, following, following_due = _run_step(store, enrolment, step, context)
            store.execute(
                "INSERT INTO journey_steps (journey, account_id, entered_on, step, kind, outcome, ran_on) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [*key, step, journey.steps[step].kind, outcome[:500], context.as_of],
            )
            store.execute(
                "UPDATE journey_enrolments SET step = ?, due_on = ?, updated_at = ? "
                "WHERE journey = ? AND account_id = ? AND entered_on = ?",
                [following, following_due, context.now, *key],
            )
        context.run.steps += 1
        step, due_on = following, following_due


def advance_journeys(
    store: Store, as_of: date, *, journeys: Journeys | None = None, scorecard: Scorecard | None = None,
    now: datetime | None = None, base_url: str | None = None, sender: str | None = None,
    limit: ContactLimit | None = None,
) -> JourneyRun:
    """One day of every enabled journey: enrol, hold out, run the due steps. Safe to repeat for a day.

    ``journeys`` defaults to NABD_JOURNEYS or the shipped file; ``base_url`` to NABD_PUBLIC_URL (the links
    in e-mails point there); ``limit`` to the survey book's contact limit (the one limit of both)."""
    settings = load_settings()
    journeys = journeys or load_journeys(settings.journeys)
    scorecard = scorecard or active_scorecard(store)
    now = now or utc_now()
    run = JourneyRun(as_of)
    context = Context(as_of, scorecard, now, base_url or settings.public_url, sender or settings.smtp.sender,
                      limit or load_surveys().contact_limit, run, link_key(store))
    for journey in journeys.journeys:
        if not journey.enabled:
            continue
        run.entered[journey.id], run.held_out[journey.id] = enrol(store, journey, as_of, scorecard, now)
        for enrolment in due_enrolments(store, journey, as_of, scorecard):
            advance_enrolment(store, enrolment, context)
    return run

