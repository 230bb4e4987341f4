"""Playbooks in YAML: a trigger, conditions on the account, and steps (task, notify, survey, tag).

Templates (task titles, notification texts) use ``{placeholder}`` fields filled per account:
account_id, account_name, csm, segment, plan, band, score, action (the band's action from the
scorecard), reason (why the trigger fired, e.g. an indicator's evidence), playbook.
"""

from __future__ import annotations

import operator
import string
from functools import reduce
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from nabd.playbooks.indicator_settings import INDICATORS
from nabd.yamlfile import load_model, parse_model, unique_ids

DEFAULT_PLAYBOOKS = files("nabd.playbooks") / "default_playbooks.yaml"
PLACEHOLDERS = ("account_id", "account_name", "csm", "segment", "plan", "band", "score", "action", "reason", "playbook")


def template_fields(template: str) -> list[str]:
    """The placeholder names of a template, refusing unknown ones."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    unknown = sorted(set(names) - set(PLACEHOLDERS))
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}: use one of {', '.join(PLACEHOLDERS)}")
    return names


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _checked(template: str) -> str:
    """``template`` when its placeholders are all known (pydantic reports the ValueError with its line)."""
    template_fields(template)
    return template


# --- triggers -------------------------------------------------------------------------------------

class BandTrigger(_Strict):
    """The account's band on the run's as-of date is ``band``."""

    band: str


class BandChangeTrigger(_Strict):
    """The account's band changed on the as-of date (optionally from / to given bands)."""

    band_change: dict[Literal["from", "to"], str] = {}


class ScoreDropTrigger(_Strict):
    """The score fell by at least ``points`` since the latest score ``days`` or more before."""

    score_drop: int = Field(ge=1, le=100)
    days: int = Field(30, ge=1)


class IndicatorTrigger(_Strict):
    """The named indicator fired for the account on the as-of date."""

    indicator: str

    @field_validator("indicator")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in INDICATORS:
            raise ValueError(f"unknown indicator {name!r}: use one of {', '.join(INDICATORS)}")
        return name


class RenewalTrigger(_Strict):
    """An active subscription renews within ``renewal_in_days`` days of the as-of date."""

    renewal_in_days: int = Field(ge=0)


class NewAccountTrigger(_Strict):
    """The account was created within the last ``new_account_days`` days."""

    new_account_days: int = Field(ge=1)


def _one_of(*models: type[BaseModel]) -> Any:
    """A union told apart by which model's first field is a key of the mapping (one clear error, not one per member)."""
    by_key = {next(iter(model.model_fields)): model.__name__ for model in models}

    def kind(value: Any) -> str | None:
        if isinstance(value, BaseModel):
            return type(value).__name__
        if isinstance(value, dict):
            return next((name for key, name in by_key.items() if key in value), None)
        return None

    members = tuple(Annotated[model, Tag(model.__name__)] for model in models)
    return Annotated[
        reduce(operator.or_, members),
        Discriminator(kind, custom_error_type="kind", custom_error_message=f"use one of: {', '.join(by_key)}"),
    ]


Trigger = _one_of(BandTrigger, BandChangeTrigger, ScoreDropTrigger, IndicatorTrigger, RenewalTrigger, NewAccountTrigger)


class Conditions(_Strict):
    """Which accounts a playbook applies to; an empty list or a missing bound means any."""

    segments: list[str] = []
    plans: list[str] = []
    mrr_min: float | None = None
    mrr_max: float | None = None

    @model_validator(mode="after")
    def _range(self) -> Conditions:
        if self.mrr_min is not None and self.mrr_max is not None and self.mrr_min > self.mrr_max:
            raise ValueError("mrr_min is above mrr_max")
        return self


# --- steps ----------------------------------------------------------------------------------------

class Wording(_Strict):
    """A task title in English and (optionally) Arabic; shown in the reader's language, English when it
    has no Arabic. ``{reason}`` is worded from the task's cause and evidence in that language."""

    en: str = Field(min_length=1, max_length=300)
    ar: str | None = Field(None, min_length=1, max_length=300)

    @field_validator("en", "ar")
    @classmethod
    def _placeholders(cls, title: str | None) -> str | None:
        return None if title is None else _checked(title)


class TaskStep(_Strict):
    title: Wording = Field(description="a template, or {en: ..., ar: ...}")
    owner: str = Field("csm", description="'csm' (the account's CSM) or a user's login")
    due_in_days: int = Field(3, ge=0)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"

    @field_validator("title", mode="before")
    @classmethod
    def _one_language(cls, title: Any) -> Any:
        return {"en": _checked(title)} if isinstance(title, str) else title


class Task(_Strict):
    task: TaskStep


class WebhookStep(_Strict):
    url: str = Field(min_length=1, description="the URL, or ${ENV_VAR}: an unset variable skips the step")
    text: str = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _placeholders(cls, text: str) -> str:
        return _checked(text)


class Webhook(_Strict):
    webhook: WebhookStep


class EmailStep(_Strict):
    to: list[str] = Field(min_length=1, description="addresses, or ${ENV_VAR}: an unset variable skips the step")
    subject: str = Field(min_length=1)
    text: str = Field(min_length=1)

    @field_validator("subject", "text")
    @classmethod
    def _placeholders(cls, text: str) -> str:
        return _checked(text)


class Email(_Strict):
    email: EmailStep


class SurveyStep(_Strict):
    """A "send a survey" task for the CSM; with ``survey_id`` and a public URL, the survey is also
    e-mailed to the account's contacts through the outbox (nabd.feedback.sending)."""

    kind: Literal["nps", "csat", "ces"] = "nps"
    due_in_days: int = Field(7, ge=0)
    survey_id: str | None = Field(None, description="a survey of nabd.feedback's survey book, e.g. relationship-nps")
    base_url: str = Field("${NABD_PUBLIC_URL}", description="where survey links point; unset = no e-mail, task only")


class Survey(_Strict):
    survey: SurveyStep


class AddTag(_Strict):
    tag: str = Field(min_length=1, max_length=60)


Step = _one_of(Task, Webhook, Email, Survey, AddTag)


class Playbook(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str = Field(min_length=1)
    trigger: Trigger
    conditions: Conditions = Conditions()
    cooldown_days: int = Field(30, ge=0, description="days after acting on an account before acting on it again")
    steps: list[Step] = Field(min_length=1)
    enabled: bool = True


class Playbooks(_Strict):
    playbooks: list[Playbook]

    @field_validator("playbooks")
    @classmethod
    def _unique(cls, playbooks: list[Playbook]) -> list[Playbook]:
        return unique_ids(playbooks, "playbook")


def load_playbooks(path: str | Path | None = None) -> Playbooks:
    """Read and validate playbooks (the shipped defaults when ``path`` is None)."""
    return load_model(path or Path(str(DEFAULT_PLAYBOOKS)), Playbooks)


def parse_playbooks(text: str, filename: str = "<playbooks>") -> Playbooks:
    """Validate playbook YAML text; errors name ``filename``, the line and the field."""
    return parse_model(text, Playbooks, filename)
