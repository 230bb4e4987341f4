"""Run playbooks for one as-of date: trigger -> conditions -> steps (tasks, notifications, tags).

Each playbook acts on the accounts its trigger selects on as_of that meet its conditions, less
those with an open task of the same playbook (no duplicates) and those it acted on within its
cooldown (or already on as_of: a re-run of the same day does nothing new). Everything a
playbook writes for a date (runs, tasks, tags, outbox rows) commits in one transaction, so a
notification is never lost nor sent for a task that was not written.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import ibis

from nabd.config import environment
from nabd.health.scorecard import Scorecard
from nabd.health.scoring import score_trend
from nabd.metrics.active import account_mrr, customer_accounts, next_renewals
from nabd.playbooks.playbook import (
    AddTag,
    BandChangeTrigger,
    BandTrigger,
    Email,
    IndicatorTrigger,
    NewAccountTrigger,
    Playbook,
    Playbooks,
    RenewalTrigger,
    ScoreDropTrigger,
    Survey,
    Task,
    TaskStep,
    Webhook,
)
from nabd.playbooks.tasks import open_tasks
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.sql import date_literal, string_literal
from nabd.store.window import Window, as_of_value
from nabd.store.calendar import local_day

HITS = "nabd_playbook_hits"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class PlaybookRun:
    """What running the playbooks on one date did."""

    as_of: date
    accounts: dict[str, int] = field(default_factory=dict)  # playbook -> accounts acted on
    tasks: int = 0
    notifications: int = 0
    tags: int = 0
    notes: list[str] = field(default_factory=list)  # steps skipped, and why


def triggered(store: Store, playbook: Playbook, as_of: date, scorecard: Scorecard) -> ibis.Table:
    """account_id, reason: the accounts the playbook's trigger selects on as_of."""
    trigger = playbook.trigger
    if isinstance(trigger, BandTrigger):
        scores = store.table("health_scores")
        scores = scores.filter(
            (scores.as_of == as_of) & (scores.scorecard_version == scorecard.version) & (scores.band == trigger.band)
        )
        return scores.select("account_id", reason="band " + scores.band + ", score " + scores.score.cast("string"))
    if isinstance(trigger, BandChangeTrigger):
        changes = store.table("health_band_changes")
        changes = changes.filter((changes.as_of == as_of) & (changes.scorecard_version == scorecard.version))
        if "from" in trigger.band_change:
            changes = changes.filter(changes.from_band == trigger.band_change["from"])
        if "to" in trigger.band_change:
            changes = changes.filter(changes.to_band == trigger.band_change["to"])
        return changes.select(
            "account_id", reason="band " + changes.from_band.fill_null("none") + " -> " + changes.to_band
            + ", score " + changes.score.cast("string"),
        )
    if isinstance(trigger, ScoreDropTrigger):
        trend = score_trend(store, scorecard.version, as_of, (trigger.days,))
        change = trend[f"change_{trigger.days}d"]
        dropped = trend.filter(change <= -trigger.score_drop)
        return dropped.select(
            "account_id", reason="score fell " + (-change).cast("string") + f" points in {trigger.days} days to "
            + dropped.score.cast("string"),
        )
    if isinstance(trigger, IndicatorTrigger):
        firings = store.table("indicator_firings")
        firings = firings.filter((firings.as_of == as_of) & (firings.indicator == trigger.indicator))
        return firings.select("account_id", reason=firings.indicator + " " + firings.evidence.cast("string"))
    if isinstance(trigger, RenewalTrigger):
        renewals = next_renewals(store, as_of, trigger.renewal_in_days)
        return renewals.select("account_id", reason="renews on " + renewals.renewal_date.cast("string"))
    if isinstance(trigger, NewAccountTrigger):
        accounts = customer_accounts(store)
        new = accounts.filter(Window(as_of_value(as_of), trigger.new_account_days).contains(accounts.created_at))
        return new.select("account_id", reason="created on " + local_day(new.created_at).cast("string"))
    raise TypeError(f"unhandled trigger {trigger!r}")


def eligible(store: Store, playbook: Playbook, hits: ibis.Table, as_of: date) -> ibis.Table:
    """The triggered accounts that meet the playbook's conditions (segment, plan, MRR range on as_of)."""
    wanted = playbook.conditions
    accounts = store.table("accounts")
    if wanted.segments:
        accounts = accounts.filter(accounts.segment.isin(wanted.segments))
    if wanted.plans:
        accounts = accounts.filter(accounts.plan.isin(wanted.plans))
    hits = hits.semi_join(accounts, "account_id")
    if wanted.mrr_min is None and wanted.mrr_max is None:
        return hits
    mrr = account_mrr(store, as_of).rename(mrr_account="account_id")
    joined = hits.left_join(mrr, hits.account_id == mrr.mrr_account)
    paying = joined.mrr.cast("float64").fill_null(0)
    if wanted.mrr_min is not None:
        joined = joined.filter(paying >= wanted.mrr_min)
    if wanted.mrr_max is not None:
        joined = joined.filter(paying <= wanted.mrr_max)
    return joined.select("account_id", "reason")


def _template_sql(template: str) -> str:
    """SQL concatenating a template's text and its placeholders (columns of the context ``c``)."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(string_literal(literal))
        if name is not None:
            parts.append(f"coalesce(CAST(c.{name} AS TEXT), '')")
    return " || ".join(parts) or "''"


def _expand(value: str) -> str:
    """``${VAR}`` replaced by the environment's value ('' when unset; a hand-off job's caller's for NABD_*)."""
    variables = environment()
    return _VARIABLE.sub(lambda match: variables.get(match.group(1), ""), value).strip()


def _context_sql(playbook: Playbook, as_of: date, scorecard: Scorecard) -> str:
    """The placeholders of every hit: account fields, band, score and the band's action on as_of."""
    actions = " ".join(
        f"WHEN {string_literal(b.id)} THEN {string_literal(b.action.en) if b.action else 'NULL'}" for b in scorecard.bands
    )
    return (
        f"SELECT h.account_id, h.reason, a.name AS account_name, a.csm, a.segment, a.plan, s.band, s.score, "
        f"CASE s.band {actions} END AS action, {string_literal(playbook.id)} AS playbook "
        f"FROM {HITS} h JOIN accounts a ON a.account_id = h.account_id "
        f"LEFT JOIN health_scores s ON s.account_id = h.account_id AND s.as_of = {date_literal(as_of)} "
        f"AND s.scorecard_version = {string_literal(scorecard.version)}"
    )


def _id_sql(prefix: str, playbook: Playbook, as_of: date, step: int, length: int = 16) -> str:
    """A deterministic id per (playbook, account, as_of, step): a re-run writes the same ids."""
    return (
        f"{string_literal(prefix)} || substr(md5({string_literal(playbook.id + '|')} || c.account_id || "
        f"{string_literal(f'|{as_of.isoformat()}|{step}')}), 1, {length})"
    )


def _json_sql(store: Store, fields: dict[str, str]) -> str:
    function = "json_object" if store.kind == "duckdb" else "json_build_object"
    return f"CAST({function}({', '.join(f'{string_literal(k)}, {v}' for k, v in fields.items())}) AS TEXT)"


def _task_step(step: Task | Survey) -> TaskStep:
    """The task a step creates; a survey step gives the CSM a "send a survey" task (and e-mails it when configured)."""
    if isinstance(step, Task):
        return step.task
    return TaskStep(
        title=f"Send an {step.survey.kind.upper()} survey to {{account_name}} to learn more ({{reason}})",
        owner="csm", due_in_days=step.survey.due_in_days, priority="normal",
    )


def _queue(
    store: Store, playbook: Playbook, as_of: date, step: int, context: str, channel: str, target: str,
    subject_sql: str, payload: dict[str, str], task_sql: str, now: datetime,
) -> None:
    """One outbox row per hit, in the caller's transaction."""
    store.execute(
        "INSERT INTO outbox (notification_id, channel, target, subject, payload, account_id, playbook, "
        "task_id, status, attempts, next_attempt_at, created_at) "
        f"SELECT {_id_sql('ntf-', playbook, as_of, step, 20)}, ?, ?, {subject_sql}, {_json_sql(store, payload)}, "
        f"c.account_id, c.playbook, {task_sql}, 'pending', 0, ?, ? FROM ({context}) c",
        [channel, target, now, now],
    )


def _act(store: Store, playbook: Playbook, as_of: date, scorecard: Scorecard, run: PlaybookRun) -> int:
    """Write the steps of ``playbook`` for the hits table; returns the accounts acted on."""
    acted = int(store.scalar(f"SELECT count(*) FROM {HITS}"))
    if acted == 0:
        return 0
    now = utc_now()
    context = _context_sql(playbook, as_of, scorecard)
    first_task: str = "NULL"
    store.execute(
        f"INSERT INTO playbook_runs (playbook, account_id, as_of, reason, ran_at) "
        f"SELECT ?, account_id, ?, reason, ? FROM {HITS}", [playbook.id, as_of, now],
    )
    for number, step in enumerate(playbook.steps):
        if isinstance(step, Task | Survey):
            task = _task_step(step)
            task_id = _id_sql("task-", playbook, as_of, number)
            first_task = task_id if first_task == "NULL" else first_task
            owner = "c.csm" if task.owner == "csm" else string_literal(task.owner)
            due = datetime.combine(as_of + timedelta(days=task.due_in_days), time())
            open_tasks(
                store,
                f"SELECT {task_id} AS task_id, c.account_id AS account_id, c.playbook AS playbook, "
                f"{_template_sql(task.title)} AS title, {owner} AS owner, CAST(? AS TEXT) AS priority, "
                f"CAST(? AS TIMESTAMP) AS due_at FROM ({context}) c", [task.priority, due], now,
            )
            run.tasks += acted
            if isinstance(step, Survey) and step.survey.survey_id and _expand(step.survey.base_url):
                _queue(store, playbook, as_of, number, context, "survey", _expand(step.survey.base_url),
                       string_literal(step.survey.survey_id),
                       {"survey_id": string_literal(step.survey.survey_id), "account_id": "c.account_id"}, first_task, now)
                run.notifications += acted
        elif isinstance(step, AddTag):
            store.execute(
                "INSERT INTO account_tags (account_id, tag, playbook, added_at) "
                f"SELECT account_id, ?, ?, ? FROM {HITS} ON CONFLICT DO NOTHING", [step.tag, playbook.id, now],
            )
            run.tags += acted
        elif isinstance(step, Webhook | Email):
            if isinstance(step, Webhook):
                channel, target = "webhook", _expand(step.webhook.url)
                subject, text = step.webhook.text, step.webhook.text
            else:
                channel = "email"
                target = ",".join(a for a in (_expand(t) for t in step.email.to) if a)
                subject, text = step.email.subject, step.email.text
            if not target:
                run.notes.append(f"{playbook.id}: {channel} step skipped (its target's variable is not set)")
                continue
            fields = {
                "text": _template_sql(text), "account_id": "c.account_id", "account_name": "c.account_name",
                "playbook": "c.playbook", "reason": "c.reason", "as_of": string_literal(as_of.isoformat()),
                "task_id": first_task,
            }
            _queue(store, playbook, as_of, number, context, channel, target, _template_sql(subject), fields,
                   first_task, now)
            run.notifications += acted
    return acted


def run_playbook(store: Store, playbook: Playbook, as_of: date, scorecard: Scorecard, run: PlaybookRun) -> int:
    """Act on the eligible accounts of one playbook on as_of (deduplicated, cooled down); returns how many."""
    hits = eligible(store, playbook, triggered(store, playbook, as_of, scorecard), as_of)
    store.execute(f"DROP TABLE IF EXISTS {HITS}")
    store.execute(
        f"CREATE TEMPORARY TABLE {HITS} AS SELECT h.account_id, min(h.reason) AS reason "
        f"FROM ({store.ibis.compile(hits)}) h "
        "WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = h.account_id AND t.playbook = ? "
        "  AND t.status = 'open') "
        "AND NOT EXISTS (SELECT 1 FROM playbook_runs r WHERE r.account_id = h.account_id AND r.playbook = ? "
        "  AND (r.as_of = ? OR (r.as_of > ? AND r.as_of <= ?))) "
        "GROUP BY h.account_id",
        [playbook.id, playbook.id, as_of, as_of - timedelta(days=playbook.cooldown_days), as_of],
    )
    try:
        with store.transaction():
            return _act(store, playbook, as_of, scorecard, run)
    finally:
        store.execute(f"DROP TABLE IF EXISTS {HITS}")


def run_playbooks(store: Store, playbooks: Playbooks, as_of: date, scorecard: Scorecard) -> PlaybookRun:
    """Run every enabled playbook on as_of, in file order."""
    run = PlaybookRun(as_of)
    for playbook in playbooks.playbooks:
        if playbook.enabled:
            run.accounts[playbook.id] = run_playbook(store, playbook, as_of, scorecard, run)
    return run
