"""The pages name and colour bands from the scorecard that scored the accounts, not the shipped default.

A saved and activated scorecard "four_bands" scores the company of conftest.py by one custom measure whose
value is the score (piecewise 0 -> 0, 100 -> 100): a1 Acme 10 critical, a4 Dune 30 at_risk, a2 Beta 60
steady, a3 Cedar 90 thriving.
"""

import re

import pytest

from tests.web.conftest import log_in, page_csrf

from nabd.health.scoring import run_scoring
from nabd.health.versions import active_scorecard, shipped_scorecard
from nabd.store.clock import utc_now

VALUES = {"a1": 10, "a4": 30, "a2": 60, "a3": 90}
CASES = " ".join(f"WHEN '{account}' THEN {value}" for account, value in VALUES.items())
FOUR_BANDS = f"""name: four_bands
measures:
  - id: given
    type: custom
    name: {{en: given score, ar: درجة معطاة}}
    weight: 1
    params: {{sql: "SELECT account_id, CASE account_id {CASES} END AS value FROM accounts"}}
    rule: {{kind: piecewise, points: [[0, 0], [100, 100]]}}
bands:
  - {{id: critical, name: {{en: critical, ar: حرج}}, range: [0, 24], colour: "#6a1b9a",
     colour_name: {{en: purple, ar: بنفسجي}}, action: {{en: call the sponsor today, ar: اتصل بالراعي اليوم}}}}
  - {{id: at_risk, name: {{en: at risk, ar: في خطر}}, range: [25, 49], colour: orange,
     colour_name: {{en: orange, ar: برتقالي}}, action: {{en: book a review, ar: احجز مراجعة}}}}
  - {{id: steady, name: {{en: steady, ar: مستقر}}, range: [50, 74], colour: blue,
     colour_name: {{en: blue, ar: أزرق}}, action: {{en: send a survey, ar: أرسل الاستبيان}}}}
  - {{id: thriving, name: {{en: thriving, ar: مزدهر}}, range: [75, 100], colour: teal,
     colour_name: {{en: teal, ar: فيروزي}}, action: {{en: ask for a referral, ar: اطلب ترشيحا}}}}
"""


@pytest.fixture
def four_bands(client):
    """ana logged in; four_bands saved and activated through the pages, and the company scored with it today."""
    log_in(client, "ana")  # its redirect is not followed: no portfolio is kept before the scoring below
    token = page_csrf(client, "/scorecards")
    saved = client.post("/scorecards/four_bands", data={"yaml": FOUR_BANDS, "csrf_token": token})
    version = re.search(r"Saved as version (\w+)\.", saved.text).group(1)
    client.post("/scorecards/four_bands/activate", data={"version": version, "csrf_token": token})
    store = client.app.state.store
    with client.app.state.store_lock:  # the server's warmer uses the same connection every 2 s
        run = run_scoring(store, active_scorecard(store), utc_now().date())
    assert run.version == version and run.bands == {"critical": 1, "at_risk": 1, "steady": 1, "thriving": 1}
    return client


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/accounts/a\d">([^<]+)</a>', page)


def _arabic(client) -> None:
    client.post("/preferences", data={"language": "ar", "digits": "latn", "csrf_token": page_csrf(client)})


def test_the_portfolio_counts_and_colours_the_bands_of_the_active_scorecard(four_bands):
    page = four_bands.get("/portfolio").text
    # A colour app.css has a class for keeps it; any other is band-custom with the colour as --band.
    for badge, mrr in (('band-custom" style="--band: #6a1b9a">purple · critical', "$100"),
                       ('band-custom" style="--band: orange">orange · at risk', "$75"),
                       ('band-blue">blue · steady', "$250"),
                       ('band-custom" style="--band: teal">teal · thriving', "$400")):
        assert re.search(rf'<span class="band {badge}</span>\s*<strong>1</strong> accounts · \{mrr} MRR', page), badge
    assert "unhealthy" not in page and "band-red" not in page
    assert re.search(r'<a href="/accounts/a1">Acme Trading</a>.*?<span class="band band-custom" '
                     r'style="--band: #6a1b9a">purple · critical</span>', page, re.DOTALL)


def test_the_band_filter_offers_and_takes_the_new_bands(four_bands):
    page = four_bands.get("/portfolio").text
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page.split('id="band"')[1].split("</select>")[0])
    assert options == [("", "All bands"), ("#6a1b9a", "purple · critical"), ("orange", "orange · at risk"),
                       ("blue", "blue · steady"), ("teal", "teal · thriving")]
    assert _names(four_bands.get("/portfolio", params={"band": "critical"}).text) == ["Acme Trading"]
    assert _names(four_bands.get("/portfolio", params={"band": "orange"}).text) == ["Dune Retail"]
    assert _names(four_bands.get("/portfolio", params={"band": "thriving"}).text) == ["Cedar Labs"]
    assert _names(four_bands.get("/portfolio", params={"band": "red"}).text) == []  # the default's colour names none


def test_the_account_page_shows_the_band_colour_and_action_of_its_scorecard(four_bands):
    page = four_bands.get("/accounts/a4").text
    assert '<span class="band band-custom" style="--band: orange">orange · at risk</span>' in page
    assert "book a review" in page
    assert '"colour": "orange", "kind": "gauge"' in page
    # four_bands' next band after at_risk is steady from 50, which a weighted score of 49.5 rounds to: 49.5 - 30
    assert "To reach steady it needs 19.5 more points." in page


def test_the_bands_of_a_saved_scorecard_are_named_in_arabic(four_bands):
    _arabic(four_bands)
    portfolio = four_bands.get("/portfolio").text
    assert "بنفسجي · حرج" in portfolio and "فيروزي · مزدهر" in portfolio and "برتقالي · في خطر" in portfolio
    account = four_bands.get("/accounts/a1").text
    assert '<span class="band band-custom" style="--band: #6a1b9a">بنفسجي · حرج</span>' in account
    assert "اتصل بالراعي اليوم" in account


def test_scores_keep_the_bands_of_the_version_that_scored_them_after_the_default_is_activated_again(four_bands):
    four_bands.post("/scorecards/default/activate",
                    data={"version": shipped_scorecard().version, "csrf_token": page_csrf(four_bands)})
    with four_bands.app.state.store_lock:
        assert active_scorecard(four_bands.app.state.store).version == shipped_scorecard().version
    assert '<span class="band band-custom" style="--band: teal">teal · thriving</span>' in four_bands.get("/accounts/a3").text
    assert _names(four_bands.get("/portfolio", params={"band": "thriving"}).text) == ["Cedar Labs"]
