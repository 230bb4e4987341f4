"""The demo company keeps office hours in its own timezone: its files hold the UTC instants of them."""

from __future__ import annotations

import duckdb

from nabd.demo import generate_files
from tests.demo.conftest import END


def test_a_tokyo_company_writes_the_same_wall_clock_times_as_utc_instants(small_company, tmp_path):
    tokyo = generate_files(tmp_path, accounts=40, months=6, seed=7, end_date=END, timezone="Asia/Tokyo")
    with duckdb.connect() as con:
        shifts = con.execute(
            "SELECT DISTINCT utc.ts - tokyo.ts FROM read_parquet(?) AS utc JOIN read_parquet(?) AS tokyo USING (event_id)",
            [str(small_company["events"].path), str(tokyo["events"].path)],
        ).fetchall()
        tickets = con.execute(
            "SELECT DISTINCT utc.opened_at - tokyo.opened_at FROM read_csv(?) AS utc"
            " JOIN read_csv(?) AS tokyo USING (ticket_id)",
            [str(small_company["tickets"].path), str(tokyo["tickets"].path)],
        ).fetchall()
    assert [str(shift) for (shift,) in shifts] == ["9:00:00"]  # Tokyo is UTC+9 all year
    assert [str(shift) for (shift,) in tickets] == ["9:00:00"]
    assert tokyo["events"].rows == small_company["events"].rows


def test_a_utc_company_is_unchanged_by_the_timezone_setting(small_company, tmp_path):
    again = generate_files(tmp_path, accounts=40, months=6, seed=7, end_date=END, timezone="UTC")
    for table, generated in small_company.items():
        assert again[table].path.read_bytes() == generated.path.read_bytes(), table
