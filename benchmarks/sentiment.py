"""Sentiment on the held-out split of the evaluation set: lexicon baseline against the trained model.

    .venv/bin/python benchmarks/sentiment.py

Prints accuracy and macro-F1 per language and method on the test split (the shipped model was
fitted on the train split only), the 5-fold cross-validation inside the train split that chose
the model's settings, and theme precision/recall on the test split.
"""

from __future__ import annotations

import itertools

from nabd.feedback.lexicon import lexicon_label, lexicon_score
from nabd.feedback.model import CLASSES, fit
from nabd.feedback.scoring import accuracy, evaluation_set, macro_f1, theme_f1
from nabd.feedback.sentiment import analyse_texts
from nabd.feedback.themes import detect_themes

FOLDS = 5


def cross_validated(language: str, groups: tuple[str, ...], l2: float) -> float:
    """Macro-F1 of 5-fold cross-validation inside the train split."""
    train = evaluation_set(language, "train")
    truth, predicted = [], []
    for fold in range(FOLDS):
        fitted = [c for i, c in enumerate(train) if i % FOLDS != fold]
        checked = [c for i, c in enumerate(train) if i % FOLDS == fold]
        model = fit([c.text for c in fitted], [c.sentiment for c in fitted], language, l2=l2, groups=groups)
        truth += [c.sentiment for c in checked]
        predicted += [CLASSES[i] for i in model.probabilities([c.text for c in checked]).argmax(axis=1)]
    return macro_f1(truth, predicted)


def main() -> None:
    print("| language | method | test comments | accuracy | macro-F1 |")
    print("|---|---|---|---|---|")
    for language in ("ar", "en"):
        test = evaluation_set(language, "test")
        truth = [c.sentiment for c in test]
        baseline = [lexicon_label(lexicon_score(c.text, language)) for c in test]
        trained = [a.sentiment for a in analyse_texts([c.text for c in test], [language] * len(test))]
        for name, predicted in (("lexicon baseline", baseline), ("trained linear model", trained)):
            print(f"| {language} | {name} | {len(test)} | {accuracy(truth, predicted):.3f} | "
                  f"{macro_f1(truth, predicted):.3f} |")
    print("\nThemes (keyword lexicons) on the test split, micro-averaged:")
    print("| language | precision | recall | F1 |")
    print("|---|---|---|---|")
    for language in ("ar", "en"):
        test = evaluation_set(language, "test")
        precision, recall, f1 = theme_f1([c.themes for c in test], [detect_themes(c.text, language) for c in test])
        print(f"| {language} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    print("\nModel selection: macro-F1 of 5-fold cross-validation inside the train split:")
    print("| language | features | l2 | CV macro-F1 |")
    print("|---|---|---|---|")
    for language, groups, l2 in itertools.product(
        ("ar", "en"), (("chars",), ("chars", "words"), ("chars", "words", "lexicon")), (1e-4, 1e-3, 1e-2)
    ):
        print(f"| {language} | {'+'.join(groups)} | {l2:g} | {cross_validated(language, groups, l2):.3f} |")


if __name__ == "__main__":
    main()
