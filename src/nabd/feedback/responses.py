"""Survey answers: through a personal link (checked, single use) or posted by another tool (API);
each lands in ``survey_responses`` with its touchpoint and its comment is analysed at once."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, model_validator

from nabd.errors import NabdError
from nabd.feedback.analysis import analyse_comments
from nabd.feedback.links import LinkProblem, link_key, verify_link
from nabd.feedback.surveys import EXIT_REASONS, SCALES, Survey, SurveyBook, load_surveys
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.date_range import date_range


@dataclass(frozen=True)
class Invitation:
    """An answerable link: who was asked which survey, in which language."""

    send_id: str
    survey: Survey
    account_id: str
    contact_id: str
    language: str


def open_link(store: Store, token: str, *, book: SurveyBook | None = None, now: datetime | None = None) -> Invitation:
    """The invitation behind ``token``; LinkProblem("invalid" | "expired" | "used") when it cannot be answered."""
    try:
        send_id = verify_link(link_key(store), token, now or utc_now())
    except LinkProblem as problem:
        if problem.send_id:
            problem.language = store.scalar("SELECT language FROM survey_sends WHERE send_id = ?", [problem.send_id])
        raise
    rows = store.fetchall(
        "SELECT survey_id, account_id, contact_id, language, used_at FROM survey_sends WHERE send_id = ?", [send_id]
    )
    if not rows:
        raise LinkProblem("invalid")
    survey_id, account_id, contact_id, language, used_at = rows[0]
    if used_at is not None:
        raise LinkProblem("used", send_id, language)
    try:
        survey = (book or load_surveys()).survey(survey_id)
    except NabdError:
        raise LinkProblem("invalid") from None
    return Invitation(send_id, survey, account_id, contact_id, language)


def check_reason(reason: str | None, competitor: str | None) -> tuple[str, str | None]:
    """An exit survey's reason code (and the competitor's name when the customer switched), or NabdError."""
    if reason not in EXIT_REASONS:
        raise NabdError(f"an exit reason is one of {', '.join(EXIT_REASONS)}, not {reason!r}")
    competitor = (competitor or "").strip() or None
    if reason == "competitor" and competitor is None:
        raise NabdError("name the competitor you switched to")
    return reason, competitor if reason == "competitor" else None


def answer_link(
    store: Store, token: str, score: int, comment: str | None, *, book: SurveyBook | None = None,
    now: datetime | None = None, reason: str | None = None, competitor: str | None = None,
) -> str:
    """Store the answer to the link ``token`` once (the link is used up) and analyse its comment;
    returns the response id. An exit survey (``reasons``) also stores its reason code in ``exit_reasons``.
    LinkProblem when the link cannot be answered, NabdError for a bad score or reason."""
    now = now or utc_now()
    invitation = open_link(store, token, book=book, now=now)
    check_score(invitation.survey.kind, score)
    if invitation.survey.reasons:
        reason, competitor = check_reason(reason, competitor)
    response_id = f"survey-{invitation.send_id}"
    comment = (comment or "").strip() or None
    with store.transaction():
        store.execute(
            "UPDATE survey_sends SET used_at = ?, response_id = ? WHERE send_id = ? AND used_at IS NULL",
            [now, response_id, invitation.send_id],
        )
        store.execute(
            "INSERT INTO survey_responses (response_id, account_id, contact_id, kind, score, comment, language, "
            "touchpoint, responded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [response_id, invitation.account_id, invitation.contact_id, invitation.survey.kind, score, comment,
             invitation.language, invitation.survey.touchpoint, now],
        )
        if invitation.survey.reasons:
            store.execute(
                "INSERT INTO exit_reasons (response_id, account_id, contact_id, reason, competitor, comment, "
                "responded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [response_id, invitation.account_id, invitation.contact_id, reason, competitor, comment, now],
            )
    analyse_comments(store, [response_id])
    return response_id


def check_score(kind: str, score: int) -> None:
    low, high = SCALES[kind]
    if not low <= score <= high:
        raise NabdError(f"a {kind} score is between {low} and {high}, not {score}")


def _moment_text(value: Any) -> Any:
    """A moment is ISO 8601 text (2026-05-01T10:00:00Z; no offset = UTC), in NABD_DATE_RANGE, stored as
    naive UTC; a number (which pydantic would read as seconds since 1970) is not a moment."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a moment: write it like 2026-05-01T10:00:00Z") from None
    if not isinstance(value, datetime):
        raise ValueError("a moment is written as text like 2026-05-01T10:00:00Z, not a number")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    dates = date_range()
    if not dates.holds(value):
        raise ValueError(f"{value.isoformat()} {dates.reason}")
    return value


Moment = Annotated[datetime, BeforeValidator(_moment_text)]


class PostedResponse(BaseModel):
    """A survey response run in another tool, as posted to the API."""

    response_id: str | None = Field(None, description="your id; default: a new one")
    account_id: str
    contact_id: str | None = None
    kind: str = Field(pattern="^(nps|csat|ces)$")
    score: int
    comment: str | None = None
    language: str | None = Field(None, pattern="^(ar|en)$")
    touchpoint: str | None = None
    responded_at: Moment | None = Field(None, description="when it was answered (2026-05-01T10:00:00Z); default: now")

    @model_validator(mode="after")
    def score_on_scale(self) -> PostedResponse:
        try:
            check_score(self.kind, self.score)
        except NabdError as error:
            raise ValueError(str(error)) from None
        return self


def record_response(store: Store, posted: PostedResponse) -> str:
    """Store a posted response (replacing one with the same id) and analyse its comment; returns its id."""
    if store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?", [posted.account_id]) == 0:
        raise NabdError(f"there is no account {posted.account_id}")
    response_id = posted.response_id or f"api-{uuid.uuid4().hex}"
    with store.transaction():
        store.execute("DELETE FROM survey_responses WHERE response_id = ?", [response_id])
        store.execute(
            "INSERT INTO survey_responses (response_id, account_id, contact_id, kind, score, comment, language, "
            "touchpoint, responded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [response_id, posted.account_id, posted.contact_id, posted.kind, posted.score, posted.comment,
             posted.language, posted.touchpoint, posted.responded_at or utc_now()],
        )
    analyse_comments(store, [response_id])
    return response_id


def account_feedback(store: Store, account_id: str, limit: int = 20) -> list[dict]:
    """The account's latest analysed survey comments: score, comment, sentiment, score, themes."""
    rows = store.fetchall(
        """SELECT r.response_id, r.kind, r.score, r.touchpoint, r.responded_at, r.comment,
                  a.language, a.sentiment, a.sentiment_score, a.themes
           FROM survey_responses r JOIN feedback_analysis a
             ON a.source = 'survey_response' AND a.source_id = r.response_id
           WHERE r.account_id = ? ORDER BY r.responded_at DESC, r.response_id LIMIT ?""",
        [account_id, limit],
    )
    names = ("response_id", "kind", "score", "touchpoint", "responded_at", "comment", "language", "sentiment",
             "sentiment_score", "themes")
    return [{**dict(zip(names, row)), "themes": row[9] if isinstance(row[9], list) else json.loads(row[9])}
            for row in rows]


def exit_reasons(store: Store, account_id: str | None = None) -> list[dict]:
    """Why churned accounts left (the exit survey, table ``exit_reasons``), newest first, optionally of one
    account: response_id, account_id, contact_id, reason, competitor, comment, responded_at."""
    where, params = ("WHERE account_id = ?", [account_id]) if account_id else ("", None)
    return store.records(
        "SELECT response_id, account_id, contact_id, reason, competitor, comment, responded_at FROM exit_reasons "
        f"{where} ORDER BY responded_at DESC, response_id", params,
    )
