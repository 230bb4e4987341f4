"""The command line as a person uses it, on real databases; the console script itself, `--debug` and `nabd serve` in
processes of their own."""

import json
import socket
import stat
import subprocess
import sys

from nabd.store.migrations import available_migrations
from nabd.store.signing import signing_keys
from tests.command_line import nabd, nabd_process
from tests.store.test_migrations import _store_at

LATEST = available_migrations("duckdb")[-1].version


def test_init_is_safe_to_run_twice(store_url):
    assert nabd("init", database=store_url).returncode == 0
    second = nabd("init", database=store_url)
    assert second.returncode == 0
    assert f"schema version {LATEST}" in second.stdout


def test_status_shows_the_schema_version_and_row_counts(store_url):
    nabd("init", database=store_url)
    result = nabd("status", database=store_url)
    assert result.returncode == 0
    assert f"schema version: {LATEST}" in result.stdout
    assert "accounts" in result.stdout


def test_a_bad_database_url_is_one_line_without_a_traceback():
    result = nabd_process("status", database="mysql://x/y")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_command_on_a_store_made_by_an_earlier_nabd_says_it_is_upgrading_it(store_url):
    _store_at(store_url, LATEST - 1).close()
    result = nabd("status", database=store_url)
    assert result.returncode == 0
    last = available_migrations("duckdb")[-1]
    assert f"upgrading the database: migration {last.version:04d}_{last.name}" in result.stderr
    assert f"schema version: {LATEST}" in result.stdout


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The one error line of a failed command (no traceback, nothing on stdout)."""
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    return result.stderr.strip()


def test_a_data_file_named_as_the_database_is_refused_and_left_as_it_was(tmp_path):
    data = tmp_path / "accounts.csv"
    data.write_text("account_id,name\nA-1,Acme\n")
    result = nabd("import", "accounts", str(data), database=f"duckdb:///{data}")
    assert "is not a DuckDB database" in one_line_error(result)
    assert data.read_text() == "account_id,name\nA-1,Acme\n"


def test_a_read_only_command_refuses_a_database_that_does_not_exist_and_creates_none(tmp_path):
    mistyped = tmp_path / "nadb.duckdb"
    assert "there is no Nabd database at" in one_line_error(nabd("status", database=f"duckdb:///{mistyped}"))
    assert list(tmp_path.iterdir()) == []


def test_the_commands_that_fill_a_database_create_it(tmp_path):
    data = tmp_path / "accounts.csv"
    data.write_text("account_id,name\nA-1,Acme\n")
    assert nabd("import", "accounts", str(data), database=f"duckdb:///{tmp_path / 'new.duckdb'}").returncode == 0
    assert nabd("init", database=f"duckdb:///{tmp_path / 'other.duckdb'}").returncode == 0


def test_exporting_the_quarantine_to_a_missing_folder_is_one_line(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    nabd("init", database=url)
    result = nabd("quarantine", "-o", "/nonexistent-dir/q.csv", database=url)
    assert one_line_error(result) == "error: cannot export quarantine to /nonexistent-dir/q.csv: there is no folder /nonexistent-dir"


def test_debug_works_after_the_command_too(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    nabd("init", database=url)
    assert nabd("status", "--debug", database=url).returncode == 0
    missing = nabd_process("status", "--debug", database=f"duckdb:///{tmp_path / 'missing.duckdb'}")
    assert missing.returncode == 1 and "Traceback" in missing.stderr  # --debug shows what failed, in full


def test_a_port_out_of_range_is_refused_before_serving(tmp_path):
    result = nabd_process("serve", "--port", "99999", database=f"duckdb:///{tmp_path / 'nabd.duckdb'}")
    assert result.returncode == 2 and "serving" not in result.stdout
    assert "--port" in result.stderr and "65535" in result.stderr


def test_a_busy_port_is_one_line_and_nothing_says_serving(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = nabd_process("serve", "--port", str(port), database=f"duckdb:///{tmp_path / 'nabd.duckdb'}")
    assert one_line_error(result) == (
        f"error: port {port} on 127.0.0.1 is in use (another `nabd serve`?): stop it, or pick another port with --port")


def test_a_csv_with_an_unclosed_quote_is_refused_naming_its_line(tmp_path):
    data = tmp_path / "accounts.csv"
    data.write_text('account_id,name\nA-1,Acme\nA-2,"Beta Foods\nA-3,Cedar\nA-4,Dune\n')
    result = nabd("import", "accounts", str(data), database=f"duckdb:///{tmp_path / 'nabd.duckdb'}")
    assert "line 3 opens a quoted field" in one_line_error(result)


def test_secret_rotate_writes_new_keys_to_the_private_key_file(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    nabd("init", database=url)
    keys = tmp_path / "nabd.duckdb.keys"
    before = signing_keys(url)
    rotated = nabd("secret", "rotate", database=url)
    assert rotated.returncode == 0 and "every session and survey link signed before has stopped working" in rotated.stdout
    after = json.loads(keys.read_text())
    assert after["session"] != before.session and after["survey"] != before.survey
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600


def test_each_command_module_registers_exactly_the_commands_the_cli_names_for_it():
    import typer.main

    from nabd.cli import COMMAND_MODULES, _registered

    for module, names in COMMAND_MODULES.items():
        assert tuple(typer.main.get_command(_registered(module)).commands) == names, module


def test_the_whole_tree_a_hand_off_job_adapts_lists_each_command_once():
    from nabd.cli import COMMAND_MODULES, every_command

    group = every_command()
    listed = group.list_commands(None)
    assert listed == ["init", "status", *(name for names in COMMAND_MODULES.values() for name in names)]
    assert all(group.get_command(None, name) is group.commands[name] for name in listed)


def test_a_command_imports_its_own_module_and_not_the_others():
    script = ("import sys; from nabd.cli import run_command; run_command(['risk', '--help']); "
              "print(sorted(m for m in ('nabd.risk.churn_commands', 'nabd.report.commands', 'nabd.web.commands', "
              "'nabd.demo.commands') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "['nabd.risk.churn_commands']"
