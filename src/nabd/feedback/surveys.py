"""Survey definitions in YAML (the shipped ``surveys.yaml`` or a file of the same shape): kind,
question and follow-up in Arabic and English, touchpoint; plus throttling and link lifetime."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from nabd.errors import NabdError

Kind = Literal["nps", "csat", "ces"]
Touchpoint = Literal["after ticket closed", "after onboarding", "quarterly relationship", "exit survey"]
SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


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

    @property
    def scale(self) -> tuple[int, int]:
        """The lowest and highest score: NPS 0-10, CSAT 1-5, CES 1-7."""
        return SCALES[self.kind]


class SurveyBook(BaseModel):
    throttle_days: int = Field(30, ge=0)
    link_days: int = Field(14, ge=1)
    surveys: list[Survey] = Field(min_length=1)

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
