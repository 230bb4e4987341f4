"""The referral landing page and the rewards page in a real browser (Debian's Chromium via Playwright), in
Arabic (right to left) and English: a prospect opens a contact's referral link in their own language and
signs up; an admin reading Arabic approves a reward; a viewer reading English sees the ledger without the
buttons. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from nabd.feedback.links import link_key
from nabd.outreach.messages import signed_token
from nabd.outreach.rewards import Reward, earn
from nabd.store import open_store
from nabd.web.app import create_app
from tests.serving import serve_in_thread
from tests.web.conftest import PASSWORD, seed_company

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
NOW = datetime(2026, 6, 1, 6)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(base URL, the referral token of a1's contact) of a server over the seeded company with two rewards."""
    url = f"duckdb:///{tmp_path_factory.mktemp('loyalty-browser') / 'nabd.duckdb'}"
    with open_store(url) as store:
        seed_company(store)
        store.execute("UPDATE accounts SET name = 'مؤسسة النخيل' WHERE account_id = 'a1'")
        store.execute("UPDATE users SET language = 'ar' WHERE login = 'ana'")
        store.execute("INSERT INTO contacts (contact_id, account_id, name, email, language) "
                      "VALUES ('c1', 'a1', 'هدى', 'huda@palm.test', 'ar')")
        token = signed_token(link_key(store), "referral", "c1", NOW)
        credit = Reward(kind="credit", amount=200, currency="USD",
                        description={"en": "Loyalty credit for two years with us", "ar": "رصيد ولاء لعامين معنا"})
        discount = Reward(kind="discount", amount=10,
                          description={"en": "10% off the next renewal", "ar": "خصم 10% على التجديد القادم"})
        for reward, account_id, tier in ((credit, "a1", "gold"), (discount, "a2", "silver")):
            earn(store, reward, "tier", "SELECT ? AS reward_id, ? AS account_id, ? AS source_id, "
                 "CAST(? AS DATE) AS earned_on", [f"tier:{account_id}:{tier}", account_id, tier, date(2026, 6, 1)], NOW)
    served = serve_in_thread(create_app(url, secret_key="loyalty-browser"))
    yield served.base, token
    served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _log_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Login", exact=True).fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox*")


def test_a_prospect_reading_arabic_opens_the_referral_link_and_signs_up_right_to_left(site, browser):
    base, token = site
    context = browser.new_context(locale="ar", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/refer/{token}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("دعوة من مؤسسة النخيل")
    page.get_by_label("اسمك").fill("علي")
    page.get_by_label("الشركة").fill("شركة الواحة")
    page.get_by_label("البريد الإلكتروني للعمل").fill("ali@oasis.test")
    _shot(page, "loyalty-01-referral-ar-phone")
    page.get_by_role("button", name="سجّل").click()
    expect(page.get_by_role("status")).to_have_text("شكراً لك! سنتواصل معك قريباً.")
    expect(page.get_by_text("رمز الإحالة الخاص بك: R")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "loyalty-02-referral-ar-done")
    context.close()


def test_a_prospect_reading_english_gets_the_page_in_english(site, browser):
    base, token = site
    context = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 700})
    page = context.new_page()
    page.goto(f"{base}/refer/{token}")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_text("هدى of مؤسسة النخيل thinks our product would help you too.")).to_be_visible()
    _shot(page, "loyalty-03-referral-en")
    assert page.goto(f"{base}/refer/{token[:-3]}xyz").status == 404
    context.close()


def test_an_admin_reading_arabic_approves_a_reward_and_a_viewer_only_reads(site, browser):
    base, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _log_in(page, base, "ana")
    page.goto(f"{base}/rewards")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("المكافآت")
    row = page.get_by_role("row").filter(has_text="رصيد ولاء لعامين معنا")
    expect(row).to_contain_text("مستوى ذهبي")
    _shot(page, "loyalty-04-rewards-ar-admin")
    row.get_by_role("button", name="موافقة").click()
    expect(page.get_by_role("row").filter(has_text="رصيد ولاء لعامين معنا")).to_contain_text("موافق عليها")
    expect(page.get_by_role("row").filter(has_text="رصيد ولاء لعامين معنا")).to_contain_text("ana")
    _shot(page, "loyalty-05-rewards-ar-approved")
    page.close()
    viewer = browser.new_page(viewport={"width": 1280, "height": 800})
    _log_in(viewer, base, "vic")
    viewer.goto(f"{base}/rewards")
    expect(viewer.locator("html")).to_have_attribute("dir", "ltr")
    expect(viewer.get_by_role("row").filter(has_text="10% off the next renewal")).to_contain_text("pending")
    expect(viewer.get_by_role("button", name="Approve")).to_have_count(0)
    _shot(viewer, "loyalty-06-rewards-en-viewer")
    viewer.close()
