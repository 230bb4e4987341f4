"""The pages and the API over the real demo company scored by nabd.health (not hand-made score rows)."""

from __future__ import annotations

import re

import pytest

from nabd.health.explain import explain, rounded_points
from nabd.health.scorecard import load_scorecard
from nabd.store import open_store
from nabd.web.i18n import Language
from tests.web.conftest import DEMO_LAST, page_csrf


@pytest.fixture(scope="module")
def extremes(demo_url) -> dict[str, tuple[str, int]]:
    """The lowest- and highest-scored accounts on the last run: (account_id, score) for red and green."""
    with open_store(demo_url) as store:
        rows = store.fetchall(
            "SELECT account_id, score, band FROM health_scores WHERE as_of = ? AND score IS NOT NULL "
            "ORDER BY score, account_id", [DEMO_LAST],
        )
    return {"red": rows[0][:2], "green": rows[-1][:2], "bands": {r[2] for r in rows}}


@pytest.fixture(scope="module")
def band_counts(demo_url) -> dict[str, int]:
    with open_store(demo_url) as store:
        return dict(store.fetchall(
            "SELECT band, count(*) FROM health_scores WHERE as_of = ? AND band IS NOT NULL GROUP BY band", [DEMO_LAST]
        ))


@pytest.fixture
def arabic(demo_client):
    """The shared admin switched to Arabic for one test, and back to English after it."""
    demo_client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(demo_client)})
    yield demo_client
    demo_client.post("/preferences", data={"language": "en", "csrf_token": page_csrf(demo_client)})


def test_the_demo_company_scores_into_red_and_green_accounts(extremes):
    assert {"unhealthy", "healthy"} <= extremes["bands"]


def test_the_portfolio_counts_each_band_of_the_latest_run(demo_client, band_counts):
    page = demo_client.get("/portfolio").text
    for band, colour in (("unhealthy", "red"), ("neutral", "yellow"), ("healthy", "green")):
        count = band_counts.get(band, 0)
        assert re.search(rf"{colour} · {band}</span>\s*<strong>{count}</strong> accounts", page), band


def test_the_portfolio_shows_fifty_accounts_a_page_worst_score_first(demo_client, extremes):
    page = demo_client.get("/portfolio").text
    rows = re.findall(r'<a href="/accounts/([^"]+)">', page)
    assert len(rows) == 50 and rows[0] == extremes["red"][0]
    assert "Page 1 of" in page


def test_the_red_account_page_explains_its_score_and_what_would_move_it(demo_client, extremes):
    account_id, score = extremes["red"]
    response = demo_client.get(f"/accounts/{account_id}")
    assert response.status_code == 200
    page = response.text
    card = load_scorecard()
    assert f'class="score">{score}</strong>' in page
    assert card.band_of(score).action.en in page
    assert "Why this score" in page and "licence utilisation" in page
    assert "To reach" in page and "adds" in page  # the moves of nabd.health.explain


def test_the_green_account_page_shows_its_score_and_breakdown(demo_client, extremes):
    account_id, score = extremes["green"]
    page = demo_client.get(f"/accounts/{account_id}").text
    assert f'class="score">{score}</strong>' in page and "Why this score" in page


def test_the_red_account_page_in_arabic_names_measures_in_arabic(arabic, extremes):
    page = arabic.get(f"/accounts/{extremes['red'][0]}").text
    assert '<html lang="ar" dir="rtl" ' in page and "نسبة استخدام التراخيص" in page
    assert load_scorecard().band_of(extremes["red"][1]).action.ar in page


@pytest.mark.parametrize("path", ["/portfolio", "/dashboard", "/data", "/scorecards", "/scorecards/default"])
def test_every_page_answers_in_english_and_arabic(demo_client, arabic, path):
    assert arabic.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/portfolio", "/dashboard", "/data", "/scorecards/default"])
def test_every_page_answers_in_english(demo_client, path):
    response = demo_client.get(path)
    assert response.status_code == 200 and '<html lang="en" dir="ltr" ' in response.text


def test_the_dashboard_shows_the_demo_months(demo_client):
    page = demo_client.get("/dashboard", params={"months": 6}).text
    assert page.count("data-chart=") >= 3 and "Customer churn rate" in page


@pytest.fixture(scope="module")
def token(demo_client) -> str:
    from nabd.web.users import add_token

    with demo_client.app.state.store_lock:  # the server's warmer uses the same connection every 2 s
        return add_token(demo_client.app.state.store, "vic", "tests")


def test_the_api_explains_an_account_with_points_adding_up_to_its_score(demo_client, token, extremes):
    account_id, score = extremes["red"]
    health = demo_client.get(f"/api/v1/accounts/{account_id}", headers={"Authorization": f"Bearer {token}"}).json()
    # one score per weekly run: 9-05, 9-12, ..., 10-31 = 9 runs
    assert [s["as_of"] for s in health["history"]][-1] == "2026-10-31" and len(health["history"]) == 9
    explanation = health["explanation"]
    points = sum(c["points"] or 0 for c in explanation["contributions"])
    # the weighted score IS the sum of the contributions; the score is it rounded half-up
    assert points == pytest.approx(explanation["weighted_score"])
    assert explanation["score"] == score == int(points + 0.5 + 1e-9)
    assert health["action"]["en"] == load_scorecard().band_of(score).action.en


def test_the_explanation_endpoint_gives_moves_and_text(demo_client, token, extremes):
    account_id, score = extremes["red"]
    found = demo_client.get(f"/api/v1/accounts/{account_id}/explanation",
                            headers={"Authorization": f"Bearer {token}"}).json()
    assert found["next_band"] is not None and found["moves"]
    assert found["text"][0].startswith(f"{account_id} on 2026-10-31: {score}")


def test_the_explanation_of_an_unknown_account_is_a_404(demo_client, token):
    response = demo_client.get("/api/v1/accounts/nope/explanation", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.json() == {"error": "there is no account nope"}


def test_the_dashboard_heatmap_holds_the_cohort_logo_retention_of_the_metric(demo_client, demo_url):
    import json
    from datetime import date, timedelta
    from html import unescape

    from nabd.metrics.cohorts import cohort_retention

    page = demo_client.get("/dashboard", params={"months": 6}).text
    charts = [json.loads(unescape(found)) for found in re.findall(r"data-chart='([^']*)'", page)]
    spec = next(chart for chart in charts if chart["kind"] == "heatmap")
    # the dashboard's 6 whole months before today's month: its first day .. the last day of last month
    today = date.today()
    end = today.replace(day=1) - timedelta(days=1)
    start = date(end.year - (end.month <= 5), (end.month - 6) % 12 + 1, 1)  # 5 months before end's month
    with open_store(demo_url) as store:
        rows = cohort_retention(store, start=start, end=end).to_pyarrow().to_pylist()
    expected = sorted((row["age"], str(row["cohort_start"]), row["logo_retention"]) for row in rows)
    shown = sorted((age, spec["cohorts"][index], value) for age, index, value in spec["cells"])
    assert shown == expected and spec["cohorts"] == sorted({str(row["cohort_start"]) for row in rows})
    assert spec["cohorts"][0] == str(start)


def _moves_list(page: str) -> str:
    return re.search(r'<ul class="moves">(.*?)</ul>', page, re.S).group(1)


def test_what_would_move_the_red_account_reads_in_arabic_with_the_users_digits(arabic, extremes):
    account_id = extremes["red"][0]
    with arabic.app.state.store_lock:  # through the server's own connection
        moves = explain(arabic.app.state.store, load_scorecard(), account_id).moves[:5]
    card = load_scorecard()
    moves_html = _moves_list(arabic.get(f"/accounts/{account_id}").text)
    lines = re.findall(r"<li>(.*?)</li>", moves_html, re.S)
    assert len(lines) == len(moves) >= 1
    for line, move in zip(lines, moves):
        assert card.measure(move.measure).name.ar in line and "يضيف" in line
        assert f"يضيف {Language('ar').ngettext('%(num)s point', '%(num)s points', rounded_points(move.points))}" in line
        assert "adds" not in line and " from " not in line
    arabic.post("/preferences", data={"language": "ar", "digits": "arab", "csrf_token": page_csrf(arabic)})
    digits = _moves_list(arabic.get(f"/accounts/{account_id}").text)
    assert re.search("[٠-٩]", digits) and not re.search("[0-9]", digits)
