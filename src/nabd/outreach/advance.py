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
from dataclasses import dataclass, field, replace
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
from nabd.outreach.journey import Journey, Journeys, Step
from nabd.outreach.journey_versions import journeys_in_force
from nabd.outreach.messages import compose, render, signed_token
from nabd.playbooks.tasks import keep_within_cap, new_task_rows, open_tasks
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


def insert_rows(store: Store, table: str, columns: tuple[str, ...], rows: list[tuple], suffix: str = "") -> None:
    """Multi-row INSERT of ``rows`` (500 a statement): one statement per batch, not one per row."""
    marks = "(" + ", ".join("?" for _ in columns) + ")"
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        store.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(marks for _ in chunk)} {suffix}",
            [value for row in chunk for value in row],
        )


OUTBOX_COLUMNS = ("notification_id", "channel", "target", "subject", "payload", "account_id", "playbook", "task_id",
                  "status", "attempts", "next_attempt_at", "created_at")


def _outbox_row(notification_id: str, channel: str, target: str, subject: str, payload: dict, account_id: str,
                journey: Journey, now: datetime) -> tuple:
    return (notification_id, channel, target, subject[:500], json.dumps(payload, ensure_ascii=False), account_id,
            f"journey:{journey.id}", None, "pending", 0, now, now)


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


def _step_id(enrolment: Enrolment, number: int) -> str:
    return _digest(enrolment.journey.id, enrolment.account_id, enrolment.entered_on, number)


def _blank_contact(fields: dict[str, Any]) -> dict[str, Any]:
    return {**fields, "contact_name": "", "contact_email": "", "unsubscribe_url": "", "onboarding_url": "",
            "referral_url": ""}


def _emails(store: Store, group: list[Enrolment], number: int, step: Step, context: Context) -> list[str]:
    """Queue the step's e-mail to every contact of the group's accounts within the contact limit; one outcome each."""
    if not context.base_url:
        context.run.notes.append(f"{group[0].journey.id}: e-mail step skipped (NABD_PUBLIC_URL is not set: "
                                 "the unsubscribe link needs it)")
        return ["skipped: NABD_PUBLIC_URL is not set"] * len(group)
    assert step.email is not None
    accounts = sorted({e.account_id for e in group})
    marks = ", ".join("?" for _ in accounts)
    contacts: dict[str, list[tuple]] = {}
    for account_id, *contact in store.fetchall(
        f"SELECT account_id, contact_id, name, email, language FROM contacts WHERE account_id IN ({marks}) "
        "ORDER BY account_id, contact_id", accounts,
    ):
        contacts.setdefault(account_id, []).append(tuple(contact))
    barred = unreachable_contacts(store, [c[0] for each in contacts.values() for c in each], context.now,
                                  context.limit)
    base = context.base_url.rstrip("/")
    outbox, messages, outcomes = [], [], []
    for enrolment in group:
        counts: dict[str, int] = {}
        onboarding_token = signed_token(context.key, "onboarding", enrolment.account_id, context.now)
        onboarding_url = f"{base}/onboarding/{onboarding_token}"
        for contact_id, name, address, language in contacts.get(enrolment.account_id, []):
            language = language or enrolment.fields.get("account_language")
            language = language if language in ("ar", "en") else "en"
            message_id = _digest(enrolment.journey.id, enrolment.account_id, enrolment.entered_on, number, contact_id)
            status = barred.get(contact_id) or ("no_email" if not address else "queued")
            notification_id = None
            if status == "queued":
                notification_id = f"jrn-{message_id[:20]}"
                filled = {
                    **enrolment.fields, "contact_name": name or "", "contact_email": address,
                    "unsubscribe_url": f"{base}/unsubscribe/"
                                       f"{signed_token(context.key, 'unsubscribe', contact_id, context.now)}",
                    "onboarding_url": onboarding_url,
                    "referral_url": f"{base}/refer/{signed_token(context.key, 'referral', contact_id, context.now)}",
                }
                message = compose(step.email, filled, language=language, sender=context.sender, to=address,
                                  message_id=f"journey-{message_id}")
                outbox.append(_outbox_row(
                    notification_id, "message", address, str(message["Subject"]),
                    {"mime": message.as_string(), "account_id": enrolment.account_id, "contact_id": contact_id},
                    enrolment.account_id, enrolment.journey, context.now))
            messages.append((message_id, enrolment.journey.id, enrolment.account_id, contact_id, number, language,
                             status, notification_id, context.now))
            counts[status] = counts.get(status, 0) + 1
        context.run.emails += counts.get("queued", 0)
        outcomes.append(", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "no contacts")
    insert_rows(store, "outbox", OUTBOX_COLUMNS, outbox, "ON CONFLICT DO NOTHING")
    insert_rows(store, "journey_messages", ("message_id", "journey", "account_id", "contact_id", "step", "language",
                                            "status", "notification_id", "created_at"), messages,
                "ON CONFLICT DO NOTHING")
    return outcomes


def _tasks(store: Store, group: list[Enrolment], number: int, step: Step, context: Context) -> list[str | None]:
    """Open the step's task on each account of the group (nabd.playbooks.tasks.open_tasks, one statement), within
    the per-CSM daily cap shared with playbooks; an account over the cap gets None (it stays at the step)."""
    assert step.task is not None
    due = datetime.combine(context.as_of + timedelta(days=step.task.due_in_days), time())
    rows = []
    for enrolment in group:
        owner = enrolment.fields.get("csm") if step.task.owner == "csm" else step.task.owner
        title = render(step.task.title, _blank_contact(enrolment.fields))[:300]
        rows.append({"task_id": f"task-{_step_id(enrolment, number)[:16]}", "account_id": enrolment.account_id,
                     "playbook": f"journey:{enrolment.journey.id}", "title": title, "owner": owner,
                     "priority": step.task.priority, "due_at": due, "cause": f"journey:{enrolment.journey.id}",
                     "as_of": context.as_of})
    kept = _within_cap(store, rows, context.as_of)
    for rows_sql, params in new_task_rows([row for row in rows if row["task_id"] in kept]):
        open_tasks(store, rows_sql, params, context.now)
    context.run.tasks += len(kept)
    if len(kept) < len(rows):
        context.run.notes.append(f"{group[0].journey.id}: {len(rows) - len(kept)} task(s) wait at their step for "
                                 "the next run (the CSM has the day's cap of tasks: NABD_TASKS_PER_CSM_PER_DAY)")
    return [f"task {row['task_id']}" if row["task_id"] in kept else None for row in rows]


JOURNEY_TASKS = "nabd_journey_tasks"


def _within_cap(store: Store, rows: list[dict], as_of: date) -> set[str]:
    """The task ids of ``rows`` within their owner's daily cap (nabd.playbooks.tasks.keep_within_cap, the one
    cap of playbooks and journeys), in the group's order."""
    places: dict[str, int] = {}
    ranked = []
    for row in rows:
        owner = row["owner"] or ""
        places[owner] = places.get(owner, 0) + 1
        ranked.append((row["task_id"], owner, places[owner]))
    store.execute(f"DROP TABLE IF EXISTS {JOURNEY_TASKS}")
    store.execute(f"CREATE TEMPORARY TABLE {JOURNEY_TASKS} (task_id TEXT, task_owner TEXT, place INTEGER)")
    try:
        insert_rows(store, JOURNEY_TASKS, ("task_id", "task_owner", "place"), ranked)
        keep_within_cap(store, JOURNEY_TASKS, as_of, load_settings().tasks_per_csm)
        return {task_id for (task_id,) in store.fetchall(f"SELECT task_id FROM {JOURNEY_TASKS}")}
    finally:
        store.execute(f"DROP TABLE IF EXISTS {JOURNEY_TASKS}")


def _webhooks(store: Store, group: list[Enrolment], number: int, step: Step, context: Context) -> list[str]:
    assert step.webhook is not None
    url = _expand(step.webhook.url)
    if not url:
        return ["skipped: the webhook's variable is not set"] * len(group)
    rows = []
    for enrolment in group:
        text = render(step.webhook.text, _blank_contact(enrolment.fields))
        rows.append(_outbox_row(f"jrn-{_step_id(enrolment, number)[:20]}", "webhook", url, text,
                                {"text": text, "account_id": enrolment.account_id, "journey": enrolment.journey.id},
                                enrolment.account_id, enrolment.journey, context.now))
    insert_rows(store, "outbox", OUTBOX_COLUMNS, rows, "ON CONFLICT DO NOTHING")
    return ["webhook queued"] * len(group)


def _surveys(store: Store, group: list[Enrolment], number: int, step: Step, context: Context) -> list[str]:
    """Queue the survey for each account: the outbox e-mails it to the account's contacts (nabd.feedback)."""
    assert step.survey is not None
    if not context.base_url:
        return ["skipped: NABD_PUBLIC_URL is not set"] * len(group)
    survey_id = step.survey.survey_id
    rows = [_outbox_row(f"jrn-{_step_id(e, number)[:20]}", "survey", context.base_url, survey_id,
                        {"survey_id": survey_id, "account_id": e.account_id}, e.account_id, e.journey, context.now)
            for e in group]
    insert_rows(store, "outbox", OUTBOX_COLUMNS, rows, "ON CONFLICT DO NOTHING")
    return [f"survey {survey_id} queued"] * len(group)


ACTIONS = {"email": _emails, "task": _tasks, "webhook": _webhooks, "survey": _surveys}


def run_step(store: Store, journey: Journey, number: int, group: list[Enrolment], context: Context) -> list[Enrolment]:
    """Run step ``number`` for every enrolment of ``group`` (all at that step) and record it, in the caller's
    transaction; returns the enrolments moved to their next step and its day (those an action could not serve
    today stay at this step, due, and are retried by the next run)."""
    step = journey.steps[number]
    if step.wait is not None:
        moved = [(e, f"wait {step.wait.days} days", number + 1, context.as_of + timedelta(days=step.wait.days))
                 for e in group]
    elif step.branch is not None:
        moved = []
        for enrolment in group:
            holds = enrolment.holds(step.branch.condition)
            target = step.branch.then if holds else step.branch.otherwise
            moved.append((enrolment, f"{step.branch.condition}: {'yes' if holds else 'no'} -> {target}",
                          journey.target(number, target), context.as_of))
    else:  # an action's None outcome: not done today (a task over the cap), the enrolment stays at the step
        outcomes = ACTIONS[step.kind](store, group, number, step, context)
        moved = [(e, outcome, number + 1, context.as_of) for e, outcome in zip(group, outcomes)
                 if outcome is not None]
    insert_rows(store, "journey_steps", ("journey", "account_id", "entered_on", "step", "kind", "outcome", "ran_on"),
                [(journey.id, e.account_id, e.entered_on, number, step.kind, outcome[:500], context.as_of)
                 for e, outcome, _, _ in moved])
    following = [replace(e, step=to, due_on=day) for e, _, to, day in moved]
    set_state(store, journey, following, "active", context.now)
    context.run.steps += len(moved)
    return following


def set_state(store: Store, journey: Journey, group: list[Enrolment], status: str, now: datetime,
              exit_reason: str | None = None) -> None:
    """Write each enrolment's step, due day and ``status`` (one UPDATE for the group)."""
    for start in range(0, len(group), 500):
        chunk = group[start:start + 500]
        values = ", ".join("(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS DATE), CAST(? AS INTEGER), CAST(? AS DATE), "
                           "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TIMESTAMP))" for _ in chunk)
        store.execute(  # every parameter inside VALUES: DuckDB numbers those of FROM before those of SET
            "UPDATE journey_enrolments SET step = v.step, due_on = v.due_on, status = v.status, "
            f"exit_reason = v.exit_reason, updated_at = v.updated_at FROM (VALUES {values}) "
            "v (journey, account_id, entered_on, step, due_on, status, exit_reason, updated_at) "
            "WHERE journey_enrolments.journey = v.journey AND journey_enrolments.account_id = v.account_id "
            "AND journey_enrolments.entered_on = v.entered_on",
            [x for e in chunk for x in (journey.id, e.account_id, e.entered_on, e.step, e.due_on, status, exit_reason,
                                        now)],
        )


def advance_journey(store: Store, journey: Journey, context: Context) -> None:
    """Run the due steps of every active enrolment of ``journey``, round by round: the enrolments at one step
    run it together in one transaction (with their step log and new state); exits are checked before each."""
    pending = due_enrolments(store, journey, context.as_of, context.scorecard)
    while pending:
        finished = [e for e in pending if e.step >= len(journey.steps)]
        if finished:
            set_state(store, journey, finished, "done", context.now)
        pending = [e for e in pending if e.step < len(journey.steps)]
        for condition in journey.exit:
            leaving = [e for e in pending if e.holds(condition)]
            if leaving:
                set_state(store, journey, leaving, "exited", context.now, condition)
            pending = [e for e in pending if not e.holds(condition)]
        moved: list[Enrolment] = []
        for number in sorted({e.step for e in pending}):
            with store.transaction():
                moved += run_step(store, journey, number, [e for e in pending if e.step == number], context)
        pending = [e for e in moved if e.due_on <= context.as_of]


def advance_journeys(
    store: Store, as_of: date, *, journeys: Journeys | None = None, scorecard: Scorecard | None = None,
    now: datetime | None = None, base_url: str | None = None, sender: str | None = None,
    limit: ContactLimit | None = None,
) -> JourneyRun:
    """One day of every enabled journey: enrol, hold out, run the due steps. Safe to repeat for a day.

    ``journeys`` defaults to those in force (the newest saved on the web, else NABD_JOURNEYS or the shipped file); ``base_url`` to NABD_PUBLIC_URL (the links
    in e-mails point there); ``limit`` to the survey book's contact limit (the one limit of both)."""
    settings = load_settings()
    journeys = journeys or journeys_in_force(store)
    scorecard = scorecard or active_scorecard(store)
    now = now or utc_now()
    run = JourneyRun(as_of)
    context = Context(as_of, scorecard, now, base_url or settings.public_url, sender or settings.smtp.sender,
                      limit or load_surveys().contact_limit, run, link_key(store))
    for journey in journeys.journeys:
        if not journey.enabled:
            continue
        run.entered[journey.id], run.held_out[journey.id] = enrol(store, journey, as_of, scorecard, now)
        advance_journey(store, journey, context)
    return run

