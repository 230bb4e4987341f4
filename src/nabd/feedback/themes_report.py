"""Themes over time: how many comments carry each theme per period (and segment or other account
attribute), the comments that show it, and the themes that grew among detractors.

A comment's day is the survey response's ``responded_at`` or the ticket's ``opened_at``. A detractor
is a survey response scoring NPS 0-6, CSAT 1-2 or CES 1-3.
"""

from __future__ import annotations

from datetime import date

import ibis

from nabd.metrics.breakdown import with_groups
from nabd.metrics.periods import dated, periods
from nabd.metrics.ratios import ratio
from nabd.store.sql import float_literal
from nabd.store import Store
from nabd.store.calendar import local_day


def comments(store: Store) -> ibis.Table:
    """Every analysed comment with its day, source kind and score, and whether it is a detractor's."""
    analysis = store.table("feedback_analysis")
    responses = store.table("survey_responses")
    tickets = store.table("tickets")
    answered = analysis.filter(analysis.source == "survey_response").join(
        responses, analysis.source_id == responses.response_id
    ).select(
        analysis.source, analysis.source_id, analysis.account_id, analysis.sentiment, analysis.sentiment_score,
        text=responses.comment, day=local_day(responses.responded_at), kind=responses.kind,
        detractor=((responses.kind == "nps") & (responses.score <= 6))
        | ((responses.kind == "csat") & (responses.score <= 2))
        | ((responses.kind == "ces") & (responses.score <= 3)),
    )
    raised = analysis.filter(analysis.source == "ticket").join(
        tickets, analysis.source_id == tickets.ticket_id
    ).select(
        analysis.source, analysis.source_id, analysis.account_id, analysis.sentiment, analysis.sentiment_score,
        text=tickets.subject.fill_null("") + ibis.literal(": ") + tickets.body.fill_null(""),
        day=local_day(tickets.opened_at), kind=ibis.literal("ticket"), detractor=ibis.literal(False),
    )
    return answered.union(raised)


def _themed(store: Store) -> ibis.Table:
    themes = store.table("feedback_themes")
    found = comments(store)
    return found.join(themes, [found.source == themes.source, found.source_id == themes.source_id]).select(
        found, themes.theme
    )


def theme_counts(
    store: Store, *, period: str = "month", start: date, end: date, by: str | None = None,
    detractors_only: bool = False,
) -> ibis.Table:
    """comments = comments carrying the theme in the period; negative = those of negative sentiment;
    share = comments / all analysed comments of the period (and group)."""
    bounds = periods(period, start, end)
    themed, every = _themed(store), comments(store)
    themed = with_groups(store, dated(themed, themed.day, bounds, period), by)
    every = with_groups(store, dated(every, every.day, bounds, period), by)
    if detractors_only:
        themed, every = themed.filter(themed.detractor), every.filter(every.detractor)
    keys = ["period_start"] + ([by] if by else [])
    counted = themed.group_by([*keys, "theme"]).aggregate(
        comments=themed.count(), negative=(themed.sentiment == "negative").sum().cast("int64"),
        mean_score=themed.sentiment_score.mean(),
    )
    totals = every.group_by(keys).aggregate(all_comments=every.count())
    joined = counted.join(totals, keys)
    return joined.mutate(share=ratio(joined.comments, joined.all_comments)).order_by([*keys, ibis.desc("comments")])


def theme_examples(store: Store, theme: str, *, start: date, end: date, limit: int = 3,
                   detractors_only: bool = False) -> ibis.Table:
    """The most negative comments carrying ``theme`` in [start, end] (lowest sentiment score first)."""
    themed = _themed(store)
    chosen = themed.filter((themed.theme == theme) & (themed.day >= start) & (themed.day <= end))
    if detractors_only:
        chosen = chosen.filter(chosen.detractor)
    return chosen.select("source", "source_id", "account_id", "day", "text", "sentiment", "sentiment_score") \
        .order_by(["sentiment_score", "source_id"]).limit(limit)


def growing_detractor_themes(
    store: Store, *, previous: tuple[date, date], current: tuple[date, date]
) -> ibis.Table:
    """Themes of detractors' comments in ``current`` against ``previous`` (inclusive day ranges):
    share = detractor comments with the theme / detractor comments of the range;
    growth = current share - previous share (the answer to "why did NPS drop?"), largest first."""
    themed = _themed(store).filter(lambda t: t.detractor)
    every = comments(store).filter(lambda t: t.detractor)

    def in_range(table: ibis.Table, bounds: tuple[date, date]) -> ibis.Expr:
        return (table.day >= bounds[0]) & (table.day <= bounds[1])

    def shares(bounds: tuple[date, date], prefix: str) -> ibis.Table:
        chosen = themed.filter(in_range(themed, bounds))
        total = every.filter(in_range(every, bounds)).aggregate(total=lambda t: t.count())
        counted = chosen.group_by("theme").aggregate(**{f"{prefix}_comments": chosen.count()}).cross_join(total)
        return counted.select("theme", f"{prefix}_comments",
                              **{f"{prefix}_share": ratio(counted[f"{prefix}_comments"], counted.total)})

    before, after = shares(previous, "previous"), shares(current, "current")
    joined = after.join(before, "theme", how="outer")
    theme = ibis.coalesce(joined.theme, joined.theme_right)
    table = joined.select(
        theme=theme,
        previous_comments=joined.previous_comments.fill_null(0),
        current_comments=joined.current_comments.fill_null(0),
        previous_share=joined.previous_share.fill_null(float_literal(0.0)),
        current_share=joined.current_share.fill_null(float_literal(0.0)),
    )
    return table.mutate(growth=table.current_share - table.previous_share).order_by(
        [ibis.desc("growth"), "theme"]
    )
