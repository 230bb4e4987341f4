"""Apply one journal segment to the canonical tables in one transaction, in SQL over a stage table.

In order: refused messages go to ``quarantine``; accounts named by the messages but not in
``accounts`` are created with status 'unmatched' (name = the groupId) or, when the setting says
so, their messages are quarantined; group calls update accounts, identify calls upsert contacts
(the latest call per id wins); track/page/screen calls become events keyed by messageId
(``INSERT ... WHERE NOT EXISTS``: a retried message is counted as a duplicate, not stored
twice); ``activity_daily`` gains the new events' counts and value sums (added to the rows that
exist, inserted otherwise); and the segment's number is recorded in ``intake_journals``, so it is
never applied twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


from nabd.ingest.activity import event_day, follow_zone, record_event_types
from nabd.ingest.intake.mapping import STAGE_COLUMNS
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.copying import copy_from_duckdb, duckdb_reader
from nabd.store.sql import string_literal

UnknownAccounts = Literal["unmatched", "quarantine"]
STAGE = "nabd_intake_stage"
EVENTS = "nabd_intake_events"
ACTIVITY = "nabd_intake_activity"  # the new events' activity_daily rows
EVENT_KINDS_SQL = "('track', 'page', 'screen')"
_POSTGRES_TYPES = {"VARCHAR": "TEXT", "TIMESTAMP": "TIMESTAMP", "DOUBLE": "DOUBLE PRECISION", "JSON": "JSON"}


@dataclass(frozen=True)
class Applied:
    """What one segment did to the store."""

    events: int  # new events stored
    duplicates: int  # events whose messageId was already stored (or repeated in the segment)
    quarantined: int  # rows added to quarantine (refused at the door, or here)
    contacts: int  # identify calls applied
    accounts: int  # group calls applied


def drained_segment(store: Store, journal_id: str) -> int:
    """The last segment of ``journal_id`` that is in the store (0 for none)."""
    return store.scalar("SELECT drained_segment FROM intake_journals WHERE journal_id = ?", [journal_id]) or 0


def apply_segment(
    store: Store, segment_path: Path, journal_id: str, segment: int, unknown_accounts: UnknownAccounts,
) -> Applied:
    """Move the rows of one sealed segment file into the store, all or nothing."""
    with store.transaction():  # a failure rolls back everything, temporary tables included
        _stage(store, segment_path)
        applied = _apply(store, unknown_accounts)
        store.execute(
            "INSERT INTO intake_journals (journal_id, drained_segment, drained_at) VALUES (?, ?, ?)"
            " ON CONFLICT (journal_id) DO UPDATE SET drained_segment = excluded.drained_segment,"
            " drained_at = excluded.drained_at",
            [journal_id, segment, utc_now()],
        )
        if store.kind == "duckdb":
            store.execute(f"DROP TABLE {STAGE}; DROP TABLE {EVENTS}; DROP TABLE {ACTIVITY}")
    return applied


def _read_segment(path: Path) -> str:
    """DuckDB SQL reading a segment; a torn last line (never acknowledged) reads as nulls and is left out."""
    columns = "{" + ", ".join(f"{name}: '{kind}'" for name, kind in STAGE_COLUMNS.items()) + "}"
    return (
        f"SELECT row_number() OVER () AS seq, * FROM read_json({string_literal(path)}, format = 'newline_delimited',"
        f" columns = {columns}, ignore_errors = true) WHERE kind IS NOT NULL"
    )


def _stage(store: Store, path: Path) -> None:
    if store.kind == "duckdb":
        store.execute(f"CREATE TEMP TABLE {STAGE} AS {_read_segment(path)}")
        return
    columns = ", ".join(f"{name} {_POSTGRES_TYPES[kind]}" for name, kind in STAGE_COLUMNS.items())
    store.execute(f"CREATE TEMP TABLE {STAGE} (seq BIGINT, {columns}) ON COMMIT DROP")
    with duckdb_reader(store) as reader:
        copy_from_duckdb(store, reader, _read_segment(path), STAGE)


def _count(store: Store, sql: str) -> int:
    return int(store.scalar(sql) or 0)


def _quarantine(store: Store, select: str) -> int:
    """Insert the rows of ``select`` (table_name, row_as_received, error, source, received_at) into quarantine."""
    refused = _count(store, f"SELECT count(*) FROM ({select}) AS refused")
    if refused:
        store.execute(
            "INSERT INTO quarantine (source, table_name, row_as_received, error, received_at)"
            f" SELECT source, table_name, row_as_received, error, received_at FROM ({select}) AS refused",
        )
    return refused


def _as_received(alias: str) -> str:
    """SQL text of a staged message for quarantine: its type and ids, as a JSON object."""
    return (
        f"'{{\"type\": \"' || {alias}.kind || '\", \"messageId\": \"' || coalesce({alias}.message_id, '')"
        f" || '\", \"userId\": \"' || coalesce({alias}.contact_id, '') || '\", \"groupId\": \"'"
        f" || coalesce({alias}.account_id, '') || '\"}}' AS row_as_received"
    )


def _temp_table(store: Store, name: str, select: str) -> None:
    """A temporary table of ``select``, gone at commit on PostgreSQL (dropped by the caller on DuckDB)."""
    drop = " ON COMMIT DROP" if store.kind == "postgres" else ""
    store.execute(f"CREATE TEMP TABLE {name}{drop} AS {select}")


def _apply(store: Store, unknown_accounts: UnknownAccounts) -> Applied:
    quarantined = _quarantine(
        store, f"SELECT table_name, row_as_received, error, source, received_at FROM {STAGE} WHERE kind = 'refused'"
    )
    quarantined += _unknown_accounts(store, unknown_accounts)
    accounts = _apply_groups(store)
    contacts, refused_contacts = _apply_identifies(store)
    events, duplicates, refused_events = _apply_events(store)
    return Applied(events, duplicates, quarantined + refused_contacts + refused_events, contacts, accounts)


def _unknown_accounts(store: Store, mode: UnknownAccounts) -> int:
    """Create the accounts the stage names but the store lacks as 'unmatched', or quarantine their rows."""
    unknown = (
        "s.kind <> 'refused' AND s.account_id IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM accounts WHERE accounts.account_id = s.account_id)"
    )
    if mode == "unmatched":
        store.execute(
            "INSERT INTO accounts (account_id, name, status)"
            f" SELECT DISTINCT s.account_id, s.account_id, 'unmatched' FROM {STAGE} AS s WHERE {unknown}"
        )
        return 0
    reason = (
        "'account ' || s.account_id || ' is not known (NABD_INTAKE_UNKNOWN_ACCOUNTS=quarantine):"
        " import it, then send the message again'"
    )
    quarantined = _quarantine(
        store,
        f"SELECT CASE WHEN s.kind = 'group' THEN 'accounts' WHEN s.kind = 'identify' THEN 'contacts'"
        f" ELSE 'events' END AS table_name, {_as_received('s')}, {reason} AS error, s.source, s.received_at"
        f" FROM {STAGE} AS s WHERE {unknown}",
    )
    store.execute(
        f"DELETE FROM {STAGE} WHERE kind <> 'refused' AND account_id IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM accounts WHERE accounts.account_id = {STAGE}.account_id)"
    )
    return quarantined


def _latest(kind: str, key: str) -> str:
    """The latest staged call of ``kind`` per ``key`` (later lines win)."""
    return f"SELECT DISTINCT ON ({key}) * FROM {STAGE} WHERE kind = '{kind}' ORDER BY {key}, seq DESC"


def _apply_groups(store: Store) -> int:
    traits = ("name", "segment", "plan", "csm", "country", "language", "created_at")
    assignments = ", ".join(f"{column} = coalesce(g.{column}, accounts.{column})" for column in traits)
    store.execute(
        f"UPDATE accounts SET {assignments} FROM ({_latest('group', 'account_id')}) AS g"
        " WHERE accounts.account_id = g.account_id"
    )
    return _count(store, f"SELECT count(*) FROM {STAGE} WHERE kind = 'group'")


def _apply_identifies(store: Store) -> tuple[int, int]:
    """Upsert contacts from identify calls; a new contact with no account is quarantined."""
    latest = _latest("identify", "contact_id")
    no_account = "i.account_id IS NULL AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.contact_id = i.contact_id)"
    quarantined = _quarantine(
        store,
        f"SELECT 'contacts' AS table_name, {_as_received('i')},"
        " 'contact ' || i.contact_id || ' names no account: send context.groupId or traits.groupId' AS error,"
        f" i.source, i.received_at FROM ({latest}) AS i WHERE {no_account}",
    )
    traits = ("account_id", "name", "email", "role", "language")
    assignments = ", ".join(f"{column} = coalesce(i.{column}, contacts.{column})" for column in traits)
    store.execute(f"UPDATE contacts SET {assignments} FROM ({latest}) AS i WHERE contacts.contact_id = i.contact_id")
    store.execute(
        "INSERT INTO contacts (contact_id, account_id, name, email, role, language)"
        f" SELECT i.contact_id, i.account_id, i.name, i.email, i.role, i.language FROM ({latest}) AS i"
        " WHERE i.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.contact_id = i.contact_id)"
    )
    staged = _count(store, f"SELECT count(*) FROM {STAGE} WHERE kind = 'identify'")
    return staged - quarantined, quarantined


def _apply_events(store: Store) -> tuple[int, int, int]:
    """Insert new events (the first line per messageId; account from the call, else the contact's).

    Whether a messageId is stored already is looked up once, into the ``known`` column of the
    temporary table that the count, the rollup and the insert then read.
    """
    _temp_table(
        store, EVENTS,
        "SELECT s.message_id, coalesce(s.account_id, c.account_id) AS account_id,"
        " s.contact_id, s.event_type, s.ts, s.value, s.properties, s.kind, s.source, s.received_at,"
        " EXISTS (SELECT 1 FROM events WHERE events.event_id = s.message_id) AS known"
        f" FROM {STAGE} AS s JOIN (SELECT message_id, min(seq) AS seq FROM {STAGE}"
        f" WHERE kind IN {EVENT_KINDS_SQL} GROUP BY message_id) AS first ON first.seq = s.seq"
        " LEFT JOIN contacts AS c ON c.contact_id = s.contact_id",
    )
    staged = _count(store, f"SELECT count(*) FROM {STAGE} WHERE kind IN {EVENT_KINDS_SQL}")
    quarantined = _quarantine(
        store,
        f"SELECT 'events' AS table_name, {_as_received('e')},"
        " 'event ' || e.message_id || ' has no account: send context.groupId, or identify user '"
        " || coalesce(e.contact_id, '(anonymous)') || ' with a groupId first' AS error, e.source, e.received_at"
        f" FROM {EVENTS} AS e WHERE e.account_id IS NULL",
    )
    new = "e.account_id IS NOT NULL AND NOT e.known"
    inserted = _count(store, f"SELECT count(*) FROM {EVENTS} AS e WHERE {new}")
    _add_activity(store, new)
    store.execute(
        "INSERT INTO events (event_id, account_id, contact_id, event_type, ts, value, properties)"
        f" SELECT e.message_id, e.account_id, e.contact_id, e.event_type, e.ts, e.value, e.properties"
        f" FROM {EVENTS} AS e WHERE {new}"
    )
    return inserted, staged - quarantined - inserted, quarantined


def _add_activity(store: Store, new: str) -> None:
    """activity_daily += the new events' (count, sum(coalesce(value, 0))) per account, contact, day, type;
    event_types gains their types.

    Adding is exact because an event is new exactly once (same transaction as its insert); it
    keeps the cost of a batch proportional to the batch, not to the day's events. The day is the
    event's local day in the company's zone; stored days counted in another zone are recounted first.
    The batch's counts are added to the rows that exist (``UPDATE ... FROM``) and the other rows
    inserted (``INSERT ... WHERE NOT EXISTS``), as file imports write: activity_daily has no key to
    conflict on in a DuckDB store (migration 0021), whose one writer keeps it unique by construction.
    """
    follow_zone(store)
    day = event_day("e.ts")
    _temp_table(
        store, ACTIVITY,
        f"SELECT e.account_id, coalesce(e.contact_id, '') AS contact_id, {day} AS day, e.event_type,"
        f" count(*) AS events, sum(coalesce(e.value, 0)) AS value_sum FROM {EVENTS} AS e WHERE {new}"
        f" GROUP BY e.account_id, coalesce(e.contact_id, ''), {day}, e.event_type",
    )
    same = " AND ".join(f"activity_daily.{c} = batch.{c}" for c in ("account_id", "contact_id", "day", "event_type"))
    store.execute(
        "UPDATE activity_daily SET events = activity_daily.events + batch.events,"
        f" value_sum = activity_daily.value_sum + batch.value_sum FROM {ACTIVITY} AS batch WHERE {same}"
    )
    store.execute(
        "INSERT INTO activity_daily (account_id, contact_id, day, event_type, events, value_sum)"
        f" SELECT batch.account_id, batch.contact_id, batch.day, batch.event_type, batch.events, batch.value_sum"
        f" FROM {ACTIVITY} AS batch WHERE NOT EXISTS (SELECT 1 FROM activity_daily WHERE {same})"
    )
    record_event_types(store, f"SELECT e.event_type, {day} AS day FROM {EVENTS} AS e WHERE {new}")
