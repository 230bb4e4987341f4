"""Ledger's workspaces (the accounts), their hidden fates and their people (contacts).

Hidden per workspace, never written to a file: ``appetite`` (0-1, how much the team leans on the
product), the renewal at which it leaves (if it does), and the cause behind it. A churner's cause
is ``unexplained`` (about a third: budget, closure, a merger: no sign in the data) or one with its
own signs in a window (``sig_start``, ``sig_end``) before the churn date:

- ``champion``: the project lead does most of the work (the comments carry their contact id), then
  leaves (``member_removed``) and activity falls to about a fifth;
- ``integration``: the accounting sync fails (``sync_failed``), is disconnected, and reports and
  invoicing from the product dry up; integration tickets;
- ``seats``: seats are cut once or twice (new subscription periods, ``member_removed``) before the
  workspace does not renew;
- ``escalation``: urgent tickets pile up, take days to close and get low CSAT;
- ``late``: invoices are paid late, the last ones not at all.

About a fifth of the workspaces that stay go through a ``scare``: the same signs for a while, then
recovery (seats cut stay cut), so a sign is a risk and not a verdict.
"""

from __future__ import annotations

import duckdb

CAUSES = [  # cause, cumulative share of churners (upper bound)
    ("unexplained", 0.33), ("champion", 0.51), ("integration", 0.66), ("seats", 0.78),
    ("escalation", 0.90), ("late", 1.0),
]
SCARE_SHARE = 0.22
# A workspace's chance of leaving at each renewal (SQL over ``ws``): its plan's, by appetite, by segment;
# PLAN_LEAVE leaves appetite out (benchmarks/ledger_ceiling.py).
_SEGMENT_LEAVE = "CASE ws.segment WHEN 'freelancer' THEN 1.15 WHEN 'agency' THEN 0.75 ELSE 1.0 END"
P_LEAVE = f"ws.churn_per_renewal * (1.6 - 1.2 * ws.appetite) * {_SEGMENT_LEAVE}"
PLAN_LEAVE = f"ws.churn_per_renewal * {_SEGMENT_LEAVE}"


def create_workspaces(con: duckdb.DuckDBPyConnection, accounts: int) -> None:
    """``ws``: one row per workspace, its public attributes (plan, seats, country...) and ``appetite``."""
    con.execute(f"""
    CREATE TABLE ws AS
    WITH drawn AS (
        SELECT i::BIGINT AS i, r1('segment', i) AS u_segment, r1('plan', i) AS u_plan,
               r1('country', i) AS u_country, (r1('appetite a', i) + r1('appetite b', i)) / 2 AS appetite,
               r1('veteran', i) < 0.25 AS veteran, r1('born', i) AS u_born
        FROM range(1, {int(accounts)} + 1) t(i)
    ), placed AS (
        SELECT d.*, CASE WHEN d.u_segment < 0.45 THEN 'freelancer' WHEN d.u_segment < 0.83 THEN 'studio'
                         ELSE 'agency' END AS segment
        FROM drawn d
    )
    SELECT p.i, workspace_id(p.i) AS account_id, p.segment,
           m.plan, m.cadence, m.step_days, m.step_months, m.cycle_price, m.churn_per_renewal,
           m.seats_lo + floor(pow(r1('seats', p.i), 1.8) * (m.seats_hi - m.seats_lo + 1))::INTEGER AS seats,
           p.appetite, c.country,
           CASE WHEN r1('language', p.i) < c.arabic THEN 'ar' ELSE 'en' END AS language,
           CASE WHEN p.segment = 'freelancer' THEN NULL ELSE choose(w.csms, r1('csm', p.i)) END AS csm,
           CASE WHEN p.veteran THEN x.start_date::TIMESTAMP - to_days(floor(p.u_born * 600)::INTEGER)
                ELSE x.start_date::TIMESTAMP
                     + to_days(floor(p.u_born * (datediff('day', x.start_date, x.end_date) - 30))::INTEGER)
           END + to_minutes((360 + floor(r1('born minute', p.i) * 720))::INTEGER) AS created_at
    FROM placed p
    JOIN plan_menu m ON m.segment = p.segment AND p.u_plan >= m.lo AND p.u_plan < m.hi
    JOIN countries c ON p.u_country >= c.lo AND p.u_country < c.hi
    CROSS JOIN history x CROSS JOIN words w
    ORDER BY p.i
    """)
    con.execute("""
    CREATE TABLE ws_named AS
    SELECT ws.*, CASE WHEN ws.language = 'ar'
                      THEN choose(w.ar_name_first, r1('name a', ws.i)) || ' ' || choose(w.ar_name_last, r1('name b', ws.i))
                      ELSE choose(w.name_first, r1('name a', ws.i)) || ' ' || choose(w.name_last, r1('name b', ws.i))
                 END AS name
    FROM ws CROSS JOIN words w ORDER BY ws.i
    """)


def create_fates(con: duckdb.DuckDBPyConnection) -> None:
    """``fates``: per workspace the churn date (a renewal inside the window, or none), the cause, and
    the window of signs (for churners with a cause, and for scares)."""
    causes = " ".join(f"WHEN u_cause < {upper} THEN '{cause}'" for cause, upper in CAUSES)
    con.execute(f"""
    CREATE TABLE fates AS
    WITH terms AS (
        SELECT ws.i, ws.created_at::DATE AS born, ws.step_days, ws.step_months,
               {P_LEAVE} AS p_leave,
               CASE WHEN ws.step_days > 0 THEN datediff('day', ws.created_at, x.end_date) // ws.step_days
                    ELSE datediff('month', ws.created_at, x.end_date) // ws.step_months END + 1 AS last_k
        FROM ws CROSS JOIN history x
    ), renewals AS (
        SELECT i, born, step_days, step_months, p_leave, unnest(range(1, last_k + 1)) AS k FROM terms
    ), dated AS (
        SELECT i, k, p_leave,
               (born + to_days((k * step_days)::INTEGER) + to_months((k * step_months)::INTEGER))::DATE AS renewal_date
        FROM renewals
    ), churn AS (
        SELECT d.i, min(d.renewal_date) AS churn_date
        FROM dated d CROSS JOIN history x
        WHERE d.renewal_date > x.start_date + 30 AND d.renewal_date <= x.end_date
          AND r2('leave', d.i, d.k) < d.p_leave
        GROUP BY d.i
    ), fated AS (
        SELECT ws.i, ws.segment, ws.cadence, ws.created_at::DATE AS born, c.churn_date,
               c.churn_date IS NOT NULL AS churns,
               r1('cause', ws.i) AS u_cause,
               NOT (c.churn_date IS NOT NULL) AND r1('scare', ws.i) < {SCARE_SHARE} AS scared,
               0.33 + 0.67 * r1('scare cause', ws.i) AS u_scare_cause  -- a scare always has signs
        FROM ws LEFT JOIN churn c USING (i)
    ), caused AS (
        SELECT f.*,
               CASE WHEN f.churns THEN (CASE {causes} END)
                    WHEN f.scared THEN (CASE {causes.replace('u_cause', 'u_scare_cause')} END)
               END AS drawn_cause
        FROM fated f
    ), fitted AS (  -- a freelancer has no team: no champion to lose, no seats to cut
        SELECT c.*, CASE WHEN c.segment = 'freelancer' AND c.drawn_cause = 'champion' THEN 'escalation'
                         WHEN c.segment = 'freelancer' AND c.drawn_cause = 'seats' THEN 'late'
                         ELSE c.drawn_cause END AS cause,
               CASE c.cadence WHEN 'weekly' THEN 21 + 35 * r1('lead', c.i) WHEN 'monthly' THEN 35 + 55 * r1('lead', c.i)
                              ELSE 60 + 90 * r1('lead', c.i) END::INTEGER AS lead_days
        FROM caused c
    ), windowed AS (
        SELECT f.i, f.churn_date, f.churns, f.cause, f.scared,
               CASE WHEN f.churns AND f.cause <> 'unexplained'
                        THEN least(greatest(f.churn_date - f.lead_days, f.born + 10), f.churn_date - 7)
                    WHEN f.scared
                        THEN greatest(x.start_date + floor(r1('scare start', f.i)
                                      * (datediff('day', x.start_date, x.end_date) - 40))::INTEGER, f.born + 10)
               END AS sig_start,
               CASE WHEN f.churns THEN f.churn_date END AS churn_end
        FROM fitted f CROSS JOIN history x
    )
    SELECT i, churn_date, churns, cause, scared, sig_start,
           CASE WHEN sig_start IS NULL THEN NULL WHEN churns THEN churn_end
                ELSE sig_start + (30 + floor(r1('scare length', i) * 60))::INTEGER END AS sig_end,
           CASE WHEN cause = 'champion' AND sig_start IS NOT NULL
                THEN sig_start + (0.4 * datediff('day', sig_start, coalesce(churn_end,
                     sig_start + (30 + floor(r1('scare length', i) * 60))::INTEGER)))::INTEGER END AS leave_date
    FROM windowed ORDER BY i
    """)


def create_people(con: duckdb.DuckDBPyConnection) -> None:
    """``people``: one contact per seat plus one who handles the bills; the second is the project lead."""
    con.execute("""
    CREATE TABLE people AS
    WITH seats AS (SELECT i, account_id, language, seats, unnest(range(1, seats + 2)) AS j FROM ws)
    SELECT s.i, s.j, 'usr_' || substr(s.account_id, 4) || '_' || s.j AS contact_id, s.account_id,
           CASE WHEN s.language = 'ar'
                THEN choose(w.ar_people_first, r2('first', s.i, s.j)) || ' ' || choose(w.ar_people_last, r2('last', s.i, s.j))
                ELSE choose(w.people_first, r2('first', s.i, s.j)) || ' ' || choose(w.people_last, r2('last', s.i, s.j))
           END AS name,
           CASE WHEN s.language = 'ar'
                THEN choose(w.ar_people_first_latin, r2('first', s.i, s.j)) || '.' || choose(w.ar_people_last_latin, r2('last', s.i, s.j))
                ELSE lower(choose(w.people_first, r2('first', s.i, s.j)) || '.' || choose(w.people_last, r2('last', s.i, s.j)))
           END || s.j || '@' || substr(s.account_id, 4) || '.example.org' AS email,
           CASE WHEN s.j = 1 THEN 'owner' WHEN s.j = s.seats + 1 THEN 'finance' WHEN s.j = 2 THEN 'project lead'
                ELSE 'member' END AS role,
           s.language
    FROM seats s CROSS JOIN words w ORDER BY s.i, s.j
    """)
