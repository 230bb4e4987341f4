"""What a comment says: its language, sentiment (negative/neutral/positive with a score) and themes.

The sentiment comes from the shipped trained model (model.py); score = P(positive) - P(negative),
in [-1, 1]. Runs offline: the model is a JSON file inside the package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nabd.feedback.language import detect_language
from nabd.feedback.model import CLASSES, shipped_models
from nabd.feedback.themes import detect_themes


@dataclass(frozen=True)
class CommentAnalysis:
    language: str
    sentiment: str
    score: float
    themes: tuple[str, ...]


def model_version() -> str:
    """The version of the shipped model (a hash of its file), stored with every analysis."""
    return shipped_models()[1]


def analyse_texts(texts: list[str], languages: list[str | None] | None = None) -> list[CommentAnalysis]:
    """Analyse ``texts`` in one batch per language; a language not given is detected from the script."""
    models, _ = shipped_models()
    chosen = [lang or detect_language(text) for text, lang in
              zip(texts, languages or [None] * len(texts))]
    chosen = [lang if lang in models else detect_language(text) for text, lang in zip(texts, chosen)]
    results: list[CommentAnalysis | None] = [None] * len(texts)
    for language, model in models.items():
        rows = [i for i, lang in enumerate(chosen) if lang == language]
        if not rows:
            continue
        probabilities = model.probabilities([texts[i] for i in rows])
        for i, p in zip(rows, probabilities):
            results[i] = CommentAnalysis(
                language, CLASSES[int(np.argmax(p))], round(float(p[2] - p[0]), 4),
                tuple(detect_themes(texts[i], language)),
            )
    return results  # type: ignore[return-value]


def analyse_text(text: str, language: str | None = None) -> CommentAnalysis:
    """Analyse one comment (see :func:`analyse_texts`)."""
    return analyse_texts([text], [language])[0]
