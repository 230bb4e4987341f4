"""The survey page in a real browser (Debian's Chromium via Playwright) against a live uvicorn server,
and the full round trip: e-mail caught by a local SMTP server -> link opened -> score and Arabic
comment sent -> response analysed, visible in the API, on the account page (logged in) with its
sentiment and theme, and counted in NPS (the metric; the dashboard shows whole past months only).

The server owns the DuckDB file while it runs; the test reads through the API, and opens the file
only after stopping the server. Screenshots go to test-artifacts/feedback/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from nabd.config import SmtpSettings
from nabd.feedback.sending import send_survey
from nabd.metrics.voice import nps
from nabd.store import open_store
from nabd.store.clock import utc_now
from nabd.web.app import create_app
from nabd.web.users import add_token, add_user
from tests.feedback.conftest import Mailbox, link_of, seed_contacts
from tests.browser import shot
from tests.serving import ServedApp, free_port, serve_in_thread



@dataclass
class Surveyed:
    base: str
    database_url: str
    token: str
    links: dict[str, str]          # e-mail address -> survey link
    served: ServedApp

    def stop(self) -> None:
        self.served.stop()


@pytest.fixture(scope="module")
def surveyed(tmp_path_factory) -> Iterator[Surveyed]:
    """Surveys e-mailed through a real SMTP server to Huda (ar) and Sam (en), then the server started."""
    url = f"duckdb:///{tmp_path_factory.mktemp('survey-browser') / 'nabd.duckdb'}"
    port = free_port()
    box = Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=free_port())
    smtp.start()
    with open_store(url) as store:
        seed_contacts(store)
        add_user(store, "ana", "a long password", "admin")
        token = add_token(store, "ana", "browser")
        send_survey(store, "relationship-nps", ["c1", "c2"], base_url=f"http://127.0.0.1:{port}",
                    smtp=SmtpSettings(host="127.0.0.1", port=smtp.port))
    smtp.stop()
    links = {message["To"]: link_of(message) for message in box.messages}
    served = serve_in_thread(create_app(url, secret_key="survey-test"), port)
    surveyed = Surveyed(served.base, url, token, links, served)
    yield surveyed
    surveyed.stop()



def _shot(page, name: str) -> None:
    shot(page, "feedback", name)


def test_the_english_survey_page_asks_the_nps_question_on_a_0_to_10_scale(surveyed, browser):
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    page.goto(surveyed.links["sam@acme.test"])
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("group", name="How likely are you to recommend us to a friend or colleague?")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(11)  # 0..10
    expect(page.get_by_label("What is the main reason for your score?")).to_be_visible()
    _shot(page, "01-survey-en")
    page.close()


def test_a_tampered_link_shows_a_clear_page_not_a_trace(surveyed, browser):
    page = browser.new_page()
    response = page.goto(surveyed.links["sam@acme.test"][:-3] + "xyz")
    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("This survey link is not valid.")
    assert "Traceback" not in page.content()
    page.close()


def test_round_trip_an_arabic_answer_on_a_phone_is_analysed_shown_on_the_account_and_counted_in_nps(surveyed, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(surveyed.links["huda@acme.test"])
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("group", name="ما مدى احتمال أن توصي بنا لصديق أو زميل؟")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone, no sideways scroll
    page.get_by_role("radio", name="3", exact=True).check(force=True)
    page.get_by_label("ما السبب الرئيسي لتقييمك؟").fill("السعر غالي مرة وما يستاهل، بنفكر نلغي الاشتراك")
    _shot(page, "02-survey-ar-phone")
    page.get_by_role("button", name="أرسل إجابتي").click()
    expect(page.get_by_role("heading", name="شكراً لك")).to_be_visible()
    _shot(page, "03-thanks-ar")

    again = page.goto(surveyed.links["huda@acme.test"])
    assert again.status == 409
    expect(page.get_by_role("alert")).to_contain_text("تمت الإجابة على هذا الاستبيان بهذا الرابط من قبل")
    page.close()

    feedback = httpx.get(f"{surveyed.base}/api/v1/accounts/a1/feedback",
                         headers={"Authorization": f"Bearer {surveyed.token}"}).json()["items"]
    assert [(f["score"], f["touchpoint"], f["language"], f["sentiment"], f["themes"]) for f in feedback] == [
        (3, "quarterly relationship", "ar", "negative", ["pricing"])
    ]

    csm = browser.new_page(viewport={"width": 1280, "height": 900})
    csm.goto(f"{surveyed.base}/accounts/a1")  # not logged in: the login page, then back to the account
    csm.get_by_label("Login", exact=True).fill("ana")
    csm.get_by_label("Password").fill("a long password")
    csm.get_by_role("button", name="Log in").click()
    expect(csm.get_by_role("heading", name="Acme Trading")).to_be_visible()
    answer = csm.get_by_role("region", name="Survey responses").get_by_role("row").filter(has_text="السعر غالي")
    answered = utc_now().date()
    expect(answer.get_by_role("cell")).to_have_text([
        f"{answered:%b} {answered.day}, {answered.year}", "NPS", "3",
        "السعر غالي مرة وما يستاهل، بنفكر نلغي الاشتراك", "negative", "pricing",
    ])
    answer.scroll_into_view_if_needed()
    _shot(csm, "04-account-feedback-en")

    csm.close()

    surveyed.stop()  # the server owned the DuckDB file; now the test may open it
    today = utc_now().date()
    with open_store(surveyed.database_url) as store:
        month = nps(store, start=today.replace(day=1), end=today).to_pandas().iloc[-1]
    # one response, a detractor (3): nps = 100 x (0 - 1) / 1 = -100
    assert (month.responses, month.detractors, month.nps) == (1, 1, -100.0)
