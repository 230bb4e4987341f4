"""Themes of a comment by keyword lexicons per language, matched on the normalised text.

Matching is by whole word or phrase. English: a keyword also matches its plural (s, es, 's) and a
keyword ending in ``*`` is a stem (``crash*`` finds crashes, crashed, crashing). Arabic: a keyword
may carry the proclitics و ف, ب ل ك and the article ال (ال, لل) before it and any suffix after it,
so ``دعم`` finds الدعم, بالدعم, ودعمكم; verb prefixes (ي ت ن) need their own entries.

Per theme and language there are also WEAK keywords, generic words that name the theme only when no
other theme's keyword is in the comment ("the export file is corrupted" is about reliability, not
a missing export), and GUARDS, phrases masked before the theme is matched ("it would help",
"sync with HubSpot": an integration, not a competitor). A comment can carry several themes, or none.
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

_COMPETITORS_EN = ("hubspot", "gainsight", "totango", "churnzero", "churn zero", "planhat", "zendesk",
                   "freshdesk", "intercom", "salesforce", "zoho")
_COMPETITORS_AR = ("هب سبوت", "هوب سبوت", "جينسايت", "جين سايت", "توتانجو", "شيرن زيرو", "تشيرن زيرو",
                   "بلانهات", "زندسك", "زين ديسك", "فريش ديسك", "سيلزفورس", "سيلز فورس", "زوهو")

KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "pricing": {
        "en": ("price*", "pricing", "pricey", "overpriced", "expensive", "cheap*", "cost*", "budget*",
               "afford*", "invoice*", "invoicing", "billing", "billed", "bill", "charg*", "fee",
               "pay", "paying", "paid", "payment*", "prepayment", "discount*", "quote", "quoted",
               "quotation", "value for money", "worth the money", "worth every", "money", "riyal*",
               "dirham*", "dollar*", "penny", "refund*", "credit note", "vat", "tax invoice",
               "per seat", "seat", "overage*", "auto renewed", "pro rated", "po number",
               "payment terms", "cash flow", "daylight robbery", "hike", "plans are"),
        "ar": ("سعر", "اسعار", "تسعير", "غالي", "غاليه", "رخيص", "ارخص", "تكلف", "تكاليف", "تكلفه",
               "ميزانيه", "فاتوره", "فواتير", "ندفع", "دفعنا", "ادفع", "يدفع", "دفع", "مدفوع", "رسوم",
               "خصم", "ريال", "درهم", "دولار", "مبلغ", "فلوس", "باقه", "باقات", "بيكلف", "يكلف",
               "استرجاع", "استرداد", "مكلف", "اشتراك", "عرض السعر", "الضريبه", "ضريبه", "قيمه مضافه",
               "مقعد", "مقاعد", "يستاهل سعره", "ما يستاهل سعره", "فوترة", "فوتره"),
    },
    "support_speed": {
        "en": ("support", "ticket*", "repl*", "respond*", "response*", "responsive*", "unresponsive",
               "answer*", "waited", "waiting", "wait", "agent*", "help center", "help desk", "helpdesk",
               "escalat*", "phone line", "call back", "called back", "rang back", "ring back",
               "chat bot", "chatbot", "chat", "account manager*", "csm", "get back to", "gets back",
               "got back", "follow up", "followed up", "follows up", "sla", "resolved", "resolution",
               "turnaround", "shared inbox", "support engineer", "kept us posted", "kept us updated",
               "nobody answers", "no one answers", "hear from", "checks in", "check in",
               "sorted it", "sorted our", "sorted us", "revert", "rang support", "call me",
               "ownership", "chase them"),
        "ar": ("دعم", "تذكره", "تذاكر", "تيكت", "رد", "يرد", "ردود", "ردو", "يردون", "بيرد", "ردوا",
               "انتظر", "ننتظر", "انتظار", "مستني", "مستنيين", "نستني", "نستنى", "موظف الدعم",
               "صعدنا", "تصعيد", "خدمه العملاء", "تلفون", "الشات", "شات", "مدير الحساب",
               "مدير حسابنا", "يرجع لنا", "يرجعون لنا", "رجعوا لنا", "تابع معنا", "يتابع معنا",
               "ساعدني", "يساعدنا", "ساعدونا", "رد علينا", "متجاوب", "متجاوبين", "استجابه",
               "ما حد رد", "محد رد", "ولا رد", "يحلوا", "حلوا المشكله", "حل المشكله", "سريع الرد"),
    },
    "missing_feature": {
        "en": ("missing", "no way to", "still no", "still can't", "still cannot", "still don't",
               "still doesn't", "still aren't", "still isn't", "we need", "need a way", "would be nice",
               "would be good", "would be great", "would be gr8", "would be handy", "would be handy",
               "would help", "would love", "we'd love", "would like", "we'd like", "i wish", "wish i",
               "please add", "please consider", "could you add", "can you add", "consider adding",
               "feature request", "feature idea", "asked for", "any plans", "any news", "any chance",
               "is there a way", "is there a plan", "is there an", "is there a webhook", "plan to add",
               "roadmap", "lack*", "doesn't support", "don't support", "not supported", "no support for",
               "without a", "without two", "without bulk", "can't set", "can't filter",
               "can't compare", "can't schedule", "can't attach", "can't tag", "can't export",
               "can't build", "can't let", "can't even", "cannot set", "no audit", "no sso",
               "no dark mode", "no jira", "no sandbox", "no endpoint", "no bulk", "no option",
               "there's no", "there is no", "gaps", "added", "new feature*",
               "all or nothing", "out of the box", "could tasks", "could the", "could we have"),
        "ar": ("ميزه", "ميزات", "خاصيه", "خصائص", "ناقص", "ناقصه", "نواقص", "ما في خاصيه",
               "نحتاج", "عايزين", "بدنا", "نبي", "يبيلنا", "نتمني", "يا ريت", "ياريت", "يا ليت",
               "ياليت", "تضيف", "تضيفون", "تضيفوا", "اضافه", "حقول", "طلبنا", "طلبناه", "سجل تدقيق", "دخول موحد",
               "تقويم هجري", "اجراءات جماعيه", "تعديل جماعي", "مجدول", "مجدوله", "ما يدعم",
               "ما تدعم", "لا يدعم", "مش مدعوم", "عدم وجود", "ما نقدر نحدد", "ما نقدر نصدر",
               "لو في", "نسخه جوال", "صلاحيات"),
    },
    "reliability": {
        "en": ("bug", "bugs", "buggy", "crash*", "error*", "fail*", "broke", "broken", "breaks",
               "outage*", "downtime", "uptime", "froze", "freez*", "stable", "stability", "unstable",
               "reliab*", "unreliable", "dependable", "logged us out", "logs me out", "logging me out",
               "loggin me out", "logs us out", "logged out", "timing out", "time out", "times out",
               "timeout*", "sync*", "incident*", "glitch*", "corrupt*", "sluggish", "crawling",
               "performance", "faster", "lag", "laggy", "load", "loads", "loading", "load times",
               "lost", "lose", "losing", "blank", "429", "500", "502", "503", "duplicat*", "refresh*",
               "hiccup*", "don't match", "doesn't match", "do not match", "not matching", "matches our",
               "stale", "stuck", "spinning", "hang", "hanging", "gone down", "went down", "goes down",
               "delay*", "arrive late", "arrived a day late", "disappear*", "not working",
               "isn't working", "stopped working", "doesn't work", "don't work", "stopped syncing",
               "not updating", "not sending", "got fixed", "were fixed",
               "off by one", "wrong values", "question marks", "show up as boxes", "shows up as boxes",
               "drains", "like clockwork", "accurate", "instantly", "quick and accurate", "deleted",
               "wiped", "cuts off", "expires every", "session expires", "random*", "no alert"),
        "ar": ("خلل", "خطا", "اخطاء", "يعلق", "تعلق", "علق", "يهنج", "هنج", "طايح", "يطيح", "واقع",
               "يخرب", "خرب", "تخرب", "خربان", "يفشل", "فشل", "انقطاع", "انقطع", "توقف", "وقف",
               "مستقر", "استقرار", "ثابت", "موثوق", "بطيء", "بطيئ", "بطء", "ثقيل", "اسرع", "ضاع",
               "ضاعت", "تختفي", "يختفي", "اختفت", "فاضيه", "مربعات", "مزامنه", "يطلعني", "يفصل", "طفي",
               "500", "تحميل", "بتحمل", "يحمل", "يكرر", "تكرار",
               "احدث الصفحه", "يقفل", "باگ", "كراش", "داون", "عطل", "اعطال", "معطل", "متعطل",
               "تاخير", "متاخر", "يتاخر", "غلط في الارقام", "الارقام غلط", "مش مظبوط", "يتوقف"),
    },
    "onboarding": {
        "en": ("onboard*", "setup", "set up", "setting up", "training*", "trainer*", "trained",
               "kickoff", "kick off", "implementation*", "implementing", "go live", "went live",
               "live in", "were live", "migrat*", "documentation", "docs", "videos", "video",
               "getting started", "first dashboard", "guided", "checklist", "connect the",
               "data mapping", "mapping", "setup wizard", "handover", "workshop*",
               "webinar*", "import template", "data model", "tutorial*", "explained how",
               "showed us how", "first impression", "first weeks", "refresher"),
        "ar": ("تهيئه", "اعداد", "تدريب", "دوره تدريبيه", "مدرب", "مدربه", "شرح", "فيديوهات",
               "فيديو", "اجتماع الاول", "اجتماع الانطلاق", "نقل من", "نقل البيانات", "ترحيل",
               "في البدايه", "علمنا", "علمونا", "فريق التطبيق", "فريق التنفيذ", "خطوه بخطوه",
               "اشتغلنا عليه", "نربط بيانات", "اول لوحه", "ساعدنا في البدايه", "انطلاق", "التفعيل",
               "التشغيل", "دليل", "توثيق", "ورشه", "بدايه الاستخدام", "اطلاق"),
    },
    "usability": {
        "en": ("easy", "easier", "easiest", "simple", "simpler", "simplest", "intuitive",
               "unintuitive", "confus*", "complicated", "complex", "hard to use", "hard to find",
               "hard to read", "hard to navigate", "hard to learn", "difficult to", "clunky",
               "cluttered", "interface", "ui", "ux", "navigat*", "layout*", "design", "designed",
               "redesign*", "click", "clicks", "find anything", "can't find", "cannot find",
               "couldn't find", "never find", "where to", "where things are", "where i need",
               "where you'd expect", "where i expect", "usable", "unusable", "learning curve",
               "to learn", "user friendly", "figure it out", "figured it out", "figure out",
               "settings", "icon*", "menu*", "font*", "readable", "unreadable", "terminology",
               "pop up*", "mobile layout", "one click", "two clicks", "keyboard shortcut*",
               "right to left", "rtl", "colour*", "color*", "tooltip*", "zoom", "clean", "dated",
               "straightforward", "cryptic", "buried", "faff", "crowded", "dense", "overlap*",
               "scrolling", "screens", "getting used to", "used to it", "get used", "adjusting",
               "adapting", "tiny", "look first", "to read", "make sense", "makes sense", "logical",
               "well organised", "well thought", "well designed", "fields we never use", "dark mode",
               "non technical"),
        "ar": ("سهل", "اسهل", "ابسط", "بسيط", "سلس", "صعب الاستخدام", "صعب نتعلم", "معقد", "محير",
               "واجهه", "تصميم", "شاشات", "ضغطات", "وين", "ما لقيت", "مالقيت", "قائمه", "القوائم",
               "واضح", "مفهوم", "متلخبط", "تنقل", "بديهي", "نتعلم", "نتعلمه", "تعلمه", "للتعلم",
               "فهمته", "فهمها", "سهوله الاستخدام", "صعوبه الاستخدام", "اعدادات", "ترتيب", "مزدحم",
               "زحمه", "نتعود", "تعود", "تعودوا", "نتاقلم", "مكان واحد", "في مكانه", "ينقص نصه",
               "شلون", "ازاي", "الخط صغير", "ايقونات", "من اليمين لليسار", "لقيت"),
    },
    "competitor": {
        "en": ("competitor*", *_COMPETITORS_EN, "alternative*", "elsewhere", "spreadsheet*",
               "cheaper tools", "moving to", "moved to", "moved from", "switch to", "switching to",
               "switched from", "switched to", "switch from", "replacement", "other program",
               "tender", "piloting", "consolidat*",
               "the one we left", "we left", "our crm now"),
        "ar": ("منافس", *_COMPETITORS_AR, "البرنامج التاني", "البرنامج الثاني", "البرنامج اللي كنا",
               "جهه ثانيه", "اداه ثانيه", "ادوات ارخص", "اداه ارخص", "بننتقل",
               "انتقلنا", "ننتقل", "بديل", "شركه ثانيه", "نظام ثاني"),
    },
}

# Generic words that name a theme only when no other theme's keyword is in the comment.
WEAK: dict[str, dict[str, tuple[str, ...]]] = {
    "pricing": {"en": ("renewal price", "renewal terms"), "ar": ()},
    "support_speed": {"en": ("helpful", "fix", "solved"), "ar": ("حلوا",)},
    "missing_feature": {
        "en": ("feature*", "integration*", "api", "export*", "sso", "filter*", "custom field*",
               "bulk edit", "bulk action*", "webhook*", "offline mode", "two factor", "sandbox",
               "permission*", "slack", "jira"),
        "ar": ("ربط", "تصدير", "فلتر", "فلاتر", "api", "ويب هوك", "تكامل", "تكاملات"),
    },
    "reliability": {"en": ("wrong", "slow*"), "ar": ("غلط", "مشكله", "مشاكل")},
    "onboarding": {"en": ("training",), "ar": ()},
    "usability": {"en": ("screen", "clear", "mobile app", "busy"), "ar": ()},
    "competitor": {"en": ("excel",), "ar": ("اكسل", "جداول")},
}

# Phrases masked before a theme is matched: the theme's words used in another sense.
GUARDS: dict[str, dict[str, tuple[str, ...]]] = {
    "pricing": {"en": ("worth it", "paid off", "pays for itself", "paid for itself"), "ar": ("رسوم بياني", "رسوم البياني", "رسم بياني")},
    "support_speed": {
        "en": ("this survey", "it would help", "would help", "helps us", "helped us", "support our",
               "support for", "doesn't support", "don't support", "not supported", "no support for",
               "support arabic", "supports arabic", "waiting for the", "waiting on the next",
               "my csms", "our csms", "answered this"),
        "ar": ("يدعم", "تدعم", "مدعوم", "ننتظر ميزه"),
    },
    "missing_feature": {"en": ("we need a fix", "we need them back", "what we need", "everything we need",
                                "we need more", "moved from monthly"),
                        "ar": ("اللي نحتاج", "عندي اضافه", "ميزه كبيره")},
    "reliability": {"en": ("sync with", "faster than any", "fast for", "lost track", "was lost", "is lost",
                           "lost confidence", "no data lost"), "ar": ()},
    "onboarding": {"en": ("set up a", "set it up wrong", "rollout to", "roll out to"), "ar": ()},
    "usability": {"en": ("easier for the team", "my job", "simple as that"), "ar": ()},
    "competitor": {
        "en": tuple(f"{name} {word}" for name in _COMPETITORS_EN
                    for word in ("integration", "sync", "connector", "crm", "data", "for the same"))
              + tuple(f"{word} with {name}" for name in _COMPETITORS_EN for word in ("sync", "syncs", "integration"))
              + ("switch from card", "we left it", "moved from monthly"),
        "ar": tuple(f"ربط مع {name}" for name in _COMPETITORS_AR)
              + tuple(f"{name} {word}" for name in _COMPETITORS_AR for word in ("للمبيعات",)),
    },
}

_PROCLITICS = "(?:[وف])?(?:[بلك])?(?:ال|ل)?"


def _alternation(keywords: tuple[str, ...], language: str) -> str:
    """One regex for ``keywords`` matched as words or phrases (see the module docstring)."""
    parts = []
    for keyword in sorted(keywords, key=len, reverse=True):
        stem = keyword.endswith("*")
        text = normalise(keyword.rstrip("*"))
        if language == "ar":
            text = text[2:] if text.startswith("ال") and len(text) > 4 else text
            parts.append(re.escape(text))
        elif stem:
            parts.append(f"{re.escape(text)}[\\w']*")
        else:
            parts.append(f"{re.escape(text)}(?:s|es|'s)?(?![\\w'])")
    if language == "ar":  # the proclitics once before the alternation: 3x faster than before each keyword
        return rf"(?<![\w']){_PROCLITICS}(?:{'|'.join(parts)})\w*"
    return rf"(?<![\w'])(?:{'|'.join(parts)})"


@cache
def _patterns(language: str) -> dict[str, tuple[re.Pattern[str] | None, ...]]:
    """Per theme: (keywords, weak keywords, guards) as compiled patterns (None when empty)."""
    def compiled(words: tuple[str, ...]) -> re.Pattern[str] | None:
        return re.compile(_alternation(words, language)) if words else None

    return {
        theme: (compiled(KEYWORDS[theme][language]), compiled(WEAK[theme][language]),
                compiled(GUARDS[theme][language]))
        for theme in THEMES
    }


def detect_themes(text: str, language: str) -> list[str]:
    """The themes whose keywords occur in ``text`` (weak keywords only when no other theme's do),
    in the order of THEMES."""
    normalised = normalise(text)
    strong, weak = [], []
    for theme, (keywords, weak_keywords, guards) in _patterns(language).items():
        masked = guards.sub(" ", normalised) if guards else normalised
        if keywords and keywords.search(masked):
            strong.append(theme)
        elif weak_keywords and weak_keywords.search(masked):
            weak.append(theme)
    found = set(strong) | (set(weak) if not strong else set())
    return [theme for theme in THEMES if theme in found]
