"""`nabd import` and `nabd quarantine` as a person runs them, against a DuckDB file."""

from __future__ import annotations

from tests.command_line import nabd as run


def nabd(database, *args):
    return run(*args, env={"NABD_DATABASE_URL": f"duckdb:///{database}"})


def test_import_prints_a_summary_and_how_to_see_quarantined_rows(tmp_path, write_file):
    path = write_file("accounts.csv", "account_id,name,notes\nA-1,One,x\nA-2,,y\n")
    result = nabd(tmp_path / "n.duckdb", "import", "accounts", str(path))
    assert result.returncode == 0, result.stderr
    for line in ("rows read", "inserted", "quarantined", "ignored columns", "notes"):
        assert line in result.stdout
    assert "1 rows were quarantined; see them with `nabd quarantine --import " in result.stdout


def test_refused_file_prints_one_line_and_fails(tmp_path, write_file):
    path = write_file("accounts.csv", "account_id;name\nA-1;One\n")
    result = nabd(tmp_path / "n.duckdb", "import", "accounts", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {path} seems to use ';' as its delimiter; Nabd reads comma-separated files"
    ]


def test_quarantine_lists_and_exports(tmp_path, write_file):
    database = tmp_path / "n.duckdb"
    nabd(database, "import", "accounts", str(write_file("accounts.csv", "account_id,name\nA-1,\n")))
    listed = nabd(database, "quarantine", "--table", "accounts")
    assert listed.returncode == 0 and "name is required" in listed.stdout
    exported = nabd(database, "quarantine", "--export", str(tmp_path / "q.csv"))
    assert exported.returncode == 0
    assert "name is required" in (tmp_path / "q.csv").read_text(encoding="utf-8")


def test_importing_survey_responses_prints_how_many_comments_were_analysed(tmp_path, write_file):
    database = tmp_path / "n.duckdb"
    nabd(database, "import", "accounts", str(write_file("accounts.csv", "account_id,name\nA-1,One\n")))
    responses = write_file("responses.csv", "response_id,account_id,kind,score,comment,responded_at\n"
                           "r1,A-1,nps,3,The price is far too high.,2026-05-01 10:00:00\n"
                           "r2,A-1,nps,9,,2026-05-02 10:00:00\n")
    result = nabd(database, "import", "survey_responses", str(responses))
    assert result.returncode == 0, result.stderr
    assert [line.split() for line in result.stdout.splitlines() if "comments analysed" in line] == [
        ["│", "comments", "analysed", "│", "1", "│"]
    ]
