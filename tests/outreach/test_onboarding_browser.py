"""The customer's onboarding page in a real browser (Debian's Chromium via Playwright), reached through the
link of the shipped welcome journey's e-mail caught by a real SMTP server, in Arabic (right to left) and
English. Screenshots go to test-artifacts/outreach/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from nabd.config import SmtpSettings
from nabd.feedback.throttle import ContactLimit
from nabd.outreach.advance import advance_journeys
from nabd.outreach.journey import Journeys, load_journeys
from nabd.playbooks.outbox import deliver
from nabd.store import open_store
from nabd.web.app import create_app
from tests.feedback.conftest import Mailbox
from tests.outreach.conftest import add_contact
from tests.browser import shot
from tests.serving import free_port, serve_in_thread

DAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def links(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The onboarding link of each welcome e-mail (by recipient), with the app serving them."""
    url = f"duckdb:///{tmp_path_factory.mktemp('onboarding-browser') / 'nabd.duckdb'}"
    port = free_port()
    box = Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=free_port())
    smtp.start()
    welcome = next(j for j in load_journeys().journeys if j.id == "welcome").model_copy(update={"holdout": 0.0})
    with open_store(url) as store:
        store.execute("INSERT INTO accounts (account_id, name, plan, csm, language, created_at) VALUES "
                      "('a1', 'مؤسسة النخيل', 'pro', 'carla', 'ar', ?)", [datetime(2026, 5, 30, 9)])
        store.execute("INSERT INTO subscriptions VALUES ('s1', 'a1', 'core', 100, 'USD', 5, ?, NULL, NULL)",
                      [date(2026, 5, 30)])
        add_contact(store, "c1", "a1", "هدى", "huda@palm.test", "ar")
        add_contact(store, "c2", "a1", "Sam", "sam@palm.test", "en")
        store.execute("INSERT INTO onboarding_milestones VALUES ('a1', 'first_login', ?)", [date(2026, 5, 31)])
        advance_journeys(store, DAY, journeys=Journeys(journeys=[welcome]), base_url=f"http://127.0.0.1:{port}",
                         sender="cs@nabd.test", limit=ContactLimit(messages=3, days=30), now=datetime(2026, 6, 1, 6))
        deliver(store, smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, sender="cs@nabd.test"),
                now=datetime(2026, 6, 1, 7))
    smtp.stop()
    found = {m["To"]: re.search(r"http://\S+/onboarding/\S+", m.get_body(("plain",)).get_content()).group(0)
             for m in box.messages}
    served = serve_in_thread(create_app(url, secret_key="onboarding-test"), port)
    yield found
    served.stop()



def _shot(page, name: str) -> None:
    shot(page, "outreach", name)


def test_the_welcome_email_links_to_the_onboarding_page_in_arabic_right_to_left(links, browser):
    assert sorted(links) == ["huda@palm.test", "sam@palm.test"]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(links["huda@palm.test"])
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_contain_text("مؤسسة النخيل")
    progress = page.locator("progress")
    expect(progress).to_have_attribute("value", "1")
    expect(progress).to_have_attribute("max", "4")
    expect(page.get_by_role("status")).to_have_text("خطوتك التالية: ثلاثة مستخدمين نشطين")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "01-onboarding-ar-phone")
    page.close()


def test_the_onboarding_page_in_english(links, browser):
    page = browser.new_page(viewport={"width": 1024, "height": 700})
    page.goto(links["sam@palm.test"] + "?lang=en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_text("1 of 4 milestones met")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Your next step: 3 users active")
    _shot(page, "02-onboarding-en")
    bad = page.goto(links["sam@palm.test"][:-3] + "xyz")
    assert bad.status == 404
    page.close()
