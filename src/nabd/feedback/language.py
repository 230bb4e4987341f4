"""Which language a comment is written in, told by its script: Arabic letters against Latin ones.

Defined results for every input: "ar" when Arabic letters are at least as many as Latin ones (a
mixed comment goes to its majority script, ties to Arabic), "en" when Latin letters lead, "ar" for
Arabizi (Arabic written in Latin letters with digits for the missing sounds: "el support 7elw
awi"), and "unknown" for a text without letters (empty, digits, emoji only).
"""

from __future__ import annotations

import re

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9']+")
# a digit standing for an Arabic letter inside a word (7elw, 3ajabni, ma2fool, 5ara, sa3a)
_ARABIZI_DIGIT = re.compile(r"[a-z][2356789]|[2356789][a-z]", re.IGNORECASE)
ARABIZI_WORDS = frozenset({
    "ana", "enta", "enti", "inta", "inti", "ehna", "e7na", "howa", "heya", "mesh", "mish", "msh", "mush",
    "awi", "awy", "kteer", "ktir", "katheer", "wallah", "walla", "wallahi", "ya", "yalla", "yallah",
    "inshallah", "insha", "mashallah", "habibi", "shukran", "mafi", "mafish", "mafeesh", "leh", "lesh",
    "leish", "ezay", "izzay", "keda", "kda", "bas", "bs", "kwayes", "kwayyes", "kwais", "mni7", "zay",
    "wala", "gedan", "jiddan", "ba2a", "elly", "illi", "eli", "wa7ed", "tamam", "khalas", "5alas",
    "yani", "ya3ni", "3ala", "fih", "feeh", "ma3", "kaman", "kman", "el", "barnameg", "barnamej",
    "momtaz", "mumtaz", "zift", "wa7esh", "we7esh", "helw", "7elw", "sari3", "ba6i2", "ghali", "gheli",
})
UNKNOWN = "unknown"
LANGUAGES = ("ar", "en")


def is_arabizi(text: str) -> bool:
    """Latin-script Arabic: of at least two Latin words, either a third or more carry a digit for a
    letter (7elw) or are common Arabizi words (mesh, awi, wallah) and one carries a digit, or half or
    more are common Arabizi words."""
    found = _LATIN_WORD.findall(text)
    if len(found) < 2:
        return False
    digits = sum(bool(_ARABIZI_DIGIT.search(word)) for word in found)
    known = sum(word.lower() in ARABIZI_WORDS for word in found)
    return (digits >= 1 and (digits + known) * 3 >= len(found)) or (known >= 2 and known * 2 >= len(found))


def detect_language(text: str, default: str = UNKNOWN) -> str:
    """"ar" when Arabic letters are at least as many as Latin ones or the text is Arabizi, "en"
    when Latin letters lead; ``default`` for a text with neither (digits, emoji, empty)."""
    arabic, latin = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    if arabic == 0 and latin == 0:
        return default
    if arabic >= latin:
        return "ar"
    return "ar" if arabic == 0 and is_arabizi(text) else "en"
