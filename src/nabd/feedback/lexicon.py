"""The lexicon baseline: polarity words per language, negation that flips them, and a score.

Words are written in their normalised spelling (see normalise.py: ة→ه, أ/إ/آ→ا, ى→ي). An Arabic
word also matches with a clitic prefix (و ف ب ل ال وال بال لل) and, for entries of four letters or
more, with a suffix (ممتاز → ممتازين). Emoji and emoticons of clear polarity (😍 👍 :) / 😡 👎 :( ) count
as polar words in any language. A negator (not, never, ما، مش، مو، مب، مافي، مفيش...) flips the
polarity of the next three words; a word after "but" / "بس" / "لكن" weighs 1.5 times, since the
clause after a contrast usually carries the verdict.

score = tanh(sum of signed weights / 2), in [-1, 1]; positive above +0.25, negative below -0.25.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from nabd.feedback.normalise import normalise, words

NEGATION_SCOPE = 3
CONTRAST_WEIGHT = 1.5
THRESHOLD = 0.25

POSITIVE = {
    "en": {
        "great", "excellent", "love", "loved", "loves", "amazing", "fantastic", "awesome", "good",
        "happy", "pleased", "satisfied", "helpful", "easy", "simple", "intuitive", "smooth", "fast",
        "quick", "quickly", "reliable", "stable", "solid", "recommend", "recommended", "best",
        "better", "improved", "improvement", "wonderful", "perfect", "perfectly", "clear",
        "friendly", "responsive", "worth", "thanks", "thank", "appreciated", "appreciate",
        "enjoy", "joy", "impressive", "impressed", "brilliant", "superb", "painless", "affordable",
        "fair", "reasonable", "essential", "valuable", "useful", "nice", "proactive", "dependable",
        "accurate", "beautiful", "handy", "top", "saved", "saves", "transformed", "glad",
    },
    "ar": {
        "ممتاز", "رائع", "جميل", "حلو", "زين", "كويس", "منيح", "سهل", "سريع", "سريعه", "واضح",
        "مفيد", "مفيده", "ممتازه", "رائعه", "افضل", "احسن", "احب", "يحب", "نحب", "عجبني",
        "عجبنا", "عاجبني", "عاجبنا", "عاجبتنا", "مبسوط", "مبسوطين", "راضي", "راضين", "سعيد", "سعداء",
        "شكرا", "مشكورين", "يعطيكم", "العافيه", "ما قصرتوا", "انصح", "ننصح", "موثوق", "مستقر",
        "ثابت", "مرن", "مرنه", "عادل", "عادله", "مناسب", "مناسبه", "يستاهل", "تستاهل", "رهيب",
        "جامد", "تحفه", "يجنن", "بيجنن", "قمه", "مذهل", "سلس", "سلسه", "بديهي", "متجاوب", "ودود",
        "دقيق", "دقيقه", "متعه", "تحسن", "تحسين", "اسرع", "اسهل", "ارخص", "ابسط", "وفر", "وفرت",
        "سهل", "سهلت", "ساعدنا", "ساعد", "نعتمد", "راقيه", "راقي", "تسلم", "عاشت", "ريحنا",
        "مبادر", "ممتع", "قوي", "قويه", "فرق",
        # dialect and MSA praise common in B2B feedback (added with the 2026-11 training set)
        "هايل", "هايله", "فخم", "متميز", "متميزه", "مميز", "مميزه", "احترافي", "احترافيه", "محترف",
        "محترفين", "شاطر", "شاطره", "متعاون", "متعاونين", "لطيف", "لطيفه", "ذوق", "سلاسه", "بسلاسه",
        "ممتن", "ممتنين", "نشكر", "نشكركم", "مشكور", "يسلمو", "تسلمون", "جزاكم", "روعه", "حلوه",
        "زينه", "كويسه", "منيحه", "مرتب", "مرتبه", "منظم", "منظمه", "مريح", "مريحه", "عملي", "عمليه",
        "فعال", "فعاله", "استفدنا", "استفاد", "نوصي", "ابداع", "مبدعين", "رضا", "مستمتعين", "ممتعه",
        "اعجبني", "عجبتني", "حبيناه", "نحبه", "يستحق", "تستحق", "مستقره", "ثابته", "دقه", "يوفر",
        "سهوله", "واضحه", "مبهر", "رائعين", "ممتازين",
    },
}

NEGATIVE = {
    "en": {
        "bad", "terrible", "awful", "horrible", "poor", "worst", "worse", "slow", "slowly", "broken",
        "breaks", "break", "crash", "crashes", "crashed", "bug", "bugs", "buggy", "fail", "fails",
        "failed", "failing", "error", "errors", "wrong", "disappointed", "disappointing",
        "frustrating", "frustrated", "annoying", "confusing", "confused", "complicated", "hard",
        "difficult", "expensive", "pricey", "overpriced", "ridiculous", "useless", "unusable",
        "waste", "lost", "lose", "losing", "never", "nobody", "cancel", "cancelling", "leaving",
        "unhappy", "painful", "exhausting", "tedious", "clunky", "outdated", "embarrassing",
        "froze", "freezes", "frozen", "stuck", "pending", "problem", "problems", "issue", "issues",
        "incident", "outage", "downtime", "hidden", "trap", "corrupted", "missing", "rushed",
        "terribly", "rude", "ignored", "mess", "fed", "angry", "unreliable", "wiped", "duplicates",
    },
    "ar": {
        "سيء", "سيئه", "سيئ", "سوء", "بطيء", "بطيئ", "بطيئه", "بطء", "غالي", "غاليه", "مكلف",
        "صعب", "صعبه", "معقد", "معقده", "مزعج", "مزعجه", "متعب", "متعبه", "مشكله", "مشاكل",
        "خطا", "اخطاء", "غلط", "خلل", "يعلق", "تعلق", "علق", "يهنج", "طايح", "واقع", "يخرب",
        "خرب", "تخرب", "يفشل", "فشل", "فشله", "ضاع", "ضاعت", "راحت", "خسرنا", "نخسر", "فقدنا",
        "خيبه", "خاب", "محبط", "زهقنا", "تعبنا", "تعب", "زعلانين", "مستاء", "مستاءين", "للاسف",
        "الغاء", "بنلغي", "نلغي", "بننتقل", "ننتقل", "نطلع", "كارثه", "كارثي", "مخفيه", "تاخير",
        "متاخر", "متاخره", "يتاخر", "تاخر", "ممل", "مقرف", "فاضيه", "مربعات", "انقطاع", "توقف",
        "وقف", "معلقه", "نار", "اتبهدلنا", "متلخبطه", "محيره", "محير", "مش طبيعي", "ضيعنا",
        "مستني", "نستني", "انتظرنا", "انتظرت", "ناقصه", "ناقص", "قديمه", "قديم", "فوضي",
        # dialect and MSA complaints common in B2B feedback (added with the 2026-11 training set)
        "مخيب", "مخيبه", "محبطه", "احباط", "زعلان", "ندمان", "ندمانين", "ندمنا", "ندمت", "زهقت",
        "زهق", "ملينا", "قرف", "وحش", "وحشه", "زفت", "فاشل", "فاشله", "ضعيف", "ضعيفه", "رديء",
        "رديئه", "اسوا", "تعطل", "معطل", "عطل", "اعطال", "يطفي", "يفصل", "ينقطع", "انقطع", "مقطوع",
        "تاخرت", "متاخرين", "بطيئين", "مغلوط", "خربان", "خربانه", "خربت", "مستحيل", "استغلال", "نصب",
        "مبالغ", "مكلفه", "مربك", "مربكه", "ملخبط", "ملخبطه", "متلخبط", "تعقيد", "صعوبه", "يقهر", "قهر",
        "محرج", "اهمال", "تجاهل", "تجاهلوا", "مهمل", "تراجع", "تدهور", "ننسحب", "مضيعه", "ضيعه", "خساره",
    },
}

NEGATORS = {
    "en": {"not", "no", "never", "without", "nobody", "nothing", "hardly", "neither", "nor",
           "cannot", "cant", "dont", "doesnt", "isnt", "wasnt", "wont", "didnt", "havent", "hasnt",
           "couldnt", "shouldnt", "arent", "werent"},
    "ar": {"ما", "مش", "مو", "مب", "مهب", "ليس", "لا", "لم", "لن", "مافي", "مفيش", "مافيش",
           "بدون", "غير", "ولا", "محد", "ماحد", "محدش", "مش", "موب", "ماهو", "مهو", "عمره", "عمري",
           "مهوب", "ماني", "مانا", "مافيه", "بلا", "بلاش", "دون"},
}

CONTRASTS = {"en": {"but", "though", "although", "however", "yet"},
             "ar": {"بس", "لكن", "بينما", "الا", "مع", "ولكن"}}

# Emoji and emoticons whose polarity does not depend on the language (😂 and 🙂 are left out: they
# are as often sarcastic or polite as they are happy). Counted once each where they occur.
POSITIVE_MARKS = ("😍", "🥰", "😘", "😊", "😀", "😁", "😃", "😄", "👍", "👌", "👏", "🙏", "💯", "🎉", "❤", "💙",
                  "💚", "💜", "♥", "🌹", "✅", "⭐", "🌟", ":)", ":-)", ":D", ";)", "<3")
NEGATIVE_MARKS = ("😡", "😠", "🤬", "👎", "😞", "😢", "😭", "💔", "😤", "😒", "🙄", "😩", "😫", "🤮", "🤢",
                  "😔", "😕", "😟", "❌", ":(", ":-(")


def mark_weights(text: str) -> list[float]:
    """+1 per positive emoji or emoticon in ``text``, -1 per negative one."""
    return [1.0] * sum(text.count(mark) for mark in POSITIVE_MARKS) + \
        [-1.0] * sum(text.count(mark) for mark in NEGATIVE_MARKS)


def _normalised(entries: dict[str, set[str]]) -> dict[str, set[str]]:
    """The entries in the spelling of normalised text (ئ and ة written by hand become ي and ه)."""
    return {language: {normalise(entry) for entry in words_} for language, words_ in entries.items()}


POSITIVE, NEGATIVE, NEGATORS, CONTRASTS = map(_normalised, (POSITIVE, NEGATIVE, NEGATORS, CONTRASTS))

_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل")


def forms(word: str, language: str) -> Iterator[str]:
    """``word`` and, in Arabic, the word without one clitic prefix."""
    yield word
    if language == "ar":
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                yield word[len(prefix):]


def polarity(word: str, language: str) -> int:
    """+1 for a positive word, -1 for a negative one, 0 otherwise (clitics and suffixes allowed in Arabic)."""
    positive, negative = POSITIVE[language], NEGATIVE[language]
    for form in forms(word, language):
        if form in positive:
            return 1
        if form in negative:
            return -1
    if language == "ar":
        for form in forms(word, language):
            for stem_length in range(len(form) - 1, 3, -1):
                stem = form[:stem_length]
                if stem in positive:
                    return 1
                if stem in negative:
                    return -1
    return 0


def is_negator(word: str, language: str) -> bool:
    if language == "en":
        return word.replace("'", "") in NEGATORS["en"] or word.endswith("n't")
    return word in NEGATORS["ar"] or (word.startswith("و") and word[1:] in NEGATORS["ar"])


def signed_weights(text: str, language: str) -> list[float]:
    """The signed weight of each polar word of ``text`` after negation and contrast."""
    weights: list[float] = []
    scope, weight = 0, 1.0
    for word in words(normalise(text)):
        if word in CONTRASTS[language]:
            weight, scope = CONTRAST_WEIGHT, 0
            continue
        if is_negator(word, language):
            scope = NEGATION_SCOPE
            continue
        sign = polarity(word, language)
        if sign:
            weights.append(weight * (-sign if scope > 0 else sign))
        scope = max(0, scope - 1)
    return weights + mark_weights(text)


def lexicon_score(text: str, language: str) -> float:
    """tanh(sum of signed weights / 2): -1 very negative .. +1 very positive, 0 for no polar word."""
    return math.tanh(sum(signed_weights(text, language)) / 2)


def lexicon_label(score: float) -> str:
    return "positive" if score > THRESHOLD else "negative" if score < -THRESHOLD else "neutral"
