"""Editing a journey in a real browser (Debian's Chromium via Playwright), in English and in Arabic: an admin
opens a journey, breaks its YAML and reads the error with its line and field, fixes it, runs it dry (who would
enter, the e-mail they would get) and saves; the change is on the journey's page with who made it.
Screenshots go to test-artifacts/outreach/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from nabd.store import open_store
from nabd.web.app import create_app
from nabd.web.users import add_user
from tests.browser import log_in, shot
from tests.outreach.conftest import band_change, seed_company
from tests.serving import serve_in_thread

PASSWORD = "a long password"
WORDS = {
    "en": {"edit": "Edit", "dry": "Dry run", "save": "Validate and save", "not_saved":
           "The journey was not saved:", "saved": "Saved: the daily run", "edited": "edited"},
    "ar": {"edit": "تعديل", "dry": "تشغيل تجريبي", "save": "تحقق واحفظ", "not_saved":
           "لم تُحفظ الرحلة:", "saved": "تم الحفظ", "edited": "عُدّلت"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    url = f"duckdb:///{tmp_path_factory.mktemp('journey-editor') / 'nabd.duckdb'}"
    with open_store(url) as store:
        seed_company(store)
        add_user(store, "ana", PASSWORD, "admin")
        band_change(store, "a1", date.today(), "unhealthy", 42)  # a1 would enter red_band_save today
    served = serve_in_thread(create_app(url, secret_key="journey-editor-test"))
    yield served.base
    served.stop()


def _textarea(page: Page) -> str:
    return page.locator("#yaml").input_value()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_admin_edits_a_journey_reads_the_error_line_runs_it_dry_and_saves(server, browser, language):
    words = WORDS[language]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, server, "ana", PASSWORD)
    page.goto(f"{server}/journeys/red_band_save")
    page.locator("#language").select_option(language)
    page.locator("#language").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    page.get_by_role("link", name=words["edit"], exact=True).click()

    lines = _textarea(page).splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("    days: "))  # the wait

    def with_wait(days: str) -> str:
        return "\n".join([*lines[:line - 1], f"    days: {days}", *lines[line:]])

    page.locator("#yaml").fill(with_wait("seven"))
    page.get_by_role("button", name=words["dry"]).click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text(words["not_saved"])
    expect(problems).to_contain_text(f"journey.yaml:{line}: steps.1.wait.days: Input should be a valid integer")
    shot(page, "outreach", f"06-journey-error-{language}")

    page.locator("#yaml").fill(with_wait("5" if language == "en" else "6"))
    page.get_by_role("button", name=words["dry"]).click()
    dry = page.locator("#dry-run")
    expect(dry).to_contain_text("Acme Trading")
    expect(dry).to_contain_text("An offer for Acme Trading: a discount or a free upgrade")
    expect(dry.locator('[lang="ar"]').first).to_contain_text("عرض خاص لـ Acme Trading")
    shot(page, "outreach", f"07-journey-dry-run-{language}")

    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("p.saved[role=status]")).to_contain_text(words["saved"])
    history = page.locator("table.journey-history")
    expect(history).to_contain_text("ana")
    expect(history).to_contain_text(words["edited"])
    shot(page, "outreach", f"08-journey-saved-{language}")
    page.close()
