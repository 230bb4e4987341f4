"""Arabic and English text brought to one spelling before any lexicon or model reads it.

Arabic: diacritics and tatweel removed; alef variants (أ إ آ ٱ) become ا, alef maqsura ى becomes ي,
ta marbuta ة becomes ه, hamza on waw/ya (ؤ ئ) becomes و/ي; a letter stretched three times or more
(حلوووو) is kept once. Arabic-Indic digits become Western ones; Latin letters are lower-cased;
punctuation (Arabic and Latin) becomes a space.
"""

from __future__ import annotations

import re

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_LETTERS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
})
_STRETCHED = re.compile(r"(\w)\1{2,}")
_PUNCTUATION = re.compile(r"[^\w\s']|_")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """``text`` in the one spelling the lexicons and the model are written in."""
    text = _DIACRITICS.sub("", text.replace(_TATWEEL, ""))
    text = text.translate(_LETTERS).translate(_APOSTROPHES).lower()
    text = _STRETCHED.sub(r"\1", text)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The words of already normalised ``text`` (apostrophes kept inside English words: don't)."""
    return [word.strip("'") for word in text.split() if word.strip("'")]
