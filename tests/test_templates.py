"""Template hygiene that no page test would notice until a person reads the page."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_no_comment_spans_lines():
    """Django's `{# … #}` comment ends at the line's end: a comment continued on the next line is
    printed on the page. Longer comments use {% comment %}."""
    unclosed = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for opening in re.finditer(r"\{#", line):
                if "#}" not in line[opening.end():]:
                    unclosed.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert not unclosed, "a {# comment continues on the next line (it shows on the page): " + ", ".join(unclosed)
