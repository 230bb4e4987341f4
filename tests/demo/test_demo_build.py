"""Loading the demo through the real import path, on DuckDB and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from nabd.demo import build_demo, demo_marker
from nabd.demo.build import DERIVED_TABLES
from nabd.errors import NabdError
from nabd.pipeline.daily import run_daily

END = date(2026, 10, 31)


def test_every_generated_file_imports_with_no_row_quarantined(loaded_demo):
    store, summary = loaded_demo
    assert {t: i.quarantined for t, i in summary.imports.items()} == {t: 0 for t in summary.rows}
    assert {t: i.ignored_columns for t, i in summary.imports.items()} == {t: () for t in summary.rows}
    assert {t: store.scalar(f"SELECT count(*) FROM {t}") for t in summary.rows} == summary.rows
    assert store.scalar("SELECT count(*) FROM quarantine") == 0


def test_csv_headers_are_the_columns_of_their_tables(loaded_demo):
    store, summary = loaded_demo
    for table, path in summary.files.items():
        if path.suffix != ".csv":
            continue
        with path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        columns = [c for c in store.table(table).columns if not (table == "accounts" and c == "status")]
        assert header == columns, table


def test_the_database_is_marked_as_a_demo_with_its_parameters(loaded_demo):
    store, _ = loaded_demo
    assert demo_marker(store) == {"seed": 7, "accounts": 40, "months": 6, "end_date": "2026-10-31"}


def test_the_summary_counts_accounts_without_an_active_subscription_as_churned(loaded_demo):
    store, summary = loaded_demo
    active = store.scalar(
        "SELECT count(DISTINCT account_id) FROM subscriptions WHERE start_date <= ?"
        " AND (end_date IS NULL OR end_date > ?)", [END, END],
    )
    assert summary.churned == 40 - active > 0
    assert summary.mrr_usd > 0


def test_a_database_holding_other_data_is_refused_and_left_untouched(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('real-1', 'A real customer')")
    with pytest.raises(NabdError, match="not a Nabd demo"):
        build_demo(store, accounts=20, months=3, seed=7, end_date=END, workdir=tmp_path)
    assert store.fetchall("SELECT account_id FROM accounts") == [("real-1",)]
    assert not (tmp_path / "accounts.csv").exists()


def test_a_second_demo_replaces_the_first(store, tmp_path):
    build_demo(store, accounts=20, months=3, seed=7, end_date=END, workdir=tmp_path / "first")
    second = build_demo(store, accounts=15, months=3, seed=8, end_date=END, workdir=tmp_path / "second")
    assert {t: store.scalar(f"SELECT count(*) FROM {t}") for t in second.rows} == second.rows
    assert demo_marker(store)["seed"] == 8


def test_a_rebuilt_demo_carries_no_record_of_the_runs_made_on_the_earlier_one(store, tmp_path):
    build_demo(store, accounts=20, months=3, seed=7, end_date=END, workdir=tmp_path / "first")
    first = run_daily(store, END, notify=False)
    assert first.playbooks.tasks > 0
    build_demo(store, accounts=20, months=3, seed=7, end_date=END, workdir=tmp_path / "second")
    assert {t: store.scalar(f"SELECT count(*) FROM {t}") for t in DERIVED_TABLES} == dict.fromkeys(DERIVED_TABLES, 0)
    again = run_daily(store, END, notify=False)
    assert (again.playbooks.accounts, again.playbooks.tasks) == (first.playbooks.accounts, first.playbooks.tasks)
