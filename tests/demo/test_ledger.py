"""Ledger, the second demo company: its own vocabulary and habits, loaded through the import path,
with causes of churn visible in its data and a third of churners leaving without a sign."""

from __future__ import annotations

import ast
import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from nabd.cli import run_command
from nabd.demo import build_demo
from nabd.demo.companies import random_event_names, rename_event_types
from nabd.demo.companies.ledger import build_ledger, generate_ledger_files
from nabd.demo.companies.ledger.words import COMMENTS
from nabd.store import open_store
from nabd.store.vocabulary import FEATURE_PREFIX, LOGIN, PAGE_PREFIX, PAGE_WITHOUT_NAME, SESSION

END = date(2026, 10, 31)
LEDGER_PACKAGE = Path(__file__).parents[2] / "src" / "nabd" / "demo" / "companies" / "ledger"
STANDARD_GENERATOR = {"generate", "company", "usage", "billing", "voice", "texts", "vocabulary"}

# Whether an account shows one of the designed signs in its data before its churn date (the end of its last
# subscription period; for those who stay, the last day of the history): >= 3 sync failures or disconnections
# in 90 days, a member removed in 120, >= 2 urgent or high tickets in 90, >= 30% of the invoices of 120 days
# paid over a week late or unpaid, or the last 30 days' events under 40% of a month's 150-240 days before.
SIGNS = """
WITH ends AS (
    SELECT account_id, max(coalesce(end_date, DATE '2100-01-01')) AS churn_date FROM subscriptions GROUP BY 1
), churners AS (
    SELECT account_id, least(churn_date, DATE '2026-10-31') AS churn_date FROM ends WHERE {who}
)
SELECT c.account_id,
    (SELECT count(*) FROM events e WHERE e.account_id = c.account_id
       AND e.event_type IN ('sync_failed', 'integration_disconnected') AND e.ts >= c.churn_date - 90) >= 3
    OR (SELECT count(*) FROM events e WHERE e.account_id = c.account_id AND e.event_type = 'member_removed'
       AND e.ts >= c.churn_date - 120) >= 1
    OR (SELECT count(*) FROM tickets t WHERE t.account_id = c.account_id AND t.priority IN ('urgent', 'high')
       AND t.opened_at >= c.churn_date - 90) >= 2
    OR (SELECT avg((i.paid_at IS NULL OR i.paid_at > i.due_at + 7)::INTEGER) FROM invoices i
        WHERE i.account_id = c.account_id AND i.issued_at >= c.churn_date - 120) >= 0.3
    OR (SELECT count(*) FROM events e WHERE e.account_id = c.account_id AND e.ts >= c.churn_date - 30)
       < 0.4 / 3 * (SELECT count(*) FROM events e WHERE e.account_id = c.account_id
                    AND e.ts >= c.churn_date - 240 AND e.ts < c.churn_date - 150) AS warned
FROM churners c
"""
CHURNERS = SIGNS.format(who="churn_date < DATE '2100-01-01'")
SURVIVORS = SIGNS.format(who="churn_date = DATE '2100-01-01'")


@pytest.fixture(scope="session")
def ledger(tmp_path_factory):
    """400 workspaces over 18 months, seed 7: an in-memory DuckDB with one table per generated CSV."""
    files = generate_ledger_files(tmp_path_factory.mktemp("ledger"), accounts=400, months=18, seed=7, end_date=END)
    con = duckdb.connect()
    for table, written in files.items():
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{written.path}')")
    yield con
    con.close()


@pytest.fixture(scope="session")
def loaded_ledger(tmp_path_factory):
    """A DuckDB store holding 80 workspaces over 6 months (seed 7), loaded by build_ledger: read only."""
    folder = tmp_path_factory.mktemp("loaded-ledger")
    store = open_store(f"duckdb:///{folder / 'nabd.duckdb'}")
    summary = build_ledger(store, accounts=80, months=6, seed=7, end_date=END, workdir=folder / "files")
    yield store, summary
    store.close()


def test_every_ledger_file_imports_with_no_row_quarantined(loaded_ledger):
    store, summary = loaded_ledger
    assert {t: i.quarantined for t, i in summary.imports.items()} == {t: 0 for t in summary.rows}
    assert {t: i.ignored_columns for t, i in summary.imports.items()} == {t: () for t in summary.rows}
    assert {t: store.scalar(f"SELECT count(*) FROM {t}") for t in summary.rows} == summary.rows
    assert list(summary.imports)[0] == "accounts"


def test_ledger_files_are_csv_with_the_columns_of_their_tables(loaded_ledger):
    store, summary = loaded_ledger
    for table, path in summary.files.items():
        assert path.suffix == ".csv"
        with path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        expected = [c for c in store.table(table).columns if not (table == "accounts" and c == "status")]
        assert header == (expected[1:] if table == "events" else expected), table  # events: Nabd derives the id


def test_the_database_is_marked_as_the_ledger_demo(loaded_ledger):
    store, _ = loaded_ledger
    assert '"company": "ledger"' in store.scalar("SELECT value FROM nabd_meta WHERE key = 'demo'")


def test_event_names_are_at_least_twelve_and_none_is_nabds_vocabulary(ledger):
    names = [name for (name,) in ledger.execute("SELECT DISTINCT event_type FROM events").fetchall()]
    assert len(names) >= 12
    assert not [n for n in names if n in (LOGIN, SESSION, PAGE_WITHOUT_NAME)
                or n.startswith(FEATURE_PREFIX) or n.startswith(PAGE_PREFIX)]


def test_few_events_carry_a_contact(ledger):
    share = ledger.execute("SELECT avg((contact_id IS NOT NULL)::INTEGER) FROM events").fetchone()[0]
    assert 0 < share < 0.25


def test_plans_bill_weekly_monthly_and_annually(ledger):
    gaps = ledger.execute("""
        SELECT DISTINCT CASE WHEN gap = 7 THEN 'weekly' WHEN gap BETWEEN 28 AND 31 THEN 'monthly'
                             WHEN gap BETWEEN 365 AND 366 THEN 'annual' ELSE 'other' END
        FROM (SELECT issued_at - lag(issued_at) OVER (PARTITION BY account_id ORDER BY issued_at) AS gap FROM invoices)
        WHERE gap IS NOT NULL
    """).fetchall()
    assert sorted(g for (g,) in gaps) == ["annual", "monthly", "weekly"]


def test_plans_have_seats_and_seat_counts_change(ledger):
    with_seats, changed = ledger.execute("""
        SELECT count(*) FILTER (WHERE max_seats > 1), count(*) FILTER (WHERE min_seats <> max_seats)
        FROM (SELECT account_id, min(quantity) AS min_seats, max(quantity) AS max_seats FROM subscriptions GROUP BY 1)
    """).fetchone()
    assert with_seats > 80 and changed > 25


def test_churners_show_designed_signs_except_about_a_third(ledger):
    churners, warned = ledger.execute(f"SELECT count(*), count(*) FILTER (WHERE warned) FROM ({CHURNERS})").fetchone()
    assert churners >= 50
    assert 0.25 <= 1 - warned / churners <= 0.5  # a third by design, and a few caused churners the query misses


def test_churners_show_signs_more_often_than_those_who_stay(ledger):
    """The same signs, looked for before a date when survivors were still customers, are rarer."""
    survivors_warned = ledger.execute(f"SELECT avg(warned::INTEGER) FROM ({SURVIVORS})").fetchone()[0]
    churners_warned = ledger.execute(f"SELECT avg(warned::INTEGER) FROM ({CHURNERS})").fetchone()[0]
    assert survivors_warned < churners_warned - 0.2


def test_tickets_invoices_surveys_in_both_languages_and_rare_referrals(ledger):
    count = lambda sql: ledger.execute(sql).fetchone()[0]  # noqa: E731
    assert count("SELECT count(*) FROM tickets") > 300 and count("SELECT count(*) FROM invoices") > 2500
    assert count("SELECT count(DISTINCT kind) FROM survey_responses") == 2
    assert count("SELECT count(DISTINCT language) FROM survey_responses WHERE comment IS NOT NULL") == 2
    assert 0 < count("SELECT count(*) FROM referrals") < 0.03 * count("SELECT count(*) FROM accounts")
    assert count("SELECT count(*) FROM invoices WHERE paid_at > due_at") > 0


def test_comments_share_no_sentence_with_the_standard_demo():
    standard = "".join((LEDGER_PACKAGE.parents[1] / f"{name}.py").read_text(encoding="utf-8")
                       for name in ("texts", "voice"))
    sentences = [s for tone in COMMENTS.values() for language in tone for s in language]
    assert [s for s in sentences if s in standard] == []


def test_the_generator_imports_no_module_of_the_standard_demo():
    imported = set()
    for path in LEDGER_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    assert {m for m in imported if m.startswith("nabd.demo.") and m.split(".")[2] in STANDARD_GENERATOR} == set()


def test_the_same_seed_writes_the_same_files_and_another_seed_others(tmp_path):
    def files(seed: int, name: str) -> dict[str, bytes]:
        written = generate_ledger_files(tmp_path / name, accounts=60, months=6, seed=seed, end_date=END)
        return {table: f.path.read_bytes() for table, f in written.items()}

    first, again, other = files(7, "first"), files(7, "again"), files(8, "other")
    assert first == again
    assert first["events"] != other["events"] and first["accounts"] != other["accounts"]


def test_random_event_names_depend_on_the_seed_and_keep_no_old_name():
    names = ["login", "session", "feature:reports"]
    one, two = random_event_names(names, 1), random_event_names(names, 2)
    assert one == random_event_names(names, 1) and one != two
    assert set(one) == set(names) and not set(one.values()) & set(names) and len(set(one.values())) == 3


def test_renaming_keeps_every_count_and_changes_every_name(store, tmp_path):
    build_demo(store, accounts=15, months=3, seed=7, end_date=END, workdir=tmp_path / "files")
    counts = "SELECT event_type, count(*) FROM events GROUP BY 1"
    daily = "SELECT account_id, contact_id, day, event_type, events FROM activity_daily"
    before, daily_before = dict(store.fetchall(counts)), store.fetchall(daily)
    renamed = rename_event_types(store, seed=3)
    after = dict(store.fetchall(counts))
    assert {renamed[name]: n for name, n in before.items()} == after
    assert not set(after) & set(before)
    assert sorted((a, c, d, renamed[t], n) for a, c, d, t, n in daily_before) == sorted(store.fetchall(daily))
    assert sorted(t for (t,) in store.fetchall("SELECT event_type FROM event_types")) == sorted(after)


def test_demo_export_writes_the_ledger_files_only(tmp_path, capsys):
    code = run_command(["demo", "--company", "ledger", "--export", str(tmp_path / "out"), "--accounts", "20",
                        "--months", "3", "--end-date", "2026-10-31", "--database", f"duckdb:///{tmp_path / 'n.duckdb'}"])
    assert code == 0, capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "out").glob("*.csv")) == sorted(
        f"{t}.csv" for t in ("accounts", "contacts", "subscriptions", "invoices", "tickets", "survey_responses",
                             "referrals", "events"))
    assert not (tmp_path / "n.duckdb").exists()


def test_an_unknown_company_is_refused_in_one_line(tmp_path, capsys):
    code = run_command(["demo", "--company", "nope", "--export", str(tmp_path / "out"), "--accounts", "5"])
    output = capsys.readouterr()
    assert code == 1
    assert "unknown demo company 'nope'" in output.out + output.err
