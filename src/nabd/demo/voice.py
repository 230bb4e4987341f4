"""What the demo customers say and how their CSMs rate them: support tickets, NPS/CSAT/CES survey
responses with comments, referrals and monthly relationship ratings.

Every amount of voice follows the account's hidden state: ``strain`` (0 when fine, 0.3-1 through
a decline before a troubled renewal) raises ticket volume, urgency and billing/bug/discount
categories, and lowers CSAT, NPS, CES, ratings and referrals; ``fit`` shifts all of them a little.
"""

from __future__ import annotations

import duckdb

TICKETS_PER_MONTH = {"SMB": 0.3, "mid-market": 0.8, "enterprise": 1.8}


def create_account_months(con: duckdb.DuckDBPyConnection) -> None:
    """``account_months``: each calendar month (clipped to the customer spans) with its strain."""
    con.execute("""
    CREATE TABLE account_months AS
    WITH months AS (
        SELECT unnest(generate_series(date_trunc('month', p.start_date), p.end_date::TIMESTAMP,
                                      INTERVAL 1 MONTH)) AS month_start
        FROM params p
    ), clipped AS (
        SELECT s.i, m.month_start, greatest(m.month_start, s.span_start) AS lo,
               least(m.month_start + INTERVAL 1 MONTH, s.span_end) AS hi
        FROM spans s JOIN months m
          ON m.month_start < s.span_end AND m.month_start + INTERVAL 1 MONTH > s.span_start
    )
    SELECT c.i, c.month_start, c.lo, c.hi,
           (year(c.month_start) * 12 + month(c.month_start))::INTEGER AS month_key,
           strain(c.lo + (c.hi - c.lo) / 2, f.decline_start::TIMESTAMP, f.trouble_date::TIMESTAMP)
               AS strain,
           t.fit, t.segment, t.language, t.seats
    FROM clipped c JOIN truth t USING (i) JOIN fates f USING (i)
    WHERE c.hi > c.lo
    ORDER BY c.i, c.month_start
    """)


def create_tickets(con: duckdb.DuckDBPyConnection) -> None:
    """``tickets_out``: routine tickets per account-month, plus renewal negotiations (discount or
    contract change) before most troubled renewals and some cancellation requests."""
    rates = " ".join(f"WHEN '{segment}' THEN {rate}" for segment, rate in TICKETS_PER_MONTH.items())
    con.execute(f"""
    CREATE TABLE tickets_out AS
    WITH routine AS (
        SELECT m.i, m.month_key * 100 + s.slot AS ticket_key, m.strain, m.fit, m.language,
               m.lo + to_seconds(floor(u3('opened', m.i, m.month_key, s.slot)
                                       * epoch(m.hi - m.lo))::BIGINT) AS opened_at,
               CASE WHEN u3('category mix', m.i, m.month_key, s.slot) < 0.6 * m.strain THEN
                        CASE WHEN u3('category', m.i, m.month_key, s.slot) < 0.45 THEN 'bug'
                             WHEN u3('category', m.i, m.month_key, s.slot) < 0.65 THEN 'billing'
                             WHEN u3('category', m.i, m.month_key, s.slot) < 0.80 THEN 'discount request'
                             WHEN u3('category', m.i, m.month_key, s.slot) < 0.90 THEN 'contract change'
                             ELSE 'how-to' END
                    ELSE
                        CASE WHEN u3('category', m.i, m.month_key, s.slot) < 0.35 THEN 'how-to'
                             WHEN u3('category', m.i, m.month_key, s.slot) < 0.60 THEN 'bug'
                             WHEN u3('category', m.i, m.month_key, s.slot) < 0.72 THEN 'billing'
                             WHEN u3('category', m.i, m.month_key, s.slot) < 0.94 THEN 'feature request'
                             WHEN u3('category', m.i, m.month_key, s.slot) < 0.97 THEN 'discount request'
                             ELSE 'contract change' END
               END AS category
        FROM account_months m CROSS JOIN range(8) s(slot)
        WHERE u3('ticket', m.i, m.month_key, s.slot) * 8
              < CASE m.segment {rates} END * (0.7 + 0.6 * (1 - m.fit)) * (1 + 2.5 * m.strain)
                * epoch(m.hi - m.lo) / (30 * 86400)
    ), negotiation AS (
        SELECT r.i, r.k * 100 + 90 AS ticket_key,
               CASE WHEN r.k = f.trouble_k THEN 0.8 ELSE 0.0 END AS strain, t.fit, t.language,
               r.renewal_date::TIMESTAMP - to_days((10 + floor(u2('ask', r.i, r.k) * 45))::INTEGER)
                   + to_minutes((480 + floor(u2('ask minute', r.i, r.k) * 540))::INTEGER) AS opened_at,
               CASE WHEN u2('ask kind', r.i, r.k) < 0.55 THEN 'discount request' ELSE 'contract change' END
                   AS category
        FROM renewals r JOIN fates f USING (i) JOIN truth t USING (i)
        WHERE (r.k = f.trouble_k AND u2('asks', r.i, r.k) < 0.6)
           OR (t.term_months = 12 AND r.k IS DISTINCT FROM f.trouble_k AND u2('asks', r.i, r.k) < 0.06)
    ), cancellation AS (
        SELECT f.i, 99 AS ticket_key, 1.0 AS strain, t.fit, t.language,
               f.churn_date::TIMESTAMP - to_days((3 + floor(u1('cancel', f.i) * 25))::INTEGER)
                   + to_minutes((480 + floor(u1('cancel minute', f.i) * 540))::INTEGER) AS opened_at,
               'cancellation' AS category
        FROM fates f JOIN truth t USING (i)
        WHERE f.churn_kind = 'driven' AND u1('cancels', f.i) < 0.4
    ), raised AS (
        SELECT * FROM routine UNION ALL SELECT * FROM negotiation UNION ALL SELECT * FROM cancellation
    ), inside AS (
        SELECT r.* FROM raised r
        WHERE EXISTS (SELECT 1 FROM spans s WHERE s.i = r.i
                      AND r.opened_at >= s.span_start AND r.opened_at < s.span_end)
    ), handled AS (
        SELECT x.*,
               CASE WHEN u2('priority', x.i, x.ticket_key) < 0.05 + 0.15 * x.strain THEN 'urgent'
                    WHEN u2('priority', x.i, x.ticket_key) < 0.25 + 0.2 * x.strain THEN 'high'
                    WHEN u2('priority', x.i, x.ticket_key) < 0.8 THEN 'normal'
                    ELSE 'low' END AS priority
        FROM inside x
    ), timed AS (
        SELECT h.*,
               h.opened_at + to_minutes(floor(CASE h.priority WHEN 'urgent' THEN 90 WHEN 'high' THEN 240
                                                  WHEN 'normal' THEN 720 ELSE 1440 END
                                             * (0.3 + 1.4 * u2('response', h.i, h.ticket_key)))::INTEGER)
                   AS responded,
               to_minutes(floor(60 * CASE h.category WHEN 'bug' THEN 4 + 200 * u2('resolve', h.i, h.ticket_key)
                                                     WHEN 'how-to' THEN 1 + 20 * u2('resolve', h.i, h.ticket_key)
                                                     ELSE 2 + 70 * u2('resolve', h.i, h.ticket_key) END)::INTEGER)
                   AS resolution
        FROM handled h
    ), numbered AS (
        SELECT 'TCK-' || lpad(row_number() OVER (ORDER BY opened_at, i, ticket_key)::TEXT, 7, '0') AS ticket_id,
               *
        FROM timed
    )
    SELECT n.ticket_id, 'ACC-' || lpad(n.i::TEXT, 6, '0') AS account_id, n.i, n.opened_at,
           CASE WHEN n.responded < p.end_date THEN n.responded END AS first_response_at,
           CASE WHEN n.responded + n.resolution < p.end_date
                     AND u2('stays open', n.i, n.ticket_key) >= 0.02
                THEN n.responded + n.resolution END AS closed_at,
           n.priority, n.category,
           CASE WHEN n.responded + n.resolution < p.end_date
                     AND u2('stays open', n.i, n.ticket_key) >= 0.02
                     AND u2('csat asked', n.i, n.ticket_key) < 0.45
                THEN least(5, greatest(1, round(1 + 4 * (0.72 + 0.2 * n.fit - 0.55 * n.strain
                                          + 0.45 * (u2('csat', n.i, n.ticket_key) - 0.5)))))::INTEGER
           END AS csat,
           pick(tt.subjects, h2('subject', n.i, n.ticket_key)) AS subject,
           concat_ws(' ', pick(tt.openings, h2('opening', n.i, n.ticket_key)),
                     nullif(pick(CASE n.language WHEN 'ar' THEN lex.ar_ticket_detail ELSE lex.en_ticket_detail END,
                                 h2('detail', n.i, n.ticket_key)), ''),
                     pick(CASE n.language WHEN 'ar' THEN lex.ar_ticket_closing ELSE lex.en_ticket_closing END,
                          h2('closing', n.i, n.ticket_key))) AS body
    FROM numbered n CROSS JOIN params p CROSS JOIN lex
    JOIN ticket_texts tt ON tt.category = n.category AND tt.language = n.language
    WHERE n.opened_at < p.end_date
    ORDER BY n.ticket_id
    """)


def _comment(key: str) -> str:
    """SQL for a comment assembled from three fragments of ``comment_fragments``."""
    return f"""concat_ws(' ', pick(cf.openings, h2('c open', {key}, 1)),
                            pick(cf.subjects, h2('c subject', {key}, 2)),
                            nullif(pick(cf.closings, h2('c close', {key}, 3)), ''))"""


def create_survey_responses(con: duckdb.DuckDBPyConnection) -> None:
    """``survey_responses_out``: quarterly relationship NPS, onboarding CES/CSAT, and CSAT/CES
    after closed tickets; about half carry a comment in the contact's language."""
    con.execute("""
    CREATE TABLE survey_responses_out AS
    WITH quarters AS (
        SELECT m.* FROM account_months m
        WHERE (m.month_key - (SELECT year(start_date) * 12 + month(start_date) FROM params)) % 3 = 0
    ), nps AS (
        SELECT q.i, q.month_key * 10 + r.n AS response_key, 'nps' AS kind, 'quarterly relationship' AS touchpoint,
               1 + (h3('respondent', q.i, q.month_key, r.n) % (q.seats + 1))::INTEGER AS j,
               q.lo + to_seconds(floor(u3('nps at', q.i, q.month_key, r.n) * epoch(q.hi - q.lo))::BIGINT)
                   AS responded_at,
               round(10 * least(1, greatest(0, 0.5 + 0.5 * q.fit - 0.75 * q.strain
                                             + 0.35 * (u3('nps', q.i, q.month_key, r.n) - 0.5))))::INTEGER
                   AS score,
               0.55 AS comment_odds
        FROM quarters q CROSS JOIN range(3) r(n)
        WHERE r.n < CASE q.segment WHEN 'enterprise' THEN 3 ELSE 1 END
          AND u3('nps answers', q.i, q.month_key, r.n) < CASE q.segment WHEN 'SMB' THEN 0.4 ELSE 0.55 END
    ), onboarding AS (
        SELECT t.i, 10 + r.n AS response_key, CASE r.n WHEN 0 THEN 'ces' ELSE 'csat' END AS kind,
               'onboarding' AS touchpoint, 1 AS j,
               t.created_at + to_days((30 + floor(u2('onboarding at', t.i, r.n) * 15))::INTEGER)
                   AS responded_at,
               CASE r.n
                   WHEN 0 THEN least(7, greatest(1, round(1 + 6 * (0.35 + 0.5 * t.fit
                                                  + 0.3 * (u2('ob score', t.i, r.n) - 0.5)))))
                   ELSE least(5, greatest(1, round(1 + 4 * (0.45 + 0.45 * t.fit
                                               + 0.3 * (u2('ob score', t.i, r.n) - 0.5)))))
               END::INTEGER AS score,
               0.3 AS comment_odds
        FROM truth t CROSS JOIN range(2) r(n) CROSS JOIN params p
        WHERE t.created_at >= p.start_date AND u2('onboarding answers', t.i, r.n) < 0.55
    ), after_ticket AS (
        SELECT k.i, 20 + r.n AS response_key, CASE r.n WHEN 0 THEN 'csat' ELSE 'ces' END AS kind,
               'after ticket' AS touchpoint,
               1 + (h2('ticket contact', k.i, k.ticket_id) % 3)::INTEGER AS j,
               k.closed_at + to_minutes((30 + floor(u2('after at', k.ticket_id, r.n) * 1400))::INTEGER)
                   AS responded_at,
               CASE r.n WHEN 0 THEN k.csat
                    ELSE least(7, greatest(1, round(1 + (k.csat - 1) * 1.5
                                                    + 2 * (u2('ces', k.ticket_id, r.n) - 0.5)))) END::INTEGER
                   AS score,
               0.3 AS comment_odds, k.ticket_id
        FROM tickets_out k CROSS JOIN range(2) r(n)
        WHERE k.csat IS NOT NULL AND (r.n = 0 OR u1('ces asked', k.ticket_id) < 0.4)
    ), answered AS (
        SELECT i, response_key::TEXT AS response_key, kind, touchpoint, j, responded_at, score, comment_odds FROM nps
        UNION ALL
        SELECT i, response_key::TEXT, kind, touchpoint, j, responded_at, score, comment_odds FROM onboarding
        UNION ALL
        SELECT i, ticket_id || '-' || response_key, kind, touchpoint, j, responded_at, score, comment_odds
        FROM after_ticket
    ), placed AS (
        SELECT a.*, c.contact_id, c.language,
               -- NPS 0-6 / 7-8 / 9-10, CSAT 1-2 / 3 / 4-5, CES 1-3 / 4-5 / 6-7
               CASE WHEN a.score <= CASE a.kind WHEN 'nps' THEN 6 WHEN 'csat' THEN 2 ELSE 3 END THEN 'negative'
                    WHEN a.score <= CASE a.kind WHEN 'nps' THEN 8 WHEN 'csat' THEN 3 ELSE 5 END THEN 'neutral'
                    ELSE 'positive' END AS mood
        FROM answered a CROSS JOIN params p
        JOIN contacts_out c ON c.i = a.i AND c.j = a.j
        WHERE a.responded_at < p.end_date
          AND EXISTS (SELECT 1 FROM spans s WHERE s.i = a.i
                      AND a.responded_at >= s.span_start AND a.responded_at < s.span_end)
    )
    SELECT 'SR-' || lpad(row_number() OVER (ORDER BY x.responded_at, x.i, x.response_key, x.kind)::TEXT, 8, '0')
               AS response_id,
           'ACC-' || lpad(x.i::TEXT, 6, '0') AS account_id, x.i, x.contact_id, x.kind, x.score,
           CASE WHEN u2('commented', x.i, x.response_key || x.kind) < x.comment_odds
                THEN COMMENT END AS comment,
           x.language, x.touchpoint, x.responded_at
    FROM placed x JOIN comment_fragments cf ON cf.language = x.language AND cf.mood = x.mood
    ORDER BY response_id
    """.replace("COMMENT", _comment("x.i || x.response_key || x.kind")))


def create_referrals(con: duckdb.DuckDBPyConnection, accounts: int) -> None:
    """``referrals_out``: new accounts that came by referral from a fitting, established customer,
    and referrals that did not (yet) convert, mostly from happy accounts."""
    con.execute(f"""
    CREATE TABLE referrals_out AS
    WITH referred AS (
        SELECT t.i AS referred_i, t.created_at, c.n,
               1 + (h2('referrer', t.i, c.n) % {int(accounts)})::INTEGER AS candidate
        FROM truth t CROSS JOIN range(5) c(n) CROSS JOIN params p
        WHERE t.created_at >= p.start_date AND u1('referred', t.i) < 0.12
    ), chosen AS (
        SELECT r.referred_i, r.created_at, arg_max(r.candidate, ref.fit * 1000000 + r.candidate) AS i
        FROM referred r JOIN truth ref ON ref.i = r.candidate JOIN fates f ON f.i = r.candidate
        WHERE r.candidate <> r.referred_i AND ref.created_at < r.created_at - INTERVAL 30 DAY
          AND (f.churn_date IS NULL OR f.churn_date > r.created_at)
        GROUP BY r.referred_i, r.created_at
    ), converted AS (
        SELECT i, referred_i, created_at - to_days((3 + floor(u1('referred at', referred_i) * 25))::INTEGER)
                   AS referred_at
        FROM chosen
    ), open_referrals AS (
        SELECT m.i, NULL::BIGINT AS referred_i,
               m.lo + to_seconds(floor(u2('referral at', m.i, m.month_key) * epoch(m.hi - m.lo))::BIGINT)
                   AS referred_at
        FROM account_months m
        WHERE m.fit > 0.5 AND u2('refers', m.i, m.month_key) < 0.03 * m.fit * m.fit * (1 - m.strain)
    ), made AS (SELECT * FROM converted UNION ALL SELECT * FROM open_referrals)
    SELECT 'REF-' || lpad(row_number() OVER (ORDER BY referred_at, i, referred_i NULLS LAST)::TEXT, 6, '0')
               AS referral_id,
           'ACC-' || lpad(i::TEXT, 6, '0') AS account_id,
           CASE WHEN referred_i IS NOT NULL THEN 'ACC-' || lpad(referred_i::TEXT, 6, '0') END
               AS referred_account_id,
           referred_at
    FROM made CROSS JOIN params p
    WHERE referred_at < p.end_date
      AND EXISTS (SELECT 1 FROM spans s WHERE s.i = made.i
                  AND made.referred_at >= s.span_start AND made.referred_at < s.span_end)
    ORDER BY referral_id
    """)


def create_relationship_ratings(con: duckdb.DuckDBPyConnection) -> None:
    """``relationship_ratings_out``: the CSM's 1-5 rating in about three months of four."""
    con.execute("""
    CREATE TABLE relationship_ratings_out AS
    WITH rated AS (
        SELECT m.i, m.month_key, m.language,
               (m.lo + to_seconds(floor(u2('rated at', m.i, m.month_key) * epoch(m.hi - m.lo))::BIGINT))::DATE
                   AS rated_at,
               least(5, greatest(1, round(1 + 4 * (0.3 + 0.55 * m.fit - 0.6 * m.strain
                                          + 0.3 * (u2('rating', m.i, m.month_key) - 0.5)))))::INTEGER AS rating
        FROM account_months m
        WHERE u2('rates', m.i, m.month_key) < 0.75
    )
    SELECT 'ACC-' || lpad(r.i::TEXT, 6, '0') AS account_id, r.rated_at, r.rating,
           CASE WHEN u2('noted', r.i, r.month_key) < 0.4 THEN pick(n.notes, h2('note', r.i, r.month_key)) END
               AS note
    FROM rated r CROSS JOIN params p
    JOIN relationship_notes n ON n.language = r.language
     AND n.standing = CASE WHEN r.rating <= 2 THEN 'low' WHEN r.rating = 3 THEN 'mid' ELSE 'high' END
    WHERE r.rated_at < p.end_date
    ORDER BY r.i, r.rated_at
    """)
