"""Fit the shipped sentiment model on what Nabd may learn from, never on an evaluation split:
the train split of the project's own comments (evaluation/*.jsonl) and the public tier-A rows
(public_data.TIER_A: licences that allow commercial use) outside the committed public evaluation ids.

The settings were chosen per language by 5-fold cross-validation inside that training pool
(benchmarks/RESULTS.md, 2026-12-06): English adds emoji and emoticons and VADER's lexicon scores
(MIT, shipped in its PyPI package); for Arabic neither emoji features, other n-gram ranges, other
l2 nor weighting the public rows twice changed the CV by more than ±0.003, so it keeps its settings.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.feedback.language import LANGUAGES
from nabd.feedback.model import SHIPPED_MODEL, fit, save_models, shipped_models
from nabd.feedback.public_data import TIER_A, public_split
from nabd.feedback.scoring import evaluation_set

SETTINGS = {
    "ar": {"l2": 1e-4, "char_sizes": (3, 5), "groups": ("chars", "words", "lexicon")},
    "en": {"l2": 1e-4, "char_sizes": (2, 5), "groups": ("chars", "words", "lexicon", "emoji", "vader")},
}
# How many times each own comment is repeated in the training pool (the weight of the project's own
# kind of comment against the public tweets): Arabic own-fold CV +0.009 for public-fold -0.007.
OWN_WEIGHT = {"ar": 2, "en": 1}
DATASET_VARIABLE = "NABD_SENTIMENT_DATA"
DEFAULT_DATASET = Path("shared/datasets/sentiment")


def dataset_folder(folder: Path | None = None) -> Path:
    """The public dataset folder: ``folder``, else $NABD_SENTIMENT_DATA, else the nearest
    shared/datasets/sentiment beside the working directory or one of its parents."""
    named = folder or load_settings().sentiment_data
    cwd = Path.cwd()
    candidates = [Path(named)] if named else [parent / DEFAULT_DATASET for parent in (cwd, *cwd.parents)]
    for chosen in candidates:
        if (chosen / "ar.csv").is_file():
            return chosen
    raise NabdError(f"no public sentiment dataset found ({candidates[0]}); set {DATASET_VARIABLE}")


def training_comments(language: str, folder: Path | None, own_weight: int = 1) -> tuple[list[str], list[str]]:
    """(texts, labels): the own train split (``own_weight`` times), then the tier-A public rows
    outside the evaluation ids (only the own split when ``folder`` is None)."""
    own = evaluation_set(language, "train") * own_weight
    public = public_split(folder, language, "train") if folder else []
    assert all(c.source in TIER_A for c in public)
    return [c.text for c in own] + [c.text for c in public], [c.sentiment for c in own] + [c.sentiment for c in public]


def train_shipped_model(path: Path | None = None, folder: Path | None = None) -> Path:
    """Fit one model per language and write them to ``path`` (default: the package's model file)."""
    target = path or Path(str(files("nabd.feedback") / SHIPPED_MODEL))
    public = dataset_folder(folder)
    models = []
    for language in LANGUAGES:
        texts, labels = training_comments(language, public, OWN_WEIGHT[language])
        models.append(fit(texts, labels, language, **SETTINGS[language]))
    settings = {language: {k: list(v) if isinstance(v, tuple) else v for k, v in chosen.items()}
                for language, chosen in SETTINGS.items()}
    save_models(models, target, {"per_language": settings, "own_weight": OWN_WEIGHT, "trained_on": "train split + public tier-A train rows",
                                 "public_sources": list(TIER_A)})
    shipped_models.cache_clear()
    return target
