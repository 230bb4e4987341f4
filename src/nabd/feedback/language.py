"""Which language a comment is written in, told by its script: Arabic letters against Latin ones."""

from __future__ import annotations

import re

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z]")
LANGUAGES = ("ar", "en")


def detect_language(text: str, default: str = "en") -> str:
    """"ar" when Arabic letters are at least as many as Latin ones, "en" when Latin letters lead;
    ``default`` for a text with neither (digits, emoji, empty)."""
    arabic, latin = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    if arabic == 0 and latin == 0:
        return default
    return "ar" if arabic >= latin else "en"
