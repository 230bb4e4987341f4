"""Arabic and English: complete catalogues, right-to-left Arabic pages, per-user language and digits."""

from datetime import date
from importlib.resources import files

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from nabd.web.i18n import Language
from tests.web.conftest import csrf_of, log_in, page_csrf


def test_every_template_string_has_an_arabic_translation():
    templates = str(files("nabd.web") / "templates")
    source = {message for _, _, message, _, _ in extract_from_dir(
        templates, method_map=[("**.html", "jinja2")], keywords={"_": None})}
    with (files("nabd.web") / "locale/ar/LC_MESSAGES/messages.po").open("rb") as po:
        arabic = {m.id: m.string for m in read_po(po) if m.id}
    assert len(source) > 100
    assert sorted(m for m in source if not arabic.get(m)) == []


def test_arabic_uses_western_digits_unless_the_user_chooses_arabic_indic():
    assert Language("ar").number(1234567) == "1,234,567"
    assert Language("ar", "arab").number(1234567) == "١٬٢٣٤٬٥٦٧"
    assert Language("ar", "arab").date(date(2026, 3, 1)).startswith("٠١")


def test_a_user_who_switches_to_arabic_gets_right_to_left_pages_with_arabic_labels(client):
    log_in(client, "ana")
    client.post("/preferences", data={"language": "ar", "digits": "latn", "csrf_token": page_csrf(client)})
    page = client.get("/portfolio").text
    assert '<html lang="ar" dir="rtl" ' in page
    assert "محفظة العملاء" in page and "أحمر · غير صحي" in page
    assert client.app.state.store.scalar("SELECT language FROM users WHERE login = 'ana'") == "ar"


def test_the_language_stays_with_the_user_not_the_browser(client):
    log_in(client, "ana")
    client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(client)})
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    log_in(client, "vic")
    assert '<html lang="en" dir="ltr" ' in client.get("/portfolio").text


def test_an_anonymous_visitor_can_read_the_login_page_in_arabic(client):
    token = csrf_of(client.get("/login").text)
    page = client.post("/language", data={"language": "ar", "csrf_token": token}).text
    assert 'dir="rtl"' in page and "تسجيل الدخول" in page and "كلمة المرور" in page


def test_arabic_plurals_follow_cldr():
    arabic = Language("ar")
    assert [arabic.ngettext("%(num)s point", "%(num)s points", n) for n in (1, 2, 5, 11, 100)] == [
        "نقطة واحدة", "نقطتان", "5 نقاط", "11 نقطة", "100 نقطة"]
    assert Language("en").ngettext("%(num)s point", "%(num)s points", 1) == "1 point"


def test_money_uses_the_locales_currency_pattern():
    assert Language("en").money(187218, "USD") == "$187,218"
    assert Language("ar", "arab").money(187218, "USD") == "\u200f١٨٧٬٢١٨\xa0US$\u200e"  # not ١٨٧٬٢١٨$US


def test_country_names_are_in_the_readers_language():
    assert (Language("ar").country("sa"), Language("en").country("EG"), Language("en").country("Atlantis")) == (
        "المملكة العربية السعودية", "Egypt", "Atlantis")
