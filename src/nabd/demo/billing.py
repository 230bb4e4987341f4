"""Invoices of the demo company: one a month per subscription period, paid on time, late or not
at all. Lateness grows with the account's strain (a decline before a troubled renewal) and a
little with poor fit; the last invoices of customers who leave after trouble often stay unpaid.
"""

from __future__ import annotations

import duckdb


def create_invoices(con: duckdb.DuckDBPyConnection) -> None:
    """``invoices_out``: monthly invoices inside the window, with due and paid dates."""
    con.execute("""
    CREATE TABLE invoices_out AS
    WITH issued AS (
        SELECT s.subscription_id, s.account_id, s.i, s.mrr, s.currency, s.start_date, s.end_date,
               unnest(range(0, datediff('month', s.start_date, coalesce(s.end_date, p.end_date)) + 1)) AS k
        FROM subscriptions_out s CROSS JOIN params p
    ), dated AS (
        SELECT x.*, (x.start_date + to_months(x.k::INTEGER))::DATE AS issued_at
        FROM issued x
    ), judged AS (
        SELECT d.*, t.fit,
               (d.issued_at + CASE t.segment WHEN 'enterprise' THEN 45 ELSE 30 END)::DATE AS due_at,
               strain(d.issued_at::TIMESTAMP, f.decline_start::TIMESTAMP, f.trouble_date::TIMESTAMP) AS strain,
               f.churn_kind = 'driven' AND d.issued_at >= f.churn_date - 62 AS last_before_leaving
        FROM dated d JOIN truth t USING (i) JOIN fates f USING (i) CROSS JOIN params p
        WHERE d.issued_at >= p.start_date AND d.issued_at < p.end_date
          AND d.issued_at < coalesce(d.end_date, p.end_date)
    ), paid AS (
        SELECT j.*,
               CASE WHEN u2('unpaid', j.subscription_id, j.k) < 0.004 + 0.15 * j.strain
                                                               + CASE WHEN j.last_before_leaving THEN 0.35 ELSE 0 END
                    THEN NULL
                    WHEN u2('late', j.subscription_id, j.k) < 0.05 + 0.12 * (1 - j.fit) + 0.55 * j.strain
                    THEN j.due_at + (3 + floor(u2('days late', j.subscription_id, j.k) * (20 + 60 * j.strain)))::INTEGER
                    ELSE j.issued_at + floor(u2('days', j.subscription_id, j.k)
                                             * (datediff('day', j.issued_at, j.due_at) + 1))::INTEGER
               END AS paid_on
        FROM judged j
    )
    SELECT 'INV-' || substr(x.subscription_id, 5) || '-' || lpad(x.k::TEXT, 2, '0') AS invoice_id,
           x.account_id, x.i, x.mrr AS amount, x.currency, x.issued_at, x.due_at,
           CASE WHEN x.paid_on < p.end_date THEN x.paid_on END AS paid_at
    FROM paid x CROSS JOIN params p
    ORDER BY invoice_id
    """)
