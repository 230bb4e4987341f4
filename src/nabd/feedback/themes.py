"""Themes of a comment by keyword lexicons per language, matched on the normalised text.

An English keyword matches at the start of a word ("price" finds "prices", "pricing" needs its own
entry); an Arabic keyword matches anywhere inside a word, so clitics and suffixes need no entries
(سعر finds بالسعر, الاسعار needs اسعار). A comment can carry several themes, or none.
"""

from __future__ import annotations

import re
from functools import cache

from nabd.feedback.normalise import normalise

THEMES = ("pricing", "support_speed", "missing_feature", "reliability", "onboarding", "usability",
          "competitor")

THEME_NAMES = {
    "pricing": {"en": "pricing", "ar": "الأسعار"},
    "support_speed": {"en": "support speed", "ar": "سرعة الدعم"},
    "missing_feature": {"en": "missing feature", "ar": "ميزة ناقصة"},
    "reliability": {"en": "bugs and reliability", "ar": "الأعطال والاستقرار"},
    "onboarding": {"en": "onboarding", "ar": "التهيئة"},
    "usability": {"en": "usability", "ar": "سهولة الاستخدام"},
    "competitor": {"en": "competitor mention", "ar": "ذكر منافس"},
}

KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "pricing": {
        "en": ("price", "pricing", "pricey", "expensive", "cheap", "cost", "budget", "afford",
               "invoice", "billing", "billed", "charge", "fee", "paying", "pay ", "paid", "discount",
               "quote", "value for", "worth every", "money", "riyal", "dollar", "plan locks",
               "basic plan", "renewal quote", "seat limit", "refund"),
        "ar": ("سعر", "اسعار", "تسعير", "غالي", "غاليه", "رخيص", "ارخص", "تكلف", "تكاليف", "ميزانيه",
               "فاتوره", "فواتير", "ندفع", "دفعنا", "دفع ", "رسوم", "خصم", "ريال", "مبلغ", "فلوس",
               "باقه", "الباقه", "بيكلف", "يكلف", "الاسترجاع", "مكلف"),
    },
    "support_speed": {
        "en": ("support", "ticket", "reply", "replied", "replies", "respond", "response", "answer",
               "waited", "waiting", "wait ", "agent", "help center", "escalat", "phone line",
               "chat bot", "account manager", "get back to", "follow up", "followed up", "help",
               "support engineer", "gets back"),
        "ar": ("الدعم", "دعم", "تذكره", "تذاكر", "التيكت", "رد ", "يرد", "ردود", "الرد", "ردو",
               "انتظر", "ننتظر", "مستني", "نستني", "نستنى", "موظف", "صعدنا", "خدمه العملاء",
               "التلفون", "الشات", "مدير الحساب", "يرجع لنا", "تابع معنا", "ساعدني", "يساعد",
               "بيرد", "يردون", "رد علينا", "ايميلات", "بالايميل", "متجاوب"),
    },
    "missing_feature": {
        "en": ("missing", "no way to", "still no", "we need", "need custom", "would be nice",
               "would like", "please add", "add a", "could you add", "consider adding", "feature",
               "integration", "api", "export", "can't set", "cannot set", "can't filter",
               "can't compare", "can't schedule", "no audit", "no sso", "no dark mode",
               "asked for", "plan to add", "waiting for the", "we'd like", "custom field",
               "bulk edit", "bulk action", "filter"),
        "ar": ("ميزه", "ميزات", "خاصيه", "ناقص", "ناقصه", "ما في", "مافي", "مفيش", "نحتاج",
               "عايزين", "بدنا", "نبي", "يبيلنا", "نتمني", "يا ريت", "ياريت", "يا ليت", "تضيف",
               "اضافه", "ربط", "تكامل", "تكاملات", "تصدير", "api", "حقول", "طلبنا", "طلبناه",
               "فلتر", "فلاتر", "سجل تدقيق", "دخول موحد", "تقويم هجري", "التقويم الهجري",
               "الاجراءات الجماعيه", "التعديل الجماعي", "المجدول", "المجدوله"),
    },
    "reliability": {
        "en": ("bug", "crash", "error", "fail", "broke", "break", "outage", "downtime", "uptime",
               "froze", "freez", "stable", "stability", "reliab", "logged us out", "logout",
               "log out", "timing out", "time out", "sync", "incident", "glitch", "corrupt",
               "slow", "performance", "faster", "lost", "blank", "wrong", "429", "500",
               "webhook", "duplicat", "refresh", "hiccup", "don't match", "downtime", "works"),
        "ar": ("خلل", "خطا", "اخطاء", "غلط", "يعلق", "تعلق", "علق", "يهنج", "طايح", "واقع",
               "يخرب", "خرب", "تخرب", "يفشل", "فشل", "انقطاع", "توقف", "وقف", "مستقر", "استقرار",
               "ثابت", "موثوق", "بطيء", "بطيئ", "بطء", "اسرع", "سريع وموثوق", "ضاع", "ضاعت", "تختفي",
               "فاضيه", "مربعات", "مزامنه", "يطلعني", "يفصل", "طفي", "500", "ويب هوك", "تحميل",
               "بتحمل", "مشكله", "مشاكل", "يكرر", "احدث الصفحه", "يقفل", "تحديث"),
    },
    "onboarding": {
        "en": ("onboard", "setup", "set up", "training", "trainer", "kickoff", "kick-off",
               "implementation", "go-live", "live in", "migration", "documentation", "videos",
               "getting started", "first dashboard", "guided", "checklist", "connect the"),
        "ar": ("تهيئه", "التهيئه", "الاعداد", "اعداد", "تدريب", "التدريب", "المدرب", "الشرح",
               "شرح", "فيديوهات", "الاجتماع الاول", "النقل من", "البدايه", "الاول", "علمنا",
               "فريق التطبيق", "خطوه بخطوه", "اشتغلنا عليه", "نربط بيانات", "اول لوحه", "ساعدنا في البدايه"),
    },
    "usability": {
        "en": ("easy", "easier", "simple", "simpler", "intuitive", "confus", "complicated",
               "complex", "hard to", "clunky", "interface", "navigation", "layout", "design",
               "screen", "click", "find", "usable", "unusable", "learn", "user friendly",
               "figure", "settings", "icons", "menu", "ui", "clear", "readable", "unreadable",
               "terminology", "pop-up", "mobile layout", "training to start", "one click"),
        "ar": ("سهل", "اسهل", "ابسط", "بسيط", "صعب", "معقد", "محير", "واجهه", "الواجهه",
               "تصميم", "التصميم", "شاشات", "الشاشات", "ضغطات", "وين", "ما لقيت", "القائمه",
               "واضح", "مفهوم", "متلخبط", "التنقل", "بديهي", "نتعلم", "نتعلمه", "تعلمه",
               "فهمته", "فهمها", "استخدام", "يستخدمه", "الاعدادات", "ترتيب", "مزدحم", "زحمه",
               "نتعود", "تعود", "نتاقلم", "مكان واحد", "في مكانه", "ينقص نصه", "شلون", "ازاي"),
    },
    "competitor": {
        "en": ("competitor", "hubspot", "gainsight", "totango", "churnzero", "planhat", "zendesk",
               "freshdesk", "intercom", "salesforce", "zoho", "alternative", "elsewhere",
               "spreadsheet", "cheaper tools", "moving to", "switched from", "replacement",
               "other program"),
        "ar": ("منافس", "هب سبوت", "جينسايت", "توتانجو", "شيرن زيرو", "بلانهات", "زندسك",
               "فريش ديسك", "سيلزفورس", "زوهو", "البرنامج التاني", "البرنامج اللي كنا",
               "جهه ثانيه", "اداه ثانيه", "ادوات ارخص", "الجداول", "بننتقل", "انتقلنا", "بديل"),
    },
}


@cache
def _patterns(language: str) -> dict[str, re.Pattern[str]]:
    patterns = {}
    for theme in THEMES:
        keywords = [normalise(k) + (" " if k.endswith(" ") else "") for k in KEYWORDS[theme][language]]
        alternatives = "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))
        boundary = r"(?<![\w])" if language == "en" else ""
        patterns[theme] = re.compile(f"{boundary}(?:{alternatives})")
    return patterns


def detect_themes(text: str, language: str) -> list[str]:
    """The themes whose keywords occur in ``text``, in the order of THEMES."""
    padded = normalise(text) + " "
    return [theme for theme, pattern in _patterns(language).items() if pattern.search(padded)]
