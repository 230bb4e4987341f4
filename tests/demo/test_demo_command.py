"""`nabd demo` as a person runs it, on a real database."""

from __future__ import annotations

from nabd.demo.commands import DEMO_PASSWORD
from nabd.store import open_store
from nabd.web.users import authenticate
from tests.command_line import nabd


def test_demo_loads_a_company_and_prints_its_summary(store_url, tmp_path):
    result = nabd("demo", "--accounts", "20", "--months", "3", "--end-date", "2026-10-31",
                  "--workdir", str(tmp_path / "files"), "--no-serve", database=store_url)
    assert result.returncode == 0, result.stderr
    assert "20 accounts" in result.stdout and "churned" in result.stdout and "MRR $" in result.stdout
    assert (tmp_path / "files" / "events.parquet").is_file()
    assert "Ran the daily pipeline on 2026-10-31" in result.stdout
    with open_store(store_url) as store:
        csms = [login for (login,) in store.fetchall("SELECT DISTINCT csm FROM accounts ORDER BY 1")]
        users = dict(store.fetchall("SELECT login, role FROM users"))
        per_owner = store.fetchall("SELECT owner, count(*) FROM tasks GROUP BY owner")
        assert authenticate(store, csms[0], DEMO_PASSWORD) is not None  # the printed logins work
    assert csms and all(users[login] == "csm" for login in csms) and users["demo"] == "admin"
    assert per_owner and all(count <= 10 for _, count in per_owner)  # the default cap per CSM and day
    assert all(login in " ".join(result.stdout.split()) for login in csms)

