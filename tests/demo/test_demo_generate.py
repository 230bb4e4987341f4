"""The demo generator as a specification: deterministic, scaled by --accounts, valid periods,
and churn that its drivers announce beforehand (except for a silent third)."""

from __future__ import annotations

import hashlib
from datetime import date

from nabd.demo import generate_files

END = date(2026, 10, 31)

# A churn: a platform period that ends with no platform period starting that day.
CHURNS = """
    SELECT s.account_id, s.end_date AS churned_on
    FROM subscriptions s
    WHERE s.product = 'platform' AND s.end_date IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM subscriptions n WHERE n.account_id = s.account_id
                      AND n.product = 'platform' AND n.start_date = s.end_date)
"""

# Monthly as-of dates with 120 days of history before and 60 days of future after; per active
# account: will it churn within 60 days, its sessions in the last 60 days over the 60 before,
# and its share of late invoices issued in the last 120 days (unpaid and overdue counts as late).
AS_OF_FEATURES = f"""
    WITH churns AS ({CHURNS}),
    dates AS (SELECT unnest(generate_series(DATE '2025-09-01', DATE '2026-08-01', INTERVAL 1 MONTH))::DATE AS as_of),
    customers AS (
        SELECT DISTINCT s.account_id, d.as_of FROM dates d JOIN subscriptions s
          ON s.product = 'platform' AND s.start_date <= d.as_of - 120
         AND (s.end_date IS NULL OR s.end_date > d.as_of)
    ),
    sessions AS (
        SELECT c.account_id, c.as_of,
               count(*) FILTER (WHERE e.ts >= c.as_of - 60) AS recent,
               count(*) FILTER (WHERE e.ts < c.as_of - 60) AS before
        FROM customers c LEFT JOIN events e ON e.account_id = c.account_id AND e.event_type = 'session'
         AND e.ts >= c.as_of - 120 AND e.ts < c.as_of
        GROUP BY ALL
    ),
    payments AS (
        SELECT c.account_id, c.as_of,
               avg(CASE WHEN i.paid_at IS NULL OR i.paid_at >= c.as_of THEN (i.due_at < c.as_of)::INTEGER
                        ELSE (i.paid_at > i.due_at)::INTEGER END) AS late_share
        FROM customers c JOIN invoices i ON i.account_id = c.account_id
         AND i.issued_at >= c.as_of - 120 AND i.issued_at < c.as_of
        GROUP BY ALL
    )
    SELECT c.account_id, c.as_of,
           EXISTS (SELECT 1 FROM churns x WHERE x.account_id = c.account_id
                   AND x.churned_on >= c.as_of AND x.churned_on < c.as_of + 60) AS churns_soon,
           (s.recent + 1.0) / (s.before + 1.0) AS usage_ratio, p.late_share
    FROM customers c JOIN sessions s USING (account_id, as_of) LEFT JOIN payments p USING (account_id, as_of)
"""


def _digest(files) -> dict[str, str]:
    return {table: hashlib.sha256(f.path.read_bytes()).hexdigest() for table, f in files.items()}


def test_the_same_seed_writes_byte_identical_files(small_company, tmp_path):
    again = generate_files(tmp_path, accounts=40, months=6, seed=7, end_date=END)
    assert _digest(again) == _digest(small_company)


def test_another_seed_writes_another_company(small_company, tmp_path):
    other = _digest(generate_files(tmp_path, accounts=40, months=6, seed=8, end_date=END))
    same = _digest(small_company)
    assert all(other[table] != same[table] for table in ("accounts", "subscriptions", "events", "tickets"))


def test_rows_grow_with_the_number_of_accounts(small_company, tmp_path):
    double = generate_files(tmp_path, accounts=80, months=6, seed=7, end_date=END)
    assert (small_company["accounts"].rows, double["accounts"].rows) == (40, 80)
    # The first 40 accounts are the same company; 40 more add roughly as much again.
    for table in ("contacts", "subscriptions", "invoices", "events"):
        assert double[table].rows > 1.5 * small_company[table].rows, table


def test_subscription_periods_end_after_they_start_and_never_overlap_in_a_chain(company_sql):
    backwards = company_sql.execute(
        "SELECT count(*) FROM subscriptions WHERE end_date IS NOT NULL AND end_date <= start_date"
    ).fetchone()[0]
    overlaps = company_sql.execute("""
        SELECT count(*) FROM (
            SELECT end_date, lead(start_date) OVER (PARTITION BY account_id, product ORDER BY start_date) AS next_start
            FROM subscriptions)
        WHERE next_start IS NOT NULL AND (end_date IS NULL OR next_start < end_date)
    """).fetchone()[0]
    assert (backwards, overlaps) == (0, 0)


def test_monthly_logo_churn_is_between_one_and_four_percent(company_sql):
    lost, customers = company_sql.execute(f"""
        WITH churns AS ({CHURNS}),
        months AS (SELECT unnest(generate_series(DATE '2025-05-01', DATE '2026-09-01', INTERVAL 1 MONTH))::DATE AS m),
        starting AS (SELECT DISTINCT s.account_id, m.m FROM months m JOIN subscriptions s ON s.product = 'platform'
                     AND s.start_date <= m.m AND (s.end_date IS NULL OR s.end_date > m.m))
        SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM churns c WHERE c.account_id = x.account_id
                                              AND c.churned_on > x.m AND c.churned_on <= x.m + INTERVAL 1 MONTH)),
               count(*)
        FROM starting x
    """).fetchone()
    assert 0.01 <= lost / customers <= 0.04, (lost, customers)


def test_usage_falls_before_churn_more_than_it_does_for_accounts_that_stay(company_sql):
    churners, stayers = (
        company_sql.execute(f"SELECT avg(usage_ratio) FROM ({AS_OF_FEATURES}) WHERE churns_soon = ?", [flag]).fetchone()[0]
        for flag in (True, False)
    )
    # Stayers hold their level (ratio about 1); churners' last 60 days fall well below the 60 before.
    assert churners < stayers - 0.15, (churners, stayers)


def test_late_payments_are_more_common_before_churn(company_sql):
    churners, stayers = (
        company_sql.execute(f"SELECT avg(late_share) FROM ({AS_OF_FEATURES}) WHERE churns_soon = ?", [flag]).fetchone()[0]
        for flag in (True, False)
    )
    assert churners > 1.3 * stayers, (churners, stayers)


def test_about_a_third_of_churners_leave_without_a_warning_in_the_data(company_sql):
    # A warning: sessions in the 60 days before churn below 60% of the 60 days before, a discount,
    # contract-change or cancellation ticket, or two late invoices in the 120 days before.
    warned, silent = company_sql.execute(f"""
        WITH churns AS ({CHURNS}),
        seen AS (
            SELECT c.account_id, c.churned_on,
                   (SELECT count(*) FROM events e WHERE e.account_id = c.account_id AND e.event_type = 'session'
                      AND e.ts >= c.churned_on - 60 AND e.ts < c.churned_on) AS recent,
                   (SELECT count(*) FROM events e WHERE e.account_id = c.account_id AND e.event_type = 'session'
                      AND e.ts >= c.churned_on - 120 AND e.ts < c.churned_on - 60) AS before,
                   EXISTS (SELECT 1 FROM tickets t WHERE t.account_id = c.account_id
                           AND t.category IN ('discount request', 'contract change', 'cancellation')
                           AND t.opened_at >= c.churned_on - 120 AND t.opened_at < c.churned_on) AS asked,
                   (SELECT count(*) FROM invoices i WHERE i.account_id = c.account_id
                      AND i.issued_at >= c.churned_on - 120 AND i.due_at < c.churned_on
                      AND (i.paid_at IS NULL OR i.paid_at > i.due_at)) >= 2 AS paid_late
            FROM churns c WHERE c.churned_on >= DATE '2025-09-01'
        )
        SELECT count(*) FILTER (WHERE recent < 0.6 * before OR asked OR paid_late),
               count(*) FILTER (WHERE NOT (recent < 0.6 * before OR asked OR paid_late))
        FROM seen
    """).fetchone()
    assert warned + silent >= 40
    assert 0.2 <= silent / (warned + silent) <= 0.5, (warned, silent)


def test_comments_are_varied_and_written_in_arabic_and_english(company_sql):
    comments, distinct, languages = company_sql.execute(
        "SELECT count(comment), count(DISTINCT comment), list(DISTINCT language ORDER BY language)"
        " FROM survey_responses WHERE comment IS NOT NULL"
    ).fetchone()
    assert distinct > 0.6 * comments
    assert languages == ["ar", "en"]


def test_active_users_average_four_to_ten_events_a_week(company_sql):
    per_user_week = company_sql.execute(
        "SELECT count(*) / count(DISTINCT (contact_id, date_trunc('week', ts))) FROM events"
    ).fetchone()[0]
    assert 4 <= per_user_week <= 10
