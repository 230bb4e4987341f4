"""Arabizi (Arabic in Latin letters) written back in Arabic letters, roughly, so that the Arabic
model can read it: digits for letters (2 ء, 3 ع, 5 خ, 6 ط, 7 ح, 8 غ, 9 ق), digraphs (sh ش, kh خ,
gh غ, th ث, dh ذ), long vowels (aa ا, ee/ii ي, oo/ou و), a vowel opening a word as ا, a final a as ه
(ا in two-letter words), a final i/e/y as ي, a final o/u as و; other short vowels are left out as
Arabic writes them ("7elw awi" -> "حلو اوي", "3ajabni" -> "عجبني"). Lossy: vowels that Arabic does
write inside a word (momtaz -> ممتز, not ممتاز) are lost.
"""

from __future__ import annotations

import re

_DIGRAPHS = (("sh", "ش"), ("kh", "خ"), ("gh", "غ"), ("th", "ث"), ("dh", "ذ"), ("aa", "ا"), ("ee", "ي"),
             ("ii", "ي"), ("oo", "و"), ("ou", "و"))
_LETTERS = {"b": "ب", "t": "ت", "g": "ج", "j": "ج", "d": "د", "r": "ر", "z": "ز", "s": "س", "f": "ف",
            "q": "ق", "k": "ك", "c": "ك", "l": "ل", "m": "م", "n": "ن", "h": "ه", "w": "و", "y": "ي",
            "v": "ف", "p": "ب", "x": "كس", "2": "ء", "3": "ع", "5": "خ", "6": "ط", "7": "ح", "8": "غ",
            "9": "ق"}
_VOWELS = "aeiou"
_WORD = re.compile(r"[A-Za-z0-9']+")


def _word(word: str) -> str:
    word = word.lower().replace("'", "")
    if word.isdigit():
        return word
    out, i = [], 0
    while i < len(word):
        pair = word[i:i + 2]
        match = next((arabic for latin, arabic in _DIGRAPHS if pair == latin), None)
        if match:
            out.append(match)
            i += 2
            continue
        letter, first, last = word[i], i == 0, i == len(word) - 1
        if letter in _VOWELS:
            if first:
                out.append("ا")
            elif last:
                out.append(("ا" if len(word) <= 2 else "ه") if letter == "a" else "ي" if letter in "ie" else "و")
        else:
            out.append(_LETTERS.get(letter, ""))
        i += 1
    return "".join(out)


def to_arabic_letters(text: str) -> str:
    """``text`` with every Latin word written in Arabic letters (the rest kept as it is)."""
    return _WORD.sub(lambda m: _word(m.group()), text)
