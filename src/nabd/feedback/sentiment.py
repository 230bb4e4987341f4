"""What a comment says: its language, sentiment (negative/neutral/positive with a score) and themes.

The sentiment comes from the shipped trained model (model.py); score = P(positive) - P(negative),
in [-1, 1], the same formula in every language. Runs offline: the model is a JSON file inside the
package. Every input gets a defined result, never an exception:
- language by script (language.py); a caller's language is used only for a text without letters;
- Arabizi is read as Arabic written back in Arabic letters (arabizi.py);
- a text without letters (empty, digits, emoji only) is "unknown" (or the caller's language) and
  has no themes; its score is the lexicon's tanh(sum of emoji polarities / 2) (lexicon.py: 😍 👍 +1,
  😡 👎 -1), in [-1, 1] like the model's, labelled positive above +0.25 and negative below -0.25;
  without a polar emoji it is neutral with score 0;
- only the first MAX_CHARS characters of a very long text are read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nabd.feedback.arabizi import to_arabic_letters
from nabd.feedback.language import UNKNOWN, detect_language, is_arabizi
from nabd.feedback.lexicon import lexicon_label, mark_weights
from nabd.feedback.model import CLASSES, shipped_models
from nabd.feedback.themes import detect_themes

MAX_CHARS = 5000


@dataclass(frozen=True)
class CommentAnalysis:
    language: str
    sentiment: str
    score: float
    themes: tuple[str, ...]


def model_version() -> str:
    """The version of the shipped model (a hash of its file), stored with every analysis."""
    return shipped_models()[1]


def _read(text: str | None, hint: str | None, languages: tuple[str, ...]) -> tuple[str, str, str | None]:
    """(language, the text the model reads, the model's language or None for no model)."""
    text = (text or "")[:MAX_CHARS]
    language = detect_language(text)
    if language == UNKNOWN:
        return (hint if hint in languages else UNKNOWN), text, None
    if language == "ar" and is_arabizi(text):
        return language, to_arabic_letters(text), language
    return language, text, language


def _by_emoji(language: str, text: str) -> CommentAnalysis:
    """The result of a text no model reads: its emoji's lexicon score (0 without polar emoji)."""
    score = round(math.tanh(sum(mark_weights(text)) / 2), 4)
    return CommentAnalysis(language, lexicon_label(score), score, ())


def analyse_texts(texts: list[str], languages: list[str | None] | None = None) -> list[CommentAnalysis]:
    """Analyse ``texts`` in one batch per language (see the module docstring for the language)."""
    models, _ = shipped_models()
    read = [_read(text, hint, tuple(models)) for text, hint in zip(texts, languages or [None] * len(texts))]
    results = [_by_emoji(language, text) for language, text, _ in read]
    for name, model in models.items():
        rows = [i for i, (_, _, chosen) in enumerate(read) if chosen == name]
        if not rows:
            continue
        probabilities = model.probabilities([read[i][1] for i in rows])
        for i, p in zip(rows, probabilities):
            language, text, _ = read[i]
            themes = tuple(detect_themes(text, language)) if language == name else ()
            results[i] = CommentAnalysis(language, CLASSES[int(np.argmax(p))], round(float(p[2] - p[0]), 4), themes)
    return results


def analyse_text(text: str, language: str | None = None) -> CommentAnalysis:
    """Analyse one comment (see :func:`analyse_texts`)."""
    return analyse_texts([text], [language])[0]
