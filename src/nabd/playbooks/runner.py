"""Run playbooks for one as-of date: trigger -> conditions -> steps (tasks, notifications, tags).

Each playbook acts on the accounts its trigger selects on as_of that meet its conditions, less
those with an open task of the same playbook or of the same cause (one open task per account and cause:
``usage_drop``, ``band:unhealthy``, ``renewal``...) and those it acted on within its cooldown (or already
on as_of: a re-run of the same day does nothing new). A CSM gets at most ``cap`` tasks from the
playbooks of one as-of day (NABD_TASKS_PER_CSM_PER_DAY): the most urgent playbooks run first, and within
a playbook the accounts with the most MRR; the accounts over the cap are not acted on that day (they wait
in the risk inbox, and the next day's run takes them up again). Everything a playbook writes for a date
(runs, tasks, tags, outbox rows) commits in one transaction, so a notification is never lost nor sent
for a task that was not written.

A task keeps its cause, the numbers behind it (evidence) and its title templates, so that it is worded
in the reader's language when shown (nabd.playbooks.wording); its stored title is the English wording.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import ibis

from nabd.config import environment, load_settings
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
    Wording,
)
from nabd.playbooks.tasks import keep_within_cap, new_task_rows, open_tasks
from nabd.playbooks.wording import Words, word_task
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.sql import date_literal, string_literal
from nabd.store.window import Window, as_of_value
from nabd.store.calendar import local_day

HITS = "nabd_playbook_hits"
PRIORITIES = ("urgent", "high", "normal", "low")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class PlaybookRun:
    """What running the playbooks on one date did."""

    as_of: date
    accounts: dict[str, int] = field(default_factory=dict)  # playbook -> accounts acted on
    tasks: int = 0
    notifications: int = 0
    tags: int = 0
    waiting: dict[str, int] = field(default_factory=dict)  # playbook -> accounts over the cap (in the inbox)
    notes: list[str] = field(default_factory=list)  # steps skipped, and why


def cause_of(playbook: Playbook) -> str:
    """What a playbook's tasks are about: the indicator's name, ``band:<id>``, ``band_change``,
    ``score_drop``, ``renewal`` or ``new_account`` (one open task per account and cause)."""
    trigger = playbook.trigger
    if isinstance(trigger, IndicatorTrigger):
        return trigger.indicator
    if isinstance(trigger, BandTrigger):
        return f"band:{trigger.band}"
    return {
        BandChangeTrigger: "band_change", ScoreDropTrigger: "score_drop", RenewalTrigger: "renewal",
        NewAccountTrigger: "new_account",
    }[type(trigger)]


def _json_text(**fields: ibis.Value) -> ibis.StringValue:
    """A JSON object (as text) of the given columns: strings and dates quoted, numbers as they are, null."""
    text: ibis.StringValue | None = None
    for number, (name, value) in enumerate(fields.items()):
        kind = value.type()
        if kind.is_string() or kind.is_temporal():
            shown = value.cast("string").replace("\\", "\\\\").replace('"', '\\"')
            shown = ibis.literal('"') + shown + ibis.literal('"')
        else:
            shown = value.cast("string")
        part = ibis.literal(("{" if number == 0 else ",") + f'"{name}":') + shown.fill_null("null")
        text = part if text is None else text + part
    return text + ibis.literal("}")


def triggered(store: Store, playbook: Playbook, as_of: date, scorecard: Scorecard) -> ibis.Table:
    """account_id, reason (in English, for the record of runs), evidence (the numbers, JSON text or null):
    the accounts the playbook's trigger selects on as_of."""
    trigger = playbook.trigger
    no_evidence = ibis.null("string")
    if isinstance(trigger, BandTrigger):
        scores = store.table("health_scores")
        scores = scores.filter(
            (scores.as_of == as_of) & (scores.scorecard_version == scorecard.version) & (scores.band == trigger.band)
        )
        return scores.select("account_id", reason="band " + scores.band + ", score " + scores.score.cast("string"),
                             evidence=no_evidence)
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
            evidence=_json_text(from_band=changes.from_band, to_band=changes.to_band,
                                previous_score=changes.previous_score, score=changes.score),
        )
    if isinstance(trigger, ScoreDropTrigger):
        trend = score_trend(store, scorecard.version, as_of, (trigger.days,))
        change = trend[f"change_{trigger.days}d"]
        dropped = trend.filter(change <= -trigger.score_drop)
        drop = -dropped[f"change_{trigger.days}d"]
        return dropped.select(
            "account_id", reason="score fell " + drop.cast("string") + f" points in {trigger.days} days to "
            + dropped.score.cast("string"), evidence=_json_text(drop=drop, days=ibis.literal(trigger.days), score=dropped.score),
        )
    if isinstance(trigger, IndicatorTrigger):
        firings = store.table("indicator_firings")
        firings = firings.filter((firings.as_of == as_of) & (firings.indicator == trigger.indicator))
        return firings.select("account_id", reason=firings.indicator, evidence=firings.evidence.cast("string"))
    if isinstance(trigger, RenewalTrigger):
        renewals = next_renewals(store, as_of, trigger.renewal_in_days)
        return renewals.select("account_id", reason="renews on " + renewals.renewal_date.cast("string"),
                               evidence=no_evidence)
    if isinstance(trigger, NewAccountTrigger):
        accounts = customer_accounts(store)
        new = accounts.filter(Window(as_of_value(as_of), trigger.new_account_days).contains(accounts.created_at))
        created = local_day(new.created_at)
        return new.select("account_id", reason="created on " + created.cast("string"),
                          evidence=_json_text(created_on=created))
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
    return joined.select("account_id", "reason", "evidence")


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


def _task_context_sql(store: Store, context: str, as_of: date, currency: str) -> str:
    """The context of every hit with its evidence, MRR (reporting currency) and next renewal on as_of."""
    mrr = store.ibis.compile(account_mrr(store, as_of, currency))
    renewals = store.ibis.compile(next_renewals(store, as_of))
    return (
        f"SELECT c.*, h.evidence, m.mrr, r.renewal_date FROM ({context}) c "
        f"JOIN {HITS} h ON h.account_id = c.account_id "
        f"LEFT JOIN ({mrr}) m ON m.account_id = c.account_id "
        f"LEFT JOIN ({renewals}) r ON r.account_id = c.account_id ORDER BY c.account_id"
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
    kind = step.survey.kind.upper()
    return TaskStep(
        title=Wording(en=f"Send an {kind} survey to {{account_name}} to learn more: {{reason}}",
                      ar=f"أرسل استبيان {kind} إلى {{account_name}} لمعرفة المزيد: {{reason}}"),
        owner="csm", due_in_days=step.survey.due_in_days, priority="normal",
    )


def _task_id(playbook: Playbook, account_id: str, as_of: date, step: int) -> str:
    """The id :func:`_id_sql` makes in SQL for the same (playbook, account, as_of, step)."""
    key = f"{playbook.id}|{account_id}|{as_of.isoformat()}|{step}"
    return "task-" + hashlib.md5(key.encode()).hexdigest()[:16]


def _evidence(row: dict, scorecard: Scorecard, currency: str) -> dict:
    """The numbers a task is worded from: the trigger's evidence, and the account's name, band, score,
    MRR, next renewal and the band's action (both languages) on the run's day."""
    found = json.loads(row["evidence"]) if row.get("evidence") else {}
    band = next((b for b in scorecard.bands if b.id == row.get("band")), None)
    return {
        "account_id": row["account_id"], "account_name": row["account_name"], "csm": row["csm"],
        "segment": row["segment"], "plan": row["plan"], "playbook": row["playbook"],
        "band": row.get("band"), "score": row.get("score"),
        "mrr": None if row.get("mrr") is None else float(row["mrr"]), "currency": currency,
        "renewal_date": row["renewal_date"].isoformat() if row.get("renewal_date") else None,
        "action": band.action.model_dump() if band is not None and band.action else None,
        "band_names": {b.id: b.name.model_dump() for b in scorecard.bands},
        **found,  # the trigger's own numbers win (a band change's score is the change's)
    }


def _open_playbook_tasks(
    store: Store, playbook: Playbook, as_of: date, number: int, task: TaskStep, context: list[dict],
    scorecard: Scorecard, currency: str, now: datetime,
) -> None:
    """One task per hit, worded in English from its cause and evidence (the page words it in its reader's)."""
    cause, wording = cause_of(playbook), task.title.model_dump()
    due = datetime.combine(as_of + timedelta(days=task.due_in_days), time())
    rows = []
    for row in context:
        evidence = _evidence(row, scorecard, currency)
        rows.append({
            "task_id": _task_id(playbook, row["account_id"], as_of, number), "account_id": row["account_id"],
            "playbook": playbook.id, "title": word_task(wording, cause, evidence, Words("en"))[:500],
            "owner": row["csm"] if task.owner == "csm" else task.owner, "priority": task.priority, "due_at": due,
            "cause": cause, "evidence": json.dumps(evidence, ensure_ascii=False),
            "wording": json.dumps(wording, ensure_ascii=False), "as_of": as_of,
        })
    for sql, params in new_task_rows(rows):
        open_tasks(store, sql, params, now)


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
    currency = load_settings().reporting_currency
    first_task: str = "NULL"
    task_context: list[dict] | None = None
    store.execute(
        f"INSERT INTO playbook_runs (playbook, account_id, as_of, reason, ran_at) "
        f"SELECT ?, account_id, ?, reason, ? FROM {HITS}", [playbook.id, as_of, now],
    )
    for number, step in enumerate(playbook.steps):
        if isinstance(step, Task | Survey):
            task = _task_step(step)
            task_id = _id_sql("task-", playbook, as_of, number)
            first_task = task_id if first_task == "NULL" else first_task
            if task_context is None:
                task_context = store.records(_task_context_sql(store, context, as_of, currency))
            _open_playbook_tasks(store, playbook, as_of, number, task, task_context, scorecard, currency, now)
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


def _ranked_hits(store: Store, playbook: Playbook, hits_sql: str, as_of: date) -> None:
    """Fill HITS with the eligible accounts less those with an open task of the playbook or of its cause,
    or acted on within the cooldown; each with the owner its task would have and its place among that
    owner's hits (most MRR first)."""
    steps = [_task_step(step) for step in playbook.steps if isinstance(step, Task | Survey)]
    owner = steps[0].owner if steps else "csm"
    owner_sql = "coalesce(a.csm, '')" if owner == "csm" else string_literal(owner)
    mrr = store.ibis.compile(account_mrr(store, as_of, load_settings().reporting_currency))
    store.execute(f"DROP TABLE IF EXISTS {HITS}")
    store.execute(
        f"CREATE TEMPORARY TABLE {HITS} AS SELECT h.account_id, h.reason, h.evidence, {owner_sql} AS task_owner, "
        f"row_number() OVER (PARTITION BY {owner_sql} ORDER BY coalesce(m.mrr, 0) DESC, h.account_id) AS place "
        f"FROM (SELECT h.account_id, min(h.reason) AS reason, min(h.evidence) AS evidence FROM ({hits_sql}) h "
        "  WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = h.account_id AND t.status = 'open' "
        "    AND (t.playbook = ? OR t.cause = ?)) "
        "  AND NOT EXISTS (SELECT 1 FROM playbook_runs r WHERE r.account_id = h.account_id AND r.playbook = ? "
        "    AND (r.as_of = ? OR (r.as_of > ? AND r.as_of <= ?))) "
        "  GROUP BY h.account_id) h "
        f"JOIN accounts a ON a.account_id = h.account_id LEFT JOIN ({mrr}) m ON m.account_id = h.account_id",
        [playbook.id, cause_of(playbook), playbook.id, as_of, as_of - timedelta(days=playbook.cooldown_days), as_of],
    )


def run_playbook(
    store: Store, playbook: Playbook, as_of: date, scorecard: Scorecard, run: PlaybookRun, cap: int | None = None,
) -> int:
    """Act on the eligible accounts of one playbook on as_of (deduplicated by playbook and cause, cooled down,
    at most ``cap`` tasks per owner and day when it opens tasks); returns how many."""
    cap = load_settings().tasks_per_csm if cap is None else cap
    hits = eligible(store, playbook, triggered(store, playbook, as_of, scorecard), as_of)
    _ranked_hits(store, playbook, store.ibis.compile(hits), as_of)
    try:
        if any(isinstance(step, Task | Survey) for step in playbook.steps):
            before = int(store.scalar(f"SELECT count(*) FROM {HITS}"))
            keep_within_cap(store, HITS, as_of, cap)
            waiting = before - int(store.scalar(f"SELECT count(*) FROM {HITS}"))
            if waiting:
                run.waiting[playbook.id] = waiting
        with store.transaction():
            return _act(store, playbook, as_of, scorecard, run)
    finally:
        store.execute(f"DROP TABLE IF EXISTS {HITS}")


def _urgency(playbook: Playbook) -> int:
    """0 for a playbook whose most urgent task is urgent ... 3 for low; 4 when it opens no task."""
    steps = [_task_step(step) for step in playbook.steps if isinstance(step, Task | Survey)]
    return min((PRIORITIES.index(step.priority) for step in steps), default=len(PRIORITIES))


def run_playbooks(
    store: Store, playbooks: Playbooks, as_of: date, scorecard: Scorecard, cap: int | None = None,
) -> PlaybookRun:
    """Run every enabled playbook on as_of, the most urgent tasks first (then in file order), so that the cap
    of tasks per CSM and day (``cap``, default NABD_TASKS_PER_CSM_PER_DAY) keeps the most urgent."""
    run = PlaybookRun(as_of)
    cap = load_settings().tasks_per_csm if cap is None else cap
    for playbook in sorted((p for p in playbooks.playbooks if p.enabled), key=_urgency):
        run.accounts[playbook.id] = run_playbook(store, playbook, as_of, scorecard, run, cap)
    if run.waiting:
        run.notes.append(
            f"{sum(run.waiting.values())} tasks wait for the next days (their accounts are in the risk inbox): "
            f"at most {cap} tasks per CSM a day (NABD_TASKS_PER_CSM_PER_DAY)"
        )
    return run
