"""Did the indicators warn before churn? Recall and precision of stored indicator firings.

A churn is (account, churn_day): churn_day is the end of one of the account's subscription
periods and the account has no period active on that day. An indicator warned of a churn when it
fired for the account on an as-of date with lead = churn_day - as_of in [lead_min, lead_max] days.
  recall    = churns in [first + lead_max, last] with a warning / those churns
  precision = firings on as-of dates <= last - lead_max followed by a churn at such a lead / those firings
  base rate = the same share over every active (account, as-of date) pair of those dates, for comparison.
Computed in SQL over ``indicator_firings``; run the indicators on the as-of dates first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from nabd.health.backtest import WARNING_LEAD_MAX, WARNING_LEAD_MIN
from nabd.store import Store

_CHURNS = """
SELECT DISTINCT s.account_id, s.end_date AS churn_day
FROM subscriptions s
WHERE s.end_date IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM subscriptions o WHERE o.account_id = s.account_id
    AND o.start_date <= s.end_date AND (o.end_date IS NULL OR o.end_date > s.end_date))
"""


@dataclass(frozen=True)
class Warning:
    indicator: str  # an indicator's name, or "any"
    churns: int
    warned: int
    recall: float | None
    firings: int
    followed_by_churn: int
    precision: float | None


@dataclass(frozen=True)
class WarningBacktest:
    first: date
    last: date
    lead_min: int
    lead_max: int
    dates: int
    base_rate: float | None
    indicators: list[Warning]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def warning_backtest(
    store: Store, first: date, last: date, lead_min: int = WARNING_LEAD_MIN, lead_max: int = WARNING_LEAD_MAX
) -> WarningBacktest:
    """Recall and precision per indicator (and for any indicator) of the firings stored for [first, last]."""
    recall_from, precision_to = first + timedelta(days=lead_max), last - timedelta(days=lead_max)
    firings = (
        "SELECT account_id, indicator, as_of FROM indicator_firings WHERE as_of BETWEEN ? AND ? "
        "UNION ALL SELECT DISTINCT account_id, 'any', as_of FROM indicator_firings WHERE as_of BETWEEN ? AND ?"
    )
    lead = "c.churn_day - f.as_of"
    window = [first, last, first, last]
    recall = {name: (churns, warned) for name, churns, warned in store.fetchall(
        f"WITH c AS ({_CHURNS}), f AS ({firings}), names AS (SELECT DISTINCT indicator FROM f) "
        f"SELECT n.indicator, count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM f WHERE f.indicator = n.indicator "
        f"  AND f.account_id = c.account_id AND {lead} BETWEEN ? AND ?)) "
        f"FROM c CROSS JOIN names n WHERE c.churn_day BETWEEN ? AND ? GROUP BY n.indicator",
        [*window, lead_min, lead_max, recall_from, last],
    )}
    precision = {name: (count, hits) for name, count, hits in store.fetchall(
        f"WITH c AS ({_CHURNS}), f AS ({firings}) "
        f"SELECT f.indicator, count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM c WHERE c.account_id = f.account_id "
        f"  AND {lead} BETWEEN ? AND ?)) FROM f WHERE f.as_of <= ? GROUP BY f.indicator",
        [*window, lead_min, lead_max, precision_to],
    )}
    dates = [day for (day,) in store.fetchall(
        "SELECT DISTINCT as_of FROM indicator_firings WHERE as_of BETWEEN ? AND ? ORDER BY 1", [first, last]
    )]
    pairs, positives = store.fetchall(
        f"WITH c AS ({_CHURNS}), d AS (SELECT DISTINCT as_of FROM indicator_firings WHERE as_of BETWEEN ? AND ?), "
        "p AS (SELECT DISTINCT s.account_id, d.as_of FROM subscriptions s JOIN d ON s.start_date <= d.as_of "
        "  AND (s.end_date IS NULL OR s.end_date > d.as_of) WHERE d.as_of <= ?) "
        "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM c WHERE c.account_id = p.account_id "
        "  AND c.churn_day - p.as_of BETWEEN ? AND ?)) FROM p",
        [first, last, precision_to, lead_min, lead_max],
    )[0]
    names = sorted(set(recall) | set(precision), key=lambda n: (n != "any", n))
    rows = []
    for name in names:
        (churns, warned), (fired, hits) = recall.get(name, (0, 0)), precision.get(name, (0, 0))
        rows.append(Warning(name, churns, warned, _ratio(warned, churns), fired, hits, _ratio(hits, fired)))
    return WarningBacktest(first, last, lead_min, lead_max, len(dates), _ratio(positives, pairs), rows)


def render_warning_backtest(result: WarningBacktest) -> str:
    """A plain-text table of the backtest, for test output and reports."""
    lines = [
        (f"indicator warnings {result.first} .. {result.last}, {result.dates} as-of dates, "
         f"lead {result.lead_min}-{result.lead_max} days; base rate {_percent(result.base_rate)}"),
        f"{'indicator':<20} {'churns':>6} {'warned':>6} {'recall':>7} {'firings':>8} {'hit':>5} {'precision':>9}",
    ]
    for row in result.indicators:
        lines.append(
            f"{row.indicator:<20} {row.churns:>6} {row.warned:>6} {_percent(row.recall):>7} {row.firings:>8} "
            f"{row.followed_by_churn:>5} {_percent(row.precision):>9}"
        )
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
