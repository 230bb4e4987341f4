"""Write Ledger's import files: one CSV per canonical table, with exactly the columns of Nabd's
import format (README, "Importing your own data"), as a customer's exports would be."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from nabd.demo.companies.ledger.activity import create_tallies, events_query
from nabd.demo.companies.ledger.billing import create_invoices
from nabd.demo.companies.ledger.engine import open_engine
from nabd.store.sql import string_literal
from nabd.demo.companies.ledger.seats import create_subscriptions
from nabd.demo.companies.ledger.support import create_referrals, create_tickets
from nabd.demo.companies.ledger.surveys import create_survey_responses
from nabd.demo.companies.ledger.workspaces import create_fates, create_people, create_workspaces

# Canonical table -> the SELECT that writes its file; in import order (accounts first, events last).
FILES: dict[str, str] = {
    "accounts": "SELECT w.account_id, w.name, w.segment, s.plan, w.csm, w.country, w.language, w.created_at"
                " FROM ws_named w JOIN (SELECT i, arg_max(plan, seq) AS plan FROM subscriptions_out GROUP BY i) s"
                " USING (i) ORDER BY w.i",
    "contacts": "SELECT contact_id, account_id, name, email, role, language FROM people ORDER BY i, j",
    "subscriptions": "SELECT subscription_id, account_id, product, mrr, currency, quantity, start_date, end_date,"
                     " renewal_date FROM subscriptions_out ORDER BY i, seq",
    "invoices": "SELECT invoice_id, account_id, amount, currency, issued_at, due_at, paid_at FROM invoices_out"
                " ORDER BY invoice_id",
    "tickets": "SELECT ticket_id, account_id, opened_at, first_response_at, closed_at, priority, category, csat,"
               " subject, body FROM tickets_out ORDER BY ticket_id",
    "survey_responses": "SELECT response_id, account_id, contact_id, kind, score, comment, language, touchpoint,"
                        " responded_at FROM survey_responses_out ORDER BY response_id",
    "referrals": "SELECT referral_id, account_id, referred_account_id, referred_at FROM referrals_out"
                 " ORDER BY referral_id",
    "events": "",  # events_query(), written last
}


@dataclass(frozen=True)
class LedgerFile:
    """One written import file and the number of rows in it."""

    table: str
    path: Path
    rows: int


def generate_ledger_files(
    workdir: Path, *, accounts: int = 500, months: int = 18, seed: int = 7, end_date: date,
    progress: Callable[[str], None] | None = None,
) -> dict[str, LedgerFile]:
    """Write Ledger's CSV files into ``workdir`` (``<table>.csv``); return them by table, in import order."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    con = open_engine(seed, workdir, months=months, end_date=end_date)
    try:
        say("workspaces, fates and seats")
        create_workspaces(con, accounts)
        create_fates(con)
        create_people(con)
        create_subscriptions(con)
        say("invoices, tickets, surveys, referrals")
        create_invoices(con)
        create_tickets(con)
        create_survey_responses(con)
        create_referrals(con, accounts)
        say("product events")
        create_tallies(con)
        return {table: _write(con, workdir, table, select or events_query()) for table, select in FILES.items()}
    finally:
        con.close()


def _write(con: duckdb.DuckDBPyConnection, workdir: Path, table: str, select: str) -> LedgerFile:
    path = workdir / f"{table}.csv"
    (rows,) = con.execute(f"COPY ({select}) TO {string_literal(path)} (HEADER, DELIMITER ',')").fetchone()  # rows written
    return LedgerFile(table, path, rows)
