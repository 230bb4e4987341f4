"""The small vocabularies the demo company is drawn from: places, people, companies, features,
and the fragments that survey comments, ticket texts and CSM notes are assembled from.

Comments are built from three fragments (opening, what it is about, closing) picked
independently, so a few dozen fragments give thousands of distinct comments; some fragments
carry Gulf, Egyptian or Levantine dialect words, as real customers write.
"""

from __future__ import annotations

# (country, weight, share of accounts speaking Arabic, local currency, share billed in it)
COUNTRIES: list[tuple[str, float, float, str, float]] = [
    ("Saudi Arabia", 22, 0.90, "SAR", 0.30),
    ("United Arab Emirates", 14, 0.55, "AED", 0.30),
    ("Egypt", 11, 0.90, "USD", 0.0),
    ("Jordan", 6, 0.85, "USD", 0.0),
    ("Kuwait", 5, 0.85, "USD", 0.0),
    ("Qatar", 4, 0.75, "USD", 0.0),
    ("Morocco", 5, 0.80, "USD", 0.0),
    ("United Kingdom", 10, 0.04, "USD", 0.0),
    ("United States", 12, 0.02, "USD", 0.0),
    ("Germany", 7, 0.01, "EUR", 0.70),
    ("France", 4, 0.02, "EUR", 0.80),
]

# (segment, weight, licences low, licences high, plans with their list price per licence in USD)
SEGMENTS: list[tuple[str, float, int, int, list[tuple[str, int]]]] = [
    ("SMB", 62, 2, 5, [("Starter", 29), ("Growth", 49)]),
    ("mid-market", 29, 4, 12, [("Growth", 49), ("Business", 79)]),
    ("enterprise", 9, 12, 30, [("Business", 79), ("Enterprise", 119)]),
]

# USD value of one unit of each billing currency on the first month; SAR and AED are pegged.
CURRENCY_BASE_RATES = {"SAR": 0.2667, "AED": 0.2723, "EUR": 1.0850}

CSMS = [
    "csm.sara", "csm.omar", "csm.layla", "csm.khalid", "csm.noura",
    "csm.james", "csm.emma", "csm.youssef",
]

FEATURES = [
    "dashboards", "reports", "automations", "integrations", "mobile_app",
    "surveys", "playbooks", "segments", "exports", "api",
]

ROLES = ["admin", "champion", "user", "user", "user", "billing", "executive sponsor"]

# First and family names, each as (Arabic script, Latin spelling for the e-mail address).
ARABIC_FIRST_NAMES = [
    ("سارة", "sara"), ("محمد", "mohammed"), ("أحمد", "ahmed"), ("فاطمة", "fatima"),
    ("نورة", "noura"), ("خالد", "khalid"), ("عمر", "omar"), ("ليلى", "layla"),
    ("يوسف", "youssef"), ("مريم", "maryam"), ("عبدالله", "abdullah"), ("هند", "hind"),
    ("ريم", "reem"), ("طارق", "tariq"), ("سلمى", "salma"), ("حسن", "hassan"),
    ("منى", "mona"), ("ياسر", "yasser"), ("دانة", "dana"), ("فيصل", "faisal"),
]
ARABIC_FAMILY_NAMES = [
    ("العتيبي", "alotaibi"), ("الحربي", "alharbi"), ("الشمري", "alshammari"),
    ("المصري", "almasri"), ("حداد", "haddad"), ("الخطيب", "alkhatib"), ("النجار", "alnajjar"),
    ("القحطاني", "alqahtani"), ("السيد", "elsayed"), ("بنعلي", "benali"), ("العلوي", "alaoui"),
    ("الكواري", "alkuwari"), ("الزعبي", "alzoubi"), ("منصور", "mansour"), ("إبراهيم", "ibrahim"),
]
ENGLISH_FIRST_NAMES = [
    "James", "Emma", "Oliver", "Sophie", "Daniel", "Hannah", "Lukas", "Anna", "Michael",
    "Sarah", "Thomas", "Laura", "David", "Julia", "Ben", "Chloe", "Adam", "Nadia",
]
ENGLISH_FAMILY_NAMES = [
    "Smith", "Taylor", "Brown", "Wilson", "Mueller", "Schmidt", "Johnson", "Clarke", "Walker",
    "Becker", "Martin", "Evans", "Hughes", "Fischer", "Dubois", "Khan",
]

ARABIC_COMPANY = (
    ["شركة", "مؤسسة", "مجموعة", "مكتب", "مصنع"],
    ["النور", "الأفق", "الريادة", "السنابل", "الواحة", "المسار", "البيان", "الرواد", "الخليج",
     "النخبة", "الضياء", "القمة", "الفجر", "الياسمين", "الأمل", "المدار", "الصفوة"],
    ["للتجارة", "للتقنية", "للخدمات اللوجستية", "للاستشارات", "للتعليم", "للرعاية الصحية",
     "العقارية", "للأغذية", "للمقاولات", "للسياحة", "للتأمين"],
)
ENGLISH_COMPANY = (
    ["Northwind", "Bluepeak", "Crescent", "Harbor", "Summit", "Falcon", "Oasis", "Cedar",
     "Atlas", "Meridian", "Silverline", "Riverstone", "Pioneer", "Lumen", "Keystone", "Sable"],
    ["Logistics", "Health", "Analytics", "Retail", "Learning", "Foods", "Consulting", "Realty",
     "Systems", "Travel", "Insurance"],
    ["Ltd", "Inc", "GmbH", "LLC", "Group", "Partners"],
)

# Survey comments: (language, mood) -> (openings, subjects, closings); mood from the score.
COMMENT_FRAGMENTS: dict[tuple[str, str], tuple[list[str], list[str], list[str]]] = {
    ("ar", "positive"): (
        ["والله تجربة ممتازة،", "بصراحة خدمة رائعة،", "ما شاء الله،", "تجربتنا مرة حلوة،",
         "الحمد لله راضين جداً،", "شغل جامد بجد،", "كل شي زين،"],
        ["لوحة المتابعة توفر علينا وقت كبير", "فريق الدعم يرد بسرعة ويفهم المشكلة",
         "التقارير صارت أوضح لإدارتنا", "مدير الحساب متابع معنا أول بأول",
         "الأتمتة خففت الشغل اليدوي على الفريق", "التطبيق على الجوال سهل وسريع",
         "التكامل مع أنظمتنا اشتغل من أول مرة"],
        ["وننصح فيكم غيرنا.", "شكراً لكم.", "استمروا على هذا المستوى.", "يعطيكم العافية.",
         "وإن شاء الله نوسع الاستخدام قريباً.", ""],
    ),
    ("ar", "neutral"): (
        ["الخدمة مقبولة،", "لا بأس بها،", "التجربة عادية،", "في أشياء حلوة وأشياء لا،",
         "بشكل عام كويس،"],
        ["لكن التقارير تحتاج خيارات أكثر", "لكن الرد على التذاكر يتأخر أحياناً",
         "بس الأسعار شوي مرتفعة مقارنة بغيركم", "لكن بعض الميزات صعب نلاقيها",
         "والتدريب كان مختصر بزيادة", "لكن التطبيق يعلق أحياناً"],
        ["نتمنى التحسين.", "ننتظر التحديثات الجاية.", "نشوف مع الوقت.", ""],
    ),
    ("ar", "negative"): (
        ["للأسف تجربة سيئة،", "بصراحة مش راضيين أبداً،", "تعبنا من المشاكل،",
         "خيبة أمل كبيرة،", "الوضع ما عاد يتحمل،", "مش فاهمين ليه كده،"],
        ["النظام يعلق كل يوم تقريباً", "فتحنا تذاكر كثيرة وما في حل",
         "الفاتورة فيها أخطاء للمرة الثانية", "الدعم ما يرد إلا بعد أيام",
         "السعر عالي والفائدة قليلة", "الفريق وقف يستخدم النظام لأنه معقد",
         "الميزة اللي وعدتونا فيها ما نزلت"],
        ["نفكر جدياً في إلغاء الاشتراك.", "نحتاج حل سريع.", "ما راح نجدد بهذا الوضع.",
         "نبي نتكلم مع المسؤول.", ""],
    ),
    ("en", "positive"): (
        ["Great experience overall,", "Really happy with it,", "Honestly impressed,",
         "Five stars from our team,", "Solid product,", "Love it,"],
        ["the dashboards save us hours every week", "support answers fast and actually fixes things",
         "our leadership finally reads the reports", "our CSM checks in at the right moments",
         "the automations took manual work off the team", "the mobile app is quick and simple",
         "the integration worked on the first try"],
        ["and we recommend you to peers.", "thanks!", "keep it up.",
         "we plan to add more seats soon.", ""],
    ),
    ("en", "neutral"): (
        ["It's okay,", "Decent so far,", "Mixed feelings,", "Does the job,", "Fine overall,"],
        ["but reports need more options", "though ticket replies are sometimes slow",
         "but pricing feels high next to alternatives", "but some features are hard to find",
         "and the onboarding was a bit short", "but the app freezes now and then"],
        ["hoping for improvements.", "waiting on the next release.", "we'll see.", ""],
    ),
    ("en", "negative"): (
        ["Frustrating experience,", "Very disappointed,", "Not happy at all,",
         "This is getting worse,", "Sorry to say,", "Honestly fed up,"],
        ["the system crashes almost daily", "we opened many tickets and nothing gets solved",
         "the invoice was wrong again", "support takes days to respond",
         "the price is high for what we get", "the team stopped using it because it is too complex",
         "the feature we were promised never shipped"],
        ["we are seriously considering cancelling.", "we need a fix fast.",
         "we won't renew like this.", "please escalate.", ""],
    ),
}

# Ticket subjects and opening sentences per (category, language); a body adds a detail and a closing.
TICKET_TEXT: dict[tuple[str, str], tuple[list[str], list[str]]] = {
    ("billing", "ar"): (
        ["استفسار عن الفاتورة", "خطأ في مبلغ الفاتورة", "تحديث بيانات الدفع"],
        ["وصلتنا فاتورة بمبلغ مختلف عن العقد.", "نحتاج نسخة ضريبية من فاتورة الشهر الماضي.",
         "البطاقة المسجلة انتهت ونبغى نحدثها."],
    ),
    ("billing", "en"): (
        ["Invoice question", "Wrong amount on invoice", "Update payment details"],
        ["We received an invoice that does not match our contract.",
         "We need a VAT copy of last month's invoice.", "Our card on file expired and we need to update it."],
    ),
    ("bug", "ar"): (
        ["مشكلة في تحميل اللوحة", "خطأ عند تصدير التقرير", "التطبيق يعلق"],
        ["لوحة المتابعة ما تفتح من الصبح.", "يطلع خطأ كل ما نصدر التقرير الشهري.",
         "التطبيق يعلق عند فتح صفحة العملاء."],
    ),
    ("bug", "en"): (
        ["Dashboard not loading", "Error when exporting report", "App freezes"],
        ["The dashboard has not loaded since this morning.", "Exporting the monthly report fails with an error.",
         "The app freezes when we open the customers page."],
    ),
    ("how-to", "ar"): (
        ["كيف نضيف مستخدم جديد؟", "طريقة إعداد الأتمتة", "سؤال عن الصلاحيات"],
        ["نحتاج شرح لإضافة مستخدمين بصلاحيات محدودة.", "كيف نقدر نجهز تنبيه تلقائي للفريق؟",
         "وش الفرق بين صلاحية المدير والمستخدم؟"],
    ),
    ("how-to", "en"): (
        ["How do we add a user?", "Setting up automations", "Question about permissions"],
        ["Could you explain how to add users with limited rights?",
         "How can we set up an automatic alert for the team?", "What is the difference between admin and user roles?"],
    ),
    ("feature request", "ar"): (
        ["طلب ميزة جديدة", "اقتراح لتحسين التقارير", "دعم اللغة العربية في التصدير"],
        ["نتمنى تضيفون فلتر حسب المنطقة في التقارير.", "نقترح إمكانية جدولة التقارير بالبريد.",
         "التصدير لملف PDF ما يدعم العربي بشكل صحيح."],
    ),
    ("feature request", "en"): (
        ["Feature request", "Suggestion for reports", "Scheduled exports"],
        ["Please add a region filter to reports.", "It would help to schedule reports by e-mail.",
         "We would like exports to run automatically every week."],
    ),
    ("discount request", "ar"): (
        ["طلب خصم عند التجديد", "مراجعة السعر", "عرض سعر أفضل"],
        ["ميزانيتنا انخفضت ونحتاج خصم قبل التجديد.", "السعر الحالي أعلى من الاستخدام الفعلي عندنا.",
         "وصلنا عرض أرخص من جهة ثانية ونبي نعرف وش تقدرون تقدمون."],
    ),
    ("discount request", "en"): (
        ["Discount at renewal", "Pricing review", "Better offer needed"],
        ["Our budget was cut and we need a discount before renewal.",
         "The current price is higher than our actual usage justifies.",
         "We received a cheaper offer elsewhere and want to hear yours."],
    ),
    ("contract change", "ar"): (
        ["تعديل العقد", "تقليل عدد التراخيص", "تغيير مدة الاشتراك"],
        ["نبغى نعدل شروط العقد قبل موعد التجديد.", "نحتاج نقلل عدد التراخيص من الشهر الجاي.",
         "نفضل نحول الاشتراك من سنوي إلى شهري."],
    ),
    ("contract change", "en"): (
        ["Contract amendment", "Reduce licences", "Change subscription term"],
        ["We want to amend the contract terms before renewal.", "We need to reduce our licences from next month.",
         "We would prefer to switch from annual to monthly billing."],
    ),
    ("cancellation", "ar"): (
        ["طلب إلغاء الاشتراك", "إيقاف الخدمة", "عدم التجديد"],
        ["قررنا إلغاء الاشتراك مع نهاية المدة الحالية.", "نرجو إيقاف الخدمة وتصدير بياناتنا.",
         "لن نقوم بتجديد العقد هذه السنة."],
    ),
    ("cancellation", "en"): (
        ["Cancellation request", "Stop the service", "Not renewing"],
        ["We have decided to cancel at the end of the current term.",
         "Please stop the service and export our data.", "We will not renew the contract this year."],
    ),
}

TICKET_DETAILS = {
    "ar": ["الموضوع مستعجل عندنا.", "جربنا أكثر من متصفح ونفس المشكلة.", "أرفقنا صورة من الشاشة.",
           "الفريق كله متأثر.", "هذي ثاني مرة نتواصل بخصوص نفس الموضوع.", ""],
    "en": ["This is urgent for us.", "We tried several browsers with the same result.",
           "Screenshot attached.", "The whole team is affected.",
           "This is the second time we contact you about this.", ""],
}
TICKET_CLOSINGS = {
    "ar": ["شكراً لكم.", "بانتظار ردكم.", "مع التحية.", "يعطيكم العافية."],
    "en": ["Thanks.", "Looking forward to your reply.", "Best regards.", "Thank you in advance."],
}

# CSM notes on a relationship rating, by how the relationship stands.
RELATIONSHIP_NOTES: dict[tuple[str, str], list[str]] = {
    ("ar", "low"): ["الراعي التنفيذي لا يرد على الاتصالات", "العميل غير راضٍ عن الأسعار",
                    "اجتماع متوتر حول المشاكل التقنية", "تغيير في الإدارة عند العميل"],
    ("ar", "mid"): ["اجتماع متابعة عادي", "طلبوا تدريباً إضافياً", "العلاقة مستقرة"],
    ("ar", "high"): ["العميل متحمس للتوسع", "اجتماع ممتاز مع الإدارة", "مستعدون لدراسة حالة مشتركة"],
    ("en", "low"): ["Sponsor not returning calls", "Unhappy about pricing", "Tense call about outages",
                    "New leadership on their side"],
    ("en", "mid"): ["Routine check-in", "Asked for more training", "Relationship steady"],
    ("en", "high"): ["Keen to expand", "Great QBR with leadership", "Open to a joint case study"],
}
