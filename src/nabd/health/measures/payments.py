"""Measures over invoices: days overdue and the share paid late."""

from __future__ import annotations

import ibis

from nabd.health.measures.table import only
from nabd.health.scorecard import MeasureParams
from nabd.store import Store
from nabd.store.window import Window


def _invoices_known(store: Store, as_of: ibis.DateValue) -> ibis.Table:
    """Invoices issued by as_of, with paid_at as known on as_of (null when paid later)."""
    invoices = store.table("invoices")
    issued = invoices.filter(invoices.issued_at <= as_of)
    return issued.mutate(paid_at=ibis.ifelse(issued.paid_at <= as_of, issued.paid_at, None))


def payment_days_overdue(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """max(as_of - due_at) over invoices unpaid on as_of and past due; 0 when none; null without invoices."""
    invoices = _invoices_known(store, window.as_of)
    overdue = invoices.paid_at.isnull() & (invoices.due_at < window.as_of)
    days = window.as_of.delta(invoices.due_at, unit="day")
    return invoices.group_by("account_id").aggregate(value=only(days, overdue).max().fill_null(0))


def late_invoice_share(store: Store, window: Window, params: MeasureParams) -> ibis.Table:
    """late invoices / invoices due in the window; late = paid after due_at, or unpaid on as_of past due_at."""
    invoices = _invoices_known(store, window.as_of)
    due = invoices.filter((invoices.due_at >= window.first_day) & (invoices.due_at <= window.as_of))
    late = ibis.ifelse(due.paid_at.isnull(), due.due_at < window.as_of, due.paid_at > due.due_at)
    return due.group_by("account_id").aggregate(
        value=ibis.ifelse(late, ibis.literal(1).cast("float64"), ibis.literal(0).cast("float64")).mean()
    )
