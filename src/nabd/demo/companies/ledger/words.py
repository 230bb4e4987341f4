"""The words of Ledger, the second demo company: workspace names, ticket subjects and survey comments.

Written for this company only (English and Arabic); nothing here is shared with the standard demo's
texts, so a sentiment or theme model tested on one is not tested on its own training sentences.
"""

from __future__ import annotations

NAME_FIRST = ["Copper", "Lantern", "Cedar", "Harbor", "Mosaic", "Quill", "Orbit", "Juniper", "Saffron",
              "Basalt", "Indigo", "Marlow", "Tamarind", "Pebble", "Kestrel", "Olive"]
NAME_LAST = ["Studio", "Works", "Partners", "Collective", "Lab", "Design", "Media", "Build", "Consulting",
             "Architects", "Agency", "Films"]
AR_NAME_FIRST = ["دار", "بيت", "مكتب", "استوديو", "مجموعة", "ورشة"]
AR_NAME_LAST = ["الأفق", "النخلة", "المرجان", "السنبلة", "القلم", "الواحة", "الجسر", "المدار", "الياسمين",
                "الكرمة"]
CSMS = ["lina.h", "omar.k", "sara.m", "yousef.a", "grace.o"]
INTEGRATIONS = ["quickbooks", "xero", "stripe", "google-drive", "slack", "zapier"]

# Ticket subjects by category, (English, Arabic).
TICKET_SUBJECTS = {
    "how-to": (["Can I bill two clients from one project?", "Where do I change the invoice footer?",
                "How do recurring estimates work?"],
               ["هل يمكن إصدار فاتورة لعميلين من مشروع واحد؟", "أين أغيّر تذييل الفاتورة؟",
                "كيف تعمل التقديرات المتكررة؟"]),
    "bug": (["Exported PDF cuts off the last line", "Timer stops when the tab sleeps",
             "Attachment preview shows a blank page"],
            ["ملف PDF المصدَّر يقطع السطر الأخير", "المؤقت يتوقف عندما تنام علامة التبويب",
             "معاينة المرفق تظهر صفحة فارغة"]),
    "integration": (["Bank feed stopped syncing overnight", "Accounting sync duplicates every payment",
                     "Reconnect keeps failing with a token error"],
                    ["توقفت مزامنة الحساب البنكي منذ الليلة", "المزامنة المحاسبية تكرر كل دفعة",
                     "إعادة الربط تفشل دائمًا بخطأ في الرمز"]),
    "billing": (["Please resend last month's receipt", "Card declined but we were still charged",
                 "Need the invoice addressed to our new entity"],
                ["أرجو إعادة إرسال إيصال الشهر الماضي", "رُفضت البطاقة ومع ذلك خُصم المبلغ",
                 "نحتاج الفاتورة باسم شركتنا الجديدة"]),
    "escalation": (["Third week without working reports, we need a call", "Our director wants an answer today",
                    "This outage cost us a client deadline"],
                   ["ثالث أسبوع بلا تقارير تعمل ونحتاج اتصالًا", "مديرنا يريد ردًا اليوم",
                    "هذا التعطل أضاع علينا موعدًا مع عميل"]),
}
TICKET_BODY = (["Details and screenshots are attached.", "Happy to share the workspace for a look.",
                "It started after the last update."],
               ["التفاصيل ولقطات الشاشة مرفقة.", "يسعدنا مشاركة مساحة العمل للاطلاع.",
                "بدأت المشكلة بعد التحديث الأخير."])

# Survey comments by tone, (English, Arabic).
COMMENTS = {
    "warm": (["Invoicing takes me ten minutes a week now.", "The project board keeps the whole team honest.",
              "Clients pay faster since we switched.", "Support answered before I finished my coffee.",
              "Time tracking finally matches what we bill."],
             ["صارت الفوترة تأخذ عشر دقائق في الأسبوع.", "لوحة المشاريع تجعل الفريق كله منضبطًا.",
              "العملاء يدفعون أسرع منذ انتقلنا إليكم.", "فريق الدعم ردّ قبل أن أنهي قهوتي.",
              "أخيرًا يطابق تتبع الوقت ما نفوتره."]),
    "mixed": (["Good tool, but the mobile app lags behind.", "Fine for projects, reports need more filters.",
               "Does the job; the price went up a bit fast."],
              ["أداة جيدة لكن تطبيق الجوال متأخر.", "مناسبة للمشاريع والتقارير تحتاج فلاتر أكثر.",
               "تؤدي الغرض لكن السعر ارتفع بسرعة."]),
    "sore": (["The accounting sync breaks every other week.", "We lost a day of work to the outage.",
              "Too expensive for the seats we actually use.", "Nobody on our side uses it since Maya left."],
             ["المزامنة المحاسبية تتعطل كل أسبوعين.", "خسرنا يوم عمل بسبب التعطل.",
              "مكلف جدًا مقارنة بالمقاعد التي نستخدمها فعلًا.", "لم يعد أحد عندنا يستخدمه منذ رحيل مديرة المشاريع."]),
}

PEOPLE_FIRST = ["Maya", "Owen", "Priya", "Lucas", "Hannah", "Tom", "Zoe", "Ethan", "Chloe", "Adam", "Iris", "Felix"]
PEOPLE_LAST = ["Reed", "Patel", "Murphy", "Clarke", "Novak", "Byrne", "Walsh", "Fraser", "Lund", "Moreau"]
AR_PEOPLE_FIRST = ["رنا", "طارق", "هبة", "سامر", "ليلى", "باسل", "نور", "كريم", "دينا", "فادي"]
AR_PEOPLE_FIRST_LATIN = ["rana", "tariq", "heba", "samer", "layla", "basel", "nour", "karim", "dina", "fadi"]
AR_PEOPLE_LAST = ["الخطيب", "حداد", "النجار", "العلي", "منصور", "الشامي"]
AR_PEOPLE_LAST_LATIN = ["khatib", "haddad", "najjar", "alali", "mansour", "shami"]
