"""The in-app survey widget end to end: a product's test page on another origin embeds the vendored snippet,
Chromium (Playwright) shows the NPS question to a signed user in Arabic (scale mirrored: 0 on the right) and
English, and after a closed ticket CSAT (1-5) then CES (1-7), mirrored in Arabic too; the answers land in
Nabd; a foreign origin or a bad signature gets 403 and stores nothing. Screenshots go to
test-artifacts/outreach/."""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from playwright.sync_api import expect, sync_playwright

from nabd.feedback.widget import widget_key, widget_signature
from nabd.store import open_store
from nabd.web.app import create_app
from nabd.store.clock import utc_now
from tests.outreach.conftest import add_contact, seed_company
from tests.browser import artifact, launch
from tests.serving import free_port, serve_in_thread



def product_page(nabd: str, account: str, contact: str, signature: str) -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>Product</title></head><body>'
            f'<h1>The product</h1><script src="{nabd}/static/nabd-widget.js" data-nabd="{nabd}" '
            f'data-account="{account}" data-contact="{contact}" data-signature="{signature}" defer></script>'
            f'</body></html>')


def serve_pages(port: int, pages: dict[str, str]) -> ThreadingHTTPServer:
    """The company's product on its own origin: ``pages`` by path."""
    class Product(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "not found").encode("utf-8")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Product)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_widget_asks_signed_users_in_their_language_and_refuses_foreign_origins(tmp_path, monkeypatch):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    with open_store(url) as store:
        seed_company(store)
        add_contact(store, "c4", "a2", "Lina", "lina@beta.test", "en")
        store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, closed_at, priority, category, subject) "
                      "VALUES ('t1', 'a2', ?, ?, 'normal', 'billing', 'Invoice wrong')",
                      [utc_now() - timedelta(days=3), utc_now() - timedelta(days=1)])  # a2's ticket: CSAT, then CES
        key = widget_key(store)
    nabd_port, product_port = free_port(), free_port()
    nabd, product = f"http://127.0.0.1:{nabd_port}", f"http://127.0.0.1:{product_port}"
    monkeypatch.setenv("NABD_WIDGET_ORIGINS", product)
    pages = {"/huda": product_page(nabd, "a1", "c1", widget_signature(key, "a1", "c1")),
             "/sam": product_page(nabd, "a1", "c2", widget_signature(key, "a1", "c2")),
             "/omar": product_page(nabd, "a2", "c3", widget_signature(key, "a2", "c3")),
             "/lina": product_page(nabd, "a2", "c4", widget_signature(key, "a2", "c4"))}
    shop = serve_pages(product_port, pages)
    served = serve_in_thread(create_app(url, secret_key="widget-test"), nabd_port)
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 900, "height": 700})
            page.goto(f"{product}/huda")
            panel = page.locator(".nabd-widget")
            expect(panel).to_have_attribute("dir", "rtl")
            expect(panel.get_by_text("ما مدى احتمال أن توصي بنا لصديق أو زميل؟")).to_be_visible()
            zero, ten = panel.locator('[data-score="0"]').bounding_box(), panel.locator('[data-score="10"]').bounding_box()
            assert zero["x"] > ten["x"]  # mirrored: 0 on the right in Arabic
            panel.locator('[data-score="9"]').click()
            panel.locator("textarea").fill("الخدمة ممتازة والدعم سريع")
            page.screenshot(path=str(artifact("outreach", "03-widget-ar")))
            panel.get_by_role("button", name="أرسل").click()
            expect(panel.get_by_role("status")).to_have_text("شكراً لك!")
            assert page.context.cookies(nabd) == []  # no cookie from Nabd's domain

            english = browser.new_page(viewport={"width": 900, "height": 700})
            english.goto(f"{product}/sam")
            widget = english.locator(".nabd-widget")
            expect(widget).to_have_attribute("dir", "ltr")
            zero, ten = widget.locator('[data-score="0"]').bounding_box(), widget.locator('[data-score="10"]').bounding_box()
            assert zero["x"] < ten["x"]
            widget.locator('[data-score="3"]').click()
            english.screenshot(path=str(artifact("outreach", "04-widget-en")))
            widget.get_by_role("button", name="Send").click()
            expect(widget.get_by_role("status")).to_have_text("Thank you!")

            english.goto(f"{product}/sam")  # answered: not asked again
            english.wait_for_load_state("networkidle")
            expect(english.locator(".nabd-widget")).to_have_count(0)

            # After a2's ticket closed: CSAT (1-5), then on the next visit CES (1-7), each in the user's language.
            for path, language, kinds in (("omar", "ar", (("csat", 5, "ما مدى رضاك عن المساعدة التي حصلت عليها؟"),
                                                          ("ces", 7, "ما مدى سهولة حل مشكلتك؟"))),
                                          ("lina", "en", (("csat", 5, "How satisfied are you with the help you received?"),
                                                          ("ces", 7, "How easy was it to get your issue resolved?")))):
                visitor = browser.new_page(viewport={"width": 900, "height": 700})
                for kind, high, question in kinds:
                    visitor.goto(f"{product}/{path}")
                    asked = visitor.locator(".nabd-widget")
                    expect(asked).to_have_attribute("data-kind", kind)
                    expect(asked.get_by_text(question)).to_be_visible()
                    expect(asked.locator("[data-score]")).to_have_count(high)
                    first, last = asked.locator('[data-score="1"]').bounding_box(), \
                        asked.locator(f'[data-score="{high}"]').bounding_box()
                    assert (first["x"] > last["x"]) == (language == "ar")  # mirrored in Arabic: 1 on the right
                    asked.locator(f'[data-score="{high - 1}"]').click()
                    visitor.screenshot(path=str(artifact("outreach", f"05-widget-{kind}-{language}")))
                    asked.get_by_role("button", name="أرسل" if language == "ar" else "Send").click()
                    expect(asked.get_by_role("status")).to_have_text("شكراً لك!" if language == "ar" else "Thank you!",
                                                                     timeout=30_000)  # the answer is analysed first
            browser.close()

        good = {"account": "a2", "contact": "c3", "signature": widget_signature(key, "a2", "c3"), "score": 10}
        foreign = httpx.post(f"{nabd}/widget/v1/answers", json=good, headers={"Origin": "http://evil.test"})
        assert foreign.status_code == 403 and "access-control-allow-origin" not in foreign.headers
        forged = httpx.post(f"{nabd}/widget/v1/answers", headers={"Origin": product},
                            json={**good, "signature": widget_signature(key, "a1", "c1")})
        assert forged.status_code == 403
        assert httpx.get(f"{nabd}/widget/v1/question", params=good, headers={"Origin": "http://evil.test"}).status_code == 403
    finally:
        served.stop()
        shop.shutdown()
        shop.server_close()
    with open_store(url) as store:
        assert store.fetchall(
            "SELECT contact_id, kind, score, touchpoint, language FROM survey_responses ORDER BY contact_id, kind") == [
            ("c1", "nps", 9, "in-app widget", "ar"), ("c2", "nps", 3, "in-app widget", "en"),
            ("c3", "ces", 6, "in-app widget", "ar"), ("c3", "csat", 4, "in-app widget", "ar"),
            ("c4", "ces", 6, "in-app widget", "en"), ("c4", "csat", 4, "in-app widget", "en")]
        assert store.scalar("SELECT count(*) FROM contact_messages WHERE channel = 'widget'") == 6
