"""Listing and exporting quarantined rows."""

from __future__ import annotations

import csv
import json

from nabd.ingest.files import import_file
from nabd.ingest.quarantine import export_quarantine, list_quarantine


def two_imports_with_bad_rows(store, write_file):
    first = import_file(store, "accounts", write_file("a.csv", "account_id,name\nA-1,\nA-2,\n"))
    second = import_file(store, "contacts", write_file("c.csv", "contact_id,account_id\nC-1,A-404\n"))
    return first, second


def test_quarantine_lists_by_table_and_by_import(store, write_file):
    first, second = two_imports_with_bad_rows(store, write_file)
    assert list_quarantine(store).count().execute() == 3
    assert list_quarantine(store, table="contacts").count().execute() == 1
    rows = list_quarantine(store, import_id=first.import_id).to_pyarrow().to_pylist()
    assert [(row["line"], row["error"]) for row in rows] == [(2, "name is required"), (3, "name is required")]
    assert list_quarantine(store, limit=1).count().execute() == 1


def test_quarantine_exports_to_csv_and_jsonl(store, write_file, tmp_path):
    two_imports_with_bad_rows(store, write_file)
    assert export_quarantine(list_quarantine(store, table="contacts"), tmp_path / "q.csv") == 1
    with (tmp_path / "q.csv").open(encoding="utf-8") as exported:
        (row,) = list(csv.DictReader(exported))
    assert row["error"] == "account_id 'A-404' is not a known account: import accounts first"
    assert json.loads(row["row_as_received"]) == {"contact_id": "C-1", "account_id": "A-404"}
    export_quarantine(list_quarantine(store), tmp_path / "q.jsonl")
    lines = (tmp_path / "q.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["table_name"] for line in lines] == ["accounts", "accounts", "contacts"]
