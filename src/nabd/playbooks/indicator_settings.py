"""The settings of the leading indicators (indicators.yaml): one model per indicator, validated with the
file's line in every error."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from nabd.store.vocabulary import LOGIN, SESSION, page
from nabd.yamlfile import load_model

DEFAULT_INDICATORS = files("nabd.playbooks") / "indicators.yaml"


class _Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True


class NegativeFeedback(_Indicator):
    window_days: int = Field(30, ge=1)
    nps_max: int = Field(6, ge=0, le=10)
    csat_max: int = Field(2, ge=1, le=5)
    sentiment_max: float = Field(-0.3, ge=-1, le=1)  # a comment analysed negative with a score <= this


class NeutralRating(_Indicator):
    window_days: int = Field(30, ge=1)
    nps: list[int] = [7, 8]
    csat: list[int] = [3]


class TicketBurst(_Indicator):
    window_days: int = Field(14, ge=1)
    baseline_days: int = Field(180, ge=1)
    factor: float = Field(2.0, gt=0)
    min_tickets: int = Field(3, ge=1)


class RenewalRequest(_Indicator):
    renewal_within_days: int = Field(60, ge=0)
    request_within_days: int = Field(60, ge=1)
    ticket_categories: list[str] = ["discount request", "price cut", "contract change", "cancellation"]
    event_types: list[str] = ["cancel_intent", "discount_request"]


class UsageDrop(_Indicator):
    event_type: str = SESSION
    use_value: bool = True
    recent_days: int = Field(14, ge=7)
    baseline_weeks: int = Field(8, ge=1)
    drop: float = Field(0.30, gt=0, lt=1)


class LowUsage(_Indicator):
    event_type: str = LOGIN
    window_days: int = Field(28, ge=1)
    min_active_share: float = Field(0.25, gt=0, le=1)


class InvoiceOverdue(_Indicator):
    overdue_days: int = Field(30, ge=0)


class BandDown(_Indicator):
    window_days: int = Field(7, ge=1)


class IntentPages(_Indicator):
    window_days: int = Field(14, ge=1)
    event_types: list[str] = [page("pricing"), page("cancel")]
    min_visits: int = Field(2, ge=1)


class OnboardingStalled(_Indicator):
    after_days: int = Field(30, ge=1)
    until_days: int = Field(180, ge=1)
    quiet_days: int = Field(21, ge=1)


class CompetitorMentioned(_Indicator):
    window_days: int = Field(30, ge=1)
    bands: list[str] = ["unhealthy", "neutral"]  # the account's latest band; empty = every account
    negative_only: bool = False


class IndicatorSettings(BaseModel):
    """Thresholds of every indicator (indicators.yaml)."""

    model_config = ConfigDict(extra="forbid")

    negative_feedback: NegativeFeedback = NegativeFeedback()
    neutral_rating: NeutralRating = NeutralRating()
    ticket_burst: TicketBurst = TicketBurst()
    renewal_request: RenewalRequest = RenewalRequest()
    usage_drop: UsageDrop = UsageDrop()
    low_usage: LowUsage = LowUsage()
    invoice_overdue: InvoiceOverdue = InvoiceOverdue()
    band_down: BandDown = BandDown()
    intent_pages: IntentPages = IntentPages()
    onboarding_stalled: OnboardingStalled = OnboardingStalled()
    competitor_mentioned: CompetitorMentioned = CompetitorMentioned()


INDICATORS = tuple(IndicatorSettings.model_fields)


def load_indicator_settings(path: str | Path | None = None) -> IndicatorSettings:
    """Read and validate indicator thresholds (the shipped file when ``path`` is None)."""
    return load_model(path or Path(str(DEFAULT_INDICATORS)), IndicatorSettings)
