"""Why customers left in a month, from what is stored: the churned accounts' weakest health measures, their
exit-survey reasons and CSM notes (when those tables exist), the comment themes that grew among detractors,
competitor mentions, and whether the early warnings caught the churn.

Churned = a customer on the month's first day and not on the next month's (the headline's customer churn);
churn day = the end of the account's last customer subscription period ending by the next month's first day.
Weakest measure = the measure of the account's last health score on or before its churn day (active scorecard
version) that lost the most points: weight x (100 - score) / 100.
Warned (the rule of nabd.playbooks.backtest) = an indicator fired for the account on a day with
lead = churn day - as-of in [WARNING_LEAD_MIN, WARNING_LEAD_MAX] (nabd.health.backtest); recall = warned / churned; lead time = churn day - first such firing.
All of it in the engine (Ibis over DuckDB or PostgreSQL); report is below playbooks, so this reads their table.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis

from nabd.feedback.competitors import competitor_mentions, load_competitors
from nabd.feedback.themes_report import comments
from nabd.health.backtest import WARNING_LEAD_MAX, WARNING_LEAD_MIN
from nabd.health.versions import active_scorecard
from nabd.metrics.active import customer_subscriptions, customers_at_edges
from nabd.metrics.periods import next_period_start, periods
from nabd.store import Store

TOP = 5


def churned_accounts(store: Store, month: date) -> ibis.Table:
    """account_id, churn_day of the accounts lost in ``month`` (see the module)."""
    edges = customers_at_edges(store, periods("month", month, month))
    lost = edges.filter(edges.at_start & ~edges.at_end).select("account_id")
    following = next_period_start(month, "month")
    subs = customer_subscriptions(store)
    ended = subs.filter(subs.end_date.notnull() & (subs.end_date <= following))
    days = ended.group_by("account_id").aggregate(churn_day=ended.end_date.max()).rename(ended_account="account_id")
    joined = lost.left_join(days, lost.account_id == days.ended_account)
    return joined.select("account_id", churn_day=joined.churn_day.fill_null(following))


def weakest_measures(store: Store, lost: ibis.Table) -> dict[str, Any]:
    """Per measure, how many churned accounts had it as their weakest (see the module), and how many were scored."""
    scorecard = active_scorecard(store)
    scores = store.table("health_scores")
    scores = scores.filter(scores.scorecard_version == scorecard.version)
    last = scores.join(lost, (scores.account_id == lost.account_id) & (scores.as_of <= lost.churn_day))
    last = last.group_by(last.account_id).aggregate(as_of=last.as_of.max())
    measures = store.table("health_measure_scores")
    measures = measures.filter((measures.scorecard_version == scorecard.version) & measures.score.notnull())
    rows = measures.join(last, ["account_id", "as_of"])
    rows = rows.mutate(lost_points=rows.weight * (100 - rows.score) / 100)
    ranked = rows.mutate(rank=ibis.row_number().over(group_by=rows.account_id,
                                                     order_by=[rows.lost_points.desc(), rows.measure]))
    weakest = ranked.filter(ranked.rank == 0)
    counts = weakest.group_by("measure").aggregate(accounts=weakest.count(), mean_score=weakest.score.mean())
    names = {m.id: m.name for m in scorecard.measures}
    found = [{"measure": row["measure"], "name": names.get(row["measure"]), "accounts": int(row["accounts"]),
              "mean_score": float(row["mean_score"])}
             for row in counts.order_by([counts.accounts.desc(), "measure"]).to_pyarrow().to_pylist()]
    return {"scored": int(last.count().to_pyarrow().as_py()), "measures": found}


def exit_reasons(store: Store, lost: ibis.Table, month: date) -> dict[str, Any]:
    """Exit-survey answers of the churned accounts (up to the end of the next month): count per reason, and the
    competitors named."""
    answers = store.table("exit_reasons")
    until = next_period_start(next_period_start(month, "month"), "month")
    answers = answers.filter(answers.responded_at < until).semi_join(lost, "account_id")
    reasons = answers.group_by("reason").aggregate(answers=answers.count(), accounts=answers.account_id.nunique())
    named = answers.filter(answers.competitor.notnull() & (answers.competitor != ""))
    rivals = named.group_by("competitor").aggregate(accounts=named.account_id.nunique())
    return {
        "accounts": int(answers.account_id.nunique().to_pyarrow().as_py()),
        "reasons": reasons.order_by([reasons.accounts.desc(), "reason"]).to_pyarrow().to_pylist(),
        "competitors": rivals.order_by([rivals.accounts.desc(), "competitor"]).to_pyarrow().to_pylist(),
    }


def csm_notes(store: Store, lost: ibis.Table, month: date, limit: int = TOP) -> dict[str, Any]:
    """The churned accounts' CSM notes of the 90 days to the month's end: how many accounts have any, and the
    latest ``limit`` (account, day, kind, outcome, body)."""
    notes = store.table("account_notes")
    following = next_period_start(month, "month")
    notes = notes.filter((notes.happened_on >= following - timedelta(days=90 + 31)) & (notes.happened_on < following))
    notes = notes.semi_join(lost, "account_id")
    latest = notes.order_by([notes.happened_on.desc(), "account_id"]).limit(limit)
    return {"accounts": int(notes.account_id.nunique().to_pyarrow().as_py()),
            "latest": latest.select("account_id", "happened_on", "kind", "outcome", "body").to_pyarrow().to_pylist()}


def detractor_themes(store: Store, month: date) -> dict[str, Any]:
    """Detractors' analysed comments (NPS 0-6, CSAT 1-2, CES 1-3) in ``month`` and the month before, and per
    theme their count in each; ``grew`` = themes with more comments this month, largest rise first."""
    before = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    following = next_period_start(month, "month")
    found = comments(store)
    found = found.filter(found.detractor & (found.day >= before) & (found.day < following))
    found = found.mutate(this=found.day >= month)
    totals = found.aggregate(this=found.this.sum().cast("int64"), before=(~found.this).sum().cast("int64"))
    themes = store.table("feedback_themes")
    themed = found.join(themes, [found.source == themes.source, found.source_id == themes.source_id])
    counts = themed.group_by(themed.theme).aggregate(this=themed.this.sum().cast("int64"),
                                                     before=(~themed.this).sum().cast("int64"))
    rows = counts.to_pyarrow().to_pylist()
    for row in rows:
        row["change"] = row["this"] - row["before"]
    total = totals.to_pyarrow().to_pylist()[0]
    grew = sorted((r for r in rows if r["change"] > 0), key=lambda r: (-r["change"], r["theme"]))
    return {"comments": int(total["this"] or 0), "comments_before": int(total["before"] or 0),
            "themes": sorted(rows, key=lambda r: (-r["this"], r["theme"])), "grew": grew}


def competitor_counts(store: Store, month: date, lost: ibis.Table | None = None) -> dict[str, Any]:
    """Competitor mentions (nabd.feedback.competitors) in ``month`` and the month before, per competitor:
    mentions, negative, accounts; and how many churned accounts named any competitor in the 90 days to the
    month's end."""
    before = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    start = date(month.year - (month.month <= 2), (month.month - 3) % 12 + 1, 1)
    following = next_period_start(month, "month")
    mentions = competitor_mentions(store, load_competitors(), lambda day: (day >= start) & (day < following))
    recent = mentions.filter(mentions.month.cast("date").isin([before, month]))
    this = recent.month.cast("date") == month
    per = recent.group_by("competitor").aggregate(
        mentions=recent.mentions.sum(where=this).fill_null(0).cast("int64"),
        before=recent.mentions.sum(where=~this).fill_null(0).cast("int64"),
        negative=recent.negative.sum(where=this).fill_null(0).cast("int64"),
        accounts=recent.account_id.nunique(where=this).cast("int64"),
    )
    rows = per.order_by([per.mentions.desc(), "competitor"]).to_pyarrow().to_pylist()
    churned_naming = None
    if lost is not None:
        churned_naming = int(mentions.semi_join(lost, "account_id").account_id.nunique().to_pyarrow().as_py())
    return {"competitors": rows, "mentions": sum(r["mentions"] for r in rows),
            "before": sum(r["before"] for r in rows), "churned_naming": churned_naming}


def warnings_caught(store: Store, lost: ibis.Table, month: date) -> dict[str, Any]:
    """Recall of the stored indicator firings on the month's churn (see the module): churned, warned, recall,
    median and mean lead (days), per indicator the accounts it warned, and runs = as-of dates stored in the
    months that could warn (0: the indicators did not run, so recall says nothing)."""
    firings = store.table("indicator_firings")
    first = month - timedelta(days=WARNING_LEAD_MAX)
    last = next_period_start(month, "month") - timedelta(days=WARNING_LEAD_MIN)
    runs = int(firings.filter((firings.as_of >= first) & (firings.as_of <= last)).as_of.nunique().to_pyarrow().as_py())
    joined = lost.join(firings, lost.account_id == firings.account_id)
    lead = joined.churn_day.delta(joined.as_of, unit="day")
    joined = joined.mutate(lead=lead).filter((lead >= WARNING_LEAD_MIN) & (lead <= WARNING_LEAD_MAX))
    per_account = joined.group_by(joined.account_id).aggregate(lead=joined.lead.max())
    leads = sorted(int(v) for v in per_account.lead.to_pyarrow().to_pylist())
    per_indicator = joined.group_by("indicator").aggregate(accounts=joined.account_id.nunique())
    churned = int(lost.count().to_pyarrow().as_py())
    return {
        "churned": churned, "warned": len(leads), "recall": len(leads) / churned if churned else None,
        "median_lead": _median(leads), "mean_lead": sum(leads) / len(leads) if leads else None,
        "indicators": per_indicator.order_by([per_indicator.accounts.desc(), "indicator"]).to_pyarrow().to_pylist(),
        "runs": runs, "lead_min": WARNING_LEAD_MIN, "lead_max": WARNING_LEAD_MAX,
    }


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def churn_reasons(store: Store, month: date) -> dict[str, Any]:
    """Everything the report says about why accounts left in ``month``."""
    lost = churned_accounts(store, month)
    return {
        "churned": int(lost.count().to_pyarrow().as_py()),
        "weakest": weakest_measures(store, lost),
        "exit": exit_reasons(store, lost, month),
        "notes": csm_notes(store, lost, month),
        "themes": detractor_themes(store, month),
        "competitors": competitor_counts(store, month, lost),
        "warnings": warnings_caught(store, lost, month),
    }
