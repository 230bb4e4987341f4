"""Ledger's support tickets and referrals.

Routine tickets arrive at about 0.1-0.4 a month per workspace (more with more seats): how-to
questions, bugs and billing. A cause adds its own through its signs: an ``escalation`` brings
urgent tickets (up to ~3 a month) that wait days for an answer and close with low CSAT, a failing
``integration`` brings integration tickets, a ``late`` payer a billing question. Referrals are rare:
about 3 in 100 new workspaces were sent by a customer who had been with Ledger for a month or more.
"""

from __future__ import annotations

import duckdb

from nabd.demo.companies.ledger.words import TICKET_SUBJECTS


def _subject(category: str, language: str, draw: str) -> str:
    return " ".join(f"WHEN {category} = '{name}' AND {language} = '{lang}' THEN choose(w.subject_{name.replace('-', '_')}_{lang}, {draw})"
                    for name in TICKET_SUBJECTS for lang in ("en", "ar"))


def create_tickets(con: duckdb.DuckDBPyConnection) -> None:
    """``tickets_out``: routine and cause-driven tickets, opened inside each workspace's life."""
    con.execute(f"""
    CREATE TABLE tickets_out AS
    WITH months AS (
        SELECT m, (x.start_date + to_months(m::INTEGER))::DATE AS month_start
        FROM history x, range(0, datediff('month', x.start_date, x.end_date) + 1) t(m)
    ), lives AS (
        SELECT ws.i, ws.account_id, ws.seats, ws.language, ws.created_at, f.cause, f.churns, f.sig_start, f.sig_end,
               coalesce(f.churn_date, x.end_date) AS last_day
        FROM ws JOIN fates f USING (i) CROSS JOIN history x
    ), lived AS (
        SELECT l.*, m.m, m.month_start,
               CASE WHEN l.sig_start IS NULL OR m.month_start + 15 < l.sig_start OR m.month_start + 15 >= l.sig_end THEN 0.0
                    ELSE datediff('day', l.sig_start, m.month_start + 15) / greatest(1, datediff('day', l.sig_start, l.sig_end))
               END AS strain
        FROM lives l JOIN months m ON m.month_start < l.last_day AND m.month_start + 31 > l.created_at::DATE
    ), counted AS (
        SELECT *, floor(0.08 + 0.06 * sqrt(seats) + r2('routine', i, m))::INTEGER AS routine,
               floor(CASE WHEN strain = 0 THEN 0
                          WHEN cause = 'escalation' THEN 1.0 + 2.2 * strain
                          WHEN cause = 'integration' THEN 0.4 + 1.2 * strain
                          WHEN cause = 'late' THEN 0.35
                          ELSE 0 END + r2('signed', i, m))::INTEGER AS signed
        FROM lived
    ), one AS (
        SELECT *, unnest(range(routine + signed)) AS n FROM counted WHERE routine + signed > 0
    ), drawn AS (
        SELECT o.*, n >= routine AS is_signed,
               o.month_start::TIMESTAMP + to_minutes(floor(r3('opened', i, m, n) * 30 * 1440)::INTEGER) AS opened_at,
               CASE WHEN n >= routine THEN CASE cause WHEN 'late' THEN 'billing' ELSE cause END
                    WHEN r3('category', i, m, n) < 0.45 THEN 'how-to'
                    WHEN r3('category', i, m, n) < 0.8 THEN 'bug' ELSE 'billing' END AS category,
               r3('wait', i, m, n) AS u_wait, r3('rate', i, m, n) AS u_rate
        FROM one o
    ), timed AS (
        SELECT d.*,
               CASE WHEN category = 'escalation' THEN CASE WHEN u_rate < 0.6 THEN 'urgent' ELSE 'high' END
                    WHEN category = 'integration' THEN 'high'
                    WHEN u_rate < 0.3 THEN 'low' WHEN u_rate < 0.85 THEN 'normal' ELSE 'high' END AS priority,
               opened_at + to_minutes(CASE WHEN category = 'escalation' THEN 240 + floor(u_wait * 2640)
                                           ELSE 20 + floor(u_wait * 460) END::INTEGER) AS first_response_at,
               opened_at + to_minutes(CASE WHEN category = 'escalation' THEN 4320 + floor(u_wait * 24480)
                                           WHEN category = 'integration' THEN 1440 + floor(u_wait * 8640)
                                           ELSE 120 + floor(u_wait * 4200) END::INTEGER) AS closes_at
        FROM drawn d
    )
    SELECT 'tck-' || substr(t.account_id, 4) || '-' || lpad(t.m::TEXT, 2, '0') || lpad(t.n::TEXT, 2, '0') AS ticket_id,
           t.account_id, t.i, t.m, t.n, t.opened_at,
           CASE WHEN t.first_response_at < x.end_date THEN t.first_response_at END AS first_response_at,
           CASE WHEN t.closes_at < x.end_date THEN t.closes_at END AS closed_at,
           t.priority, t.category,
           CASE WHEN t.closes_at >= x.end_date OR r3('csat asked', t.i, t.m, t.n) >= 0.45 THEN NULL
                WHEN t.category = 'escalation' THEN 1 + floor(t.u_rate * 2.4)::INTEGER
                WHEN t.category = 'integration' THEN 2 + floor(r3('csat', t.i, t.m, t.n) * 2.5)::INTEGER
                ELSE 5 - floor(pow(r3('csat', t.i, t.m, t.n), 3) * 3)::INTEGER END AS csat,
           CASE {_subject('t.category', 't.language', "r3('subject', t.i, t.m, t.n)")} END AS subject,
           CASE t.language WHEN 'ar' THEN choose(w.body_ar, r3('body', t.i, t.m, t.n))
                ELSE choose(w.body_en, r3('body', t.i, t.m, t.n)) END AS body
    FROM timed t CROSS JOIN history x CROSS JOIN words w
    WHERE t.opened_at >= t.created_at AND t.opened_at < t.last_day::TIMESTAMP AND t.opened_at < x.end_date
    ORDER BY t.i, t.m, t.n
    """)


def create_referrals(con: duckdb.DuckDBPyConnection, accounts: int) -> None:
    """``referrals_out``: a few new workspaces name the customer who sent them."""
    con.execute(f"""
    CREATE TABLE referrals_out AS
    SELECT 'ref-' || substr(new.account_id, 4) AS referral_id, old.account_id, new.account_id AS referred_account_id,
           new.created_at - to_days((1 + floor(r1('referred when', new.i) * 20))::INTEGER) AS referred_at
    FROM ws new CROSS JOIN history x
    JOIN ws old ON old.i = 1 + floor(r1('referrer', new.i) * {int(accounts)})::BIGINT
    JOIN fates f ON f.i = old.i
    WHERE new.created_at >= x.start_date AND r1('referred', new.i) < 0.03 AND old.i <> new.i
      AND old.created_at < new.created_at - INTERVAL 60 DAY
      AND (f.churn_date IS NULL OR f.churn_date > new.created_at::DATE)
    ORDER BY new.i
    """)
