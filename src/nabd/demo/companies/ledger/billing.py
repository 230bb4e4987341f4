"""Ledger's invoices: one per billing cycle (weekly, monthly or annual from the sign-up day), for the
seats of the period in force that day. Due 7 days after issue for freelancers, 14 for studios, 30
for agencies. A few are paid late at random (more often by workspaces with little appetite); under
a ``late`` cause, lateness climbs through the signs and a churner's last invoices stay unpaid.
"""

from __future__ import annotations

import duckdb


def create_invoices(con: duckdb.DuckDBPyConnection) -> None:
    """``invoices_out``: the invoices issued inside the window, paid_at empty while unpaid on its last day."""
    con.execute("""
    CREATE TABLE invoices_out AS
    WITH cycles AS (
        SELECT ws.i, ws.account_id, ws.segment, ws.appetite, ws.cycle_price, ws.step_days, ws.step_months,
               ws.created_at::DATE AS born,
               unnest(range(0, CASE WHEN ws.step_days > 0 THEN datediff('day', ws.created_at, x.end_date) // ws.step_days
                                    ELSE datediff('month', ws.created_at, x.end_date) // ws.step_months END + 1)) AS c
        FROM ws CROSS JOIN history x
    ), issued AS (
        SELECT c.*, (c.born + to_days((c.c * c.step_days)::INTEGER) + to_months((c.c * c.step_months)::INTEGER))::DATE
                   AS issued_at
        FROM cycles c
    ), billed AS (
        SELECT b.i, b.c, b.account_id, b.segment, b.appetite, b.issued_at, s.quantity * b.cycle_price AS amount,
               b.issued_at + CASE b.segment WHEN 'freelancer' THEN 7 WHEN 'studio' THEN 14 ELSE 30 END AS due_at,
               f.churns, f.cause, f.sig_start, f.sig_end
        FROM issued b
        JOIN subscriptions_out s ON s.i = b.i AND s.start_date <= b.issued_at
             AND (s.end_date IS NULL OR b.issued_at < s.end_date)
        JOIN fates f ON f.i = b.i CROSS JOIN history x
        WHERE b.issued_at >= x.start_date AND b.issued_at < x.end_date
    ), strained AS (
        SELECT b.*, CASE WHEN b.cause = 'late' AND b.issued_at >= b.sig_start AND b.issued_at < b.sig_end
                         THEN datediff('day', b.sig_start, b.issued_at) / greatest(1, datediff('day', b.sig_start, b.sig_end))
                    END AS s
        FROM billed b
    ), paid AS (
        SELECT t.*,
               CASE WHEN t.s IS NOT NULL AND t.churns AND r2('unpaid', t.i, t.c) < 0.1 + 0.5 * t.s THEN NULL
                    WHEN t.s IS NULL AND r2('unpaid', t.i, t.c) < 0.004 THEN NULL
                    WHEN t.s IS NOT NULL AND r2('late', t.i, t.c) < 0.35 + 0.6 * t.s
                        THEN t.due_at + (10 + floor(r2('days late', t.i, t.c) * 50))::INTEGER
                    WHEN t.s IS NULL AND r2('late', t.i, t.c)
                         < 0.04 + 0.06 * (1 - t.appetite) + CASE WHEN t.segment = 'freelancer' THEN 0.03 ELSE 0 END
                        THEN t.due_at + (1 + floor(r2('days late', t.i, t.c) * 15))::INTEGER
                    ELSE t.issued_at + floor(r2('days', t.i, t.c) * (datediff('day', t.issued_at, t.due_at) + 1))::INTEGER
               END AS paid_on
        FROM strained t
    )
    SELECT 'inv-' || substr(p.account_id, 4) || '-' || lpad((p.c + 1)::TEXT, 4, '0') AS invoice_id, p.account_id, p.i,
           round(p.amount, 2)::DECIMAL(18, 2) AS amount, 'USD' AS currency, p.issued_at, p.due_at,
           CASE WHEN p.paid_on < x.end_date THEN p.paid_on END AS paid_at
    FROM paid p CROSS JOIN history x
    ORDER BY p.i, p.c
    """)
