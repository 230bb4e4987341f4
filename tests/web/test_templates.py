"""The page templates (src/nabd/web/templates)."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

TEMPLATES = sorted(path for path in (files("nabd.web") / "templates").iterdir() if path.name.endswith(".html"))
TITLE = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_a_page_title_is_text_without_markup(template):
    for title in TITLE.findall(template.read_text(encoding="utf-8")):
        assert "<" not in title and "\n" not in title.strip(), f"{template.name}: the title block holds {title[:80]!r}"
