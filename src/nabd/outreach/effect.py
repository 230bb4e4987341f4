"""Does a journey work? Its treated accounts against its held-out ones (drawn at random when entering), each
figure with a 95% interval:

- churn = accounts with no active subscription on as_of / accounts entered; Wilson interval per group;
- band up = accounts whose latest score by as_of is in another band than on entry and higher / accounts with
  a score on entry; Wilson interval;
- NPS = 100 x (promoters - detractors) / NPS answers since entering (promoters 9-10, detractors 0-6), standard
  error 100 x sqrt((p + d - (p - d)^2) / n);
- difference treated - held out, standard error sqrt(se_t^2 + se_h^2) (normal), interval +- 1.96 se.
A difference whose interval holds 0 is not shown to be an effect.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from nabd.health.versions import active_scorecard
from nabd.metrics.active import active_accounts
from nabd.store import Store

Z = 1.96


def wilson(successes: int, n: int) -> tuple[float, float] | None:
    """The 95% Wilson score interval of successes / n (None when n = 0)."""
    if n == 0:
        return None
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _share(successes: int, n: int) -> dict:
    """A share with its Wilson interval and its standard error sqrt(p(1-p)/n)."""
    if n == 0:
        return {"value": None, "low": None, "high": None, "se": None, "n": 0}
    p = successes / n
    low, high = wilson(successes, n)  # type: ignore[misc]
    return {"value": p, "low": low, "high": high, "se": math.sqrt(p * (1 - p) / n), "n": n}


def _nps(promoters: int, detractors: int, n: int) -> dict:
    if n == 0:
        return {"value": None, "low": None, "high": None, "se": None, "n": 0}
    p, d = promoters / n, detractors / n
    value, se = 100 * (p - d), 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    return {"value": value, "low": value - Z * se, "high": value + Z * se, "se": se, "n": n}


def _difference(treated: dict, held: dict) -> dict:
    if treated["value"] is None or held["value"] is None:
        return {"value": None, "low": None, "high": None}
    value = treated["value"] - held["value"]
    se = math.sqrt(treated["se"] ** 2 + held["se"] ** 2)
    return {"value": value, "low": value - Z * se, "high": value + Z * se}


def _text(figure: dict, percent: bool) -> str:
    if figure["value"] is None:
        return "no data"
    scale, unit = (100, "%") if percent else (1, "")
    return (f"{figure['value'] * scale:.1f}{unit} [{figure['low'] * scale:.1f}, {figure['high'] * scale:.1f}]"
            + (f" n={figure['n']}" if "n" in figure else ""))


def journey_effect(store: Store, journey_id: str, as_of: date) -> list[dict]:
    """Churn, band up and NPS of the journey's treated and held-out accounts (entered by as_of), with 95%
    intervals and the difference; counted in the engine, one row per group."""
    version = active_scorecard(store).version
    active = store.ibis.compile(active_accounts(store, as_of))
    until = datetime.combine(as_of + timedelta(days=1), time())
    rows = store.fetchall(
        "SELECT e.held_out, count(*), "
        f"sum(CASE WHEN NOT EXISTS (SELECT 1 FROM ({active}) x WHERE x.account_id = e.account_id) THEN 1 ELSE 0 END), "
        "sum(CASE WHEN e.entry_score IS NOT NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN s.score > e.entry_score AND s.band <> e.entry_band THEN 1 ELSE 0 END), "
        "sum(coalesce(r.promoters, 0)), sum(coalesce(r.detractors, 0)), sum(coalesce(r.answers, 0)) "
        "FROM journey_enrolments e "
        "LEFT JOIN LATERAL (SELECT h.score, h.band FROM health_scores h WHERE h.account_id = e.account_id "
        "  AND h.as_of <= ? AND h.scorecard_version = ? ORDER BY h.as_of DESC LIMIT 1) s ON TRUE "
        "LEFT JOIN LATERAL (SELECT sum(CASE WHEN v.score >= 9 THEN 1 ELSE 0 END) AS promoters, "
        "  sum(CASE WHEN v.score <= 6 THEN 1 ELSE 0 END) AS detractors, count(*) AS answers "
        "  FROM survey_responses v WHERE v.account_id = e.account_id AND v.kind = 'nps' "
        "  AND v.responded_at >= CAST(e.entered_on AS TIMESTAMP) AND v.responded_at < ?) r ON TRUE "
        "WHERE e.journey = ? AND e.entered_on <= ? GROUP BY e.held_out",
        [as_of, version, until, journey_id, as_of],
    )
    groups = {bool(held): [int(v or 0) for v in values] for held, *values in rows}
    empty = [0] * 7
    treated, held = groups.get(False, empty), groups.get(True, empty)
    figures = []
    for measure, make, percent in (
        ("churn", lambda g: _share(g[1], g[0]), True),
        ("band up", lambda g: _share(g[3], g[2]), True),
        ("NPS", lambda g: _nps(g[4], g[5], g[6]), False),
    ):
        t, h = make(treated), make(held)
        difference = _difference(t, h)
        figures.append({"measure": measure, "treated": t, "held_out": h, "difference": difference,
                        "treated_text": _text(t, percent), "held_out_text": _text(h, percent),
                        "difference_text": _text(difference, percent)})
    return figures
