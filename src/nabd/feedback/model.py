"""The trained sentiment model: multinomial logistic regression on character n-grams, words marked
by negation, and the lexicon's polarity, fitted with numpy and shipped as JSON inside the package.

Links and @mentions are dropped first. Features of a comment (normalised): character n-grams of each
word padded with spaces (sizes per language, stored with the model), word unigrams and bigrams where
a word inside a negation's scope is prefixed ``not_``, and two lexicon counts (positive and negative
signed weights). Values are binary (lexicon: counts), each row's n-gram and word part scaled to unit
length, the lexicon counts multiplied by LEXICON_SCALE beside it (so a few polar words are not
drowned by hundreds of n-grams). Optional groups: "emoji" (each emoji, emoticon, ! and ? found,
binary) and "vader" (VADER's positive and negative shares x4 and its compound split into a positive
and a negative part x2, counted like the lexicon). P(class) = softmax(x·W + b); W is fitted by full-
batch gradient descent with momentum on the mean cross-entropy + l2/2·|W|². The matrix is sparse
(non-zero entries only).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from nabd.errors import NabdError
from nabd.feedback.lexicon import NEGATION_SCOPE, is_negator, signed_weights
from nabd.feedback.normalise import normalise, words

CLASSES = ("negative", "neutral", "positive")
FEATURE_GROUPS = ("chars", "words", "lexicon")
SHIPPED_MODEL = "sentiment_model.json"
LEXICON_SCALE = 0.5
CHAR_SIZES = (2, 5)
_DENSE = ("l:", "v:")
_LINKS = re.compile(r"https?://\S+|www\.\S+|@\w+")
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764]|[:;=]-?[)(DPp/]|<3|[!?]")


@lru_cache(maxsize=65_536)  # bounded: a long-running server analyses many distinct comments
def features(
    text: str, language: str, groups: tuple[str, ...] = FEATURE_GROUPS, char_sizes: tuple[int, int] = CHAR_SIZES,
) -> dict[str, float]:
    """The named feature values of ``text`` (n-grams and words before scaling to unit length)."""
    found: dict[str, float] = {}
    text = _LINKS.sub(" ", text)
    tokens = words(normalise(text))
    if "emoji" in groups:
        for mark in _EMOJI.findall(text):
            found["e:" + mark] = 1.0
    if "chars" in groups:
        for token in tokens:
            padded = f" {token} "
            for size in range(char_sizes[0], char_sizes[1] + 1):
                for start in range(len(padded) - size + 1):
                    found["c:" + padded[start:start + size]] = 1.0
    if "words" in groups:
        marked, scope = [], 0
        for token in tokens:
            if is_negator(token, language):
                scope = NEGATION_SCOPE
                marked.append(token)
                continue
            marked.append(("not_" if scope else "") + token)
            scope = max(0, scope - 1)
        for token in marked:
            found["w:" + token] = 1.0
        for first, second in zip(marked, marked[1:]):
            found[f"b:{first} {second}"] = 1.0
    if "lexicon" in groups:
        weights = signed_weights(text, language)
        found["l:positive"] = sum(w for w in weights if w > 0)
        found["l:negative"] = -sum(w for w in weights if w < 0)
    if "vader" in groups:
        scores = vader_scores(text)
        found["v:positive"], found["v:negative"] = scores["pos"] * 4, scores["neg"] * 4
        found["v:compound+"], found["v:compound-"] = max(scores["compound"], 0) * 2, max(-scores["compound"], 0) * 2
    return found


@cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def vader_scores(text: str) -> dict[str, float]:
    """VADER's neg/neu/pos shares and compound score of ``text`` (its lexicon ships in the package)."""
    return _vader().polarity_scores(text)


@dataclass(frozen=True)
class SparseRows:
    """A matrix with one row per text, kept as its non-zero entries (row, column, value)."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    shape: tuple[int, int]

    def times(self, weights: np.ndarray) -> np.ndarray:
        """self @ weights (rows x classes)."""
        parts = self.values[:, None] * weights[self.columns]
        return np.stack([np.bincount(self.rows, parts[:, k], self.shape[0]) for k in range(weights.shape[1])], 1)

    def transposed_times(self, error: np.ndarray) -> np.ndarray:
        """selfᵀ @ error (features x classes)."""
        parts = self.values[:, None] * error[self.rows]
        return np.stack([np.bincount(self.columns, parts[:, k], self.shape[1]) for k in range(error.shape[1])], 1)


@dataclass(frozen=True)
class SentimentModel:
    """One language's fitted weights: vocabulary -> column, W (features x classes), bias."""

    language: str
    groups: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray
    char_sizes: tuple[int, int] = CHAR_SIZES

    def matrix(self, texts: list[str]) -> SparseRows:
        return design_matrix(texts, self.language, self.groups, self.vocabulary, self.char_sizes)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """P(negative), P(neutral), P(positive) per text (one row each)."""
        return softmax(self.matrix(texts).times(self.weights) + self.bias)


def design_matrix(
    texts: list[str], language: str, groups: tuple[str, ...], vocabulary: dict[str, int],
    char_sizes: tuple[int, int] = CHAR_SIZES,
) -> SparseRows:
    """Rows of unit length over ``vocabulary`` (features outside it are dropped; the lexicon counts
    are left out of the length and multiplied by LEXICON_SCALE)."""
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, text in enumerate(texts):
        found = [(vocabulary[name], value, name[:2] in _DENSE)
                 for name, value in features(text, language, groups, char_sizes).items() if name in vocabulary]
        norm = np.sqrt(sum(value * value for _, value, lexical in found if not lexical)) or 1.0
        for column, value, lexical in found:
            rows.append(row)
            columns.append(column)
            values.append(value * LEXICON_SCALE if lexical else value / norm)
    return SparseRows(np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64),
                      np.asarray(values, dtype=np.float64), (len(texts), len(vocabulary)))


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def fit(
    texts: list[str], labels: list[str], language: str, *, l2: float = 1e-3,
    groups: tuple[str, ...] = FEATURE_GROUPS, char_sizes: tuple[int, int] = CHAR_SIZES, min_count: int = 2,
    steps: int = 400, learning_rate: float = 2.0,
) -> SentimentModel:
    """Fit the model on ``texts`` labelled negative/neutral/positive; features seen in fewer than
    ``min_count`` texts are left out of the vocabulary (always kept: the lexicon counts)."""
    counts: dict[str, int] = {}
    for text in texts:
        for name in features(text, language, groups, char_sizes):
            counts[name] = counts.get(name, 0) + 1
    kept = sorted(name for name, count in counts.items() if count >= min_count or name[:2] in _DENSE)
    vocabulary = {name: column for column, name in enumerate(kept)}
    x = design_matrix(texts, language, groups, vocabulary, char_sizes)
    y = np.zeros((len(texts), len(CLASSES)))
    y[np.arange(len(texts)), [CLASSES.index(label) for label in labels]] = 1.0
    weights, bias = np.zeros((len(vocabulary), len(CLASSES))), np.zeros(len(CLASSES))
    velocity_w, velocity_b = np.zeros_like(weights), np.zeros_like(bias)
    for _ in range(steps):
        error = (softmax(x.times(weights) + bias) - y) / len(texts)
        velocity_w = 0.9 * velocity_w - learning_rate * (x.transposed_times(error) + l2 * weights)
        velocity_b = 0.9 * velocity_b - learning_rate * error.sum(axis=0)
        weights, bias = weights + velocity_w, bias + velocity_b
    return SentimentModel(language, tuple(groups), vocabulary, weights, bias, tuple(char_sizes))


def save_models(models: list[SentimentModel], path: Path, settings: dict) -> None:
    """Write the models (weights rounded to 5 decimals) and how they were chosen to ``path``."""
    document = {
        "classes": list(CLASSES),
        "settings": settings,
        "languages": {
            model.language: {
                "groups": list(model.groups),
                "char_sizes": list(model.char_sizes),
                "features": list(model.vocabulary),
                "weights": np.round(model.weights, 5).tolist(),
                "bias": np.round(model.bias, 5).tolist(),
            }
            for model in models
        },
    }
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


@cache
def shipped_models() -> tuple[dict[str, SentimentModel], str]:
    """The models shipped in the package, by language, and their version (a hash of the file)."""
    resource = files("nabd.feedback") / SHIPPED_MODEL
    if not resource.is_file():
        raise NabdError("the sentiment model file is missing from the package: run `nabd feedback train`")
    text = resource.read_text(encoding="utf-8")
    document = json.loads(text)
    models = {
        language: SentimentModel(
            language, tuple(part["groups"]), {name: i for i, name in enumerate(part["features"])},
            np.asarray(part["weights"], dtype=np.float64), np.asarray(part["bias"], dtype=np.float64),
            tuple(part.get("char_sizes", CHAR_SIZES)),
        )
        for language, part in document["languages"].items()
    }
    return models, "linear-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
