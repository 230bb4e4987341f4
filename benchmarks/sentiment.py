"""Sentiment and themes on the project's own held-out comments and on public comments nobody here wrote.

    .venv/bin/python benchmarks/sentiment.py [--languages ar en] [--data DIR] [--cv]

Prints (issue 23): accuracy and macro-F1 with bootstrap 95% intervals on the own test split and on
the committed public evaluation split (src/nabd/feedback/evaluation/public_eval_ids.txt), per
source and per dialect; the score scale per true label in each language; the mixed (contrast word)
slice; the bad-input cases; theme precision/recall per theme on the hand-labelled public samples;
speed and model size; with --cv, the 5-fold cross-validation inside the training pool that chose
the settings (the evaluation split is never used to choose anything).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from importlib.resources import files
from pathlib import Path

import numpy as np

from nabd.feedback.lexicon import lexicon_label, lexicon_score
from nabd.feedback.model import CLASSES, features, fit
from nabd.feedback.public_data import public_split, read_public
from nabd.feedback.scoring import accuracy, evaluation_set, macro_f1, theme_f1
from nabd.feedback.sentiment import analyse_text, analyse_texts
from nabd.feedback.themes import THEMES, detect_themes
from nabd.feedback.training import OWN_WEIGHT, SETTINGS, dataset_folder, training_comments

RESAMPLES = 1000
FOLDS = 5
CONTRAST = re.compile(r"\b(but|however|although|though)\b|(^|\s)(بس|لكن|ولكن|بينما)(\s|$)", re.IGNORECASE)
BAD_INPUT = {
    "empty": "", "blank": "   ", "digits only": "10/10 !!!", "emoji only (negative)": "😡😡👎",
    "emoji only (positive)": "😍👍🙏", "mixed ar/en": "الـ dashboard ممتاز والدعم سريع",
    "mixed en/ar": "The dashboard is great بس slow", "Arabizi": "el barnameg 7elw awi w el support sari3",
    "very long (1.2M chars)": "The support team never answers and the app keeps crashing. " * 20_000,
}


def interval(truth: list[str], guesses: list[str], seed: int = 0) -> tuple[float, float]:
    """2.5th and 97.5th percentile of macro-F1 over RESAMPLES bootstrap resamples of the comments."""
    rng, n = np.random.default_rng(seed), len(truth)
    scores = []
    for _ in range(RESAMPLES):
        picked = rng.integers(0, n, n)
        scores.append(macro_f1([truth[i] for i in picked], [guesses[i] for i in picked]))
    return float(np.percentile(scores, 2.5)), float(np.percentile(scores, 97.5))


def row(name: str, truth: list[str], guesses: list[str]) -> str:
    low, high = interval(truth, guesses)
    return (f"| {name} | {len(truth)} | {accuracy(truth, guesses):.3f} | {macro_f1(truth, guesses):.3f} "
            f"| {low:.3f}-{high:.3f} |")


def header(first: str) -> None:
    print(f"| {first} | comments | accuracy | macro-F1 | 95% bootstrap |")
    print("|---|---:|---:|---:|---|")


def guessed(texts: list[str], language: str) -> list:
    return analyse_texts(texts, [language] * len(texts))


def own_split(languages: list[str]) -> None:
    print("\nOwn evaluation set, test split (comments written for Nabd):")
    header("language / method")
    for language in languages:
        test = evaluation_set(language, "test")
        truth = [c.sentiment for c in test]
        print(row(f"{language} lexicon baseline", truth, [lexicon_label(lexicon_score(c.text, language)) for c in test]))
        print(row(f"{language} shipped model", truth, [a.sentiment for a in guessed([c.text for c in test], language)]))


def public_split_tables(folder: Path, languages: list[str]) -> None:
    for language in languages:
        evaluation = public_split(folder, language, "evaluation")
        found = guessed([c.text for c in evaluation], language)
        truth, guesses = [c.sentiment for c in evaluation], [a.sentiment for a in found]
        print(f"\nPublic evaluation split, {language} (tier A and B; never trained or tuned on):")
        header("slice")
        print(row(f"{language} all", truth, guesses))
        print(row(f"{language} lexicon baseline", truth,
                  [lexicon_label(lexicon_score(c.text, language)) for c in evaluation]))
        for key in ("source", "dialect"):
            for value in sorted({getattr(c, key) for c in evaluation}):
                chosen = [i for i, c in enumerate(evaluation) if getattr(c, key) == value]
                if language == "en" and key == "dialect":
                    continue
                print(row(f"{key} {value}", [truth[i] for i in chosen], [guesses[i] for i in chosen]))
        mixed = [i for i, c in enumerate(evaluation) if CONTRAST.search(c.text)]
        print(row("mixed: a contrast word (but / بس / لكن)", [truth[i] for i in mixed], [guesses[i] for i in mixed]))
        print("confusion (rows: truth; columns: negative, neutral, positive):")
        for label in CLASSES:
            counts = Counter(g for t, g in zip(truth, guesses) if t == label)
            print(f"  {label:9s}", " ".join(f"{counts[c]:5d}" for c in CLASSES))
        print("score = P(positive) - P(negative): mean per true label | own test split mean per true label:")
        own = evaluation_set(language, "test")
        own_found = guessed([c.text for c in own], language)
        for label in CLASSES:
            public_scores = [a.score for a, t in zip(found, truth) if t == label]
            own_scores = [a.score for a, c in zip(own_found, own) if c.sentiment == label]
            print(f"  {label:9s} {np.mean(public_scores):+.3f} | {np.mean(own_scores):+.3f}")


def bad_input() -> None:
    print("\nBad input: defined results (language, sentiment, score):")
    for name, text in BAD_INPUT.items():
        start = time.perf_counter()
        found = analyse_text(text)
        print(f"  {name:24s} {found.language:8s} {found.sentiment:9s} {found.score:+.3f} "
              f"({(time.perf_counter() - start) * 1000:.0f} ms)")


def themes(folder: Path, languages: list[str]) -> None:
    print("\nThemes on the hand-labelled public samples (300 per language, labels kept apart from the keywords):")
    print("| language | theme | labelled | found | precision | recall |")
    print("|---|---|---:|---:|---:|---:|")
    for language in languages:
        texts = {c.id: c.text for c in read_public(folder, language)}
        path = files("nabd.feedback") / "evaluation" / f"public_themes_{language}.tsv"
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        truth = {i: set(t.split(",")) - {""} for i, t in rows}
        found = {i: set(detect_themes(texts[i], language)) for i in truth}
        for theme in THEMES:
            hits = sum(theme in truth[i] and theme in found[i] for i in truth)
            labelled, claimed = sum(theme in t for t in truth.values()), sum(theme in f for f in found.values())
            precision = f"{hits / claimed:.2f}" if claimed else "-"
            recall = f"{hits / labelled:.2f}" if labelled else "-"
            print(f"| {language} | {theme} | {labelled} | {claimed} | {precision} | {recall} |")
        p, r, f1 = theme_f1([tuple(truth[i]) for i in truth], [list(found[i]) for i in truth])
        print(f"| {language} | micro-average | | | {p:.2f} | {r:.2f} (F1 {f1:.2f}) |")
    for language in languages:
        test = evaluation_set(language, "test")
        p, r, f1 = theme_f1([c.themes for c in test], [detect_themes(c.text, language) for c in test])
        print(f"own test split {language}: micro P {p:.3f} / R {r:.3f} / F1 {f1:.3f}")


def speed(folder: Path) -> None:
    texts = [c.text for language in ("ar", "en") for c in public_split(folder, language, "evaluation")]
    features.cache_clear()
    start = time.perf_counter()
    analyse_texts(texts)
    elapsed = time.perf_counter() - start
    size = len((files("nabd.feedback") / "sentiment_model.json").read_bytes())
    print(f"\nSpeed: {len(texts)} distinct comments (both languages, cold cache) in {elapsed:.2f} s = "
          f"{len(texts) / elapsed:.0f} comments/s; model file {size / 1e6:.2f} MB")


def cross_validated(folder: Path, languages: list[str]) -> None:
    """5-fold CV inside the training pool (own train split + tier-A public train rows); the own
    comments of the fitted folds are repeated OWN_WEIGHT times, as in the shipped model."""
    print("\nModel selection: 5-fold CV inside the training pool (macro-F1 of the own / public folds):")
    print("| language | features | char n-grams | l2 | CV own | CV public tier-A |")
    print("|---|---|---|---:|---:|---:|")
    for language in languages:
        texts, labels = training_comments(language, folder)
        own = len(evaluation_set(language, "train"))
        chosen = SETTINGS[language]
        base = tuple(g for g in chosen["groups"] if g not in ("emoji", "vader"))
        grid = [chosen, {**chosen, "groups": base}, {**chosen, "l2": chosen["l2"] * 10},
                {**chosen, "l2": chosen["l2"] / 10}]
        for setting in grid:
            truth: dict[str, list] = {"own": [], "public": []}
            guesses: dict[str, list] = {"own": [], "public": []}
            for fold in range(FOLDS):
                fitted = [i for i in range(len(texts)) if i % FOLDS != fold]
                fitted += [i for i in fitted if i < own] * (OWN_WEIGHT[language] - 1)  # as shipped
                checked = [i for i in range(len(texts)) if i % FOLDS == fold]
                model = fit([texts[i] for i in fitted], [labels[i] for i in fitted], language, **setting)
                for i, k in zip(checked, model.probabilities([texts[i] for i in checked]).argmax(axis=1)):
                    part = "own" if i < own else "public"
                    truth[part].append(labels[i])
                    guesses[part].append(CLASSES[k])
            print(f"| {language} | {'+'.join(setting['groups'])} | {setting['char_sizes'][0]}-{setting['char_sizes'][1]} "
                  f"| {setting['l2']:g} | {macro_f1(truth['own'], guesses['own']):.3f} "
                  f"| {macro_f1(truth['public'], guesses['public']):.3f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", nargs="+", default=["ar", "en"], choices=["ar", "en"])
    parser.add_argument("--data", type=Path, default=None, help="the public dataset folder")
    parser.add_argument("--cv", action="store_true", help="also the cross-validation (slow)")
    arguments = parser.parse_args()
    folder, languages = dataset_folder(arguments.data), arguments.languages
    own_split(languages)
    public_split_tables(folder, languages)
    bad_input()
    themes(folder, languages)
    speed(folder)
    if arguments.cv:
        cross_validated(folder, languages)


if __name__ == "__main__":
    main()
