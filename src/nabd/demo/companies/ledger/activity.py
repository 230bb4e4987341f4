"""Ledger's product events: what a team does in a project and invoicing tool, counted per workspace
and week, with no person attached except on comments.

Each week a workspace does each kind of thing at a rate: the kind's base rate x seats in force that
week to a power (bigger teams do more, not proportionally more) x appetite x a slow start in its
first three weeks x a quiet December and August x noise shared by the week and noise of its own;
the count is the rate rounded up or down at random. A cause's signs bend the rates (see
workspaces.py): after a champion leaves everything falls to a fifth; a failing integration brings
``sync_failed`` and starves reports, invoicing and dashboards; cut seats and escalations lower the
whole week. One-off events mark moments: an integration connected at sign-up (7 in 10 workspaces)
or disconnected when it fails, members invited when seats are added and removed when they go.
"""

from __future__ import annotations

import duckdb

# kind, base events per week for one seat, power of the seats, how much a failing integration starves it.
WEEKLY_KINDS = [
    ("project_created", 0.08, 0.5, 0.25),
    ("task_completed", 0.7, 0.7, 0.25),
    ("comment_added", 0.4, 0.7, 0.25),
    ("file_uploaded", 0.3, 0.6, 0.25),
    ("time_logged", 0.6, 0.75, 0.25),
    ("invoice_sent", 0.3, 0.5, 0.75),
    ("estimate_created", 0.1, 0.5, 0.25),
    ("report_exported", 0.15, 0.4, 0.85),
    ("client_added", 0.05, 0.4, 0.25),
    ("dashboard_viewed", 0.5, 0.5, 0.75),
    ("payment_reminder_sent", 0.08, 0.4, 0.6),
    ("sync_failed", 0.03, 0.0, 0.0),
    ("template_saved", 0.04, 0.3, 0.25),
]
MOMENT_KINDS = ["integration_connected", "integration_disconnected", "member_invited", "member_removed"]
EVENT_TYPES = [kind for kind, *_ in WEEKLY_KINDS] + MOMENT_KINDS


def create_tallies(con: duckdb.DuckDBPyConnection) -> None:
    """``tallies``: how many events of each kind a workspace has in a week (moments with their time),
    in the order the events file is written."""
    con.execute("CREATE TABLE weekly_kinds (kind_no INTEGER, kind TEXT, base DOUBLE, power DOUBLE, starved DOUBLE)")
    con.executemany("INSERT INTO weekly_kinds VALUES (?, ?, ?, ?, ?)",
                    [(n, *row) for n, row in enumerate(WEEKLY_KINDS, start=1)])
    con.execute("""
    CREATE TABLE account_weeks AS
    WITH weeks AS (
        SELECT w, x.start_date + (7 * w)::INTEGER AS week_start
        FROM history x, range(0, datediff('day', x.start_date, x.end_date) // 7 + 1) t(w)
    ), lives AS (
        SELECT ws.*, f.churns, f.cause, f.sig_start, f.sig_end, f.leave_date,
               coalesce(f.churn_date, x.end_date) AS last_day,
               r1('integrated', ws.i) < 0.7 OR f.cause = 'integration' AS integrated
        FROM ws JOIN fates f USING (i) CROSS JOIN history x
    )
    SELECT l.i, k.w, k.week_start, l.seats, s.quantity, l.appetite, l.cause, l.churns, l.integrated,
           l.created_at, l.last_day,
           (least(k.week_start + 7, l.last_day) - greatest(k.week_start, l.created_at::DATE)) / 7.0 AS covered,
           CASE WHEN l.sig_start IS NULL OR k.week_start < l.sig_start OR k.week_start >= l.sig_end THEN 0.0
                ELSE datediff('day', l.sig_start, k.week_start) / greatest(1, datediff('day', l.sig_start, l.sig_end))
           END AS strain,
           CASE WHEN l.leave_date IS NULL OR k.week_start < l.leave_date THEN 1.0
                WHEN k.week_start < l.sig_end THEN 0.2 ELSE 0.85 END AS champion_left,
           CASE WHEN k.week_start < l.created_at::DATE + 21 THEN 0.5 ELSE 1.0 END
               * CASE month(k.week_start) WHEN 12 THEN 0.75 WHEN 8 THEN 0.85 ELSE 1.0 END
               * (0.7 + 0.6 * r2('week', l.i, k.w)) AS rhythm
    FROM lives l
    JOIN weeks k ON k.week_start < l.last_day AND k.week_start + 7 > l.created_at::DATE
    JOIN subscriptions_out s ON s.i = l.i AND s.start_date <= greatest(k.week_start, l.created_at::DATE)
         AND (s.end_date IS NULL OR s.end_date > greatest(k.week_start, l.created_at::DATE))
    """)
    con.execute("""
    CREATE TABLE tallies AS
    WITH rated AS (
        SELECT a.i, a.w, a.week_start, a.created_at, a.last_day, a.cause, a.seats, a.champion_left, a.strain,
               k.kind_no, k.kind,
               CASE WHEN k.kind = 'sync_failed'
                    THEN CASE WHEN NOT a.integrated THEN 0.0
                              WHEN a.cause = 'integration' AND a.strain > 0 THEN 0.5 + 3.5 * a.strain
                              ELSE k.base END
                    ELSE k.base * pow(a.quantity, k.power) * (0.35 + 1.3 * a.appetite)
                         * CASE WHEN k.kind = 'report_exported' AND NOT a.integrated THEN 0.5 ELSE 1.0 END
                         * CASE a.cause WHEN 'champion' THEN a.champion_left
                                        WHEN 'integration' THEN 1 - k.starved * a.strain
                                        WHEN 'seats' THEN 1 - 0.3 * a.strain
                                        WHEN 'escalation' THEN 1 - 0.3 * a.strain
                                        WHEN 'late' THEN 1 - 0.15 * a.strain
                                        ELSE 1.0 END
                         * a.rhythm
               END * a.covered * (0.6 + 0.8 * r3('kind noise', a.i, a.w, k.kind_no)) AS rate
        FROM account_weeks a CROSS JOIN weekly_kinds k
    ), weekly AS (
        SELECT i, w, kind_no, kind, week_start, created_at, last_day, cause, seats, champion_left, strain,
               floor(rate + r3('round', i, w, kind_no))::INTEGER AS events, NULL::TIMESTAMP AS moment_at, NULL::TEXT AS detail
        FROM rated
    ), moments AS (
        SELECT ws.i, ws.created_at + to_days((1 + floor(r1('connect', ws.i) * 13))::INTEGER) AS moment_at,
               'integration_connected' AS kind, choose(w.integrations, r1('app', ws.i)) AS detail, 1 AS events
        FROM ws JOIN fates f USING (i) CROSS JOIN words w
        WHERE r1('integrated', ws.i) < 0.7 OR f.cause = 'integration'
        UNION ALL
        SELECT ws.i, f.sig_start + (0.5 * datediff('day', f.sig_start, f.sig_end))::INTEGER + INTERVAL 10 HOUR,
               'integration_disconnected', choose(w.integrations, r1('app', ws.i)), 1
        FROM ws JOIN fates f USING (i) CROSS JOIN words w WHERE f.cause = 'integration'
        UNION ALL
        SELECT ws.i, f.sig_end + INTERVAL 11 HOUR, 'integration_connected', choose(w.integrations, r1('app', ws.i)), 1
        FROM ws JOIN fates f USING (i) CROSS JOIN words w WHERE f.cause = 'integration' AND NOT f.churns
        UNION ALL
        SELECT ws.i, ws.created_at + to_days(floor(r1('invite', ws.i) * 10)::INTEGER) + INTERVAL 1 HOUR,
               'member_invited', NULL, least(ws.seats - 1, 20)
        FROM ws WHERE ws.seats > 1
        UNION ALL
        SELECT m.i, m.moved_on + INTERVAL 9 HOUR, CASE WHEN m.delta > 0 THEN 'member_invited' ELSE 'member_removed' END,
               NULL, least(abs(m.delta), 10)
        FROM seat_moves m
        UNION ALL
        SELECT f.i, f.leave_date + INTERVAL 16 HOUR, 'member_removed', 'project lead', 1
        FROM fates f WHERE f.leave_date IS NOT NULL
    ), placed AS (
        SELECT m.i, (datediff('day', x.start_date, m.moment_at) // 7)::BIGINT AS w,
               100 + list_position(['integration_connected', 'integration_disconnected', 'member_invited',
                                    'member_removed'], m.kind) AS kind_no,
               m.kind, m.moment_at, m.detail, m.events
        FROM moments m JOIN ws USING (i) JOIN fates f USING (i) CROSS JOIN history x
        WHERE m.moment_at >= ws.created_at AND m.moment_at >= x.start_date AND m.moment_at < coalesce(f.churn_date, x.end_date)
    )
    SELECT i, w, kind_no, kind, week_start, created_at, last_day, cause, seats, champion_left, strain, events, moment_at,
           detail
    FROM weekly WHERE events > 0
    UNION ALL
    SELECT p.i, p.w, p.kind_no, p.kind, NULL, NULL, NULL, NULL, NULL, NULL, NULL, p.events, p.moment_at, p.detail
    FROM placed p
    ORDER BY i, w, kind_no, moment_at
    """)


def events_query() -> str:
    """The SELECT that expands ``tallies`` into events, as imported: no event_id (Nabd derives one),
    a contact only on comments, hours in ``value`` of time_logged and the amount of invoice_sent.

    Only order-preserving operators (scan, unnest, projection, filter), so the file keeps the tallies' order.
    """
    return """
    WITH one AS (
        SELECT t.*, unnest(range(t.events)) AS n FROM tallies t
    ), timed AS (
        SELECT o.*, r3('who', o.i, o.w * 1000 + o.kind_no, o.n) AS u_who,
               coalesce(o.moment_at + to_minutes((o.n * 3)::INTEGER),
                        o.week_start::TIMESTAMP
                        + to_days(floor(pow(r3('day', o.i, o.w * 1000 + o.kind_no, o.n), 1.25) * 7)::INTEGER)
                        + to_minutes((420 + floor(r3('minute', o.i, o.w * 1000 + o.kind_no, o.n) * 720))::INTEGER)) AS ts
        FROM one o
    )
    SELECT workspace_id(t.i) AS account_id,
           CASE WHEN t.kind <> 'comment_added' THEN NULL
                ELSE 'usr_' || substr(workspace_id(t.i), 4) || '_' ||
                     CASE WHEN t.seats = 1 THEN 1
                          WHEN t.cause = 'champion' AND t.champion_left = 1.0 AND t.u_who < 0.85 THEN 2
                          WHEN t.cause = 'champion' AND t.champion_left < 1.0 AND t.seats > 2
                              THEN 3 + floor(t.u_who * (t.seats - 2))::INTEGER
                          WHEN t.cause = 'champion' AND t.champion_left < 1.0 THEN 1
                          ELSE 1 + floor(t.u_who * t.seats)::INTEGER END
           END AS contact_id,
           t.kind AS event_type, t.ts,
           CASE t.kind WHEN 'time_logged' THEN round(0.25 + 5.75 * pow(r3('hours', t.i, t.w, t.n), 2), 2)
                       WHEN 'invoice_sent' THEN round(80 + 2400 * pow(r3('amount', t.i, t.w, t.n), 2), 2) END AS value,
           CASE t.kind WHEN 'time_logged' THEN '{"billable":' || (r3('billable', t.i, t.w, t.n) < 0.7)::TEXT || '}'
                       WHEN 'report_exported' THEN '{"format":"' || CASE WHEN t.u_who < 0.6 THEN 'pdf' ELSE 'xlsx' END || '"}'
                       WHEN 'invoice_sent' THEN '{"currency":"USD"}'
                       WHEN 'integration_connected' THEN '{"app":"' || t.detail || '"}'
                       WHEN 'integration_disconnected' THEN '{"app":"' || t.detail || '"}'
                       WHEN 'member_removed' THEN CASE WHEN t.detail IS NULL THEN NULL ELSE '{"role":"' || t.detail || '"}' END
           END AS properties
    FROM timed t
    WHERE t.moment_at IS NOT NULL OR (t.ts >= t.created_at AND t.ts < t.last_day::TIMESTAMP)
    """
