"""Say why on the web: the portfolio and the account page name the cause of unscored accounts (coverage below
the minimum, the measures with no value and what would feed them), and the data page shows what
`nabd profile` shows; in English and Arabic."""

import pytest

from tests.web.conftest import log_in, page_csrf

from nabd.health.scoring import run_scoring
from nabd.health.versions import shipped_scorecard
from nabd.store import open_store
from nabd.store.clock import utc_now


@pytest.fixture
def scored_by_default(company_url, client):
    """The company scored today by the shipped default: it has no events, so only a1 (ticket, invoice, NPS)
    comes near the minimum coverage and the others go unscored."""
    with open_store(company_url) as store:
        run = run_scoring(store, shipped_scorecard(), utc_now().date())
    assert run.unscored >= 3
    log_in(client, "ana")
    return client


def _arabic(client):
    client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(client)})


def test_the_portfolio_names_why_accounts_are_unscored_and_what_would_feed_them(scored_by_default):
    page = scored_by_default.get("/portfolio").text
    assert "Why some accounts have no score" in page
    assert "weigh less than the minimum coverage (50%) of scorecard default" in page
    assert "<code>feature_adoption</code>" in page and "`feature:&lt;name&gt;` events" in page
    assert "nabd scorecard init" in page
    _arabic(scored_by_default)
    arabic = scored_by_default.get("/portfolio").text
    assert "لماذا لا درجة لبعض الحسابات" in arabic and "نسبة استخدام حلول المنتج" in arabic


def test_the_account_page_names_the_measures_its_account_had_no_value_for(scored_by_default):
    page = scored_by_default.get("/accounts/a2").text
    assert "Why this account has no score" in page and "under the minimum coverage (50%)" in page
    assert "<code>nps_latest</code>" in page  # a2 answered no survey; a1 did
    _arabic(scored_by_default)
    assert "لماذا لا درجة لهذا الحساب" in scored_by_default.get("/accounts/a2").text


def test_a_scored_account_page_shows_no_unscored_cause(client):
    log_in(client, "ana")
    assert "Why this account has no score" not in client.get("/accounts/a1").text


def test_the_data_page_shows_the_profile_event_types_cadence_churn_and_measures(client, company_url):
    with open_store(company_url) as store:
        store.execute("INSERT INTO activity_daily VALUES ('a1', '', ?, 'report_exported', 3, 0)", [utc_now().date()])
        store.execute("INSERT INTO event_types VALUES ('report_exported', ?)", [utc_now().date()])
    log_in(client, "ana")
    page = client.get("/data").text
    assert "What your data can support" in page
    assert "<code>report_exported</code>" in page  # the event types
    assert "Churn observed per month" in page and "Plan cadence" in page
    assert "<code>licence_utilisation</code>" in page and "dead: no value" in page
    _arabic(client)
    arabic = client.get("/data").text
    assert "ما تدعمه بياناتك" in arabic and "أنواع الأحداث" in arabic and "معطل: بلا قيمة" in arabic
