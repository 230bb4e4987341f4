"""Breaking a metric down by an account attribute (segment, plan, country, csm, cohort) on every period."""

from __future__ import annotations

import ibis

from nabd.errors import NabdError
from nabd.metrics.active import first_subscription_start
from nabd.metrics.periods import period_of
from nabd.store import Store

ACCOUNT_BREAKDOWNS: tuple[str, ...] = ("segment", "plan", "country", "csm", "cohort")
NO_VALUE = "(none)"


def check_breakdown(by: str | None, allowed: tuple[str, ...] = ACCOUNT_BREAKDOWNS) -> None:
    """Refuse a ``by`` this metric cannot be broken down by, naming the ones it can."""
    if by is not None and by not in allowed:
        raise NabdError(f"cannot break this metric down by {by!r}: use one of {', '.join(allowed)}")


def account_groups(store: Store, by: str) -> ibis.Table:
    """(account_id, <by>) for every account: its attribute ('(none)' when empty), or its cohort = start month of its first subscription."""
    check_breakdown(by)
    if by == "cohort":
        first = first_subscription_start(store)
        return first.select("account_id", cohort=period_of(first.first_start, "month"))
    accounts = store.table("accounts")
    return accounts.select("account_id", **{by: accounts[by].fill_null(NO_VALUE)})


def with_groups(store: Store, table: ibis.Table, by: str | None) -> ibis.Table:
    """``table`` (with an account_id) plus the ``by`` column of each account; unchanged when ``by`` is None."""
    if by is None:
        return table
    return table.join(account_groups(store, by), "account_id")


def every_period(
    bounds: ibis.Table, stats: ibis.Table, by: str | None, zeros: dict[str, object] | None = None
) -> ibis.Table:
    """``stats`` on every period of ``bounds`` (and every group seen): missing rows get ``zeros``, other columns null."""
    keys = ["period_start"] + ([by] if by else [])
    grid = bounds.select("period_start", "next_start")
    if by:
        grid = grid.cross_join(stats.select(by).distinct())
    joined = grid.left_join(stats, keys)
    joined = joined.drop(*[f"{key}_right" for key in keys if f"{key}_right" in joined.columns])
    filled = {name: joined[name].fill_null(value) for name, value in (zeros or {}).items()}
    return joined.mutate(**filled).order_by(keys)


def side_by_side(keys: list[str], *tables: ibis.Table) -> ibis.Table:
    """One row per key seen in any of ``tables`` (each one row per key), with all their columns; absent = null."""
    types = {name: table[name].type() for table in tables for name in table.columns if name not in keys}
    aligned = [
        table.select(*keys, **{name: table[name] if name in table.columns else ibis.null(kind) for name, kind in types.items()})
        for table in tables
    ]
    stacked = ibis.union(*aligned, distinct=False)
    return stacked.group_by(keys).aggregate(**{name: stacked[name].max() for name in types})
