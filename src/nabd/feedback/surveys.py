"""Survey definitions in YAML (the shipped ``surveys.yaml`` or a file of the same shape): kind,
question and follow-up in Arabic and English, touchpoint; plus throttling and link lifetime."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from nabd.errors import NabdError
from nabd.feedback.throttle import ContactLimit

Kind = Literal["nps", "csat", "ces"]
Touchpoint = Literal["after ticket closed", "after onboarding", "quarterly relationship", "exit survey"]
SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
# Why a customer left (the exit survey's reason codes); "competitor" asks which one, "other" a comment.
EXIT_REASONS = ("price", "missing_feature", "support", "competitor", "budget", "company_closed", "other")


class Bilingual(BaseModel):
    en: str = Field(min_length=1)
    ar: str = Field(min_length=1)

    def text(self, language: str) -> str:
        return self.ar if language == "ar" else self.en


class Survey(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Kind
    touchpoint: Touchpoint
    question: Bilingual
    follow_up: Bilingual
    reasons: bool = False  # an exit survey: also asks why the customer left (EXIT_REASONS), kept in exit_reasons

    @property
    def scale(self) -> tuple[int, int]:
        """The lowest and highest score: NPS 0-10, CSAT 1-5, CES 1-7."""
        return SCALES[self.kind]


class SurveyBook(BaseModel):
    contact_limit: ContactLimit = ContactLimit()  # the one limit of messages per contact (surveys and journeys)
    link_days: int = Field(14, ge=1)
    surveys: list[Survey] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _throttle_days(cls, values: object) -> object:
        """``throttle_days: N`` (the older setting) reads as ``contact_limit: {messages: 1, days: N}``."""
        if isinstance(values, dict) and "throttle_days" in values:
            values = dict(values)
            days = values.pop("throttle_days")
            values.setdefault("contact_limit", {"messages": 1, "days": days})
        return values

    @property
    def throttle_days(self) -> int:
        return self.contact_limit.days

    def survey(self, survey_id: str) -> Survey:
        for survey in self.surveys:
            if survey.id == survey_id:
                return survey
        raise NabdError(f"there is no survey {survey_id!r}: use one of {', '.join(s.id for s in self.surveys)}")


def load_surveys(path: str | Path | None = None) -> SurveyBook:
    """The survey definitions of ``path`` (default: the shipped ones), or one clear error."""
    if path is None:
        return _shipped()
    return _parse(Path(path).read_text(encoding="utf-8"), str(path))


@cache
def _shipped() -> SurveyBook:
    return _parse((files("nabd.feedback") / "surveys.yaml").read_text(encoding="utf-8"), "surveys.yaml")


def _parse(text: str, name: str) -> SurveyBook:
    try:
        return SurveyBook.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as error:
        raise NabdError(f"{name} is not valid YAML: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NabdError(f"{name}: {where}: {first['msg']}") from None
