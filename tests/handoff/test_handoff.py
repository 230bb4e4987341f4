"""CLI commands on a DuckDB file held by a live `nabd serve` run inside the server: real processes."""

from __future__ import annotations

import http.client
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from nabd.servefile import Server, serve_file_of
from nabd.ingest.intake.keys import add_write_key
from nabd.store import open_store
from tests.conftest import _drop_schema, fresh_url
from tests.feedback.conftest import Mailbox
from tests.ingest.intake.conftest import basic_auth
from tests.ingest.intake.live import LiveServer
from tests.serving import free_port

NABD = str(Path(sys.executable).with_name("nabd"))
ACCOUNTS = "account_id,name,segment\na1,Acme,smb\na2,Beta,mid\nbad,,smb\n"
COUNT_LABELS = ("rows read", "inserted", "updated", "unchanged", "quarantined")


def nabd(*args: str, cwd: Path, input: str | None = None, **environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NABD_")} | environment
    return subprocess.run([NABD, *args], cwd=cwd, input=input, capture_output=True, text=True,
                          timeout=120, env=env)


def counts(output: str) -> dict[str, str]:
    """The rows of `nabd import`'s summary table: label -> count."""
    found = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│ ").split("│")]
        if len(cells) == 2 and cells[0] in COUNT_LABELS:
            found[cells[0]] = cells[1]
    return found


def one_error_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def live_server(url: str, folder: Path) -> LiveServer:
    """A started `nabd serve` over ``url`` (with a write key, which its health check needs)."""
    with open_store(url) as store:
        key = add_write_key(store, "health")
    server = LiveServer(url, key, folder / "journal", folder / "serve.log")
    server.start()
    return server


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[LiveServer, Path]]:
    """A live `nabd serve` over served.duckdb in a folder that also holds accounts.csv."""
    folder = tmp_path_factory.mktemp("served")
    (folder / "accounts.csv").write_text(ACCOUNTS)
    server = live_server(f"duckdb:///{folder / 'served.duckdb'}", folder)
    yield server, folder
    server.stop()


def test_serve_writes_a_private_serve_file_with_its_pid_port_and_token(served):
    server, folder = served
    path = serve_file_of(server.url)
    assert path == folder / "served.duckdb.serve.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    recorded = Server.model_validate_json(path.read_text())
    assert (recorded.pid, recorded.host, recorded.port) == (server.process.pid, "127.0.0.1", server.port)
    assert len(recorded.token) >= 40


def test_import_through_the_server_prints_the_same_counts_as_without_one(served, tmp_path):
    server, folder = served
    (tmp_path / "accounts.csv").write_text(ACCOUNTS)
    alone = nabd("import", "accounts", "accounts.csv", "-d", "alone.duckdb", cwd=tmp_path)
    handed = nabd("import", "accounts", "accounts.csv", "-d", "served.duckdb", cwd=folder)
    assert alone.returncode == 0 and handed.returncode == 0, handed.stderr
    assert counts(handed.stdout) == counts(alone.stdout) == {
        "rows read": "3", "inserted": "2", "updated": "0", "unchanged": "0", "quarantined": "1"}
    assert "rows were quarantined; see them with `nabd quarantine --import" in handed.stdout


def test_status_through_the_server_shows_the_rows_and_the_file_stays_held(served):
    server, folder = served
    nabd("import", "accounts", "accounts.csv", "-d", "served.duckdb", cwd=folder)
    result = nabd("status", cwd=folder, NABD_DATABASE_URL=server.url)
    assert result.returncode == 0, result.stderr
    assert re.search(r"│ accounts +│ 2 +│", result.stdout), result.stdout
    assert server.process.poll() is None and serve_file_of(server.url).exists()


def test_key_add_while_serving_makes_a_key_the_server_accepts(served):
    server, folder = served
    made = nabd("key", "add", "website", "-d", "served.duckdb", cwd=folder)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("nabd_wk_")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = json.dumps({"type": "track", "messageId": "m1", "userId": "u1", "event": "login"})
    connection.request("POST", "/v1/track", body=body, headers={**basic_auth(key), "Content-Type": "application/json"})
    assert connection.getresponse().status == 200
    listed = nabd("key", "list", "-d", "served.duckdb", cwd=folder)
    assert "website" in listed.stdout and "in use" in listed.stdout


def test_a_bad_input_error_comes_back_as_the_same_one_line_with_exit_code_1(served, tmp_path):
    server, folder = served
    open_store(f"duckdb:///{tmp_path / 'alone.duckdb'}").close()
    alone = one_error_line(nabd("key", "revoke", "nosuch", "-d", "alone.duckdb", cwd=tmp_path))
    handed = one_error_line(nabd("key", "revoke", "nosuch", "-d", "served.duckdb", cwd=folder))
    assert handed == alone == "error: no write key in use is called 'nosuch'; `nabd key list` shows them"
    missing = one_error_line(nabd("import", "accounts", "missing.csv", "-d", "served.duckdb", cwd=folder))
    assert missing == f"error: {folder / 'missing.csv'} does not exist or is not a file"


def test_relative_paths_are_read_and_written_in_the_client_folder(served, tmp_path):
    server, _ = served
    (tmp_path / "accounts.csv").write_text(ACCOUNTS)
    imported = nabd("import", "accounts", "accounts.csv", "-d", server.url, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    exported = nabd("quarantine", "--export", "refused.csv", "-d", server.url, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "name" in (tmp_path / "refused.csv").read_text()


def test_a_password_on_stdin_and_a_token_made_through_the_server_open_its_api(served):
    server, folder = served
    # the accounts it lists: imported here, as pytest-xdist may run the module's other tests on another worker
    assert nabd("import", "accounts", "accounts.csv", "-d", "served.duckdb", cwd=folder).returncode == 0
    added = nabd("user", "add", "lina", "--role", "viewer", "--password-stdin", "-d", "served.duckdb",
                 cwd=folder, input="a long password\n")
    assert added.returncode == 0 and "user lina (viewer) can now log in" in added.stdout, added.stderr
    token = nabd("token", "add", "lina", "-d", "served.duckdb", cwd=folder).stdout.strip()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/api/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    assert response.status == 200 and json.loads(response.read())["total"] >= 2


def test_json_output_and_the_client_terminal_width_cross_the_hand_off(served):
    server, folder = served
    result = nabd("metrics", "customer_churn", "--format", "json", "--from", "2025-01-01", "--to", "2025-02-28",
                  "-d", "served.duckdb", cwd=folder)
    assert [row["period_start"] for row in json.loads(result.stdout)] == ["2025-01-01", "2025-02-01"]
    wide = nabd("metrics", "-d", "served.duckdb", cwd=folder, COLUMNS="200")
    narrow = nabd("metrics", "-d", "served.duckdb", cwd=folder, COLUMNS="60")
    assert max(map(len, wide.stdout.splitlines())) > 100
    assert max(map(len, narrow.stdout.splitlines())) == 60


def test_a_setting_the_server_does_not_share_refuses_the_command(served):
    server, folder = served
    line = one_error_line(nabd("status", "-d", "served.duckdb", cwd=folder, NABD_REPORTING_CURRENCY="EUR"))
    assert "NABD_REPORTING_CURRENCY is EUR for this command but not set in the server" in line


def test_every_server_wide_setting_that_differs_is_named_in_the_one_refusal(served):
    server, folder = served
    line = one_error_line(nabd("status", "-d", "served.duckdb", cwd=folder,
                               NABD_REPORTING_CURRENCY="EUR", NABD_TIMEZONE="Asia/Riyadh"))
    assert "NABD_TIMEZONE is Asia/Riyadh for this command but not set in the server" in line
    assert "NABD_REPORTING_CURRENCY is EUR for this command but not set in the server" in line


def test_settings_a_job_carries_for_itself_are_not_compared_with_the_server(served):
    server, folder = served
    result = nabd("status", "-d", "served.duckdb", cwd=folder, NABD_INBOX="elsewhere",
                  NABD_PUBLIC_URL="https://nabd.example.com", NABD_SMTP_HOST="mail.example.com")
    assert result.returncode == 0, result.stderr


def test_a_handed_off_survey_send_uses_the_smtp_settings_of_the_shell_that_ran_it(served):
    server, folder = served
    (folder / "contacts.csv").write_text("contact_id,account_id,name,email,language\nk1,a1,Huda,huda@acme.test,ar\n")
    for table in ("accounts", "contacts"):
        imported = nabd("import", table, f"{table}.csv", "-d", "served.duckdb", cwd=folder)
        assert imported.returncode == 0, imported.stderr
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        sent = nabd("feedback", "send", "relationship-nps", "--base-url", "http://nabd.test", "--contact", "k1",
                    "-d", "served.duckdb", cwd=folder, NABD_SMTP_HOST="127.0.0.1",
                    NABD_SMTP_PORT=str(controller.port), NABD_SMTP_FROM="cs@caller.test")
    finally:
        controller.stop()
    assert sent.returncode == 0, sent.stderr
    assert "sent 1;" in sent.stdout
    assert [(m["From"], m["To"]) for m in box.messages] == [("cs@caller.test", "huda@acme.test")]


def test_a_caller_setting_that_does_not_cast_is_one_line_naming_it(served):
    server, folder = served
    line = one_error_line(nabd("status", "-d", "served.duckdb", cwd=folder, NABD_SMTP_STARTTLS="maybe"))
    assert line == "error: NABD_SMTP_STARTTLS='maybe' is not a boolean: use true or false"


def test_demo_and_a_second_serve_refuse_a_served_file_with_the_holder(served):
    server, folder = served
    holder = f"a server (pid {server.process.pid}, http://127.0.0.1:{server.port}/) holds {folder / 'served.duckdb'}"
    demo = one_error_line(nabd("demo", "--no-serve", "--workdir", "files", "-d", "served.duckdb", cwd=folder))
    assert demo == f"error: {holder}: stop it first"
    again = one_error_line(nabd("serve", "--port", "1", "-d", "served.duckdb", cwd=folder))
    assert again == f"error: {holder}: stop it first"
    assert not (folder / "files").exists()


def _run(server: LiveServer, headers: dict[str, str]) -> tuple[int, list[dict]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = json.dumps({"argv": ["status"], "cwd": "/"})
    connection.request("POST", "/admin/v1/run", body=body, headers={"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    return response.status, [json.loads(line) for line in response.read().splitlines()]


def test_the_admin_endpoint_refuses_a_wrong_or_missing_token_with_401(served):
    server, _ = served
    assert _run(server, {"Authorization": "Bearer not-the-token"})[0] == 401
    status, body = _run(server, {})
    assert status == 401 and "token" in body[0]["error"]
    token = Server.model_validate_json(serve_file_of(server.url).read_text()).token
    status, lines = _run(server, {"Authorization": f"Bearer {token}"})
    assert status == 200 and lines[-1] == {"exit": 0} and "schema version" in "".join(x.get("out", "") for x in lines)


def test_a_stale_serve_file_of_a_dead_process_is_ignored(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = Server(pid=dead.pid, host="127.0.0.1", port=1, token="old", database=str(tmp_path / "nabd.duckdb"))
    (tmp_path / "nabd.duckdb.serve.json").write_text(stale.model_dump_json())
    open_store(f"duckdb:///{tmp_path / 'nabd.duckdb'}").close()
    result = nabd("status", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database: duckdb:///nabd.duckdb" in result.stdout


def test_a_stopped_server_removes_its_serve_file_and_commands_open_the_file_again(tmp_path):
    server = live_server(f"duckdb:///{tmp_path / 'nabd.duckdb'}", tmp_path)
    assert (tmp_path / "nabd.duckdb.serve.json").exists()
    server.stop()
    assert not (tmp_path / "nabd.duckdb.serve.json").exists()
    assert nabd("key", "add", "after", cwd=tmp_path).stdout.startswith("nabd_wk_")


@pytest.mark.postgres
def test_on_postgresql_a_command_connects_itself_while_the_server_runs(tmp_path):
    url, schema = fresh_url("postgres", tmp_path)
    server = None
    try:
        server = live_server(url, tmp_path)
        assert not list(tmp_path.glob("*.serve.json"))
        made = nabd("key", "add", "pg", "-d", url, cwd=tmp_path)
        assert made.returncode == 0 and made.stdout.startswith("nabd_wk_"), made.stderr
        server.stop()
    finally:
        if server is not None and server.process.poll() is None:
            server.kill()
        _drop_schema(schema)
