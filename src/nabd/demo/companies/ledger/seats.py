"""Ledger's subscriptions: one dated price period per seat count.

A workspace starts on its plan with its seats; teams add seats as they grow (most often when
``appetite`` is high) and now and then drop one; a ``seats`` cause cuts about a third of the seats
at the start of its signs and (for churners) a quarter more later. Each change closes a period and
opens the next; the last period of a churner ends on its churn date (a renewal it did not take).
MRR = seats x price per cycle x cycles per month (weekly 52/12, monthly 1, annual 1/12).
"""

from __future__ import annotations

import duckdb

PRODUCT = "Ledger workspace"


def create_subscriptions(con: duckdb.DuckDBPyConnection) -> None:
    """``seat_moves`` (dated seat changes) and ``subscriptions_out`` (the periods, as imported)."""
    con.execute("""
    CREATE TABLE seat_moves AS
    WITH lives AS (
        SELECT ws.i, ws.seats, ws.appetite, ws.created_at::DATE AS born, f.cause, f.churns, f.sig_start, f.sig_end,
               coalesce(f.churn_date, x.end_date) AS last_day
        FROM ws JOIN fates f USING (i) CROSS JOIN history x
        WHERE ws.seats > 1
    ), growth AS (
        SELECT l.i, l.born + 45 + floor(r2('grow at', l.i, m) * greatest(1, datediff('day', l.born, l.last_day) - 45))::INTEGER
                   AS moved_on,
               CASE WHEN m = 4 THEN -1 ELSE 1 + floor(r2('grow by', l.i, m) * (1 + l.seats / 6))::INTEGER END AS delta,
               'growth' AS why
        FROM lives l CROSS JOIN range(1, 5) g(m)
        WHERE CASE WHEN m = 4 THEN r2('grow', l.i, m) < 0.12 ELSE r2('grow', l.i, m) < 0.2 + 0.35 * l.appetite END
    ), cuts AS (
        SELECT l.i, l.sig_start + (0.2 * datediff('day', l.sig_start, l.sig_end))::INTEGER AS moved_on,
               -ceil(0.35 * l.seats)::INTEGER AS delta, 'cut' AS why
        FROM lives l WHERE l.cause = 'seats'
        UNION ALL
        SELECT l.i, l.sig_start + (0.65 * datediff('day', l.sig_start, l.sig_end))::INTEGER,
               -ceil(0.25 * l.seats)::INTEGER, 'cut'
        FROM lives l WHERE l.cause = 'seats' AND l.churns
    )
    SELECT m.i, m.moved_on, sum(m.delta)::INTEGER AS delta, min(m.why) AS why
    FROM (SELECT * FROM growth UNION ALL SELECT * FROM cuts) m
    JOIN lives l USING (i)
    WHERE m.moved_on > l.born AND m.moved_on < l.last_day
    GROUP BY m.i, m.moved_on
    HAVING sum(m.delta) <> 0
    ORDER BY m.i, m.moved_on
    """)
    con.execute(f"""
    CREATE TABLE subscriptions_out AS
    WITH starts AS (
        SELECT i, created_at::DATE AS start_date, 0 AS delta FROM ws
        UNION ALL SELECT i, moved_on, delta FROM seat_moves
    ), periods AS (
        SELECT s.i, s.start_date,
               row_number() OVER w AS seq,
               sum(s.delta) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS moved,
               lead(s.start_date) OVER w AS next_start
        FROM starts s WINDOW w AS (PARTITION BY s.i ORDER BY s.start_date)
    )
    SELECT 'sub_' || substr(ws.account_id, 4) || '_' || p.seq AS subscription_id, ws.account_id, p.i, p.seq,
           '{PRODUCT}' AS product,
           round(greatest(1, ws.seats + p.moved) * ws.cycle_price
                 * CASE ws.cadence WHEN 'weekly' THEN 52.0 / 12 WHEN 'monthly' THEN 1 ELSE 1.0 / 12 END, 2
           )::DECIMAL(18, 2) AS mrr,
           'USD' AS currency, greatest(1, ws.seats + p.moved)::INTEGER AS quantity, p.start_date,
           coalesce(p.next_start, f.churn_date) AS end_date,
           CASE WHEN ws.step_days > 0
                THEN ws.created_at::DATE + (ws.step_days * (datediff('day', ws.created_at::DATE, p.start_date)
                                                            // ws.step_days + 1))::INTEGER
                ELSE (ws.created_at::DATE + to_months((ws.step_months * (datediff('month', ws.created_at::DATE,
                      p.start_date) // ws.step_months + 1))::INTEGER))::DATE
           END AS renewal_date,
           ws.plan
    FROM periods p JOIN ws USING (i) JOIN fates f USING (i)
    ORDER BY p.i, p.seq
    """)
