"""`nabd demo` as a person runs it: a real subprocess on a real database."""

from __future__ import annotations

import subprocess
import sys


def nabd(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nabd", *args, "--database", url],
        capture_output=True, text=True, timeout=300,
    )


def test_demo_loads_a_company_and_prints_its_summary(store_url, tmp_path):
    result = nabd("demo", "--accounts", "20", "--months", "3", "--end-date", "2026-10-31",
                  "--workdir", str(tmp_path / "files"), "--no-serve", url=store_url)
    assert result.returncode == 0, result.stderr
    assert "20 accounts" in result.stdout and "churned" in result.stdout and "MRR $" in result.stdout
    assert (tmp_path / "files" / "events.parquet").is_file()

