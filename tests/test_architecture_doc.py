"""docs/architecture.md is the map: its package table must name only paths that exist, and every
module of lapor/ must be found on it (by its path, or by its name in its package's row)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOC = ROOT / "docs" / "architecture.md"
# Django's plumbing, in every app: config/urls.py's row says which URLs each app serves.
NOT_LISTED = {"__init__.py", "apps.py", "urls.py", "admin.py"}


def _table() -> tuple[str, list[str]]:
    text = DOC.read_text()
    table = text[text.index("## Package layout"):text.index("## Where does code go?")]
    return table, [line for line in table.splitlines() if line.startswith("| `")]


def test_every_path_the_table_names_exists():
    table, _rows = _table()
    named = {p for p in re.findall(r"`([\w./-]+)`", table)
             if p.startswith(("lapor/", "config/", "bench/", "templates/", "tests/", "static/"))}
    missing = sorted(p for p in named if not (ROOT / p.rstrip("/")).exists())
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_every_module_is_on_the_map():
    table, rows = _table()

    def listed(module: Path) -> bool:
        relative = module.relative_to(ROOT)
        if str(relative) in table:
            return True
        if "management" in relative.parts:  # a command: by its name
            return f"`{module.stem}`" in table or f"manage.py {module.stem}" in table
        package = relative.parts[1]
        word = re.compile(rf"\b{re.escape(module.stem)}\b")
        return any(f"`lapor/{package}/" in row and word.search(row) for row in rows)

    modules = [p for p in (ROOT / "lapor").rglob("*.py")
               if "migrations" not in p.parts and p.name not in NOT_LISTED and "reference" not in p.parts]
    unlisted = sorted(str(p.relative_to(ROOT)) for p in modules if not listed(p))
    assert not unlisted, f"modules missing from the package table of docs/architecture.md: {unlisted}"
