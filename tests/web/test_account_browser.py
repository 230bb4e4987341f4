"""The account 360 in a real browser (Debian's Chromium, Playwright) on each backend, in each language: a CSM
opens an account, reads its timeline, adds a note and a logged call, overrides the score with a reason and an
expiry and sees all of it on the timeline; a viewer reads but cannot write; another CSM cannot write on an
account that is not hers. Screenshots of the account page go to test-artifacts/web/ (1366 px wide)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from nabd.store import open_store
from nabd.store.calendar import today
from tests.conftest import _drop_schema, fresh_url
from tests.web.conftest import PASSWORD, seed_company
from tests.browser import artifact, log_in
from tests.web.test_browser import _serve

WIDTH = 1366
WORDS = {  # what the reader sees, per language
    "en": {"timeline": "Timeline", "override": "Score override", "overridden": "Overridden by carla",
           "call": "Call", "note": "Note"},
    "ar": {"timeline": "السجل الزمني", "override": "تعديل يدوي للدرجة", "overridden": "عدّلها يدويًا carla",
           "call": "مكالمة", "note": "ملاحظة"},
}


@pytest.fixture(scope="module", params=[("duckdb", "en"), ("postgres", "ar")], ids=lambda p: f"{p[0]}-{p[1]}")
def served(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(base URL, language): a uvicorn server over the test company on the backend, read in the language."""
    backend, language = request.param
    url, schema = fresh_url(backend, tmp_path_factory.mktemp(f"account-{backend}"))
    with open_store(url) as store:
        seed_company(store)
        store.execute("UPDATE users SET language = ?", [language])
        store.execute("INSERT INTO contacts VALUES ('c1', 'a1', 'Omar Haddad', 'omar@acme.test', 'CFO', 'ar')")
    yield from ((base, language) for base in _serve(url))
    if schema:
        _drop_schema(schema)



def _logged_in(browser: Browser, base: str, login: str) -> Page:
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    log_in(page, base, login, PASSWORD)
    page.wait_for_url(f"{base}/inbox")  # the risk inbox is the home page after login
    return page


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH  # nothing overflows at 1366 px


def test_a_csm_reads_the_timeline_adds_a_note_a_call_and_an_override_and_sees_them_all(served, browser):
    base, language = served
    words = WORDS[language]
    page = _logged_in(browser, base, "carla")
    page.locator("a[href='/accounts/a1']").first.click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("#timeline-title")).to_have_text(words["timeline"])
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Export keeps failing")  # the ticket
    expect(timeline).to_contain_text("الخدمة بطيئة جدا")  # the survey answer's comment

    page.locator("#note-kind").select_option("note")
    page.locator("#note-body").fill("The sponsor leaves in March; meet the new CFO")
    page.locator("form.note-form button[type=submit]").click()
    page.locator("#note-kind").select_option("call")
    page.locator("#note-participants").fill("Omar Haddad (CFO)")
    page.locator("#note-outcome").fill("Will renew if exports are fixed")
    page.locator("#note-body").fill("Walked through the export failures")
    page.locator("form.note-form button[type=submit]").click()

    page.locator(".override-form summary").click()
    page.locator("#override-score").fill("85")
    page.locator("#override-expires").fill(str(today() + timedelta(days=30)))
    page.locator("#override-reason").fill("Signed a two-year extension yesterday")
    page.locator(".override-form form").first.locator("button[type=submit]").click()

    expect(page.locator("#override-note")).to_contain_text(words["overridden"])
    expect(page.locator(".score-line .score")).to_have_text("85")
    expect(timeline.locator("li.event-override")).to_contain_text("Signed a two-year extension yesterday")
    expect(timeline.locator("li.event-override .kind")).to_have_text(words["override"])
    expect(timeline.locator("li.event-call")).to_contain_text("Omar Haddad (CFO)")
    expect(timeline.locator("li.event-call .kind")).to_have_text(words["call"])
    expect(timeline.locator("li.event-note")).to_contain_text("The sponsor leaves in March")
    expect(page.locator("#contacts")).to_contain_text("Omar Haddad")
    _fits(page)
    page.screenshot(path=str(_artifact(f"account360-{language}")), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(_artifact(f"account360-{language}-phone")), full_page=True)
    page.close()


def test_a_viewer_reads_the_timeline_but_has_nothing_to_write_with(served, browser):
    base, _ = served
    page = _logged_in(browser, base, "vic")
    page.goto(f"{base}/accounts/a1")
    expect(page.locator("ol.timeline li").first).to_be_visible()
    expect(page.locator("#note-body")).to_have_count(0)
    expect(page.locator(".override-form")).to_have_count(0)
    page.close()


def test_another_csm_cannot_write_on_an_account_that_is_not_hers(served, browser):
    base, _ = served
    page = _logged_in(browser, base, "dan")
    page.goto(f"{base}/accounts/a1")
    expect(page.locator("#note-body")).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(f"{base}/accounts/a1/notes", form={"kind": "note", "body": "not mine",
                                                                  "csrf_token": token}, max_redirects=0)
    assert refused.status == 403
    page.goto(f"{base}/accounts/a2")  # his own account: he may
    expect(page.locator("#note-body")).to_be_visible()
    page.close()


def _artifact(name: str):
    return artifact("web", name)
