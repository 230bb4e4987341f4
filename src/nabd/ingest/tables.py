"""What each importable table accepts: its columns, their types, its key and its row rules.

A rule is SQL over the typed columns of one staged row (canonical names) and the trimmed text
as received (``r_<column>``): ``problem`` is true when the row breaks it, ``reason`` says why in
words a person can act on. Rules only look at values that parsed, so a bad type is reported
once, by the type check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["text", "integer", "decimal", "double", "date", "timestamp", "json"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False  # the column must be in the file and the value present


@dataclass(frozen=True)
class Rule:
    problem: str  # SQL, true when the row breaks the rule
    reason: str  # SQL text expression saying what is wrong


@dataclass(frozen=True)
class ImportableTable:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...] = field(default=())
    needs_known_account: bool = True

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns a file must have; an events file may leave out event_id (it is derived)."""
        return tuple(
            c.name for c in self.columns if c.required and not (self.name == "events" and c.name == "event_id")
        )


def quoted(column: str) -> str:
    """SQL for the value as received, in single quotes, shortened for a message."""
    return f"'''' || left(r_{column}, 60) || ''''"


def not_negative(column: str) -> Rule:
    return Rule(f"{column} < 0", f"'{column} ' || {quoted(column)} || ' must not be negative'")


def positive(column: str) -> Rule:
    return Rule(f"{column} <= 0", f"'{column} ' || {quoted(column)} || ' must be greater than 0'")


def between(column: str, low: int, high: int) -> Rule:
    return Rule(
        f"{column} NOT BETWEEN {low} AND {high}",
        f"'{column} ' || {quoted(column)} || ' is out of range ({low}-{high})'",
    )


def in_order(earlier: str, later: str) -> Rule:
    return Rule(
        f"{later} < {earlier}",
        f"'{later} ' || {quoted(later)} || ' is before {earlier} ' || {quoted(earlier)}",
    )


SURVEY_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

_survey_kind = Rule(
    f"kind NOT IN ({', '.join(repr(kind) for kind in SURVEY_SCALES)})",
    f"'kind ' || {quoted('kind')} || ' must be one of {', '.join(SURVEY_SCALES)}'",
)
_survey_score = Rule(
    " OR ".join(
        f"(kind = '{kind}' AND score NOT BETWEEN {low} AND {high})"
        for kind, (low, high) in SURVEY_SCALES.items()
    ),
    "'score ' || " + quoted("score") + " || ' is out of range for ' || kind || ' ('"
    " || CASE kind "
    + " ".join(f"WHEN '{kind}' THEN '{low}-{high}'" for kind, (low, high) in SURVEY_SCALES.items())
    + " END || ')'",
)

IMPORTABLE_TABLES: dict[str, ImportableTable] = {
    table.name: table
    for table in (
        ImportableTable(
            "accounts", ("account_id",),
            (
                Column("account_id", required=True), Column("name", required=True),
                Column("segment"), Column("plan"), Column("csm"), Column("country"),
                Column("language"), Column("created_at", "timestamp"),
            ),
            needs_known_account=False,
        ),
        ImportableTable(
            "contacts", ("contact_id",),
            (
                Column("contact_id", required=True), Column("account_id", required=True),
                Column("name"), Column("email"), Column("role"), Column("language"),
            ),
        ),
        ImportableTable(
            "subscriptions", ("subscription_id",),
            (
                Column("subscription_id", required=True), Column("account_id", required=True),
                Column("product", required=True), Column("mrr", "decimal", required=True),
                Column("currency", required=True), Column("quantity", "integer", required=True),
                Column("start_date", "date", required=True), Column("end_date", "date"),
                Column("renewal_date", "date"),
            ),
            (not_negative("mrr"), not_negative("quantity"), in_order("start_date", "end_date")),
        ),
        ImportableTable(
            "events", ("event_id",),
            (
                Column("event_id", required=True), Column("account_id", required=True),
                Column("contact_id"), Column("event_type", required=True),
                Column("ts", "timestamp", required=True), Column("value", "double"),
                Column("properties", "json"),
            ),
        ),
        ImportableTable(
            "tickets", ("ticket_id",),
            (
                Column("ticket_id", required=True), Column("account_id", required=True),
                Column("opened_at", "timestamp", required=True),
                Column("first_response_at", "timestamp"), Column("closed_at", "timestamp"),
                Column("priority"), Column("category"), Column("csat", "integer"),
                Column("subject"), Column("body"),
            ),
            (between("csat", 1, 5), in_order("opened_at", "closed_at"),
             in_order("opened_at", "first_response_at")),
        ),
        ImportableTable(
            "invoices", ("invoice_id",),
            (
                Column("invoice_id", required=True), Column("account_id", required=True),
                Column("amount", "decimal", required=True), Column("currency", required=True),
                Column("issued_at", "date", required=True), Column("due_at", "date", required=True),
                Column("paid_at", "date"),
            ),
            (not_negative("amount"), in_order("issued_at", "due_at")),
        ),
        ImportableTable(
            "survey_responses", ("response_id",),
            (
                Column("response_id", required=True), Column("account_id", required=True),
                Column("contact_id"), Column("kind", required=True),
                Column("score", "integer", required=True), Column("comment"),
                Column("language"), Column("touchpoint"),
                Column("responded_at", "timestamp", required=True),
            ),
            (_survey_kind, _survey_score),
        ),
        ImportableTable(
            "referrals", ("referral_id",),
            (
                Column("referral_id", required=True), Column("account_id", required=True),
                Column("referred_account_id"), Column("referred_at", "timestamp", required=True),
            ),
        ),
        ImportableTable(
            "relationship_ratings", ("account_id", "rated_at"),
            (
                Column("account_id", required=True), Column("rated_at", "date", required=True),
                Column("rating", "integer", required=True), Column("note"),
            ),
            (between("rating", 1, 5),),
        ),
        ImportableTable(
            "currency_rates", ("currency", "valid_from"),
            (
                Column("currency", required=True), Column("valid_from", "date", required=True),
                Column("rate", "decimal", required=True),
            ),
            (positive("rate"),),
            needs_known_account=False,
        ),
        ImportableTable(
            "acquisition_costs", ("period_start", "segment"),
            (
                Column("period_start", "date", required=True), Column("segment", required=True),
                Column("amount", "decimal", required=True), Column("currency", required=True),
            ),
            (not_negative("amount"),),
            needs_known_account=False,
        ),
    )
}

# SQL type each column is stored as; decimal precision follows migration 0001.
SQL_TYPES: dict[ColumnType, str] = {
    "text": "VARCHAR", "integer": "INTEGER", "decimal": "DECIMAL(18,4)", "double": "DOUBLE",
    "date": "DATE", "timestamp": "TIMESTAMP", "json": "JSON",
}
DECIMAL_OVERRIDES = {("currency_rates", "rate"): "DECIMAL(18,8)"}
