"""Fit the shipped sentiment model on the train split of the evaluation set (never the test split).

The settings were chosen per language by 5-fold cross-validation inside the train split
(benchmarks/RESULTS.md): all three feature groups; Arabic character 3-5-grams with l2 = 1e-4,
English character 2-5-grams with l2 = 1e-3.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from nabd.feedback.language import LANGUAGES
from nabd.feedback.model import FEATURE_GROUPS, SHIPPED_MODEL, fit, save_models, shipped_models
from nabd.feedback.scoring import evaluation_set

SETTINGS = {"ar": {"l2": 1e-4, "char_sizes": (3, 5)}, "en": {"l2": 1e-3, "char_sizes": (2, 5)}}


def train_shipped_model(path: Path | None = None) -> Path:
    """Fit one model per language on the train split and write them to ``path`` (default: the
    package's own model file, which analysis loads)."""
    target = path or Path(str(files("nabd.feedback") / SHIPPED_MODEL))
    models = []
    for language in LANGUAGES:
        train = evaluation_set(language, "train")
        models.append(fit([c.text for c in train], [c.sentiment for c in train], language, **SETTINGS[language]))
    save_models(models, target, {"per_language": SETTINGS, "groups": list(FEATURE_GROUPS), "trained_on": "train split"})
    shipped_models.cache_clear()
    return target
