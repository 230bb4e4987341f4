"""The dashboard at a glance: headline figures with their change against the month before, one scale per chart
(a churn rate of a few percent is not drawn on retention's 0-120% axis), an MRR waterfall whose bars start near
the MRR (not at 0) and keeps its 8 labels in Arabic, and the CES average called an average.

Screenshots: test-artifacts/web/dashboard-glance-{en,ar}.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from nabd.metrics.churn import customer_churn
from nabd.metrics.mrr import mrr_movements
from nabd.metrics.voice import ces
from nabd.store.calendar import today
from nabd.web.app import create_app
from nabd.web.read.dashboard import headline_kpis, waterfall
from tests.browser import shot
from tests.serving import serve_in_thread
from tests.web.conftest import PASSWORD

NOVEMBER, OCTOBER = date(2026, 11, 1), date(2026, 10, 1)


def test_a_headline_is_the_last_month_against_the_month_before_and_says_whether_that_is_better():
    shown = {"end": date(2026, 11, 30),
             "churn": [{"period_start": OCTOBER, "customers_end": 100, "churn_rate": 0.02},
                       {"period_start": NOVEMBER, "customers_end": 97, "churn_rate": 0.035}],
             "movements": [{"period_start": NOVEMBER, "closing_mrr": 1000}],
             "revenue": [], "nps": [], "csat": [], "ces": []}
    kpis = {k["key"]: k for k in headline_kpis(shown)}
    assert kpis["customers"]["change"] == -3 and kpis["customers"]["better"] is False
    assert kpis["churn_rate"]["change"] == pytest.approx(0.015) and kpis["churn_rate"]["better"] is False
    assert kpis["mrr"]["value"] == 1000 and kpis["mrr"]["change"] is None and kpis["mrr"]["better"] is None
    assert kpis["grr"]["value"] is None


def test_the_waterfall_starts_near_the_mrr_so_a_small_movement_fills_a_visible_share_of_the_plot():
    row = {"opening_mrr": 187_000, "new": 2_719, "reactivation": 0, "expansion": 1_200, "contraction": 771,
           "churned": 1_900, "fx_effect": 0, "closing_mrr": 188_248}
    shown = waterfall(row)
    assert shown["keys"][0] == "opening_mrr" and shown["keys"][-1] == "closing_mrr" and len(shown["keys"]) == 8
    assert shown["signs"] == [0, 1, 1, 1, -1, -1, 1, 0]
    floor, top = shown["floor"], 187_000 + 2_719 + 1_200
    assert 0 < floor < 187_000 - 771
    assert 771 / (top - floor) > 0.05  # the $771 contraction is >5% of the plot's height (0.4% from 0)


def test_a_waterfall_that_falls_close_to_zero_starts_at_zero():
    assert waterfall({"opening_mrr": 100, "new": 0, "reactivation": 0, "expansion": 0, "contraction": 0,
                      "churned": 90, "fx_effect": 0, "closing_mrr": 10})["floor"] == 0


def test_the_dashboards_headlines_are_the_metrics_of_the_last_closed_month(demo_client):
    store = demo_client.app.state.store
    end = today().replace(day=1)
    month = date(end.year - (end.month == 1), (end.month - 2) % 12 + 1, 1)
    with demo_client.app.state.store_lock:
        churn = customer_churn(store, start=month, end=month).to_pyarrow().to_pylist()[0]
        money = mrr_movements(store, start=month, end=month).to_pyarrow().to_pylist()[0]
        effort = ces(store, start=month, end=month).to_pyarrow().to_pylist()[0]
    page = demo_client.get("/dashboard").text
    kpi = dict(re.findall(r'id="kpi-(\w+)"><span class="kpi-name">[^<]*</span>\s*<span class="kpi-value">([^<]*)</span>', page))
    assert kpi["customers"] == f"{churn['customers_end']:,}"
    assert kpi["churn_rate"] == f"{churn['churn_rate'] * 100:.1f}%"
    assert kpi["mrr"] == f"${float(money['closing_mrr']):,.0f}"
    assert kpi["ces"] == ("–" if effort["ces_mean"] is None else f"{effort['ces_mean']:.2f}")
    assert "CES %" not in page and "CES average (1-7)" in page


@pytest.fixture(scope="module")
def demo_server(demo_url: str) -> Iterator[str]:
    served = serve_in_thread(create_app(demo_url, secret_key="glance-test"))
    yield served.base
    served.stop()



def _texts(page: Page, chart: str) -> list[dict]:
    """The SVG texts an ECharts chart drew: content and box."""
    return page.evaluate(
        """(id) => Array.from(document.querySelectorAll('#' + id + ' svg text')).map(t => {
             const r = t.getBoundingClientRect();
             return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })""", chart)


def _percent_ticks(page: Page, chart: str) -> list[float]:
    return [float(t["text"].rstrip("%").replace("٫", ".")) for t in _texts(page, chart)
            if re.fullmatch(r"[\d.]+%", t["text"])]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_dashboard_reads_at_a_glance_in_both_languages(demo_server, browser, language):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_server}/dashboard")
    page.get_by_label("Login", exact=True).fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if language == "ar":
        page.get_by_label("Language", exact=True).select_option("ar")
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"{demo_server}/dashboard")
    expect(page.locator(".kpi")).to_have_count(8)
    expect(page.locator("#waterfall-chart svg")).to_have_count(1)

    # every one of the waterfall's 8 labels is drawn, below the plot, and no two of them overlap
    labels = page.locator("#waterfall-title ~ .table-scroll th").all_inner_texts()
    assert len(labels) == 8
    box = page.locator("#waterfall-chart").bounding_box()
    below = [t for t in _texts(page, "waterfall-chart") if t["top"] > box["y"] + box["height"] * 0.7 and t["text"].strip()]
    drawn = " ".join(t["text"] for t in below)
    short = {"Opening MRR": "Opening", "Closing MRR": "Closing", "الإيراد الشهري المتكرر في البداية": "البداية",
             "الإيراد الشهري المتكرر في النهاية": "النهاية"}
    for label in labels:
        assert all(word in drawn for word in short.get(label, label).split()), (label, drawn)
    for a in below:
        for b in below:
            if a is not b and abs(a["top"] - b["top"]) < 2:
                assert a["right"] <= b["left"] + 1 or b["right"] <= a["left"] + 1, (a, b)

    # the bars start near the MRR: the lowest value tick is far above 0
    ticks = [float(t["text"].replace(",", "").replace("٬", "")) for t in _texts(page, "waterfall-chart")
             if re.fullmatch(r"[\d,٬]+", t["text"]) and t["left"] < box["x"] + box["width"] * 0.1
             or re.fullmatch(r"[\d,٬]+", t["text"]) and t["right"] > box["x"] + box["width"] * 0.9]
    assert ticks and min(ticks) > 0.5 * max(ticks)

    # churn has its own scale (a few percent, shown to a tenth), retention its own (near 100%)
    churn_ticks, retention_ticks = _percent_ticks(page, "churn-chart"), _percent_ticks(page, "retention-chart")
    assert max(churn_ticks) <= 20 and any("." in t["text"] for t in _texts(page, "churn-chart"))
    assert min(retention_ticks) >= 50
    # competitor mentions per month arrive after the page (htmx): the demo's comments name none
    expect(page.locator("#competitors .count")).to_contain_text(
        "No survey comment or ticket named a competitor" if language == "en" else "لم يذكر أي تعليق")
    shot(page, "web", f"dashboard-glance-{language}")
    if language == "ar":  # back to English for the other tests of the session
        page.get_by_label("اللغة").select_option("en")
        page.get_by_role("button", name="تطبيق").click()
    page.close()
