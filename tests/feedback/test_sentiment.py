"""Sentiment and themes of fixed comments with known labels, from the shipped model, offline."""

import json
from importlib.resources import files

import numpy as np
import pytest

from nabd.feedback.lexicon import lexicon_label, lexicon_score, signed_weights
from nabd.feedback.model import SparseRows, features, shipped_models
from nabd.feedback.public_data import TIER_A
from nabd.feedback.sentiment import analyse_text, analyse_texts, model_version
from nabd.feedback.themes import detect_themes


@pytest.mark.parametrize("text, language, sentiment", [
    ("The app crashes every day and support never answers.", "en", "negative"),
    ("Fantastic tool, the team loves how easy it is.", "en", "positive"),
    ("الدعم الفني ممتاز وسريع، شكراً لكم", "ar", "positive"),
    ("النظام يعلق كل يوم والدعم ما يرد، تجربة سيئة", "ar", "negative"),
    ("البرنامج ده وحش أوي ومعجبنيش خالص", "ar", "negative"),           # Egyptian
    ("والله الخدمة كتير منيحة، يعطيكم العافية", "ar", "positive"),      # Levantine
    ("الخدمة زينة وايد ومشكورين", "ar", "positive"),                    # Gulf
])
def test_clear_comments_get_their_sentiment(text, language, sentiment):
    found = analyse_text(text)
    assert (found.language, found.sentiment) == (language, sentiment)
    assert (found.score > 0) == (sentiment == "positive")


def test_the_score_is_p_positive_minus_p_negative_and_stays_in_bounds():
    found = analyse_texts(["Terrible, slow and broken.", "Great, fast, reliable."])
    assert -1 <= found[0].score < 0 < found[1].score <= 1


def test_negation_flips_a_polar_word_in_the_lexicon():
    # "good" is +1 alone; after "not" it is -1; "ممتاز" +1 alone, -1 after "مش"
    assert signed_weights("good", "en") == [1.0]
    assert signed_weights("not good", "en") == [-1.0]
    assert signed_weights("ممتاز", "ar") == [1.0]
    assert signed_weights("مش ممتاز", "ar") == [-1.0]


def test_a_clause_after_but_weighs_one_and_a_half():
    # great (+1), but slow (-1.5): sum -0.5, tanh(-0.25) = -0.245 -> neutral (threshold 0.25)
    assert signed_weights("great but slow", "en") == [1.0, -1.5]
    assert lexicon_label(lexicon_score("great but slow", "en")) == "neutral"


def test_arabic_words_match_with_clitics_and_normalised_spelling():
    # والممتازة: prefix وال, ة -> ه, suffix: still the positive ممتاز
    assert signed_weights("والممتازة", "ar") == [1.0]
    assert signed_weights("بطيئة", "ar") == [-1.0]


@pytest.mark.parametrize("text, language, themes", [
    ("The price went up again and Zendesk is cheaper.", "en", ["pricing", "competitor"]),
    ("Support took a week to reply to our ticket.", "en", ["support_speed"]),
    ("السعر غالي والتطبيق يعلق كثير", "ar", ["pricing", "reliability"]),
    ("نتمنى تضيفون ميزة التقويم الهجري", "ar", ["missing_feature"]),
    ("التدريب في البداية كان ممتاز", "ar", ["onboarding"]),
    ("الواجهة معقدة وصعب نتعلمها", "ar", ["usability"]),
    ("Thanks!", "en", []),
    ("The app crashed twice today.", "en", ["reliability"]),  # a stem: crash*
    ("The health scores helped us save two accounts.", "en", []),  # whole words: helped is not help desk
    ("Love the new PDF export.", "en", ["missing_feature"]),  # a weak keyword, alone
    ("The export file is corrupted every other time.", "en", ["reliability"]),  # weak keyword beside a strong one
    ("Our sync with HubSpot is reliable.", "en", ["reliability"]),  # guarded: an integration, not a competitor
    ("وبالدعم ما أحد رد على التذكرة من أسبوع", "ar", ["support_speed"]),  # proclitics و ب ال
    ("الرسوم البيانية واضحة", "ar", ["usability"]),  # guarded: charts, not fees
])
def test_themes_are_found_by_keyword(text, language, themes):
    assert detect_themes(text, language) == themes


def test_the_shipped_model_loads_offline_from_a_small_file_and_has_a_version():
    path = files("nabd.feedback") / "sentiment_model.json"
    assert len(path.read_bytes()) < 5_000_000  # issue 23: model files <= 100 MB; this one is ~2 MB
    models, version = shipped_models()
    assert set(models) == {"ar", "en"} and version == model_version() and version.startswith("linear-")
    settings = json.loads(path.read_text(encoding="utf-8"))["settings"]
    assert settings["trained_on"] == "train split + public tier-A train rows"
    assert set(settings["public_sources"]) <= set(TIER_A)


def test_dialect_negators_flip_and_dialect_complaints_count():
    # دون / بلا flip the complaint after them; "ما ندمنا" (we did not regret) is praise
    assert signed_weights("دون مشاكل", "ar") == [1.0]
    assert signed_weights("بلا تعقيد", "ar") == [1.0]
    assert signed_weights("ما ندمنا", "ar") == [1.0]
    assert signed_weights("ندمانين", "ar") == [-1.0]
    assert signed_weights("فريقكم متعاون", "ar") == [1.0]


def test_sparse_rows_multiply_like_the_dense_matrix_they_hold():
    # dense [[1, 0, 2], [0, 3, 0]]
    x = SparseRows(np.array([0, 0, 1]), np.array([0, 2, 1]), np.array([1.0, 2.0, 3.0]), (2, 3))
    weights = np.arange(6.0).reshape(3, 2)
    # row 0: 1*[0, 1] + 2*[4, 5] = [8, 11]; row 1: 3*[2, 3] = [6, 9]
    assert x.times(weights).tolist() == [[8.0, 11.0], [6.0, 9.0]]
    # transpose times the identity gives the dense matrix back, transposed
    assert x.transposed_times(np.eye(2)).tolist() == [[1.0, 0.0], [0.0, 3.0], [2.0, 0.0]]


def test_character_ngram_sizes_are_those_of_the_model():
    # " ممتاز " (7 characters): five 3-grams, four 4-grams, three 5-grams
    found = features("ممتاز", "ar", ("chars",), (3, 5))
    assert len(found) == 12 and {len(name) - 2 for name in found} == {3, 4, 5}
    assert shipped_models()[0]["ar"].char_sizes == (3, 5)
