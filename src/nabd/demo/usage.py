"""Product usage of the demo company: logins, sessions with minutes, feature use, page visits.

Each product user (a contact flagged ``is_user``) has, per week, an engagement ``level``: higher
with the account's fit, falling through a decline before a troubled renewal, lower in the first
weeks after sign-up, with weekly noise. The level sets the chance the user is active that week
and how many days; each active day is one ``login``, one ``session`` (``value`` = minutes) and
0-2 ``feature:<name>`` events; once a week a user may visit pages (``page:<name>``), and pricing
and cancel visits climb during a decline.
"""

from __future__ import annotations

import duckdb

from nabd.demo.texts import FEATURES
from nabd.store.calendar import utc_instant_sql

# Page visits per active user-week: chance at rest, and extra chance at full strain.
PAGE_ODDS = {
    "pricing": (0.01, 0.12),
    "cancel": (0.002, 0.06),
    "billing": (0.02, 0.05),
    "help": (0.05, 0.06),
    "integrations": (0.03, 0.0),
}


def create_user_days(con: duckdb.DuckDBPyConnection, weeks: int) -> None:
    """``user_days``: one row per user and active day, in a stable order, with the event count."""
    pages = ", ".join(
        f"CASE WHEN u3('page {name}', uw.i, uw.j, uw.w) < {base} + {extra} * uw.strain THEN '{name}' END"
        for name, (base, extra) in PAGE_ODDS.items()
    )
    con.execute(f"""
    CREATE TABLE user_days AS
    WITH weeks AS (
        SELECT w, p.start_date::TIMESTAMP + to_days((7 * w)::INTEGER) AS week_start
        FROM range(0, {int(weeks)}) r(w) CROSS JOIN params p
    ), user_weeks AS (
        SELECT s.i, c.j, w.w, w.week_start, s.span_start, s.span_end, t.fit,
               least(10, 3 + round(7 * t.fit))::INTEGER AS breadth,
               strain(w.week_start, f.decline_start::TIMESTAMP, f.trouble_date::TIMESTAMP) AS strain,
               (0.45 + 0.55 * t.fit)
               * CASE WHEN f.decline_start IS NULL OR w.week_start < f.decline_start THEN 1.0
                      WHEN w.week_start < f.trouble_date
                          THEN 1.0 - 0.7 * datediff('day', f.decline_start, w.week_start)
                                   / greatest(1, datediff('day', f.decline_start, f.trouble_date))
                      WHEN w.week_start < f.trouble_date + 90 THEN 0.75
                      ELSE 0.92 END
               * CASE WHEN w.week_start < t.created_at + INTERVAL 21 DAY THEN 0.6 ELSE 1.0 END
               * (0.8 + 0.4 * u3('noise', s.i, c.j, w.w)) AS level,
               0.5 + 0.7 * u2('propensity', s.i, c.j) + CASE WHEN c.j <= 2 THEN 0.2 ELSE 0 END
                   AS propensity
        FROM spans s
        JOIN weeks w ON w.week_start < s.span_end AND w.week_start + INTERVAL 7 DAY > s.span_start
        JOIN contacts_out c ON c.i = s.i AND c.is_user
        JOIN truth t ON t.i = s.i
        JOIN fates f ON f.i = s.i
    ), active AS (
        SELECT uw.*,
               least(5, 1 + floor(u3('days', uw.i, uw.j, uw.w) * 3.0 * uw.level * uw.propensity))::INTEGER
                   AS days,
               list_filter([{pages}], x -> x IS NOT NULL) AS pages
        FROM user_weeks uw
        WHERE u3('active', uw.i, uw.j, uw.w) < least(0.95, uw.level * uw.propensity)
    ), days AS (
        SELECT *, unnest(range(days)) AS d,
               floor(u3('first day', i, j, w) * (6 - days))::INTEGER AS first_day
        FROM active
    ), timed AS (
        SELECT *, week_start + to_days(first_day + d)
                  + to_minutes((420 + floor(u3('hour', i, j, w * 8 + d) * 660))::INTEGER) AS day_ts
        FROM days
    )
    SELECT i, j, w, d, fit, breadth, level, day_ts,
           floor(u3('features', i, j, w * 8 + d) * (1 + 1.6 * level))::INTEGER AS features,
           CASE WHEN d = 0 THEN pages ELSE []::TEXT[] END AS pages
    FROM timed
    WHERE day_ts BETWEEN span_start AND span_end - INTERVAL 1 HOUR
    ORDER BY i, j, w, d
    """)


def events_query(timezone: str = "UTC") -> str:
    """The SELECT that expands ``user_days`` into events (columns of the ``events`` table).

    Only order-preserving operators (scan, unnest, projection), so the file keeps user_days' order.
    Times are drawn on the company's wall clock (``timezone``) and written as the UTC instants the
    store keeps, so each event lands on its intended local day.
    """
    features = "[" + ", ".join(f"'{name}'" for name in FEATURES) + "]"
    ts = utc_instant_sql("e.day_ts + to_minutes((CASE WHEN e.k <= 1 THEN 0 ELSE 4 * e.k END)::INTEGER)", timezone)
    return """
    SELECT 'EV-' || e.i || '-' || e.j || '-' || e.w || '-' || e.d || '-' || e.k AS event_id,
           'ACC-' || lpad(e.i::TEXT, 6, '0') AS account_id,
           'CON-' || lpad(e.i::TEXT, 6, '0') || '-' || lpad(e.j::TEXT, 3, '0') AS contact_id,
           CASE WHEN e.k = 0 THEN 'login'
                WHEN e.k = 1 THEN 'session'
                WHEN e.k < 2 + e.features THEN 'feature:' || e.feature
                ELSE 'page:' || e.pages[e.k - 1 - e.features] END AS event_type,
           {ts} AS ts,
           CASE WHEN e.k = 1
                THEN round(3 + u3('minutes', e.i, e.j, e.w * 8 + e.d) * 50 * (0.4 + e.level), 1)
           END AS value,
           CASE WHEN e.k = 0 THEN NULL
                WHEN e.k = 1 THEN CASE WHEN u3('device', e.i, e.j, e.w * 8 + e.d) < 0.25
                                       THEN '{"device":"mobile"}' ELSE '{"device":"web"}' END
                WHEN e.k < 2 + e.features THEN '{"feature":"' || e.feature || '"}'
                ELSE '{"page":"/' || e.pages[e.k - 1 - e.features] || '"}' END AS properties
    FROM (
        SELECT ud.*, FEATURES[1 + floor(pow(u3('feature', ud.i, ud.j, ud.w * 64 + ud.d * 8 + ud.k), 1.6)
                                       * ud.breadth)::INTEGER] AS feature
        FROM (SELECT *, unnest(range(2 + features + len(pages))) AS k FROM user_days) ud
    ) e
    """.replace("FEATURES", features).replace("{ts}", ts)
