"""The pipeline composes the layers below it; they do not reach up to it or to each other's side."""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

SOURCE = Path(str(files("nabd")))


def imported_packages(package: str) -> set[str]:
    """The nabd packages (``nabd.X``) that the modules of ``nabd.<package>`` import, anywhere in the module."""
    found = set()
    for path in (SOURCE / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            found |= {".".join(name.split(".")[:2]) for name in names if name.startswith("nabd.")}
    return found - {f"nabd.{package}"}


def test_ingest_is_a_loader_that_imports_only_the_store_and_the_shared_basics():
    assert imported_packages("ingest") <= {"nabd.store", "nabd.errors", "nabd.config", "nabd.console", "nabd.yamlfile"}


def test_playbooks_import_neither_ingest_nor_the_pipeline():
    assert not imported_packages("playbooks") & {"nabd.ingest", "nabd.pipeline"}


def test_no_layer_below_the_pipeline_imports_it():
    for package in ("store", "ingest", "metrics", "health", "feedback", "risk", "playbooks"):
        assert "nabd.pipeline" not in imported_packages(package), package
