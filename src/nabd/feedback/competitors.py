"""Competitor watch (core): which competitors survey comments and tickets name, per month and account,
with the comment's sentiment. The list is YAML (the shipped competitors.yaml or a file of the same
shape), validated like Nabd's other YAML files.

A mention = a comment whose lower-cased text, with أ إ آ -> ا, ى -> ي, ة -> ه, holds one of the
competitor's spellings as a whole word (Arabic: optionally after the proclitics و ف ب ل and ال).
mentions = comments naming the competitor in the month; negative = those of negative sentiment;
mean_score = their mean sentiment score (P(positive) - P(negative)). One Ibis expression, run by
DuckDB or PostgreSQL. Shown on the account page and the dashboard; the early-warning indicator
``competitor_mentioned`` (nabd.playbooks.indicators) fires on :func:`named_comments`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import ibis
from pydantic import BaseModel, Field, field_validator

from nabd.feedback.normalise import normalise
from nabd.feedback.themes_report import comments
from nabd.metrics.periods import period_of
from nabd.store import Store
from nabd.yamlfile import load_model, parse_model

_FOLD_FROM, _FOLD_TO = "أإآٱىة", "اااايه"
_LETTER = "a-z0-9ء-ي"
_PROCLITICS = "(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}"  # no "?": compiled SQL with "?" placeholders holds these patterns


class Spellings(BaseModel):
    en: list[str] = Field(min_length=1)
    ar: list[str] = Field(min_length=1)

    @field_validator("en", "ar")
    @classmethod
    def _written(cls, spellings: list[str]) -> list[str]:
        folded = [" ".join(normalise(s).split()) for s in spellings]
        if not all(folded):
            raise ValueError("a spelling needs at least one letter or digit")
        return folded


class Competitor(BaseModel):
    name: str = Field(min_length=1)
    spellings: Spellings


class CompetitorList(BaseModel):
    competitors: list[Competitor] = Field(min_length=1)

    @field_validator("competitors")
    @classmethod
    def _distinct(cls, competitors: list[Competitor]) -> list[Competitor]:
        names = [c.name.lower() for c in competitors]
        if len(set(names)) != len(names):
            raise ValueError("competitor names must be distinct")
        return competitors


def load_competitors(path: str | Path | None = None) -> CompetitorList:
    """The competitors of ``path`` (default: the shipped competitors.yaml)."""
    if path is None:
        resource = files("nabd.feedback") / "competitors.yaml"
        return parse_model(resource.read_text(encoding="utf-8"), CompetitorList, "competitors.yaml")
    return load_model(path, CompetitorList, what="competitor list")


def pattern(competitor: Competitor) -> str:
    """One regular expression (RE2 and PostgreSQL alike) finding any spelling as a whole word."""
    english = [re.escape(s).replace(r"\ ", " ") for s in competitor.spellings.en]
    arabic = [_PROCLITICS + re.escape(s).replace(r"\ ", " ") for s in competitor.spellings.ar]
    return f"(^|[^{_LETTER}])({'|'.join(english + arabic)})($|[^{_LETTER}])"


def named_comments(store: Store, competitors: CompetitorList,
                   within: Callable[[ibis.DateValue], ibis.BooleanValue] | None = None) -> ibis.Table:
    """One row per comment (survey comment or ticket) and competitor it names: source, source_id, account_id,
    day, competitor, sentiment, sentiment_score; only comments whose day is ``within`` when given (the days
    are chosen before any text is searched)."""
    found = comments(store)
    if within is not None:
        found = found.filter(within(found.day))
    text = found.text.lower().translate(_FOLD_FROM, _FOLD_TO)
    named = [
        found.filter(text.re_search(pattern(c))).mutate(competitor=ibis.literal(c.name))
        for c in competitors.competitors
    ]
    rows = ibis.union(*named) if len(named) > 1 else named[0]
    return rows.select("source", "source_id", "account_id", "day", "competitor", "sentiment", "sentiment_score")


def competitor_mentions(store: Store, competitors: CompetitorList,
                        within: Callable[[ibis.DateValue], ibis.BooleanValue] | None = None) -> ibis.Table:
    """month, account_id, competitor, mentions, negative, mean_score (one row per month, account and
    competitor named at least once; only comments whose day is ``within`` when given)."""
    mentions = named_comments(store, competitors, within)
    mentions = mentions.mutate(month=period_of(mentions.day, "month"))
    return mentions.group_by(["month", "account_id", "competitor"]).aggregate(
        mentions=mentions.count(), negative=(mentions.sentiment == "negative").sum().cast("int64"),
        mean_score=mentions.sentiment_score.mean(),
    ).order_by(["month", "account_id", "competitor"])
