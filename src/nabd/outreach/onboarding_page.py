"""The customer's own onboarding page (a signed link per account, sent by the welcome journey): its plan's
milestones in order, each met or not (from ``onboarding_milestones``), progress = met / milestones, and the
next step (the first milestone not met)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nabd.feedback.links import LinkProblem, link_key
from nabd.outreach.messages import read_token
from nabd.playbooks.onboarding import Onboarding, load_onboarding
from nabd.store import Store
from nabd.store.clock import utc_now


def customer_onboarding(store: Store, token: str, *, onboarding: Onboarding | None = None,
                        now: datetime | None = None) -> dict[str, Any]:
    """The onboarding of the account of a genuine ``token``: account_name, language, milestones (id, name
    in en/ar, completed_on), completed, total, progress, next (a milestone or None); LinkProblem otherwise."""
    account_id = read_token(link_key(store), "onboarding", token, now or utc_now())
    rows = store.fetchall("SELECT name, plan, language FROM accounts WHERE account_id = ?", [account_id])
    if not rows:
        raise LinkProblem("invalid")
    name, plan, language = rows[0]
    plans = (onboarding or load_onboarding()).plans
    milestones = plans.get(plan) if plan in plans else plans["default"]
    met: dict[str, date] = dict(store.fetchall(
        "SELECT milestone, completed_on FROM onboarding_milestones WHERE account_id = ?", [account_id]))
    shown = [{"id": m.id, "name": m.name, "completed_on": met.get(m.id)} for m in milestones]
    completed = sum(1 for m in shown if m["completed_on"] is not None)
    return {
        "account_id": account_id, "account_name": name, "language": language if language in ("ar", "en") else None,
        "milestones": shown, "completed": completed, "total": len(shown), "progress": completed / len(shown),
        "next": next((m for m in shown if m["completed_on"] is None), None),
    }
