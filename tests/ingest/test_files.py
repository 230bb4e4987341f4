"""Importing files into canonical tables, on DuckDB and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from nabd.errors import NabdError
from nabd.ingest.files import import_file, import_files

SUBSCRIPTIONS_HEADER = "subscription_id,account_id,product,mrr,currency,quantity,start_date,end_date\n"


def quarantined(store, columns="line, error"):
    return store.fetchall(f"SELECT {columns} FROM quarantine ORDER BY line")


def test_good_csv_lands_every_row(store, write_file):
    path = write_file("accounts.csv", "account_id,name,segment,created_at\nA-1,One,SMB,2024-01-05\nA-2,Two,,\n")
    summary = import_file(store, "accounts", path)
    assert (summary.rows_read, summary.inserted, summary.quarantined) == (2, 2, 0)
    assert store.fetchall("SELECT account_id, name, segment, created_at, status FROM accounts ORDER BY 1") == [
        ("A-1", "One", "SMB", datetime(2024, 1, 5), "active"),
        ("A-2", "Two", None, None, "active"),
    ]


def test_parquet_file_imports(store, known_accounts, tmp_path):
    path = tmp_path / "invoices.parquet"
    duckdb.sql(
        "SELECT 'I-1' AS invoice_id, 'A-1' AS account_id, 120.5 AS amount, 'USD' AS currency,"
        " DATE '2024-01-01' AS issued_at, DATE '2024-01-31' AS due_at, NULL::DATE AS paid_at"
    ).write_parquet(str(path))
    summary = import_file(store, "invoices", path)
    assert (summary.file_format, summary.inserted) == ("parquet", 1)
    assert store.fetchall("SELECT invoice_id, amount, issued_at, due_at, paid_at FROM invoices") == [
        ("I-1", Decimal("120.5000"), date(2024, 1, 1), date(2024, 1, 31), None)
    ]


def test_jsonl_file_imports_with_nested_properties(store, known_accounts, write_file):
    path = write_file(
        "events.jsonl",
        '{"event_id": "E-1", "account_id": "A-1", "event_type": "login", "ts": "2024-01-05T10:00:00Z",'
        ' "value": 3, "properties": {"feature": "reports"}}\n',
    )
    summary = import_file(store, "events", path)
    assert (summary.file_format, summary.inserted) == ("jsonl", 1)
    event_id, ts, value, properties = store.fetchall("SELECT event_id, ts, value, properties FROM events")[0]
    assert (event_id, ts, value) == ("E-1", datetime(2024, 1, 5, 10), 3.0)
    as_stored = json.loads(properties) if isinstance(properties, str) else properties  # psycopg decodes JSON
    assert as_stored == {"feature": "reports"}


def test_gzipped_csv_imports(store, tmp_path):
    import gzip

    path = tmp_path / "accounts.csv.gz"
    path.write_bytes(gzip.compress(b"account_id,name\nA-1,One\n"))
    assert import_file(store, "accounts", path).inserted == 1


def test_mixed_file_quarantines_each_bad_row_with_its_line_and_reason(store, known_accounts, write_file):
    path = write_file(
        "subscriptions.csv",
        SUBSCRIPTIONS_HEADER
        + "S-1,A-1,core,100,USD,3,2024-01-01,\n"       # line 2: good
        + "S-2,A-1,core,abc,USD,3,,\n"                 # line 3: bad mrr, no start_date
        + "S-3,A-2,core,50.25,USD,2.5,2024-01-01,\n"   # line 4: quantity not whole
        + "S-4,A-2,core,-1,USD,1,2024-01-01,\n"        # line 5: negative mrr
        + "S-5,A-2,addon,10,USD,1,2024-02-01,\n",      # line 6: good
    )
    summary = import_file(store, "subscriptions", path)
    assert (summary.rows_read, summary.inserted, summary.quarantined) == (5, 2, 3)
    assert store.fetchall("SELECT subscription_id FROM subscriptions ORDER BY 1") == [("S-1",), ("S-5",)]
    assert quarantined(store) == [
        (3, "start_date is required; mrr 'abc' is not a number"),
        (4, "quantity '2.5' is not a whole number"),
        (5, "mrr '-1' must not be negative"),
    ]
    source, table_name, row, import_id = quarantined(store, "source, table_name, row_as_received, import_id")[0]
    assert (source, table_name, import_id) == (str(path), "subscriptions", summary.import_id)
    assert json.loads(row) == {
        "subscription_id": "S-2", "account_id": "A-1", "product": "core", "mrr": "abc", "currency": "USD",
        "quantity": "3", "start_date": None, "end_date": None,
    }


def test_reimporting_the_same_file_repeats_nothing(store, known_accounts, write_file):
    path = write_file("subscriptions.csv", SUBSCRIPTIONS_HEADER + "S-1,A-1,core,100,USD,3,2024-01-01,\nS-2,A-2,core,50,USD,1,2024-01-01,\n")
    import_file(store, "subscriptions", path)
    again = import_file(store, "subscriptions", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert store.scalar("SELECT count(*) FROM subscriptions") == 2
    assert store.scalar("SELECT count(*) FROM imports") == 3  # accounts + two subscription imports


def test_changed_reimport_updates_rows_and_keeps_earlier_periods(store, known_accounts, write_file):
    first = write_file("first.csv", SUBSCRIPTIONS_HEADER + "S-1,A-1,core,100,USD,3,2024-01-01,\n")
    import_file(store, "subscriptions", first)
    # an upgrade closes S-1 on 2024-03-01 and opens S-2 at the new price
    second = write_file("second.csv", SUBSCRIPTIONS_HEADER + "S-1,A-1,core,100,USD,3,2024-01-01,2024-03-01\nS-2,A-1,core,150,USD,5,2024-03-01,\n")
    summary = import_file(store, "subscriptions", second)
    assert (summary.inserted, summary.updated, summary.unchanged) == (1, 1, 0)
    assert store.fetchall("SELECT subscription_id, mrr, start_date, end_date FROM subscriptions ORDER BY 1") == [
        ("S-1", Decimal("100.0000"), date(2024, 1, 1), date(2024, 3, 1)),
        ("S-2", Decimal("150.0000"), date(2024, 3, 1), None),
    ]


def test_update_leaves_columns_the_file_does_not_have(store, write_file):
    import_file(store, "accounts", write_file("full.csv", "account_id,name,segment\nA-1,One,SMB\n"))
    summary = import_file(store, "accounts", write_file("names.csv", "account_id,name\nA-1,One Inc\n"))
    assert summary.updated == 1
    assert store.fetchall("SELECT name, segment FROM accounts") == [("One Inc", "SMB")]


def test_missing_required_column_refuses_the_file(store, known_accounts, write_file):
    path = write_file("subscriptions.csv", "subscription_id,product,mrr,currency,quantity,start_date\nS-1,core,1,USD,1,2024-01-01\n")
    with pytest.raises(NabdError) as refused:
        import_file(store, "subscriptions", path)
    assert str(refused.value) == (
        f"{path} has no column 'account_id' (required for subscriptions); columns found: "
        "subscription_id, product, mrr, currency, quantity, start_date"
    )
    assert store.scalar("SELECT count(*) FROM subscriptions") == 0
    assert store.scalar("SELECT count(*) FROM imports") == 1  # only the accounts import


def test_semicolon_delimited_file_is_refused(store, write_file):
    path = write_file("accounts.csv", "account_id;name\nA-1;One\n")
    with pytest.raises(NabdError, match="seems to use ';' as its delimiter; Nabd reads comma-separated files"):
        import_file(store, "accounts", path)
    assert store.scalar("SELECT count(*) FROM accounts") == 0


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_file_that_is_not_utf8_is_refused(store, write_file, encoding):
    path = write_file("accounts.csv", "account_id,name\nA-1,Café Zoé\n", encoding=encoding)
    with pytest.raises(NabdError, match="is not UTF-8 text: save it as UTF-8"):
        import_file(store, "accounts", path)
    assert store.scalar("SELECT count(*) FROM accounts") == 0


def test_bad_byte_far_into_a_file_refuses_it_whole(store, write_file):
    lines = "".join(f"A-{i},Name {i}\n" for i in range(10_000))
    path = write_file("accounts.csv", "account_id,name\n" + lines + "A-x,Café\n", encoding="latin-1")
    with pytest.raises(NabdError, match="is not UTF-8 text"):
        import_file(store, "accounts", path)
    assert store.scalar("SELECT count(*) FROM accounts") == 0


def test_bom_and_arabic_names_read_back_exactly(store, write_file):
    path = write_file("accounts.csv", " Account_ID ,NAME,Country\nA-1,شركة النور للتقنية,SA\nA-2,\"مؤسسة الأمل, فرع جدة\",SA\n", encoding="utf-8-sig")
    assert import_file(store, "accounts", path).inserted == 2
    assert store.fetchall("SELECT account_id, name FROM accounts ORDER BY 1") == [
        ("A-1", "شركة النور للتقنية"), ("A-2", "مؤسسة الأمل, فرع جدة"),
    ]


def test_extra_columns_are_ignored_and_listed(store, write_file):
    summary = import_file(store, "accounts", write_file("accounts.csv", "account_id,name,favourite colour\nA-1,One,blue\n"))
    assert summary.ignored_columns == ("favourite colour",)


def test_row_naming_an_unknown_account_is_quarantined(store, known_accounts, write_file):
    path = write_file("tickets.csv", "ticket_id,account_id,opened_at\nT-1,A-1,2024-01-05 09:00:00\nT-2,A-999,2024-01-05 09:00:00\n")
    summary = import_file(store, "tickets", path)
    assert (summary.inserted, summary.quarantined) == (1, 1)
    assert quarantined(store) == [(3, "account_id 'A-999' is not a known account: import accounts first")]


def test_events_without_ids_count_identical_rows_and_reimport_once(store, known_accounts, write_file):
    row = "A-1,login,2024-01-05T10:00:00Z,1\n"
    path = write_file("events.csv", "account_id,event_type,ts,value\n" + row + row)
    assert import_file(store, "events", path).inserted == 2  # two identical rows are two events
    again = import_file(store, "events", path)
    assert (again.inserted, again.unchanged) == (0, 2)
    assert store.scalar("SELECT count(DISTINCT event_id) FROM events") == 2


def test_dates_in_the_wrong_order_are_quarantined(store, known_accounts, write_file):
    path = write_file(
        "invoices.csv",
        "invoice_id,account_id,amount,currency,issued_at,due_at\nI-1,A-1,10,USD,2024-02-01,2024-01-01\n",
    )
    import_file(store, "invoices", path)
    assert quarantined(store) == [(2, "due_at '2024-01-01' is before issued_at '2024-02-01'")]


def test_survey_scores_outside_their_scale_are_quarantined(store, known_accounts, write_file):
    path = write_file(
        "surveys.csv",
        "response_id,account_id,kind,score,responded_at\n"
        "R-1,A-1,nps,10,2024-01-05\n"   # line 2: good (0-10)
        "R-2,A-1,nps,11,2024-01-05\n"   # line 3
        "R-3,A-1,csat,0,2024-01-05\n"   # line 4
        "R-4,A-1,ces,8,2024-01-05\n"    # line 5
        "R-5,A-1,ces,7,2024-01-05\n"    # line 6: good (1-7)
        "R-6,A-1,star,3,2024-01-05\n",  # line 7
    )
    assert import_file(store, "survey_responses", path).inserted == 2
    assert quarantined(store) == [
        (3, "score '11' is out of range for nps (0-10)"),
        (4, "score '0' is out of range for csat (1-5)"),
        (5, "score '8' is out of range for ces (1-7)"),
        (7, "kind 'star' must be one of nps, csat, ces"),
    ]


def test_later_row_with_the_same_key_wins(store, known_accounts, write_file):
    path = write_file("ratings.csv", "account_id,rated_at,rating\nA-1,2024-01-05,2\nA-1,2024-01-05,4\n")
    summary = import_file(store, "relationship_ratings", path)
    assert (summary.inserted, summary.quarantined) == (1, 1)
    assert store.fetchall("SELECT rating FROM relationship_ratings") == [(4,)]
    assert quarantined(store) == [(2, "superseded by line 3 with the same account_id and rated_at")]


def test_datetimes_with_offsets_are_stored_in_utc(store, known_accounts, write_file):
    path = write_file(
        "events.csv",
        "event_id,account_id,event_type,ts\n"
        "E-1,A-1,login,2024-01-05T10:00:00Z\n"
        "E-2,A-1,login,2024-01-05 10:00:00+03:00\n"
        "E-3,A-1,login,2024-01-05T10:00:00\n"
        "E-4,A-1,login,05/01/2024 10:00\n",
    )
    import_file(store, "events", path)
    assert store.fetchall("SELECT event_id, ts FROM events ORDER BY 1") == [
        ("E-1", datetime(2024, 1, 5, 10)), ("E-2", datetime(2024, 1, 5, 7)), ("E-3", datetime(2024, 1, 5, 10)),
    ]
    assert quarantined(store) == [
        (5, "ts '05/01/2024 10:00' is not a date and time (use ISO 8601, e.g. 2024-01-31T09:30:00Z)")
    ]


def test_line_with_the_wrong_number_of_fields_is_quarantined(store, write_file):
    path = write_file("accounts.csv", "account_id,name\nA-1,One\nA-2,Two,extra\nA-3,Three\n")
    summary = import_file(store, "accounts", path)
    assert (summary.rows_read, summary.inserted, summary.quarantined) == (3, 2, 1)
    assert quarantined(store) == [(3, "the line has 3 fields but the header has 2: check its commas and quotes")]
    # lines after the refused one keep their own numbers
    import_file(store, "accounts", write_file("again.csv", "account_id,name\nA-1\nA-4,\n"))
    assert quarantined(store)[-1] == (3, "name is required")


def test_unknown_table_and_extension_are_refused(store, write_file):
    path = write_file("accounts.csv", "account_id,name\nA-1,One\n")
    with pytest.raises(NabdError, match="'customers' is not a table Nabd imports: use one of accounts, contacts"):
        import_file(store, "customers", path)
    with pytest.raises(NabdError, match="has an extension Nabd does not read"):
        import_file(store, "accounts", write_file("accounts.xlsx", "x"))


def test_empty_file_is_refused(store, write_file):
    with pytest.raises(NabdError, match="accounts.csv is empty"):
        import_file(store, "accounts", write_file("accounts.csv", ""))


def test_import_files_checks_every_name_before_writing(store, write_file, tmp_path):
    good = write_file("accounts.csv", "account_id,name\nA-1,One\n")
    with pytest.raises(NabdError, match="does not exist"):
        import_files(store, "accounts", [good, tmp_path / "missing.csv"])
    assert store.scalar("SELECT count(*) FROM accounts") == 0
