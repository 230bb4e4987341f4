"""Generate the demo company's import files: a deterministic subscription SaaS business.

The files are the ones a user would import (CSV for accounts, contacts, subscriptions,
currency_rates, invoices, tickets, survey_responses, referrals, relationship_ratings; Parquet for
events), with exactly the columns of the canonical tables. Everything is computed in an
in-memory DuckDB from ``range()`` and seeded hashes (``u1/u2/u3`` are uniform draws keyed by a
salt and row keys, never ``random()``), so the same seed gives byte-identical files.

The company: accounts in SMB (about 62%), mid-market (29%) and enterprise (9%) with licences and
MRR growing by segment; plans Starter (monthly term) / Growth / Business / Enterprise (annual
terms); eleven countries, Arabic or English mostly following the country; 8 CSMs; 30% of
accounts signed before the window so cohorts exist. Subscriptions are dated price periods:
expansions, contractions, upgrades, price uplifts and concessions close a period and open the
next; some customers come back after leaving (reactivation).

Usage density (measured at seed 7): an active user is active on ~1.7 days a week; each active
day is a login, a session with its minutes in ``value`` and 0-2 feature events across 10
features, plus pricing/cancel/billing/help/integrations page visits now and then: about 4.6
events per active user per week, 12-13 per account per week, ~580 per account over 18 months
(~58 million events for 100,000 accounts). About half of the contacts use the product; the
rest are buyers, billing contacts and idle licences (licence utilisation follows fit).

Hidden drivers of churn (per account, never written to a file):
- ``fit`` (0.15-1): how well the product suits the customer. Low fit means fewer active users per
  licence (low licence utilisation), narrower feature adoption, shorter sessions, slightly later
  payments and lower scores, and a higher chance of trouble at each renewal.
- Trouble at a renewal (chance by segment and term, scaled by fit): a decline starts 50-150 days
  before that renewal. Through it ``strain`` grows from 0.3 to 1: usage falls to ~30% of normal,
  pricing and cancel page visits rise, tickets pile up (up to 3.5x, more urgent, more bugs and
  billing), invoices are paid late or not at all, NPS/CSAT/CES and CSM ratings drop, referrals
  stop, and most troubled accounts ask for a discount or a contract change 10-55 days before
  the renewal. 62% of troubled accounts then leave (``driven`` churn); the rest get a concession
  (licence cut, discount or downgrade) and stay: at-risk accounts that do not churn.
- Silent churn: at any renewal, a small chance (budget cuts, acquisitions) that the customer
  leaves with no warning in the data; about a third of churners leave this way.
- Noise everywhere: weekly usage noise, routine tickets, healthy accounts that ask for
  discounts, late payers with good health. Monthly logo churn is about 1-3%, highest in SMB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from nabd.demo.billing import create_invoices
from nabd.demo.company import (
    create_accounts, create_contacts, create_currency_rates, create_fates, create_params,
    create_subscriptions,
)
from nabd.demo.usage import create_user_days, events_query
from nabd.demo.vocabulary import load_vocabulary
from nabd.demo.voice import (
    create_account_months, create_referrals, create_relationship_ratings, create_survey_responses,
    create_tickets,
)
from nabd.store.calendar import company_zone, is_utc, utc_instant_sql
from nabd.store.sql import string_literal

# Canonical table -> (file name, its columns as a SELECT list, the generator's relation, order).
OUTPUTS: dict[str, tuple[str, str, str, str]] = {
    "accounts": (
        "accounts.csv",
        "a.account_id, a.name, a.segment, coalesce(s.plan, a.first_plan) AS plan, a.csm, a.country,"
        " a.language, a.created_at",
        "truth_named a LEFT JOIN (SELECT i, arg_max(plan, seq) AS plan FROM subscriptions_out"
        " WHERE product = 'platform' GROUP BY i) s USING (i)",
        "a.i",
    ),
    "contacts": ("contacts.csv", "contact_id, account_id, name, email, role, language", "contacts_out", "i, j"),
    "subscriptions": (
        "subscriptions.csv",
        "subscription_id, account_id, product, mrr, currency, quantity, start_date, end_date, renewal_date",
        "subscriptions_out", "subscription_id",
    ),
    "currency_rates": (
        "currency_rates.csv", "currency, valid_from, rate", "currency_rates_out", "currency, valid_from",
    ),
    "invoices": (
        "invoices.csv", "invoice_id, account_id, amount, currency, issued_at, due_at, paid_at",
        "invoices_out", "invoice_id",
    ),
    "tickets": (
        "tickets.csv",
        "ticket_id, account_id, opened_at, first_response_at, closed_at, priority, category, csat,"
        " subject, body",
        "tickets_out", "ticket_id",
    ),
    "survey_responses": (
        "survey_responses.csv",
        "response_id, account_id, contact_id, kind, score, comment, language, touchpoint, responded_at",
        "survey_responses_out", "response_id",
    ),
    "referrals": (
        "referrals.csv", "referral_id, account_id, referred_account_id, referred_at", "referrals_out", "referral_id",
    ),
    "relationship_ratings": (
        "relationship_ratings.csv", "account_id, rated_at, rating, note", "relationship_ratings_out",
        "account_id, rated_at",
    ),
}
# Timestamp columns of the files: drawn on the company's wall clock, written as UTC instants.
WALL_CLOCK_COLUMNS = ("created_at", "opened_at", "first_response_at", "closed_at", "responded_at", "referred_at")
EVENTS_FILE = "events.parquet"
# Import order: accounts first (everything names an account), events last (the biggest).
TABLE_ORDER = [*OUTPUTS, "events"]


@dataclass(frozen=True)
class GeneratedFile:
    """One written import file and the number of rows in it."""

    table: str
    path: Path
    rows: int


StepProgress = Callable[[str], None]


def generate_files(
    workdir: Path,
    *,
    accounts: int = 500,
    months: int = 18,
    seed: int = 7,
    end_date: date,
    timezone: str = "UTC",
    progress: StepProgress | None = None,
) -> dict[str, GeneratedFile]:
    """Write the demo company's import files into ``workdir``; return them by canonical table.

    Times of day are the company's (``timezone``): a ticket opened at 09:00 is opened at 09:00 there.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    con = _engine(seed, workdir)
    try:
        say("accounts, fates and subscriptions")
        create_params(con, months=months, end_date=end_date)
        load_vocabulary(con)
        create_accounts(con, accounts)
        _name_accounts(con)
        create_fates(con)
        create_subscriptions(con)
        create_contacts(con)
        create_currency_rates(con)
        say("invoices, tickets, surveys, referrals, ratings")
        create_invoices(con)
        create_account_months(con)
        create_tickets(con)
        create_survey_responses(con)
        create_referrals(con, accounts)
        create_relationship_ratings(con)
        written = {}
        for table, (file_name, columns, source, order) in OUTPUTS.items():
            path = workdir / file_name
            con.execute(
                f"COPY (SELECT {_in_utc(columns, timezone)} FROM {source} ORDER BY {order})"
                f" TO {string_literal(path)} (HEADER, DELIMITER ',')"
            )
            rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
            written[table] = GeneratedFile(table, path, rows)
        say("product usage events")
        start, end = con.execute("SELECT start_date, end_date FROM params").fetchone()
        create_user_days(con, weeks=(end - start).days // 7 + 1)
        path = workdir / EVENTS_FILE
        con.execute(f"COPY ({events_query(timezone)}) TO {string_literal(path)} (FORMAT parquet, COMPRESSION zstd)")
        rows = con.execute(f"SELECT count(*) FROM read_parquet({string_literal(path)})").fetchone()[0]
        written["events"] = GeneratedFile("events", path, rows)
        return {table: written[table] for table in TABLE_ORDER}
    finally:
        con.close()


def _in_utc(columns: str, timezone: str) -> str:
    """The SELECT list ``columns`` with each wall-clock timestamp column written as its UTC instant."""
    if is_utc(company_zone(timezone)):
        return columns
    listed = []
    for column in columns.split(","):
        name = column.strip().split(".")[-1]
        listed.append(f" {utc_instant_sql(column.strip(), timezone)} AS {name}" if name in WALL_CLOCK_COLUMNS else column)
    return ",".join(listed)


def _engine(seed: int, workdir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the seeded draw macros of the generator."""
    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    spill = workdir / ".spill"
    con.execute(f"SET temp_directory = {string_literal(spill)}")
    seed = int(seed)
    big = 2147483647
    con.execute(f"""
    CREATE MACRO h1(salt, a) AS hash(salt, a, {seed});
    CREATE MACRO h2(salt, a, b) AS hash(salt, a, b, {seed});
    CREATE MACRO h3(salt, a, b, c) AS hash(salt, a, b, c, {seed});
    CREATE MACRO u1(salt, a) AS (h1(salt, a) % {big}) / {big}.0;
    CREATE MACRO u2(salt, a, b) AS (h2(salt, a, b) % {big}) / {big}.0;
    CREATE MACRO u3(salt, a, b, c) AS (h3(salt, a, b, c) % {big}) / {big}.0;
    CREATE MACRO pick(items, h) AS items[1 + (h % len(items))::INTEGER];
    -- How deep into a decline t is: 0 outside [ds, de), rising from 0.3 to 1 inside.
    CREATE MACRO strain(t, ds, de) AS CASE
        WHEN ds IS NULL OR de IS NULL OR t < ds OR t >= de THEN 0.0
        ELSE 0.3 + 0.7 * datediff('hour', ds, t) / greatest(1, datediff('hour', ds, de)) END;
    """)
    return con


def _name_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """``truth_named``: account names, numbered where two accounts drew the same name."""
    con.execute("""
    CREATE TABLE truth_named AS
    SELECT *, CASE WHEN row_number() OVER (PARTITION BY base_name ORDER BY i) = 1 THEN base_name
                   ELSE base_name || ' ' || row_number() OVER (PARTITION BY base_name ORDER BY i) END AS name
    FROM truth ORDER BY i
    """)
