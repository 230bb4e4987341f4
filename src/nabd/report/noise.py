"""When a headline moved beyond its noise: |change| > noise, noise = 1.96 x the standard error of the change.

From counts ("sampling"): var(change) = var(this month) + var(month before), with, for a share p of n,
p(1 - p) / n; for NPS 100^2 (p + d - (p - d)^2) / n (p, d promoter and detractor shares); for tickets per
account T / N^2 (T tickets, Poisson, N accounts). From history ("history", for money ratios): 1.96 x the
standard deviation of the metric's month-to-month changes over the previous months (at least 3 changes).
"""

from __future__ import annotations

import math
from typing import Any

Z_95 = 1.959963984540054
MIN_CHANGES = 3


def _variance(key: str, row: dict[str, Any]) -> float | None:
    """The sampling variance of headline ``key`` in one month's metric row, None without counts."""
    if key == "customer_churn":
        n, p = row.get("customers_start") or 0, row.get("churn_rate")
        return None if not n or p is None else p * (1 - p) / n
    if key == "nps":
        n = row.get("responses") or 0
        if not n:
            return None
        p, d = row["promoters"] / n, row["detractors"] / n
        return 100.0**2 * (p + d - (p - d) ** 2) / n
    if key in ("csat", "ces"):
        n = row.get("responses") or 0
        good = row.get("satisfied" if key == "csat" else "easy") or 0
        return None if not n else 100.0**2 * (good / n) * (1 - good / n) / n
    if key == "tickets":
        n = row.get("customers_start") or 0
        return None if not n else (row.get("tickets_opened") or 0) / n**2
    raise KeyError(key)


def change_noise(key: str, month: dict[str, Any], previous: dict[str, Any]) -> float | None:
    """1.96 x sqrt(var(month) + var(previous)) for headline ``key``; None when either month has no counts."""
    variances = [_variance(key, row) for row in (month, previous)]
    if any(v is None for v in variances):
        return None
    return Z_95 * math.sqrt(sum(variances))


def history_noise(values: list[Any]) -> float | None:
    """1.96 x the sample standard deviation of the month-to-month changes of ``values`` (oldest first, None = no
    value); None with fewer than MIN_CHANGES changes."""
    changes = [float(b) - float(a) for a, b in zip(values, values[1:]) if a is not None and b is not None]
    if len(changes) < MIN_CHANGES:
        return None
    mean = sum(changes) / len(changes)
    return Z_95 * math.sqrt(sum((c - mean) ** 2 for c in changes) / (len(changes) - 1))
