"""The risk inbox page's read model: the ranked warnings and at-risk accounts (nabd.playbooks.inbox), kept
in the process per data generation (computed once, not per request), filtered per CSM and cause, less
what was snoozed or dismissed, with each row's open task and its indicator's measured precision and lead
time (from the daily run's warning backtest), one page at a time.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi import HTTPException

from nabd.playbooks.inbox import (
    DISMISSED_DAYS, act_on_warning, hidden_warnings, inbox_items, open_causes, warning_figures, warning_of,
)
from nabd.playbooks.tasks import add_task, open_task_of
from nabd.playbooks.wording import INBOX_TASK, Words, cause_name, reason, word_task
from nabd.store import Store
from nabd.web.read.permissions import writable_account
from nabd.web.users import User
from nabd.web.read.bands import scorecard_shown
from nabd.web.read.generation import CACHE_SECONDS, data_generation

KINDS = ("warning", "account")
_kept: dict[str, Any] = {"key": None, "at": 0.0, "items": [], "figures": None}
_lock = threading.Lock()


@dataclass
class InboxPage:
    items: list[dict[str, Any]]
    total: int
    warnings: int  # of total: indicator warnings (the rest: at-risk accounts)
    causes: list[str] = field(default_factory=list)  # the causes present (for the filter menu)
    figures_as_of: str | None = None
    with_risk: bool = False  # a churn model's probabilities rank the rows


def _generation(store: Store) -> tuple[Any, ...]:
    firings = store.fetchall("SELECT max(fired_at), max(as_of) FROM indicator_firings")[0]
    return (*data_generation(store), *firings)


def _all_items(store: Store, today: date, currency: str) -> tuple[list[dict[str, Any]], dict | None]:
    key = (str(store.url), today, currency, _generation(store))
    with _lock:
        if _kept["key"] != key or time.monotonic() - _kept["at"] >= CACHE_SECONDS:
            _kept.update(key=key, at=time.monotonic(), items=inbox_items(store, today, currency),
                         figures=warning_figures(store), selections={})
        return _kept["items"], _kept["figures"]


@dataclass
class _Selection:
    """The kept items of one (csm, cause, kind), in rank order, with what a page needs counted once."""

    items: list[dict[str, Any]]
    keys: set[tuple[str, str]]
    warnings: int
    causes: list[str]


def _selection(items: list[dict[str, Any]], csm: str | None, cause: str | None, kind: str | None) -> _Selection:
    """The items of ``csm``, ``cause`` and ``kind`` (None: any), computed once per kept generation."""
    wanted = (csm, cause, kind)
    with _lock:
        kept = _kept.setdefault("selections", {})
        if wanted not in kept:
            chosen = [item for item in items if (csm is None or item["csm"] == csm)
                      and (cause is None or item["cause"] == cause) and (kind is None or item["kind"] == kind)]
            kept[wanted] = _Selection(
                chosen, {(item["account_id"], item["cause"]) for item in chosen},
                sum(item["kind"] == "warning" for item in chosen), sorted({item["cause"] for item in chosen}),
            )
        return kept[wanted]


def inbox_page(
    store: Store, today: date, *, csm: str | None, cause: str | None = None, kind: str | None = None,
    limit: int = 50, offset: int = 0, currency: str = "USD", language: str = "en", digits: str = "latn",
) -> InboxPage:
    """One page of the inbox of ``csm`` (None: everyone's), of one ``cause`` and ``kind`` when given."""
    items, figures = _all_items(store, today, currency)
    selection = _selection(items, csm, cause, kind)
    hidden = {key for key in hidden_warnings(store, today) if key in selection.keys}
    if hidden:  # few: skip them while walking to the page
        visible = (item for item in selection.items if (item["account_id"], item["cause"]) not in hidden)
        shown = [dict(item) for _, item in zip(range(offset + limit), visible)][offset:]
        hidden_warnings_count = sum(1 for item in selection.items if item["kind"] == "warning"
                                    and (item["account_id"], item["cause"]) in hidden)
    else:
        shown = [dict(item) for item in selection.items[offset:offset + limit]]
        hidden_warnings_count = 0
    tasks = open_causes(store, sorted({item["account_id"] for item in shown}))
    words = Words(language, digits)
    measured = (figures or {}).get("indicators", {})
    names = {band.id: band.name.model_dump() for band in scorecard_shown(store).bands}
    for item in shown:
        evidence = json.loads(item["evidence"]) if item["evidence"] else {"score": item["score"], "band": item["band"]}
        item["evidence_numbers"] = {k: v for k, v in evidence.items() if not isinstance(v, dict | list)}
        evidence["band_names"] = names
        item["cause_name"] = cause_name(item["cause"], words)
        item["reason"] = reason(item["cause"], {**evidence, "renewal_date": None}, words)
        item["task_id"] = tasks.get((item["account_id"], item["cause"]))
        item["measured"] = measured.get(item["cause"])
    every = _selection(items, None, None, None).items  # ranked: an item with a model's risk comes first
    return InboxPage(
        items=shown, total=len(selection.items) - len(hidden), warnings=selection.warnings - hidden_warnings_count,
        causes=_selection(items, csm, None, None).causes, figures_as_of=(figures or {}).get("as_of"),
        with_risk=bool(every) and every[0]["risk"] is not None,
    )


def act_on_item(
    store: Store, user: User, account_id: str, cause: str, action: str, why: str, days: int, day: date,
) -> str | None:
    """What the inbox's buttons (and ``POST /api/v1/inbox/{account_id}/{cause}``) do: ``task`` opens a task from the
    warning (one open task per account and cause: the open one is kept), ``snoozed`` hides it ``days`` days with a
    reason, ``dismissed`` hides it DISMISSED_DAYS as a false alarm (kept for the warning backtest). 404 when there
    is no such warning, 403 when ``user`` may not write the account. Returns the task's id for ``task``."""
    writable_account(store, user, account_id, "act on its warnings")
    warning = warning_of(store, account_id, cause, day)
    if warning is None:
        raise HTTPException(404, f"there is no open warning {cause} on account {account_id}")
    if action == "task":
        task_id = open_task_of(store, account_id, cause)
        if task_id is None:
            name = store.scalar("SELECT name FROM accounts WHERE account_id = ?", [account_id])
            evidence = {**warning["evidence"], "account_name": name}
            title = word_task(INBOX_TASK, cause, evidence, Words("en"))
            task_id = add_task(store, account_id, title, user.login, day + timedelta(days=3), cause=cause,
                               evidence=evidence, wording=INBOX_TASK)
        return task_id
    until = day + timedelta(days=days if action == "snoozed" else DISMISSED_DAYS)
    act_on_warning(store, account_id, cause, action, why, warning["as_of"], until, user.login)
    return None
