"""Small helpers of the ingest tests: write a file into tmp_path, load a few accounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nabd.ingest.files import import_file
from nabd.store import Store


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """write_file(name, text, encoding="utf-8") -> the path of a new file holding ``text``."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def known_accounts(store: Store, write_file) -> list[str]:
    """Accounts A-1 and A-2 in the store, imported the ordinary way."""
    import_file(store, "accounts", write_file("accounts.csv", "account_id,name\nA-1,One\nA-2,Two\n"))
    return ["A-1", "A-2"]
