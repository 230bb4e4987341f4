"""Competitor watch on the pages: one account's mentions of competitors by month (with the comments' sentiment),
and the dashboard's mentions per competitor per month, from nabd.feedback.competitors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from nabd.feedback.competitors import competitor_mentions, load_competitors
from nabd.store import Store

SHOWN_MONTHS = 12


def account_mentions(store: Store, account_id: str) -> list[dict[str, Any]]:
    """The account's rows of competitor_mentions (month, competitor, mentions, negative, mean_score), newest first."""
    found = competitor_mentions(store, load_competitors())
    found = found.filter(found.account_id == account_id)
    return found.order_by([found.month.desc(), "competitor"]).select(
        "month", "competitor", "mentions", "negative", "mean_score").to_pyarrow().to_pylist()


def monthly_mentions(store: Store, today: date, months: int = SHOWN_MONTHS) -> dict[str, Any]:
    """Mentions per competitor in each of the last ``months`` whole months before ``today``: labels (YYYY-MM-01),
    series [{name, values}] one per competitor named, and rows (month, competitor, mentions, negative, accounts)."""
    end = today.replace(day=1)
    index = end.year * 12 + end.month - 1 - months
    start = date(index // 12, index % 12 + 1, 1)
    found = competitor_mentions(store, load_competitors(), lambda day: (day >= start) & (day < end))
    per = found.group_by([found.month.cast("date").name("month"), "competitor"]).aggregate(
        mentions=found.mentions.sum().cast("int64"), negative=found.negative.sum().cast("int64"),
        accounts=found.account_id.nunique().cast("int64"))
    rows = per.order_by(["month", "competitor"]).to_pyarrow().to_pylist()
    labels = []
    day = start
    while day < end:
        labels.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    names = sorted({row["competitor"] for row in rows})
    counts = {(row["month"], row["competitor"]): row["mentions"] for row in rows}
    return {"labels": [str(label) for label in labels], "rows": rows, "start": start, "end": end - timedelta(days=1),
            "series": [{"name": name, "values": [counts.get((label, name), 0) for label in labels]} for name in names]}
