"""Compiled SQL compared exactly with a committed snapshot file, in the style of Ibis's ``snapshot.assert_match``.

A test's snapshots are ``snapshots/<test name>/<backend>.sql`` beside its module: the statements exactly as
compiled, laid out one clause per line by sqlglot (in the backend's own dialect) so that a change reads as
a small diff. A difference fails with a unified diff. When the change is meant (a measure's expression, a join, a new Ibis), regenerate the
files and review their diff in the commit::

    NABD_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/health/test_scoring.py tests/playbooks/test_indicators.py -k snapshot
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
import sqlglot

UPDATE = os.environ.get("NABD_UPDATE_SNAPSHOTS") == "1"


def laid_out(statements: list[str], backend: str) -> str:
    """The statements as sqlglot writes them in ``backend``'s dialect with one clause per line, ``;``-separated."""
    return ";\n\n".join(sqlglot.parse_one(sql, read=backend).sql(backend, pretty=True) for sql in statements) + ";\n"


def assert_sql_matches(statements: str | list[str], request: pytest.FixtureRequest, backend: str) -> None:
    """The compiled ``statements`` equal the test's snapshot for ``backend`` (duckdb or postgres)."""
    test_name = request.node.originalname
    path = Path(request.node.path).parent / "snapshots" / test_name / f"{backend}.sql"
    text = laid_out([statements] if isinstance(statements, str) else statements, backend)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}: run the test with NABD_UPDATE_SNAPSHOTS=1 to write it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True), str(path), "compiled", n=1
        ))
        pytest.fail(f"the compiled SQL differs from {path} (NABD_UPDATE_SNAPSHOTS=1 rewrites it):\n{diff[:20000]}")
