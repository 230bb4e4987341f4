"""The public evaluation split is fixed, stratified and never trained on; the package keeps its ids only."""

import math
import re
from collections import Counter
from importlib.resources import files

import pytest

from nabd.feedback.public_data import (
    TIER_A,
    evaluation_ids,
    evaluation_ids_of,
    public_split,
    read_public,
)
from nabd.feedback.training import dataset_folder, training_comments


@pytest.fixture(scope="module")
def folder():
    return dataset_folder()


def test_the_committed_evaluation_ids_are_the_ones_the_script_draws(folder):
    drawn = {i for language in ("ar", "en") for i in evaluation_ids_of(read_public(folder, language))}
    assert drawn == evaluation_ids()


def test_every_source_label_and_dialect_stratum_holds_at_least_30_percent_in_evaluation(folder):
    held = evaluation_ids()
    for language in ("ar", "en"):
        rows = read_public(folder, language)
        strata = Counter((c.source, c.sentiment, c.dialect) for c in rows)
        chosen = Counter((c.source, c.sentiment, c.dialect) for c in rows if c.id in held)
        assert {key: chosen[key] for key in strata} == {key: math.ceil(0.3 * n) for key, n in strata.items()}


def test_training_reads_only_tier_a_public_rows_outside_the_evaluation_split(folder):
    held = evaluation_ids()
    for language in ("ar", "en"):
        train = public_split(folder, language, "train")
        assert train and all(c.source in TIER_A and c.id not in held for c in train)
        texts, _ = training_comments(language, folder)
        evaluated = {c.text for c in public_split(folder, language, "evaluation")}
        assert not evaluated & set(texts[-len(train):])


def test_the_package_keeps_ids_and_labels_of_public_rows_never_their_text():
    row = re.compile(r"^(ar|en)-[a-z0-9_]+-[a-z]*[0-9_]+(\t[a-z_,]*)?$")
    for name in ("public_eval_ids.txt", "public_themes_ar.tsv", "public_themes_en.tsv"):
        lines = (files("nabd.feedback") / "evaluation" / name).read_text(encoding="utf-8").splitlines()
        assert all(row.match(line) for line in lines if not line.startswith("#"))


def test_the_hand_labelled_theme_samples_hold_300_evaluation_comments_per_language():
    held = evaluation_ids()
    for language in ("ar", "en"):
        text = (files("nabd.feedback") / "evaluation" / f"public_themes_{language}.tsv").read_text(encoding="utf-8")
        ids = [line.split("\t")[0] for line in text.splitlines() if not line.startswith("#")]
        assert len(ids) == len(set(ids)) >= 300 and set(ids) <= held
