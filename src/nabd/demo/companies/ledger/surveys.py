"""Ledger's survey answers: NPS asked each quarter (about 3 in 10 workspaces answer) and CSAT after
onboarding (day 30) and after some closed tickets; some answers carry a short comment in the
workspace's language (a few Arabic workspaces answer in English).

NPS follows appetite and noise, and sinks through the signs of a champion leaving, a failing
integration or an escalation (less for cut seats and late payments); unexplained churners answer
like anyone else.
"""

from __future__ import annotations

import duckdb

from nabd.demo.companies.ledger.words import COMMENTS

DIP = {"champion": 5.0, "integration": 4.5, "escalation": 5.0, "seats": 3.0, "late": 1.5}


def _comment(tone: str, language: str, draw: str) -> str:
    return " ".join(f"WHEN {tone} = '{name}' AND {language} = '{lang}' THEN choose(w.comment_{name}_{lang}, {draw})"
                    for name in COMMENTS for lang in ("en", "ar"))


def create_survey_responses(con: duckdb.DuckDBPyConnection) -> None:
    """``survey_responses_out``: NPS and CSAT answers with their contact, touchpoint and comment."""
    dip = " ".join(f"WHEN '{cause}' THEN {value}" for cause, value in DIP.items())
    con.execute(f"""
    CREATE TABLE survey_responses_out AS
    WITH lives AS (
        SELECT ws.i, ws.account_id, ws.seats, ws.appetite, ws.language, ws.created_at, f.cause, f.sig_start,
               f.sig_end, coalesce(f.churn_date, x.end_date) AS last_day
        FROM ws JOIN fates f USING (i) CROSS JOIN history x
    ), nps AS (
        SELECT l.*, q AS asked, 'nps' AS kind, 'quarterly' AS touchpoint,
               x.start_date::TIMESTAMP + to_days((91 * q + floor(r2('nps day', l.i, q) * 91))::INTEGER)
                   + to_minutes((480 + floor(r2('nps minute', l.i, q) * 600))::INTEGER) AS responded_at
        FROM lives l CROSS JOIN history x, range(0, datediff('day', x.start_date, x.end_date) // 91 + 1) t(q)
        WHERE r2('nps answers', l.i, q) < 0.3
    ), onboarding AS (
        SELECT l.*, -1 AS asked, 'csat' AS kind, 'onboarding' AS touchpoint,
               l.created_at + INTERVAL 30 DAY + to_minutes(floor(r1('onboarding minute', l.i) * 2000)::INTEGER)
                   AS responded_at
        FROM lives l WHERE r1('onboarding answers', l.i) < 0.5
    ), support AS (
        SELECT l.*, t.m * 100 + t.n AS asked, 'csat' AS kind, 'support' AS touchpoint,
               t.closed_at + INTERVAL 2 HOUR AS responded_at
        FROM lives l JOIN tickets_out t USING (i)
        WHERE t.closed_at IS NOT NULL AND r2('support answers', t.i, t.m * 100 + t.n) < 0.25
    ), asked AS (
        SELECT *, CASE WHEN sig_start IS NULL OR responded_at < sig_start OR responded_at >= sig_end THEN 0.0
                       ELSE datediff('day', sig_start, responded_at) / greatest(1, datediff('day', sig_start, sig_end))
                  END AS strain
        FROM (SELECT * FROM nps UNION ALL SELECT * FROM onboarding UNION ALL SELECT * FROM support)
    ), scored AS (
        SELECT a.*, CASE a.cause {dip} ELSE 0 END * a.strain AS dip,
               r2('score', a.i, a.asked * 10 + length(a.touchpoint)) AS u_score
        FROM asked a CROSS JOIN history x
        WHERE a.responded_at >= a.created_at AND a.responded_at < a.last_day::TIMESTAMP AND a.responded_at < x.end_date
    ), answered AS (
        SELECT s.*,
               CASE WHEN kind = 'nps' THEN least(10, greatest(0, round(5.2 + 3.8 * appetite + 4.5 * (u_score - 0.5) - dip)))
                    ELSE least(5, greatest(1, round(2.6 + 1.8 * appetite + 2.2 * (u_score - 0.5) - dip / 2.2)))
               END::INTEGER AS score,
               CASE WHEN language = 'ar' AND r2('answer language', i, asked) < 0.1 THEN 'en' ELSE language END AS answered_in,
               r2('comments', i, asked * 10 + length(touchpoint)) < CASE kind WHEN 'nps' THEN 0.4 ELSE 0.25 END AS comments
        FROM scored s
    ), toned AS (
        SELECT a.*, CASE WHEN (kind = 'nps' AND score >= 9) OR (kind = 'csat' AND score >= 4) THEN 'warm'
                         WHEN (kind = 'nps' AND score >= 7) OR (kind = 'csat' AND score = 3) THEN 'mixed'
                         ELSE 'sore' END AS tone
        FROM answered a
    )
    SELECT 'ans-' || substr(t.account_id, 4) || '-' || t.touchpoint || '-' || (t.asked + 1) AS response_id,
           t.account_id, 'usr_' || substr(t.account_id, 4) || '_'
               || CASE WHEN t.seats = 1 OR r2('respondent', t.i, t.asked) < 0.6 THEN 1
                       ELSE 1 + floor(r2('respondent who', t.i, t.asked) * t.seats)::INTEGER END AS contact_id,
           t.kind, t.score,
           CASE WHEN t.comments THEN CASE {_comment('t.tone', 't.answered_in', "r2('comment', t.i, t.asked)")} END END AS comment,
           t.answered_in AS language, t.touchpoint, t.responded_at, t.i
    FROM toned t CROSS JOIN words w
    ORDER BY t.i, t.responded_at, t.touchpoint
    """)
