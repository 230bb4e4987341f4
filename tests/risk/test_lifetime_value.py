"""Per-account lifetime value from a small store, on both backends: sBG for subscriptions, BG/NBD + Gamma-Gamma for invoices."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from nabd.errors import NabdError
from nabd.risk.lifetime_value import (
    discount_per_period,
    fit_purchases,
    fit_retention,
    predict_purchase_value,
    predict_retention_value,
)
from nabd.risk.sbg import discounted_residual_lifetime
from tests.metrics.metrics_history import acct, given, sub
from tests.risk.test_purchases import invoice

AS_OF = date(2024, 6, 15)
START = date(2024, 1, 1)


def subscription_company(store):
    """12 monthly accounts from Jan 1: 3 leave after 1 month, 2 after 2, 1 after 3; 6 still pay 100 a month."""
    ends = [date(2024, 2, 1)] * 3 + [date(2024, 3, 1)] * 2 + [date(2024, 4, 1)] + [None] * 6
    given(store, accounts=[acct(f"A{i:02d}") for i in range(12)],
          subscriptions=[sub(f"S{i:02d}", f"A{i:02d}", 100, START, end) for i, end in enumerate(ends)])


def invoice_company(store):
    """Eight customers buying every 1-4 weeks for a while; two buy once."""
    invoices = []
    for i, (every, times, amount) in enumerate([(7, 10, 20), (14, 6, 35), (21, 3, 50), (7, 3, 10),
                                                (28, 4, 80), (14, 2, 15), (7, 1, 30), (7, 1, 60)]):
        invoices += [invoice(f"I{i}-{k}", f"C{i}", amount + k, START + timedelta(days=i + every * k)) for k in range(times)]
    given(store, accounts=[acct(f"C{i}") for i in range(8)], invoices=invoices)


def test_residual_value_is_value_per_period_times_the_fitted_derl(store):
    subscription_company(store)
    [model] = fit_retention(store, AS_OF).values()
    table = predict_retention_value(store, AS_OF, horizon_days=90, discount_rate=0.10).to_pylist()
    assert [row["account_id"] for row in table] == [f"A{i:02d}" for i in range(6, 12)]
    row = table[0]
    monthly = 1.1 ** (1 / 12) - 1
    derl = discounted_residual_lifetime(model.alpha, model.beta, np.array([5.0]), monthly)[0]
    assert (row["renewals"], row["value_per_period"]) == (5, 100.0)
    assert row["residual_value"] == pytest.approx(100.0 * derl, rel=1e-9)
    assert row["residual_value_lower"] < row["residual_value"] < row["residual_value_upper"]
    assert row["p_renew_next"] == pytest.approx((model.beta + 5) / (model.alpha + model.beta + 5), rel=1e-12)


def test_one_model_per_group_and_cadence(store):
    subscription_company(store)
    assert list(fit_retention(store, AS_OF, by="segment")) == [("SMB", "month")]


def test_retention_needs_a_churn(store):
    given(store, accounts=[acct("A")], subscriptions=[sub("S", "A", 100, START)])
    with pytest.raises(NabdError, match="needs at least one churn"):
        fit_retention(store, AS_OF)


def test_retention_needs_subscriptions(store):
    with pytest.raises(NabdError, match="no subscriptions started on or before 2024-06-15"):
        fit_retention(store, AS_OF)


def test_a_horizon_longer_than_the_history_is_refused(store):
    subscription_company(store)
    with pytest.raises(NabdError, match="longer than the 166 days of subscription history"):
        predict_retention_value(store, AS_OF, horizon_days=365)


def test_discount_per_period_compounds_the_yearly_rate():
    assert discount_per_period(0.21, 6) == pytest.approx(0.1, rel=1e-12)


def test_purchase_value_per_customer(store):
    invoice_company(store)
    table = {row["account_id"]: row for row in predict_purchase_value(store, AS_OF, horizon_days=90).to_pylist()}
    assert set(table) == {f"C{i}" for i in range(8)}
    assert table["C6"]["frequency"] == 0 and table["C6"]["p_alive"] == pytest.approx(1.0)
    assert table["C0"]["expected_purchases"] > 0 and table["C0"]["clv"] > 0


def test_clv_scales_with_the_gross_margin(store):
    invoice_company(store)
    full = predict_purchase_value(store, AS_OF, horizon_days=90, gross_margin=1.0).column("clv").to_pylist()
    half = predict_purchase_value(store, AS_OF, horizon_days=90, gross_margin=0.5).column("clv").to_pylist()
    assert half == pytest.approx([v / 2 for v in full], rel=1e-9)


def test_purchases_need_invoices(store):
    with pytest.raises(NabdError, match="no invoices issued on or before 2024-06-15"):
        fit_purchases(store, AS_OF)
