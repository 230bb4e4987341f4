"""The import contract: every import in src/nabd (top level or inside a function) goes down the layers,
and no modules import each other round in a cycle.

Layers, low to high (a module may import its own layer's package and any lower layer):

    base (nabd.errors, nabd.config, nabd.yamlfile)
    < store < console (nabd.console, nabd.servefile: they open the store a command names; nabd.secret)
    < ingest < metrics < health, feedback < risk < report < playbooks < outreach < pipeline < cli, web, handoff, demo

nabd.console is one step above the store, not in the base: it opens the configured store, and every
package's ``commands.py`` (part of its package, importing only downward) uses it. Peers in one layer
may import each other one way only (no cycle): feedback may use health, never the reverse (no
import either way today); of the top four, handoff imports neither cli nor web (the composition
root, cli, passes the command runner in).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"

LAYERS: list[set[str]] = [
    {"nabd.errors", "nabd.config", "nabd.yamlfile", "nabd"},
    {"nabd.store"},
    {"nabd.console", "nabd.servefile", "nabd.secret"},
    {"nabd.ingest"},
    {"nabd.metrics"},
    {"nabd.health", "nabd.feedback"},
    {"nabd.risk"},
    {"nabd.report"},
    {"nabd.playbooks"},
    {"nabd.outreach"},
    {"nabd.pipeline"},
    {"nabd.cli", "nabd.web", "nabd.handoff", "nabd.demo", "nabd.__main__"},
]
FORBIDDEN_PEERS = {("nabd.health", "nabd.feedback"), ("nabd.handoff", "nabd.cli"), ("nabd.handoff", "nabd.web")}

def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((SOURCE / "nabd").rglob("*.py"))}


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The nabd modules ``name`` imports anywhere in its file (a package's name for `from package import x`
    unless x is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {each for each in found if each == "nabd" or each.startswith("nabd.")} - {name}


def unit(name: str) -> str:
    """The layer unit of a module: a package (nabd.store) or a module of its own (nabd.config)."""
    parts = name.split(".")
    return ".".join(parts[:2])


def layer(name: str) -> int:
    for number, units in enumerate(LAYERS):
        if unit(name) in units:
            return number
    raise AssertionError(f"{name} is in no layer: add its package to LAYERS in tests/test_layers.py")


def import_graph() -> dict[str, set[str]]:
    """Parsed on a fresh thread: CPython 3.11.7 can leave a worker thread's recursion count skewed after
    deep recursion elsewhere in the session (schemathesis), and ast.parse then raises "AST constructor
    recursion depth mismatch" on that thread only."""
    known = modules()
    with ThreadPoolExecutor(max_workers=1) as fresh:
        return fresh.submit(lambda: {name: imported(name, path, set(known)) for name, path in known.items()}).result()


def violations() -> set[tuple[str, str]]:
    """Imports that go up a layer, or sideways where the contract forbids it."""
    found = set()
    for importer, targets in import_graph().items():
        for target in targets:
            up = layer(target) > layer(importer)
            if up or (unit(importer), unit(target)) in FORBIDDEN_PEERS:
                found.add((importer, target))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                each = stack.pop()
                on_stack.discard(each)
                component.append(each)
                if each == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = defaultdict(set)
    for importer, targets in graph.items():
        packages[unit(importer)].update(unit(t) for t in targets if unit(t) != unit(importer))
    return packages


def test_every_module_of_nabd_is_in_a_layer():
    assert {unit(name) for name in modules()} <= set().union(*LAYERS)


def test_no_import_goes_up_the_layers():
    assert sorted(violations()) == []


def test_no_packages_import_each_other_in_a_cycle():
    assert cycles(package_graph(import_graph())) == []


def test_no_modules_import_each_other_in_a_cycle():
    assert cycles(import_graph()) == []


def test_the_contract_catches_an_import_up_and_a_cycle(tmp_path):
    """The checks themselves: an upward import and a two-module cycle are found."""
    assert layer("nabd.store.url") < layer("nabd.ingest.files")
    upward = {"nabd.store.a": {"nabd.ingest.b"}, "nabd.ingest.b": set()}
    assert [(i, t) for i, ts in upward.items() for t in ts if layer(t) > layer(i)] == [("nabd.store.a", "nabd.ingest.b")]
    assert cycles({"nabd.metrics.a": {"nabd.metrics.b"}, "nabd.metrics.b": {"nabd.metrics.a"}}) == [
        ["nabd.metrics.a", "nabd.metrics.b"]]
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from nabd.cli import app\n")
    assert imported("nabd.handoff.jobs", module, {"nabd.cli"}) == {"nabd.cli"}


def imports_of(package: str) -> set[str]:
    """The units (packages or base modules) that the modules of ``package`` import."""
    return package_graph(import_graph()).get(package, set())


def test_ingest_is_a_pure_loader_that_imports_only_the_store_and_the_base():
    assert imports_of("nabd.ingest") <= {"nabd.store", "nabd.errors", "nabd.config", "nabd.yamlfile", "nabd.console"}


def test_playbooks_import_neither_ingest_nor_the_pipeline():
    assert not imports_of("nabd.playbooks") & {"nabd.ingest", "nabd.pipeline"}


def importers_of(module: str) -> list[str]:
    return sorted(name for name, targets in import_graph().items() if module in targets)


def test_only_the_serve_command_imports_the_web_app():
    """nabd.web.app assembles the routers; pages, API and read models never import it (no cycle)."""
    assert importers_of("nabd.web.app") == ["nabd.web.commands"]


def test_the_web_read_models_import_no_page_or_route_module():
    routes = {f"nabd.web.{name}" for name in ("app", "pages", "api", "task_pages", "user_pages", "survey_pages",
                                              "monitoring", "warm")}
    graph = import_graph()
    assert {name: graph[name] & routes for name in graph if name.startswith("nabd.web.read")} == {
        name: set() for name in graph if name.startswith("nabd.web.read")}
