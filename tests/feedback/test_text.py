"""Arabic normalisation, language detection by script, and the evaluation set's own guarantees."""


from nabd.demo.texts import COMMENT_FRAGMENTS, RELATIONSHIP_NOTES, TICKET_DETAILS, TICKET_TEXT
from nabd.feedback.language import detect_language
from nabd.feedback.normalise import normalise
from nabd.feedback.scoring import evaluation_set


def test_alef_variants_become_bare_alef():
    assert normalise("أحمد إبراهيم آمال ٱلعربية") == "احمد ابراهيم امال العربيه"


def test_alef_maqsura_becomes_ya_and_ta_marbuta_becomes_ha():
    assert normalise("مستوى الخدمة") == "مستوي الخدمه"


def test_diacritics_and_tatweel_are_removed():
    assert normalise("مُمْتـــــازٌ جِدًّا") == "ممتاز جدا"


def test_a_stretched_letter_is_kept_once_and_punctuation_becomes_space():
    assert normalise("حلوووو!!، Sooo GOOD…") == "حلو so good"


def test_arabic_indic_digits_become_western():
    assert normalise("انتظرنا ١٢ يوم") == "انتظرنا 12 يوم"


def test_language_is_told_by_script():
    assert detect_language("الدعم ممتاز") == "ar"
    assert detect_language("Support is great") == "en"
    # 8 Arabic letters against 3 Latin ones (API): Arabic leads
    assert detect_language("الـ API ممتاز جدا") == "ar"
    assert detect_language("12345 !!", default="ar") == "ar"


def test_the_evaluation_set_has_at_least_300_labelled_comments_per_language_with_a_held_out_quarter():
    for language in ("ar", "en"):
        comments = evaluation_set(language)
        test = [c for c in comments if c.split == "test"]
        assert len(comments) >= 300
        assert {c.sentiment for c in comments} == {"negative", "neutral", "positive"}
        assert 0.2 <= len(test) / len(comments) <= 0.3
        assert all(c.text.strip() for c in comments)


def test_no_held_out_comment_is_also_a_training_comment_or_repeated():
    for language in ("ar", "en"):
        comments = evaluation_set(language)
        texts = [normalise(c.text) for c in comments]
        train = {normalise(c.text) for c in comments if c.split == "train"}
        assert [c.text for c in comments if c.split == "test" and normalise(c.text) in train] == []
        assert len(set(texts)) == len(texts)
        assert len({c.id for c in comments}) == len(comments)


def test_the_evaluation_set_shares_no_sentence_or_fragment_with_the_demo_generator():
    fragments = [f for parts in COMMENT_FRAGMENTS.values() for group in parts for f in group]
    fragments += [t for subjects, openings in TICKET_TEXT.values() for t in subjects + openings]
    fragments += [t for texts in TICKET_DETAILS.values() for t in texts]
    fragments += [t for texts in RELATIONSHIP_NOTES.values() for t in texts]
    # Compare normalised text without punctuation; only fragments of three words or more can be a "sentence".
    demo = [normalise(f) for f in fragments if len(normalise(f).split()) >= 3]
    shared = [c.text for lang in ("ar", "en") for c in evaluation_set(lang)
              if any(piece in normalise(c.text) or normalise(c.text) in piece for piece in demo)]
    assert len(demo) > 100
    assert shared == []


def test_the_feedback_commands_have_help():
    from tests.command_line import nabd

    result = nabd("feedback", "--help")
    assert result.returncode == 0
    assert all(name in result.stdout for name in ("analyse", "themes", "send", "train"))


def test_no_comment_is_in_both_the_train_and_the_test_split_once_normalised():
    for language in ("ar", "en"):
        train = {normalise(c.text) for c in evaluation_set(language, "train")}
        test = {normalise(c.text) for c in evaluation_set(language, "test")}
        assert len(train) > 200 and len(test) > 50
        assert train & test == set()
