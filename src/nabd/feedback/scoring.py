"""How well a sentiment method does: accuracy and macro-F1 over the three classes, and the
labelled comments they are measured on (held-out split fixed in the files, never re-drawn)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files

from nabd.feedback.model import CLASSES


@dataclass(frozen=True)
class LabelledComment:
    id: str
    text: str
    sentiment: str
    themes: tuple[str, ...]
    split: str


def evaluation_set(language: str, split: str | None = None) -> list[LabelledComment]:
    """The shipped labelled comments of ``language``; only the ``split`` ("train"/"test") when given."""
    path = files("nabd.feedback") / "evaluation" / f"{language}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    comments = [LabelledComment(r["id"], r["text"], r["sentiment"], tuple(r["themes"]), r["split"]) for r in rows]
    return [c for c in comments if split is None or c.split == split]


def accuracy(truth: list[str], predicted: list[str]) -> float:
    """accuracy = correct / all."""
    return sum(t == p for t, p in zip(truth, predicted)) / len(truth)


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    """macro-F1 = mean over classes of 2·precision·recall / (precision + recall) (0 when undefined)."""
    scores = []
    for label in CLASSES:
        hits = sum(t == p == label for t, p in zip(truth, predicted))
        claimed = sum(p == label for p in predicted)
        actual = sum(t == label for t in truth)
        precision = hits / claimed if claimed else 0.0
        recall = hits / actual if actual else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def theme_f1(truth: list[tuple[str, ...]], predicted: list[list[str]]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of theme tags over all comments."""
    hits = sum(len(set(t) & set(p)) for t, p in zip(truth, predicted))
    claimed, actual = sum(len(p) for p in predicted), sum(len(t) for t in truth)
    precision = hits / claimed if claimed else 0.0
    recall = hits / actual if actual else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)
