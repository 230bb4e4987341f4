"""The demo company's accounts, their hidden fates, contacts, subscription periods and FX rates.

Everything is SQL over ``range()`` in the generating DuckDB; ``u1/u2/u3(salt, ...)`` are seeded
uniform draws in [0, 1) and ``h1(salt, ...)`` a seeded hash, both defined by generate.py.

Hidden per account (never written to a file): ``fit`` (how well the product suits the
customer, 0.15-1), the renewal at which trouble starts, whether the trouble ends in churn, and
silent churn. See generate.py for how these drive every other table.
"""

from __future__ import annotations

from datetime import date

import duckdb

# Chance, at one renewal, that an account runs into trouble (before the fit adjustment) and
# that it leaves silently; by segment and term (monthly Starter plans renew every month).
CHURN_ODDS = [
    # segment, term months, p_trouble, p_silent
    ("SMB", 1, 0.045, 0.014),
    ("SMB", 12, 0.55, 0.17),
    ("mid-market", 12, 0.40, 0.12),
    ("enterprise", 12, 0.24, 0.07),
]
TROUBLE_ENDS_IN_CHURN = 0.62  # the rest negotiate a concession at renewal and stay
REACTIVATION_SHARE = 0.12
ADDON_USD_PRICE = 15


def create_params(con: duckdb.DuckDBPyConnection, *, months: int, end_date: date) -> None:
    """The window: ``months`` months ending on ``end_date`` (data is known up to that morning)."""
    con.execute(
        "CREATE TABLE params AS SELECT ?::DATE AS end_date,"
        " (?::DATE - to_months(?))::DATE AS start_date",
        [end_date, end_date, months],
    )


def create_accounts(con: duckdb.DuckDBPyConnection, accounts: int) -> None:
    """``truth``: one row per account with its public attributes and hidden ``fit``."""
    con.execute(f"""
    CREATE TABLE truth AS
    WITH draws AS (
        SELECT i::BIGINT AS i,
               u1('segment', i) AS u_segment, u1('country', i) AS u_country,
               (u1('fit a', i) + u1('fit b', i) + u1('fit c', i)) / 3 AS fit_draw,
               u1('created', i) AS u_created, u1('created when', i) AS u_when
        FROM range(1, {int(accounts)} + 1) r(i)
    ), placed AS (
        SELECT d.i, 'ACC-' || lpad(d.i::TEXT, 6, '0') AS account_id, s.segment, c.country,
               CASE WHEN u1('language', d.i) < c.arabic_share THEN 'ar' ELSE 'en' END AS language,
               CASE WHEN u1('currency', d.i) < c.local_share THEN c.local_currency ELSE 'USD' END
                   AS currency,
               CASE WHEN u1('plan', d.i) < 0.55 THEN s.plan_a ELSE s.plan_b END AS first_plan,
               s.seats_lo + floor(u1('seats', d.i) * (s.seats_hi - s.seats_lo + 1))::INTEGER AS seats,
               0.15 + 0.85 * d.fit_draw AS fit,
               CASE WHEN d.u_created < 0.3
                    THEN p.start_date::TIMESTAMP - to_days(floor(d.u_when * 730)::INTEGER)
                    ELSE p.start_date::TIMESTAMP + to_days(floor(
                        d.u_when * (datediff('day', p.start_date, p.end_date) - 45))::INTEGER)
               END + to_minutes(420 + floor(u1('created minute', d.i) * 600)::INTEGER) AS created_at
        FROM draws d
        JOIN segment_pick s ON d.u_segment >= s.lo AND d.u_segment < s.hi
        JOIN country_pick c ON d.u_country >= c.lo AND d.u_country < c.hi
        CROSS JOIN params p
    )
    SELECT a.*, pp.level AS first_level,
           CASE WHEN a.first_plan = 'Starter' THEN 1 ELSE 12 END AS term_months,
           greatest(1, round(a.seats * least(1.0, greatest(0.15,
               0.3 + 0.6 * a.fit + 0.25 * (u1('utilisation', a.i) - 0.5)))))::INTEGER AS active_users,
           pick(lex.csm, h1('csm', a.i)) AS csm,
           CASE WHEN a.language = 'ar'
                THEN pick(lex.ar_company_kind, h1('kind', a.i)) || ' '
                     || pick(lex.ar_company_core, h1('core', a.i)) || ' '
                     || pick(lex.ar_company_trade, h1('trade', a.i))
                ELSE pick(lex.en_company_core, h1('core', a.i)) || ' '
                     || pick(lex.en_company_trade, h1('trade', a.i)) || ' '
                     || pick(lex.en_company_kind, h1('kind', a.i))
           END AS base_name
    FROM placed a JOIN plan_price pp ON pp.plan = a.first_plan CROSS JOIN lex
    ORDER BY a.i
    """)


def create_fates(con: duckdb.DuckDBPyConnection) -> None:
    """``renewals`` per account and ``fates``: trouble, churn (driven or silent), reactivation."""
    con.execute("CREATE TABLE churn_odds (segment TEXT, term_months INTEGER, p_trouble DOUBLE, p_silent DOUBLE)")
    con.executemany("INSERT INTO churn_odds VALUES (?, ?, ?, ?)", CHURN_ODDS)
    con.execute("""
    CREATE TABLE renewals AS
    SELECT t.i, r.k, (t.created_at::DATE + to_months((r.k * t.term_months)::INTEGER))::DATE AS renewal_date
    FROM truth t CROSS JOIN range(1, 120) r(k) CROSS JOIN params p
    WHERE r.k * t.term_months <= datediff('month', t.created_at, p.end_date) + 13
    ORDER BY t.i, r.k
    """)
    con.execute(f"""
    CREATE TABLE fates AS
    WITH draws AS (
        SELECT r.i, r.k, r.renewal_date,
               r.renewal_date > p.start_date + 30 AND r.renewal_date <= p.end_date AS in_window,
               u2('trouble', r.i, r.k) < o.p_trouble * (1.6 - 1.2 * t.fit) AS trouble,
               u2('silent', r.i, r.k) < o.p_silent AS silent
        FROM renewals r JOIN truth t USING (i)
        JOIN churn_odds o ON o.segment = t.segment AND o.term_months = t.term_months
        CROSS JOIN params p
    ), firsts AS (
        SELECT i, min(k) FILTER (WHERE in_window AND trouble) AS trouble_k,
               min(k) FILTER (WHERE in_window AND silent) AS silent_k
        FROM draws GROUP BY i
    ), episode AS (
        SELECT t.i, f.silent_k,
               CASE WHEN f.trouble_k <= coalesce(f.silent_k, f.trouble_k) THEN f.trouble_k END AS trouble_k
        FROM truth t LEFT JOIN firsts f USING (i)
    ), decided AS (
        SELECT *, trouble_k IS NOT NULL AND u1('driven', i) < {TROUBLE_ENDS_IN_CHURN} AS driven
        FROM episode
    ), dated AS (
        SELECT d.i, d.trouble_k,
               CASE WHEN d.driven THEN d.trouble_k ELSE d.silent_k END AS churn_k,
               CASE WHEN d.driven THEN 'driven' WHEN d.silent_k IS NOT NULL THEN 'silent' END AS churn_kind
        FROM decided d
    )
    SELECT d.i, d.trouble_k, rt.renewal_date AS trouble_date,
           CASE WHEN rt.renewal_date IS NOT NULL
                THEN greatest(t.created_at::DATE + 14,
                              rt.renewal_date - (50 + floor(u1('lead', d.i) * 100))::INTEGER)
           END AS decline_start,
           d.churn_k, rc.renewal_date AS churn_date, d.churn_kind,
           CASE WHEN d.churn_k IS NOT NULL AND u1('react', d.i) < {REACTIVATION_SHARE}
                     AND rc.renewal_date + (45 + floor(u1('react gap', d.i) * 150))::INTEGER
                         <= p.end_date - 14
                THEN rc.renewal_date + (45 + floor(u1('react gap', d.i) * 150))::INTEGER
           END AS reactivated_at
    FROM dated d JOIN truth t USING (i) CROSS JOIN params p
    LEFT JOIN renewals rt ON rt.i = d.i AND rt.k = d.trouble_k
    LEFT JOIN renewals rc ON rc.i = d.i AND rc.k = d.churn_k
    ORDER BY d.i
    """)
    # The spans in which an account is a customer, inside the window (two after a reactivation).
    con.execute("""
    CREATE TABLE spans AS
    SELECT t.i, greatest(t.created_at, p.start_date::TIMESTAMP) AS span_start,
           coalesce(f.churn_date, p.end_date)::TIMESTAMP AS span_end
    FROM truth t JOIN fates f USING (i) CROSS JOIN params p
    WHERE coalesce(f.churn_date, p.end_date) > p.start_date
    UNION ALL
    SELECT f.i, f.reactivated_at::TIMESTAMP, p.end_date::TIMESTAMP
    FROM fates f CROSS JOIN params p WHERE f.reactivated_at IS NOT NULL
    ORDER BY 1, 2
    """)


def create_subscriptions(con: duckdb.DuckDBPyConnection) -> None:
    """``subscriptions_out``: dated price periods of the platform (and an analytics add-on)."""
    con.execute(f"""
    CREATE TABLE subscriptions_out AS
    WITH steps AS (
        SELECT t.i, 0 AS k, t.created_at::DATE AS start_date, 'new' AS reason,
               1.0 AS qty_mult, 1.0 AS price_mult, 0 AS level_step
        FROM truth t
        UNION ALL
        SELECT r.i, r.k, r.renewal_date,
               CASE WHEN r.k = f.trouble_k THEN
                        CASE WHEN u2('change', r.i, r.k) < 0.45 THEN 'licence cut'
                             WHEN u2('change', r.i, r.k) < 0.85 THEN 'discount'
                             ELSE 'downgrade' END
                    WHEN t.term_months = 12 THEN
                        CASE WHEN u2('change', r.i, r.k) < 0.22 + 0.3 * t.fit THEN 'expansion'
                             WHEN u2('change', r.i, r.k) < 0.27 + 0.38 * t.fit THEN 'upgrade'
                             WHEN u2('change', r.i, r.k) < 0.37 + 0.38 * t.fit THEN 'contraction'
                             WHEN u2('change', r.i, r.k) < 0.47 + 0.38 * t.fit THEN 'price uplift'
                        END
                    ELSE
                        CASE WHEN u2('change', r.i, r.k) < 0.02 + 0.04 * t.fit THEN 'expansion'
                             WHEN u2('change', r.i, r.k) < 0.025 + 0.055 * t.fit THEN 'upgrade'
                        END
               END AS reason,
               1.0, 1.0, 0
        FROM renewals r JOIN truth t USING (i) JOIN fates f USING (i) CROSS JOIN params p
        WHERE r.renewal_date <= p.end_date AND (f.churn_k IS NULL OR r.k < f.churn_k)
    ), changes AS (
        SELECT i, k, start_date, reason,
               CASE reason WHEN 'licence cut' THEN 0.55 + 0.3 * u2('size', i, k)
                           WHEN 'expansion' THEN 1.1 + 0.4 * u2('size', i, k)
                           WHEN 'contraction' THEN 0.7 + 0.25 * u2('size', i, k)
                           ELSE 1.0 END AS qty_mult,
               CASE reason WHEN 'discount' THEN 0.85 WHEN 'price uplift' THEN 1.05 ELSE 1.0 END
                   AS price_mult,
               CASE reason WHEN 'upgrade' THEN 1 WHEN 'downgrade' THEN -1 ELSE 0 END AS level_step
        FROM steps WHERE reason IS NOT NULL
    ), chained AS (
        SELECT i, k, start_date, reason,
               exp(sum(ln(qty_mult)) OVER w) AS qty_factor,
               exp(sum(ln(price_mult)) OVER w) AS price_factor,
               sum(level_step) OVER w AS level_shift,
               lead(start_date) OVER w AS next_start,
               row_number() OVER w AS seq
        FROM changes WINDOW w AS (PARTITION BY i ORDER BY k)
    ), platform AS (
        SELECT c.i, c.seq, 'platform' AS product, t.currency,
               greatest(1, round(t.seats * c.qty_factor))::INTEGER AS quantity,
               round(pp.usd_price / cb.rate) * c.price_factor AS unit_price,
               pp.plan, c.start_date,
               coalesce(c.next_start, f.churn_date) AS end_date,
               (t.created_at::DATE + to_months(((c.k + 1) * t.term_months)::INTEGER))::DATE
                   AS renewal_date
        FROM chained c JOIN truth t USING (i) JOIN fates f USING (i)
        JOIN currency_base cb ON cb.currency = t.currency
        JOIN plan_price pp ON pp.level = least(4, greatest(1, t.first_level + c.level_shift))
    ), reactivated AS (
        SELECT p.i, p.seq + 1 AS seq, p.product, p.currency,
               greatest(1, round(p.quantity * 0.8))::INTEGER AS quantity, p.unit_price, p.plan,
               f.reactivated_at AS start_date, NULL::DATE AS end_date,
               (f.reactivated_at + to_months(t.term_months))::DATE AS renewal_date
        FROM platform p JOIN fates f USING (i) JOIN truth t USING (i)
        WHERE f.reactivated_at IS NOT NULL AND p.end_date = f.churn_date
    ), addon AS (
        SELECT t.i, 1 AS seq, 'analytics add-on' AS product, t.currency, t.seats AS quantity,
               round({ADDON_USD_PRICE} / cb.rate) AS unit_price, NULL AS plan,
               (t.created_at::DATE + (60 + floor(u1('addon start', t.i) * 300))::INTEGER)::DATE
                   AS start_date,
               f.churn_date AS end_date
        FROM truth t JOIN fates f USING (i) JOIN currency_base cb ON cb.currency = t.currency
        WHERE t.segment <> 'SMB' AND t.fit > 0.35 AND u1('addon', t.i) < 0.3
    ), addon_dated AS (
        SELECT a.*, (t.created_at::DATE + to_months((t.term_months * (datediff('month',
                   t.created_at::DATE, a.start_date) // t.term_months + 1))::INTEGER))::DATE AS renewal_date
        FROM addon a JOIN truth t USING (i) CROSS JOIN params p
        WHERE a.start_date <= p.end_date AND a.start_date < coalesce(a.end_date, p.end_date + 1)
    ), periods AS (
        SELECT * FROM platform UNION ALL SELECT * FROM reactivated UNION ALL SELECT * FROM addon_dated
    )
    SELECT 'SUB-' || lpad(p.i::TEXT, 6, '0') || '-' || CASE p.product WHEN 'platform' THEN 'P' ELSE 'A' END
               || lpad(p.seq::TEXT, 2, '0') AS subscription_id,
           t.account_id, p.i, p.product, round(p.quantity * p.unit_price, 2)::DECIMAL(18, 2) AS mrr,
           p.currency, p.quantity, p.start_date, p.end_date, p.renewal_date, p.plan, p.seq
    FROM periods p JOIN truth t USING (i)
    ORDER BY subscription_id
    """)


def create_contacts(con: duckdb.DuckDBPyConnection) -> None:
    """``contacts_out``: one contact per licence plus a billing contact; the first
    ``active_users`` of them use the product."""
    con.execute("""
    CREATE TABLE contacts_out AS
    WITH people AS (
        SELECT t.i, t.account_id, t.language AS account_language, t.segment, t.seats, t.active_users,
               unnest(range(1, t.seats + 2)) AS j
        FROM truth t
    ), named AS (
        SELECT p.*, 1 + (h2('first', p.i, p.j) % len(lex.ar_first))::INTEGER AS ar_first_at,
               1 + (h2('family', p.i, p.j) % len(lex.ar_family))::INTEGER AS ar_family_at,
               pick(lex.en_first, h2('first', p.i, p.j)) AS en_first,
               pick(lex.en_family, h2('family', p.i, p.j)) AS en_family,
               lex.ar_first, lex.ar_first_latin, lex.ar_family, lex.ar_family_latin
        FROM people p CROSS JOIN lex
    )
    SELECT 'CON-' || lpad(i::TEXT, 6, '0') || '-' || lpad(j::TEXT, 3, '0') AS contact_id,
           account_id, i, j, j <= active_users AS is_user,
           CASE WHEN account_language = 'ar' THEN ar_first[ar_first_at] || ' ' || ar_family[ar_family_at]
                ELSE en_first || ' ' || en_family END AS name,
           CASE WHEN account_language = 'ar'
                THEN ar_first_latin[ar_first_at] || '.' || ar_family_latin[ar_family_at]
                ELSE lower(en_first) || '.' || lower(en_family) END
               || '@c' || i || '.example.com' AS email,
           CASE WHEN j = 1 THEN 'admin' WHEN j = seats + 1 THEN 'billing'
                WHEN j = 2 THEN 'champion'
                WHEN j = 3 AND segment = 'enterprise' THEN 'executive sponsor'
                ELSE 'user' END AS role,
           CASE WHEN account_language = 'ar' AND u2('contact language', i, j) < 0.1 THEN 'en'
                ELSE account_language END AS language
    FROM named
    ORDER BY i, j
    """)


def create_currency_rates(con: duckdb.DuckDBPyConnection) -> None:
    """``currency_rates_out``: USD per unit, monthly from the first account's month; SAR and
    AED pegged, EUR a seeded random walk."""
    con.execute("""
    CREATE TABLE currency_rates_out AS
    WITH months AS (
        SELECT unnest(generate_series(date_trunc('month', (SELECT min(created_at) FROM truth)),
                                      (SELECT end_date FROM params)::TIMESTAMP,
                                      INTERVAL 1 MONTH))::DATE AS valid_from
    ), walked AS (
        SELECT cb.currency, m.valid_from,
               CASE WHEN cb.currency = 'EUR'
                    THEN cb.rate * exp(sum(0.03 * (u2('fx', cb.currency, m.valid_from) - 0.5))
                                       OVER (PARTITION BY cb.currency ORDER BY m.valid_from))
                    ELSE cb.rate END AS rate
        FROM currency_base cb CROSS JOIN months m
        WHERE cb.currency <> 'USD'
    )
    SELECT currency, valid_from, round(rate, 8)::DECIMAL(18, 8) AS rate
    FROM walked ORDER BY currency, valid_from
    """)
