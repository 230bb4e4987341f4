"""Journeys in YAML: an entry condition, a holdout share, exit conditions and steps (e-mail, wait, branch,
task, webhook, survey). Validated on load; every error names the file, line and field.

E-mail subjects and bodies are Jinja templates in Arabic and English over the fields of
:data:`TEMPLATE_FIELDS`; an unknown variable or a syntax error is refused when the file is read.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nabd.errors import NabdError
from nabd.feedback.surveys import load_surveys
from nabd.playbooks.indicator_settings import INDICATORS
from nabd.yamlfile import load_model, parse_model, unique_ids

DEFAULT_JOURNEYS = files("nabd.outreach") / "journeys.yaml"

# The variables an e-mail template may use, filled per contact when the e-mail is queued.
TEMPLATE_FIELDS = (
    "account_id", "account_name", "segment", "plan", "csm", "country", "band", "score", "reason",
    "contact_name", "contact_email", "journey", "unsubscribe_url", "onboarding_url", "referral_url",
)
# What a branch or an exit asks of an account since it entered the journey.
Condition = Literal["answered", "score_rose", "score_fell", "opened_ticket", "churned"]
CONDITIONS: tuple[str, ...] = Condition.__args__  # type: ignore[attr-defined]
LIFECYCLE = ("signed_up", "onboarding_stalled", "churned")

jinja = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def template_variables(text: str) -> set[str]:
    """The variables a Jinja template reads; ValueError for a syntax error or an unknown variable."""
    try:
        parsed = jinja.parse(text)
    except TemplateSyntaxError as error:
        raise ValueError(f"template error: {error.message} (template line {error.lineno})") from None
    used = meta.find_undeclared_variables(parsed)
    unknown = sorted(used - set(TEMPLATE_FIELDS))
    if unknown:
        raise ValueError(f"unknown template variable {unknown[0]!r}: use one of {', '.join(TEMPLATE_FIELDS)}")
    return used


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(_Strict):
    """A text in English and Arabic; the contact's language picks one."""

    en: str = Field(min_length=1)
    ar: str = Field(min_length=1)

    def text(self, language: str) -> str:
        return self.ar if language == "ar" else self.en


class Template(Bilingual):
    """A Jinja template in both languages, checked against :data:`TEMPLATE_FIELDS`."""

    @field_validator("en", "ar")
    @classmethod
    def _known_variables(cls, text: str) -> str:
        template_variables(text)
        return text


# --- entry ----------------------------------------------------------------------------------------

class SegmentFilter(_Strict):
    """A saved segment: the accounts (customers, active on the day) of these segments, plans and bands."""

    segments: list[str] = []
    plans: list[str] = []
    bands: list[str] = []
    csms: list[str] = []


class ScoreRange(_Strict):
    """NPS answers from ``min`` to ``max`` (0-10, both included): 9-10 promoters, 0-6 detractors."""

    min: int = Field(ge=0, le=10)
    max: int = Field(ge=0, le=10)

    @model_validator(mode="after")
    def _ordered(self) -> ScoreRange:
        if self.min > self.max:
            raise ValueError("min is above max")
        return self


class Entry(_Strict):
    """Exactly one of: a band entered on the day (its id, colour or name, as the portfolio filter reads
    it), an indicator fired on the day, a lifecycle event
    (signed_up: created in the last 7 days; onboarding_stalled: its indicator fired; churned: the last
    subscription ended in the last 7 days with none active), renewal within N days, a saved segment, or an
    NPS answer in a range (nps_answered: answered in the last 7 days)."""

    band_entered: str | None = None
    indicator: str | None = None
    lifecycle: Literal["signed_up", "onboarding_stalled", "churned"] | None = None
    renewal_in_days: int | None = Field(None, ge=0)
    segment: SegmentFilter | None = None
    nps_answered: ScoreRange | None = None

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, name: str | None) -> str | None:
        if name is not None and name not in INDICATORS:
            raise ValueError(f"unknown indicator {name!r}: use one of {', '.join(INDICATORS)}")
        return name

    @model_validator(mode="after")
    def _exactly_one(self) -> Entry:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one entry condition of {', '.join(type(self).model_fields)}")
        return self


# --- steps ----------------------------------------------------------------------------------------

class EmailStep(_Strict):
    """E-mail every contact of the account, in the contact's language (HTML right to left in Arabic, and
    plain text), with the unsubscribe link; through the outbox, within the contact limit."""

    subject: Template
    body: Template


class WaitStep(_Strict):
    days: int = Field(ge=1, le=3650)


class BranchStep(_Strict):
    """Go to the step ``then`` when the condition holds since the account entered, else to ``else``;
    a target is a step's ``id``, ``next`` (the step after) or ``end``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    condition: Condition = Field(alias="if")
    then: str = "next"
    otherwise: str = Field("next", alias="else")


class TaskStep(_Strict):
    """A task for the account's CSM (or a login), through nabd.playbooks.tasks."""

    title: str = Field(min_length=1, max_length=300)
    owner: str = "csm"
    due_in_days: int = Field(3, ge=0)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"

    @field_validator("title")
    @classmethod
    def _known_variables(cls, title: str) -> str:
        template_variables(title)
        return title


class WebhookStep(_Strict):
    url: str = Field(min_length=1, description="the URL, or ${ENV_VAR}: an unset variable skips the step")
    text: str = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _known_variables(cls, text: str) -> str:
        template_variables(text)
        return text


class SurveyStep(_Strict):
    """A survey of nabd.feedback's survey book e-mailed to the account's contacts (personal signed links)."""

    survey_id: str

    @field_validator("survey_id")
    @classmethod
    def _known_survey(cls, survey_id: str) -> str:
        try:
            load_surveys().survey(survey_id)
        except NabdError as error:
            raise ValueError(str(error)) from None
        return survey_id


class Step(_Strict):
    """One step: exactly one of email, wait, branch, task, webhook, survey; ``id`` names it for branches and
    ``label`` ({en, ar}, optional) is what the journey pages show for it (else its kind and settings)."""

    id: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]*$")
    label: Bilingual | None = None
    email: EmailStep | None = None
    wait: WaitStep | None = None
    branch: BranchStep | None = None
    task: TaskStep | None = None
    webhook: WebhookStep | None = None
    survey: SurveyStep | None = None

    @property
    def kind(self) -> str:
        return next(name for name in KINDS if getattr(self, name) is not None)

    @model_validator(mode="after")
    def _exactly_one(self) -> Step:
        given = [name for name in KINDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a step is exactly one of {', '.join(KINDS)}")
        return self


KINDS = ("email", "wait", "branch", "task", "webhook", "survey")


class Journey(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Bilingual
    description: Bilingual | None = None
    entry: Entry
    holdout: float = Field(0.0, ge=0, lt=1, description="the share of entering accounts held out (sent nothing)")
    reenter_after_days: int = Field(365, ge=1, description="days after entering before an account may enter again")
    exit: list[Condition] = []
    steps: list[Step] = Field(min_length=1)
    enabled: bool = True

    @model_validator(mode="after")
    def _targets(self) -> Journey:
        ids = [step.id for step in self.steps if step.id]
        if len(ids) != len(set(ids)):
            raise ValueError("a step id is used twice")
        for number, step in enumerate(self.steps):
            if step.branch:
                for target in (step.branch.then, step.branch.otherwise):
                    if target not in ("next", "end") and target not in ids:
                        raise ValueError(f"branch target {target!r} is no step id (nor next or end)")
                    if target not in ("next", "end") and self.target(number, target) <= number:
                        raise ValueError(f"branch target {target!r} is not after the branch: journeys only go forward")
        return self

    def target(self, current: int, name: str) -> int:
        """The index a branch at ``current`` goes to (len(steps) = the end)."""
        if name == "next":
            return current + 1
        if name == "end":
            return len(self.steps)
        return next(index for index, step in enumerate(self.steps) if step.id == name)


class Journeys(_Strict):
    journeys: list[Journey]

    @field_validator("journeys")
    @classmethod
    def _unique(cls, journeys: list[Journey]) -> list[Journey]:
        return unique_ids(journeys, "journey")

    def journey(self, journey_id: str) -> Journey:
        for journey in self.journeys:
            if journey.id == journey_id:
                return journey
        raise NabdError(f"there is no journey {journey_id!r}: use one of {', '.join(j.id for j in self.journeys)}")


def load_journeys(path: str | Path | None = None) -> Journeys:
    """Read and validate journeys (the shipped ones when ``path`` is None)."""
    return load_model(path or Path(str(DEFAULT_JOURNEYS)), Journeys)


def parse_journeys(text: str, filename: str = "<journeys>") -> Journeys:
    """Validate journey YAML text; errors name ``filename``, the line and the field."""
    return parse_model(text, Journeys, filename)
