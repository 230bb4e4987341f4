"""Sentiment on the held-out split of the evaluation set: lexicon baseline against the trained model.

    .venv/bin/python benchmarks/sentiment.py [--languages ar en]

Prints accuracy and macro-F1 per language and method on the test split (the shipped model was
fitted on the train split only), theme precision/recall on the test split, the 5-fold
cross-validation inside the train split that chose the model's settings, and a learning curve
(test macro-F1 of the model fitted on 25/50/75/100% of the train split, every 4th comment kept per step).
"""

from __future__ import annotations

import argparse

from nabd.feedback.lexicon import lexicon_label, lexicon_score
from nabd.feedback.model import CLASSES, FEATURE_GROUPS, fit
from nabd.feedback.scoring import accuracy, evaluation_set, macro_f1, theme_f1
from nabd.feedback.sentiment import analyse_texts
from nabd.feedback.themes import detect_themes
from nabd.feedback.training import SETTINGS

FOLDS = 5
GROUP_CHOICES = (("chars",), ("chars", "words"), FEATURE_GROUPS)
L2_CHOICES = (1e-5, 1e-4, 1e-3, 1e-2)
CHAR_CHOICES = ((2, 5), (3, 5), (3, 6))


def predicted(model, texts: list[str]) -> list[str]:
    return [CLASSES[i] for i in model.probabilities(texts).argmax(axis=1)]


def cross_validated(language: str, groups: tuple[str, ...], l2: float, char_sizes: tuple[int, int]) -> float:
    """Macro-F1 of 5-fold cross-validation inside the train split."""
    train = evaluation_set(language, "train")
    truth, guesses = [], []
    for fold in range(FOLDS):
        fitted = [c for i, c in enumerate(train) if i % FOLDS != fold]
        checked = [c for i, c in enumerate(train) if i % FOLDS == fold]
        model = fit([c.text for c in fitted], [c.sentiment for c in fitted], language,
                    l2=l2, groups=groups, char_sizes=char_sizes)
        truth += [c.sentiment for c in checked]
        guesses += predicted(model, [c.text for c in checked])
    return macro_f1(truth, guesses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", nargs="+", default=["ar", "en"], choices=["ar", "en"])
    languages = parser.parse_args().languages
    print("| language | method | test comments | accuracy | macro-F1 |")
    print("|---|---|---|---|---|")
    for language in languages:
        test = evaluation_set(language, "test")
        truth = [c.sentiment for c in test]
        baseline = [lexicon_label(lexicon_score(c.text, language)) for c in test]
        trained = [a.sentiment for a in analyse_texts([c.text for c in test], [language] * len(test))]
        for name, guesses in (("lexicon baseline", baseline), ("trained linear model", trained)):
            print(f"| {language} | {name} | {len(test)} | {accuracy(truth, guesses):.3f} | "
                  f"{macro_f1(truth, guesses):.3f} |", flush=True)
    print("\nThemes (keyword lexicons) on the test split, micro-averaged:")
    print("| language | precision | recall | F1 |")
    print("|---|---|---|---|")
    for language in languages:
        test = evaluation_set(language, "test")
        precision, recall, f1 = theme_f1([c.themes for c in test], [detect_themes(c.text, language) for c in test])
        print(f"| {language} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    print("\nLearning curve: test macro-F1 of the chosen settings fitted on part of the train split:")
    print("| language | train comments | test macro-F1 |")
    print("|---|---|---|")
    for language in languages:
        train, test = evaluation_set(language, "train"), evaluation_set(language, "test")
        for quarters in (1, 2, 3, 4):
            part = [c for i, c in enumerate(train) if i % 4 < quarters]
            model = fit([c.text for c in part], [c.sentiment for c in part], language, **SETTINGS[language])
            score = macro_f1([c.sentiment for c in test], predicted(model, [c.text for c in test]))
            print(f"| {language} | {len(part)} | {score:.3f} |", flush=True)
    print("\nModel selection: macro-F1 of 5-fold cross-validation inside the train split")
    print("(each setting varied around the chosen one):")
    print("| language | features | char n-grams | l2 | CV macro-F1 |")
    print("|---|---|---|---|---|")
    for language in languages:
        chosen = SETTINGS[language]
        grid = [(groups, chosen["l2"], chosen["char_sizes"]) for groups in GROUP_CHOICES]
        grid += [(FEATURE_GROUPS, l2, chosen["char_sizes"]) for l2 in L2_CHOICES]
        grid += [(FEATURE_GROUPS, chosen["l2"], sizes) for sizes in CHAR_CHOICES]
        for groups, l2, sizes in dict.fromkeys(grid):
            print(f"| {language} | {'+'.join(groups)} | {sizes[0]}-{sizes[1]} | {l2:g} | "
                  f"{cross_validated(language, groups, l2, sizes):.3f} |", flush=True)


if __name__ == "__main__":
    main()
