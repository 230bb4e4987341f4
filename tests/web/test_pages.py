"""The pages show the right figures: portfolio bands and filters, account breakdown, scorecard editing, data."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest

from tests.web.conftest import log_in, page_csrf

from nabd.feedback.analysis import analyse_comments
from nabd.feedback.themes import THEME_NAMES
from nabd.store.clock import utc_now


@pytest.fixture
def admin(client):
    log_in(client, "ana")
    return client


def _scorecard_text(client) -> str:
    """The YAML in the scorecard page's editor, as the browser would send it back."""
    page = client.get("/scorecards/default").text
    return unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.DOTALL).group(1))


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/accounts/a\d">([^<]+)</a>', page)


def test_the_portfolio_counts_accounts_and_mrr_per_band(admin):
    page = admin.get("/portfolio").text
    # red: a1 100 + a4 75 = $175 over 2 accounts; yellow: a2 $250; green: a3 $400
    assert re.search(r"red · unhealthy</span>\s*<strong>2</strong> accounts · \$175 MRR", page)
    assert re.search(r"yellow · neutral</span>\s*<strong>1</strong> accounts · \$250 MRR", page)
    assert re.search(r"green · healthy</span>\s*<strong>1</strong> accounts · \$400 MRR", page)


def test_the_portfolio_filtered_to_red_shows_only_red_accounts_worst_first(admin):
    assert _names(admin.get("/portfolio", params={"band": "red"}).text) == ["Dune Retail", "Acme Trading"]


def test_the_portfolio_sorts_by_mrr_and_searches_by_name(admin):
    by_mrr = _names(admin.get("/portfolio", params={"sort": "mrr", "order": "desc"}).text)
    assert by_mrr == ["Cedar Labs", "Beta Foods", "Acme Trading", "Dune Retail"]
    assert _names(admin.get("/portfolio", params={"q": "FOOD"}).text) == ["Beta Foods"]


def test_an_htmx_filter_request_gets_only_the_table(admin):
    part = admin.get("/portfolio", params={"segment": "ent"}, headers={"HX-Request": "true"}).text
    assert "<html" not in part and _names(part) == ["Dune Retail", "Beta Foods"]


def test_the_account_page_shows_score_action_and_records(admin):
    page = admin.get("/accounts/a1").text
    assert 'class="score">40</strong>' in page
    assert "offer a discount or a free upgrade" in page
    assert "Export keeps failing" in page and "الخدمة بطيئة جدا" in page and "Call the sponsor" in page
    assert 'id="history-chart"' in page


def test_a_score_made_by_a_scorecard_the_database_does_not_hold_has_no_breakdown(admin):
    # the hand-made rows carry scorecard_version 'v1': neither the default's version nor a saved one
    page = admin.get("/accounts/a1").text
    assert "No breakdown: this score was made by a scorecard this database does not hold." in page


def test_an_unknown_account_is_a_404_page(admin):
    response = admin.get("/accounts/nope")
    assert response.status_code == 404 and "there is no account nope" in response.text


def test_a_scorecard_with_an_error_is_not_saved_and_the_error_names_line_and_field(admin):
    yaml_text = _scorecard_text(admin)
    broken = yaml_text.replace("weight: 15", "weight: -15", 1)
    response = admin.post("/scorecards/default", data={"yaml": broken, "csrf_token": page_csrf(admin)})
    assert response.status_code == 422
    assert re.search(r"default\.yaml:\d+: measures\.0\.weight: Input should be greater than 0", response.text)
    assert admin.app.state.store.scalar("SELECT count(*) FROM scorecard_versions") == 0


def test_a_valid_scorecard_is_saved_as_a_new_version(admin):
    yaml_text = _scorecard_text(admin)
    changed = yaml_text.replace("weight: 15", "weight: 20", 1)
    response = admin.post("/scorecards/default", data={"yaml": changed, "csrf_token": page_csrf(admin)})
    assert response.status_code == 200 and "Saved as version" in response.text
    assert admin.app.state.store.fetchall("SELECT name, saved_by FROM scorecard_versions") == [("default", "ana")]
    assert "weight: 20" in admin.get("/scorecards/default").text


def test_the_data_page_counts_rows_and_lists_quarantined_rows_with_reasons(admin):
    admin.app.state.store.execute(
        "INSERT INTO quarantine (source, table_name, line, row_as_received, error, received_at) "
        "VALUES ('accounts.csv', 'accounts', 7, 'x,,y', 'name is missing', TIMESTAMP '2026-01-02 03:04:05')"
    )
    page = admin.get("/data").text
    assert re.search(r"<code>accounts</code></td><td class=\"num\">4</td>", page)
    assert "name is missing" in page and "x,,y" in page


def test_the_dashboard_renders_churn_retention_and_voice_charts(admin):
    page = admin.get("/dashboard", params={"months": 3}).text
    assert page.count('data-chart=') >= 3 and "Customer churn rate" in page


def test_health_and_metrics_answer_without_a_session_and_hold_no_customer_data(client):
    assert client.get("/health").json()["status"] == "ok"
    client.get("/login")
    metrics = client.get("/metrics").text
    assert 'nabd_http_requests_total{method="GET",route="/login",status="200"} 1' in metrics
    assert "Acme" not in metrics and "a1" not in metrics


def test_the_account_page_shows_each_comments_sentiment_and_themes(admin):
    store = admin.app.state.store
    analyse_comments(store)
    sentiment, themes = store.fetchall(
        "SELECT sentiment, CAST(themes AS TEXT) FROM feedback_analysis WHERE source_id = 'r1'"
    )[0]
    page = admin.get("/accounts/a1").text
    assert f"<td>{sentiment}</td>" in page
    for theme in json.loads(themes):
        assert THEME_NAMES[theme]["en"] in page


def test_the_portfolio_and_account_page_show_onboarding_progress(admin):
    # plan 'pro' uses the default plan's 4 milestones; a1 met 2 of them: 2 / 4 = 50%
    store = admin.app.state.store
    met = utc_now().date() - timedelta(days=10)
    for milestone in ("first_login", "first_report"):
        store.execute("INSERT INTO onboarding_milestones (account_id, milestone, completed_on) VALUES ('a1', ?, ?)",
                      [milestone, met])
    portfolio = admin.get("/portfolio", params={"q": "acme"}).text
    assert '<progress max="100" value="50"' in portfolio and "50%" in portfolio
    account = admin.get("/accounts/a1").text
    assert '<progress max="4" value="2"' in account and "2 of 4 milestones" in account
