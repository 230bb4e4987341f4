"""The web package imports downward only: no page module imports the app that assembles them."""

import ast
from pathlib import Path

import nabd.web

WEB = Path(nabd.web.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return found | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def test_only_the_commands_import_the_app():
    """nabd.web.app assembles the routers; pages, API and read models never import it (no cycle)."""
    importers = sorted(path.relative_to(WEB).as_posix() for path in WEB.rglob("*.py")
                       if "nabd.web.app" in _imports(path))
    assert importers == ["commands.py"]


def test_the_read_models_import_no_page_or_route_module():
    routes = {f"nabd.web.{name}" for name in ("app", "pages", "api", "task_pages", "user_pages", "survey_pages",
                                              "monitoring", "warm")}
    assert {path.name: _imports(path) & routes for path in (WEB / "read").glob("*.py")} == {
        path.name: set() for path in (WEB / "read").glob("*.py")
    }
