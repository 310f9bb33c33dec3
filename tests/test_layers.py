"""The packages of lapor/ are layers (docs/architecture.md, "Layers"): a module imports only its own
layer and those below it, so the core never depends on monitoring and the next writer finds one
place to hook in. Entry points — the admin, management commands, migrations, app configs — sit
above every layer and may call any of them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "lapor"

# Lowest first. The same number: a layer whose packages may use each other.
LAYERS = {
    "core": 0,
    "notify": 1,  # the outbox: infrastructure any layer may queue a message in
    "accounts": 2,
    "agencies": 2,
    "audit": 2,  # the audit log's writer and models (its pages: below)
    "rollups": 3,
    "reports": 4,
    "monev": 5,
    "notices": 5,  # messages about reports, from the event feed
    "survey": 6,
    "api": 7,
    "web": 7,
    "demo": 8,
    "ops": 8,
}
# Modules placed above their package's layer: pages that read what higher layers hold.
MODULE_LAYERS = {
    "lapor.audit.selectors": 6,  # the audit pages show the reports an entry is about
    "lapor.audit.views": 6,
}
# The one import downwards-across a layer boundary that is allowed: the lifecycle's vocabulary
# (statuses, actions), a module of plain enumerations that imports nothing of its package.
VOCABULARY = {"lapor.reports.states"}
ENTRY_POINTS = ("admin", "apps", "migrations", "management")
# Calls up a layer, each inside the one function that needs it, each with its reason (also in a
# comment beside the import).
UPWARD = {
    # A position that is the last one serving a queue with open reports may not be deactivated:
    # which reports wait in a queue is the reports' definition (the officer's queue page).
    ("lapor.accounts.services", "lapor.reports.selectors"),
}


def _module(path: Path) -> str:
    return ".".join(("lapor", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")


def _is_entry_point(path: Path) -> bool:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return any(part in ENTRY_POINTS for part in parts[1:])


def _imports(path: Path) -> list[str]:
    """Every lapor module imported anywhere in the file (inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("lapor.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("lapor."):
            found.append(node.module)
    return found


def test_every_package_has_a_layer():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS)


def test_no_module_imports_a_higher_layer():
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        if _is_entry_point(path) or path.parent == ROOT:
            continue
        module = _module(path)
        own = MODULE_LAYERS.get(module, LAYERS[module.split(".")[1]])
        for imported in _imports(path):
            if imported in VOCABULARY or imported.split(".")[1] == module.split(".")[1] or (module, imported) in UPWARD:
                continue
            theirs = MODULE_LAYERS.get(imported, LAYERS[imported.split(".")[1]])
            if theirs > own:
                wrong.append(f"{module} (layer {own}) imports {imported} (layer {theirs})")
    assert not wrong, "\n".join(wrong)


def test_nothing_below_monitoring_imports_it():
    """The check the restructuring was judged by: reports, core, agencies and accounts know
    nothing of monitoring (entry points included)."""
    for package in ("reports", "core", "agencies", "accounts", "rollups"):
        for path in (ROOT / package).rglob("*.py"):
            assert "lapor.monev" not in path.read_text(), path
