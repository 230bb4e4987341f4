"""Every comment gets a defined language and sentiment, whatever it holds: never an exception."""

from nabd.feedback.arabizi import to_arabic_letters
from nabd.feedback.language import detect_language, is_arabizi
from nabd.feedback.sentiment import MAX_CHARS, analyse_text, analyse_texts


def test_an_empty_or_blank_comment_is_unknown_and_neutral():
    for text in ("", "   ", "\n\t"):
        found = analyse_text(text)
        assert (found.language, found.sentiment, found.score, found.themes) == ("unknown", "neutral", 0.0, ())


def test_a_comment_of_digits_and_punctuation_only_is_unknown_and_neutral():
    found = analyse_text("10/10 !!!")
    assert (found.language, found.sentiment, found.score) == ("unknown", "neutral", 0.0)


def test_an_emoji_only_comment_is_unknown_and_read_by_its_emoji():
    angry, happy = analyse_texts(["😡😡👎", "😍👍🙏"])
    assert (angry.language, happy.language) == ("unknown", "unknown")
    assert angry.sentiment == "negative" and happy.sentiment == "positive"
    assert angry.score < 0 < happy.score


def test_an_emoji_only_comment_takes_the_language_the_caller_knows():
    assert analyse_text("👍", "ar").language == "ar"


def test_a_mixed_arabic_english_comment_goes_to_its_majority_script():
    assert detect_language("The الدعم الفني is ممتاز جدا") == "ar"
    assert detect_language("The dashboard is great بس slow") == "en"
    found = analyse_text("الـ dashboard ممتاز والدعم سريع")
    assert (found.language, found.sentiment) == ("ar", "positive")


def test_arabizi_is_arabic_and_is_read_in_arabic_letters():
    assert is_arabizi("el support 7elw awi") and detect_language("el support 7elw awi") == "ar"
    assert to_arabic_letters("7elw awi, 3ajabni") == "حلو اوي, عجبني"
    assert analyse_text("el barnameg mesh kwayes, zift").language == "ar"


def test_english_with_digits_is_not_arabizi():
    for text in ("Call me at 7pm about the 3 seats", "We paid $500 for 25 users"):
        assert not is_arabizi(text) and detect_language(text) == "en"


def test_a_very_long_comment_is_read_up_to_max_chars_and_gets_a_result():
    text = "The support team never answers and the app keeps crashing. " * 20_000
    found = analyse_text(text)
    assert found.language == "en" and found.sentiment == "negative"
    assert analyse_text(text[:MAX_CHARS]) == found


def test_none_as_a_comment_is_unknown_and_neutral():
    assert analyse_texts([None])[0].language == "unknown"  # type: ignore[list-item]
