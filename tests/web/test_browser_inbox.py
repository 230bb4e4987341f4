"""The CSM's morning in Chromium (Playwright): log in, land on the risk inbox, open a task from a warning,
read it on the tasks page in English and Arabic, look at renewals; a viewer reads but cannot act; another
CSM cannot act on accounts that are not hers. Screenshots of the inbox, tasks and renewals pages in both
languages go to test-artifacts/web/ (1366 px wide: the Dismiss button must stay on screen).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from nabd.store import open_store
from nabd.store.clock import utc_now
from tests.web.conftest import PASSWORD, seed_company
from tests.browser import log_in, shot
from tests.web.test_browser import _serve

WIDTH = 1366


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    url = f"duckdb:///{tmp_path_factory.mktemp('browser-inbox') / 'nabd.duckdb'}"
    with open_store(url) as store:
        seed_company(store)
        store.execute(
            "INSERT INTO indicator_firings (account_id, indicator, as_of, evidence, fired_at) VALUES (?, ?, ?, ?, ?)",
            ["a1", "usage_drop", utc_now().date() - timedelta(days=1),
             json.dumps({"recent_per_week": 44, "baseline_per_week": 80, "change": -0.45}), utc_now()],
        )
    yield from _serve(url)



def _shot(page: Page, name: str) -> None:
    shot(page, "web", name)


def _log_in(page: Page, server: str, login: str) -> None:
    log_in(page, server, login, PASSWORD)


def _language(page: Page, code: str, apply: str) -> None:
    page.locator("#language").select_option(code)
    page.get_by_role("button", name=apply).click()


def test_a_csm_lands_on_her_inbox_opens_a_task_from_a_warning_and_reads_it_in_both_languages(server, browser):
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    _log_in(page, server, "carla")
    expect(page.get_by_role("heading", name="Risk inbox")).to_be_visible()
    assert page.url.endswith("/inbox")
    warning = page.locator('tr[data-account="a1"][data-cause="usage_drop"]')
    expect(warning).to_contain_text("usage fell 45% below its usual week")
    expect(page.locator('tr[data-account="a2"]')).to_have_count(0)  # dan's account: not in her inbox
    _shot(page, "10-inbox-en")
    warning.get_by_role("button", name="Open a task").click()
    expect(page.locator('tr[data-account="a1"][data-cause="usage_drop"]')).to_contain_text("Task open")

    page.goto(f"{server}/tasks")
    row = page.locator("table.task-table tbody tr", has_text="Look into Acme Trading")
    expect(row).to_contain_text("usage fell 45% below its usual week")
    for button in ("Mark done", "Dismiss"):  # on screen at 1366 px, without scrolling sideways
        box = row.get_by_role("button", name=button).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    _shot(page, "11-tasks-en")
    page.goto(f"{server}/renewals")
    expect(page.get_by_role("heading", name="Renewals")).to_be_visible()
    _shot(page, "12-renewals-en")

    _language(page, "ar", "Apply")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _shot(page, "12-renewals-ar")
    page.goto(f"{server}/tasks")
    expect(page.locator("table.task-table")).to_contain_text("تابع Acme Trading: انخفض الاستخدام")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    _shot(page, "11-tasks-ar")
    page.goto(f"{server}/inbox")
    expect(page.get_by_role("heading", name="صندوق المخاطر")).to_be_visible()
    _shot(page, "10-inbox-ar")
    _language(page, "en", "تطبيق")
    page.close()


def test_a_viewer_reads_the_inbox_but_cannot_act(server, browser):
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    _log_in(page, server, "vic")
    expect(page.get_by_role("heading", name="Risk inbox")).to_be_visible()
    expect(page.locator('tr[data-account="a4"]')).to_have_count(1)  # everyone's accounts
    expect(page.get_by_role("button", name="Open a task")).to_have_count(0)
    token = page.locator('input[name="csrf_token"]').first.input_value()
    answer = page.request.post(f"{server}/inbox/act", form={
        "account_id": "a4", "cause": "band:unhealthy", "action": "task", "csrf_token": token})
    assert answer.status == 403
    page.close()


def test_another_csm_cannot_act_on_accounts_that_are_not_hers(server, browser):
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    _log_in(page, server, "dan")
    expect(page.locator('tr[data-account="a1"]')).to_have_count(0)
    token = page.locator('input[name="csrf_token"]').first.input_value()
    for action in ("task", "dismissed"):
        answer = page.request.post(f"{server}/inbox/act", form={
            "account_id": "a1", "cause": "band:unhealthy", "action": action, "reason": "not mine", "csrf_token": token})
        assert answer.status == 403
    page.close()
