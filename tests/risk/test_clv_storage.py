"""Residual lifetime values kept in the store (nabd.risk.clv_storage), on both backends: what `nabd clv fit` and
the daily run store is the sBG's per-account value, one account's newest is read back, and the dashboard's
segment totals add them up."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from nabd.errors import NabdError
from nabd.risk.clv_storage import account_clv, clv_by_segment, refresh_clv, store_clv
from nabd.risk.lifetime_value import fit_retention
from nabd.risk.sbg import discounted_residual_lifetime
from tests.metrics.metrics_history import acct, given, sub

AS_OF = date(2024, 6, 15)
START = date(2024, 1, 1)
MONTHLY = 1.1 ** (1 / 12) - 1  # 10% a year


def _company(store):
    """12 monthly accounts from Jan 1 paying 100: 6 leave after 1-3 months; of the 6 left, 4 are SMB, 2 ENT."""
    ends = [date(2024, 2, 1)] * 3 + [date(2024, 3, 1)] * 2 + [date(2024, 4, 1)] + [None] * 6
    segments = ["SMB"] * 6 + ["SMB"] * 4 + ["ENT"] * 2
    given(store, accounts=[acct(f"A{i:02d}", segment=s) for i, s in enumerate(segments)],
          subscriptions=[sub(f"S{i:02d}", f"A{i:02d}", 100, START, end) for i, end in enumerate(ends)])


def _derl_value(store) -> float:
    """100 x DERL(alpha, beta | 5 renewals, 10% a year) of the fitted sBG: each active account's value."""
    [model] = fit_retention(store, AS_OF).values()
    return 100.0 * float(discounted_residual_lifetime(model.alpha, model.beta, np.array([5.0]), MONTHLY)[0])


def test_stored_values_are_each_active_accounts_residual_value_with_its_interval(store):
    _company(store)
    assert store_clv(store, AS_OF) == 6
    found = account_clv(store, "A07")
    assert (found["as_of"], found["cadence"], found["renewals"], found["value_per_period"]) == (AS_OF, "month", 5, 100.0)
    assert found["residual_value"] == pytest.approx(_derl_value(store), rel=1e-9)
    assert found["residual_lower"] < found["residual_value"] < found["residual_upper"]
    assert account_clv(store, "A00") is None  # churned in January: no residual value


def test_storing_the_same_day_again_replaces_its_rows(store):
    _company(store)
    store_clv(store, AS_OF)
    store_clv(store, AS_OF)
    assert store.scalar("SELECT count(*) FROM clv_predictions") == 6


def test_the_segment_totals_add_up_the_newest_days_values(store):
    # 4 SMB and 2 ENT accounts, each worth v: totals 4v and 2v, means v
    _company(store)
    assert clv_by_segment(store) is None
    store_clv(store, AS_OF)
    v = _derl_value(store)
    shown = clv_by_segment(store)
    assert [(s["segment"], s["accounts"]) for s in shown["segments"]] == [("SMB", 4), ("ENT", 2)]
    assert [s["total"] for s in shown["segments"]] == pytest.approx([4 * v, 2 * v], rel=1e-9)
    assert (shown["accounts"], shown["total"], shown["mean"]) == (6, pytest.approx(6 * v), pytest.approx(v))


def test_without_churn_the_daily_step_says_why_nothing_was_stored(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("S", "A", 100, START)])
    assert refresh_clv(store, AS_OF) == [
        "lifetime value not refreshed: no subscription churned on or before 2024-06-15: the retention model needs "
        "at least one churn to fit"]
    with pytest.raises(NabdError, match="no subscriptions"):
        store.execute("DELETE FROM subscriptions")
        store_clv(store, AS_OF)
