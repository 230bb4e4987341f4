"""The scorecard pages' read model (and ``/api/v1/scorecards``): every scorecard, its versions, saving
and activating one, the scorecard backtest and the indicators' warning backtest."""

from __future__ import annotations

from typing import Any

import ibis

from nabd.errors import NabdError
from nabd.health import versions
from nabd.health.backtest import WARNING_LEAD_MAX, WARNING_LEAD_MIN, Backtest, backtest_dates, run_backtest
from nabd.health.scorecard import Scorecard, parse_scorecard
from nabd.playbooks.backtest import WarningBacktest, warning_backtest
from nabd.store import Store
from nabd.web.users import User


def scorecards(store: Store) -> list[dict[str, Any]]:
    """Each scorecard by name: its newest saved YAML (or the shipped default), version, who saved it,
    whether that version is ``active``, and ``active_version`` when the active one has this name."""
    active = versions.active_version(store)
    default = versions.shipped_scorecard()
    shipped: dict[str, dict[str, Any]] = {
        default.name: {"name": default.name, "version": default.version, "saved_by": None,
                       "saved_at": None, "yaml": versions.shipped_yaml()}
    }
    saved = store.table("scorecard_versions")
    order = ibis.window(group_by="name", order_by=ibis.desc("saved_at"))
    newest = saved.mutate(rank=ibis.row_number().over(order))
    for row in newest.filter(newest["rank"] == 0).drop("rank").to_pyarrow().to_pylist():
        shipped[row["name"]] = row
    active_name = next((row["name"] for row in versions.versions(store) if row["active"]), None)
    return sorted(
        ({**card, "active": card["version"] == active, "active_version": active if card["name"] == active_name else None}
         for card in shipped.values()),
        key=lambda card: card["name"],
    )


def scorecard(store: Store, name: str, version: str | None = None) -> dict[str, Any] | None:
    """The scorecard ``name`` at ``version`` (default: its newest YAML), with every version of that name."""
    card = next((card for card in scorecards(store) if card["name"] == name), None)
    if card is None:
        return None
    history = [row for row in versions.versions(store) if row["name"] == name]
    if version and version != card["version"]:
        row = next((row for row in history if row["version"] == version), None)
        if row is None:
            return None
        card = {**row, "yaml": versions.yaml_of(store, version)}
    return {**card, "versions": history}


def validate_scorecard(text: str, name: str) -> tuple[Scorecard | None, list[str]]:
    """The validated scorecard, or the list of ``file:line: field: message`` problems."""
    try:
        return parse_scorecard(text, f"{name}.yaml"), []
    except NabdError as error:
        return None, str(error).split("; ")


def save_scorecard(store: Store, text: str, name: str, user: User) -> tuple[Scorecard | None, list[str]]:
    """Validate and store a new version of a scorecard; nothing is stored when it has problems."""
    card, problems = validate_scorecard(text, name)
    if card is None:
        return None, problems
    return versions.save_version(store, text, user.login, name), []


BACKTEST_EVERY_DAYS, BACKTEST_HORIZON_DAYS = 28, 90  # the page's backtest: a year of as-of dates


def scorecard_backtest(store: Store, card: Scorecard) -> tuple[Backtest | None, dict[str, Any] | None]:
    """(backtest, None) of ``card`` over the year of as-of dates ending ``BACKTEST_HORIZON_DAYS`` before
    the data ends, every ``BACKTEST_EVERY_DAYS`` days (as `nabd score backtest --every 28`); or
    (None, problem) when the history has no data, no scored account or no churn to judge it by; the
    problem's ``kind`` is no_data, no_accounts or no_churn, with the figures the page shows."""
    try:
        dates = backtest_dates(store, None, None, BACKTEST_EVERY_DAYS, BACKTEST_HORIZON_DAYS)
    except NabdError:
        return None, {"kind": "no_data"}
    result = run_backtest(store, card, dates, BACKTEST_HORIZON_DAYS)
    figures = {"dates": len(dates), "first": dates[0], "last": dates[-1], "horizon": BACKTEST_HORIZON_DAYS,
               "pairs": result.accounts, "churned": result.churned}
    if result.accounts == 0:
        return None, {"kind": "no_accounts", **figures}
    if result.auc is None:
        return None, {"kind": "no_churn", **figures}
    return result, None


def active_scorecard(store: Store) -> dict[str, Any]:
    """The active scorecard's name, version and YAML."""
    card = versions.active_scorecard(store)
    return {"name": card.name, "version": card.version, "yaml": versions.yaml_of(store, card.version)}


def activate_scorecard(store: Store, version: str, user: User) -> Scorecard:
    """Make ``version`` the active scorecard (the one `nabd score` and the daily run use)."""
    return versions.activate(store, version, user.login)


def indicator_warnings(store: Store) -> WarningBacktest | None:
    """The warning backtest (:func:`nabd.playbooks.backtest.warning_backtest`) of every indicator firing
    stored, from the first as-of date to the last, at a lead of WARNING_LEAD_MIN-WARNING_LEAD_MAX days;
    None when no indicator ever fired (run `nabd run` or `nabd playbooks indicators` first)."""
    first, last = store.fetchall("SELECT min(as_of), max(as_of) FROM indicator_firings")[0]
    if first is None:
        return None
    return warning_backtest(store, first, last, WARNING_LEAD_MIN, WARNING_LEAD_MAX)
