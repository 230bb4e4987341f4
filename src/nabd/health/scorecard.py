"""Scorecards: the YAML that says which measures make up the health score, how each is scored and weighted.

A scorecard is validated by pydantic; an invalid file is a :class:`NabdError` naming the file, the
line and the field (``default.yaml:12: measures.2.weight: ...``). Its version is the first 12 hex
digits of sha256 over the canonical JSON of the validated model, so every stored score names the
exact rules that produced it.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from nabd.errors import NabdError
from nabd.health.selectors import Vocabulary, check_selector, expand
from nabd.yamlfile import load_model, parse_model

DEFAULT_SCORECARD = files("nabd.health") / "scorecards" / "default.yaml"

MeasureType = Literal[
    "usage_time_daily", "usage_time_weekly", "active_users", "licence_utilisation", "new_licences",
    "feature_adoption", "solution_upgrade", "ticket_frequency", "ticket_trend", "ticket_csat",
    "payment_days_overdue", "late_invoice_share", "nps_latest", "nps_trend", "sentiment",
    "referrals", "csm_rating", "days_to_renewal", "renewal_exposure", "usage_trend", "page_visits", "custom",
    # vocabulary-free measures over any event types (params.events selectors: nabd.health.selectors)
    "active_days", "events_per_active_day", "event_types_used", "event_rate", "days_since_last_event",
    "event_trend", "tenure_days",
    # the churn model's further families (nabd.health.measures.changes)
    "mrr_change", "csat_mean", "ces_mean",
    # onboarding progress and early-warning firings (nabd.health.measures.onboarding, .firings)
    "onboarding_progress", "days_since_milestone", "indicator_firings",
]
MEASURE_TYPES: tuple[str, ...] = get_args(MeasureType)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A phrase in English and Arabic."""

    en: str = Field(min_length=1)
    ar: str = Field(min_length=1)


class Step(_Strict):
    """Values at or above ``min`` (up to the next step) score ``score``."""

    min: float
    score: float = Field(ge=0, le=100)


class Thresholds(_Strict):
    """Score = score of the highest step whose min <= value; ``below`` under the first step."""

    kind: Literal["thresholds"]
    steps: list[Step] = Field(min_length=1)
    below: float = Field(0, ge=0, le=100)

    @field_validator("steps")
    @classmethod
    def _ascending(cls, steps: list[Step]) -> list[Step]:
        if any(b.min <= a.min for a, b in pairwise(steps)):
            raise ValueError("step minimums must be strictly ascending")
        return steps


class Piecewise(_Strict):
    """Score interpolated linearly between (value, score) points, held flat beyond the ends."""

    kind: Literal["piecewise"]
    points: list[tuple[float, Annotated[float, Field(ge=0, le=100)]]] = Field(min_length=2)

    @field_validator("points")
    @classmethod
    def _ascending(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        if any(b[0] <= a[0] for a, b in pairwise(points)):
            raise ValueError("point values must be strictly ascending")
        return points


class Percentile(_Strict):
    """Score = 100 x percent rank of the value among the accounts of the same segment."""

    kind: Literal["percentile"]
    higher_is_better: bool = True


class Boolean(_Strict):
    """Score = true_score when the value is non-zero, false_score when it is zero."""

    kind: Literal["boolean"]
    true_score: float = Field(100, ge=0, le=100)
    false_score: float = Field(0, ge=0, le=100)


Rule = Annotated[Thresholds | Piecewise | Percentile | Boolean, Field(discriminator="kind")]


class MeasureParams(_Strict):
    """Parameters of a measure type; each type reads the ones it needs."""

    window_days: int = Field(30, ge=1, le=730)
    features: list[str] | None = None
    page: str | None = None
    sql: str | None = None
    events: list[str] | None = None  # selectors (nabd.health.selectors); None: every event type
    grain: Literal["account", "contact"] | None = None  # active_days: days (account) or (contact, day) pairs
    sum: Literal["events", "value"] | None = None  # event_rate and event_trend: count events or sum their value
    indicators: list[str] | None = None  # indicator_firings: only these indicators; None: every one

    @field_validator("events")
    @classmethod
    def _selectors(cls, events: list[str] | None) -> list[str] | None:
        if events is not None:
            if not events:
                raise ValueError("events lists at least one selector ('*' for every event type)")
            for selector in events:
                check_selector(selector)
        return events


# Fields added after the first versions were stored: left out of the version hash while unset (None), so
# a scorecard that does not use them keeps its version.
_LATER_FIELDS = {"events", "grain", "sum", "vocabulary", "indicators"}


def without_unset_later_fields(content: object) -> object:
    if isinstance(content, dict):
        return {k: without_unset_later_fields(v) for k, v in content.items()
                if not (k in _LATER_FIELDS and v is None)}
    if isinstance(content, list):
        return [without_unset_later_fields(v) for v in content]
    return content


SELECTOR_MEASURES = frozenset({"active_days", "events_per_active_day", "event_types_used", "event_rate",
                               "days_since_last_event", "event_trend"})


class MeasureSpec(_Strict):
    """One measure of the scorecard: its type, parameters, scoring rule and weight."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")
    type: MeasureType
    name: Text
    unit: Literal["ratio", "minutes", "days", "count", "score", "flag"] = "count"
    group: str | None = None
    weight: float = Field(gt=0)
    params: MeasureParams = MeasureParams()
    rule: Rule

    @field_validator("params")
    @classmethod
    def _custom_needs_sql(cls, params: MeasureParams, info: ValidationInfo) -> MeasureParams:
        if info.data.get("type") == "custom" and not params.sql:
            raise ValueError("a custom measure needs params.sql returning (account_id, value)")
        if info.data.get("type") == "page_visits" and not params.page:
            raise ValueError("a page_visits measure needs params.page (e.g. cancel)")
        if params.events is not None and info.data.get("type") not in SELECTOR_MEASURES:
            raise ValueError(f"params.events selects events for {', '.join(sorted(SELECTOR_MEASURES))}, "
                             f"not for {info.data.get('type')}")
        if params.grain == "contact" and info.data.get("type") != "active_days":
            raise ValueError("params.grain: contact is for active_days ((contact, day) pairs)")
        if params.sum is not None and info.data.get("type") not in {"event_rate", "event_trend"}:
            raise ValueError("params.sum (events or value) is for event_rate and event_trend")
        return params


class Group(_Strict):
    id: str
    name: Text


class SegmentOverride(_Strict):
    """Weights for accounts of one segment; measures not named keep their default weight, 0 drops one."""

    weights: dict[str, Annotated[float, Field(ge=0)]]


class MissingData(_Strict):
    """reweight: the score is over available measures; neutral: a missing measure scores neutral_score.

    Either way an account whose available weight share is below minimum_coverage gets no score.
    """

    policy: Literal["reweight", "neutral"] = "reweight"
    neutral_score: float = Field(50, ge=0, le=100)
    minimum_coverage: float = Field(0.5, ge=0, le=1)


class Band(_Strict):
    id: str
    name: Text
    range: tuple[int, int]
    colour: str
    colour_name: Text
    action: Text

    @field_validator("colour")
    @classmethod
    def _css_colour(cls, colour: str) -> str:
        if not re.fullmatch(r"[a-z]+|#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", colour):
            raise ValueError(f"{colour!r} is not a colour: give a CSS colour name (teal) or #rgb / #rrggbb")
        return colour


class Scorecard(_Strict):
    """A validated scorecard; ``version`` hashes its content."""

    name: str = Field(min_length=1)
    description: str = ""
    groups: list[Group] = []
    measures: list[MeasureSpec] = Field(min_length=1)
    segments: dict[str, SegmentOverride] = {}
    missing_data: MissingData = MissingData()
    bands: list[Band] = Field(min_length=1)
    vocabulary: Vocabulary | None = None

    @field_validator("vocabulary")
    @classmethod
    def _groups_named(cls, vocabulary: Vocabulary | None, info: ValidationInfo) -> Vocabulary | None:
        named = {*(vocabulary.groups if vocabulary else {}), *(vocabulary.roles if vocabulary else {})}
        for spec in info.data.get("measures") or []:
            for selector in spec.params.events or []:
                if vocabulary and selector.startswith("group:") and selector.removeprefix("group:") not in named:
                    raise ValueError(f"measure {spec.id!r}: unknown event selector {selector!r}: "
                                     f"the vocabulary names {', '.join(sorted(named)) or 'no group'}")
        return vocabulary

    @field_validator("measures")
    @classmethod
    def _measures_unique_and_grouped(cls, measures: list[MeasureSpec], info: ValidationInfo) -> list[MeasureSpec]:
        ids = [m.id for m in measures]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"measure ids must be unique: {', '.join(duplicated)} repeated")
        groups = {g.id for g in info.data.get("groups", [])}
        unknown = sorted({m.group for m in measures if m.group and m.group not in groups})
        if groups and unknown:
            raise ValueError(f"unknown group {', '.join(unknown)}: declare it under groups")
        return measures

    @field_validator("segments")
    @classmethod
    def _segments_name_measures(cls, segments: dict[str, SegmentOverride], info: ValidationInfo) -> dict[str, SegmentOverride]:
        measures = info.data.get("measures") or []
        known = {m.id for m in measures}
        for segment, override in segments.items():
            unknown = sorted(set(override.weights) - known)
            if known and unknown:
                raise ValueError(f"segment {segment!r} weights unknown measure {', '.join(unknown)}")
            total = sum(override.weights.get(m.id, m.weight) for m in measures)
            if measures and total <= 0:
                raise ValueError(f"segment {segment!r} leaves no measure with a positive weight")
        return segments

    @field_validator("bands")
    @classmethod
    def _bands_cover_0_to_100(cls, bands: list[Band]) -> list[Band]:
        ordered = sorted(bands, key=lambda b: b.range[0])
        expected = 0
        for band in ordered:
            low, high = band.range
            if low > high:
                raise ValueError(f"band {band.id!r} range {low}-{high} is reversed")
            if low != expected:
                problem = "gap" if low > expected else "overlap"
                raise ValueError(f"band {band.id!r} starts at {low}: {problem}, expected {expected}")
            expected = high + 1
        if expected != 101:
            raise ValueError(f"bands end at {expected - 1}: they must cover 0-100 exactly")
        return ordered

    @property
    def version(self) -> str:
        """First 12 hex digits of sha256(canonical JSON of the validated scorecard)."""
        content = without_unset_later_fields(self.model_dump(mode="json"))
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def weights(self, segment: str | None = None) -> dict[str, float]:
        """Measure weights for ``segment`` (case-insensitive; None = default), normalised to sum 100."""
        override = next(
            (o.weights for name, o in self.segments.items() if segment and name.lower() == segment.lower()), {}
        )
        raw = {m.id: override.get(m.id, m.weight) for m in self.measures}
        total = sum(raw.values())
        return {measure: 100 * weight / total for measure, weight in raw.items()}

    def measure(self, measure_id: str) -> MeasureSpec:
        for spec in self.measures:
            if spec.id == measure_id:
                return spec
        raise NabdError(f"the scorecard {self.name!r} has no measure {measure_id!r}")

    def band_of(self, score: int) -> Band:
        return next(b for b in self.bands if b.range[0] <= score <= b.range[1])


ROLE_MEASURES = {"usage_time_daily": "session", "usage_time_weekly": "session", "usage_trend": "session",
                 "feature_adoption": "feature_use"}  # measure type -> the vocabulary role it reads


def resolved_measures(scorecard: Scorecard) -> list[MeasureSpec]:
    """The scorecard's measures with each ``group:<name>`` selector replaced by the vocabulary's event types
    (an unknown group is a one-line error), and the session and feature measures reading the vocabulary's
    ``session`` and ``feature_use`` roles when it maps them (else Nabd's own ``session``, ``feature:<name>``)."""
    vocabulary = scorecard.vocabulary
    resolved = []
    for spec in scorecard.measures:
        events = spec.params.events
        if events and any(s.startswith("group:") for s in events):
            events = expand(events, vocabulary)
        role = ROLE_MEASURES.get(spec.type)
        if role and vocabulary and role in vocabulary.roles:
            events = vocabulary.roles[role]
        if events != spec.params.events:
            spec = spec.model_copy(update={"params": spec.params.model_copy(update={"events": events})})
        resolved.append(spec)
    return resolved


def with_vocabulary(scorecard: Scorecard, vocabulary: Vocabulary | None) -> Scorecard:
    """The scorecard reading ``vocabulary`` (validated again: its group selectors must name the vocabulary's groups)."""
    if vocabulary is None:
        return scorecard
    return Scorecard.model_validate({**scorecard.model_dump(mode="json"), "vocabulary": vocabulary.model_dump(mode="json")})


RULE_TAGS = frozenset({"thresholds", "piecewise", "percentile", "boolean"})  # scoring-rule union tags
SCORECARD_SHAPE = "a scorecard is a YAML mapping with name, measures and bands"


def load_scorecard(path: str | Path | None = None) -> Scorecard:
    """Read and validate a scorecard YAML file (the shipped default when ``path`` is None)."""
    source = Path(path) if path else Path(str(DEFAULT_SCORECARD))
    return load_model(source, Scorecard, what="the scorecard", tags=RULE_TAGS)


def parse_scorecard(text: str, filename: str = "<scorecard>") -> Scorecard:
    """Validate scorecard YAML text; errors name ``filename``, the line and the field."""
    return parse_model(text, Scorecard, filename, top_level=SCORECARD_SHAPE, tags=RULE_TAGS)
