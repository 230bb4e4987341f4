"""The scorecard page and API: activate a saved version, and run a backtest of the shown version."""

import re
from html import unescape

from tests.web.conftest import log_in, page_csrf

from nabd.health.backtest import backtest_dates, run_backtest
from nabd.health.versions import active_scorecard, shipped_scorecard
from nabd.store import reading_connection
from nabd.web.read.scorecards import BACKTEST_EVERY_DAYS, BACKTEST_HORIZON_DAYS


def _save_changed_default(client) -> str:
    """Save the default scorecard with its first weight 15 -> 20 through the page; returns the new version."""
    page = client.get("/scorecards/default").text
    text = unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.DOTALL).group(1))
    saved = client.post("/scorecards/default", data={"yaml": text.replace("weight: 15", "weight: 20", 1),
                                                     "csrf_token": page_csrf(client)})
    return re.search(r"Saved as version (\w+)\.", saved.text).group(1)


def test_an_admin_makes_a_saved_version_active_and_the_page_says_so(client):
    log_in(client, "ana")
    version = _save_changed_default(client)
    before = client.get(f"/scorecards/default?version={version}").text
    assert "Active: nabd score uses this version." not in before
    response = client.post("/scorecards/default/activate", data={"version": version, "csrf_token": page_csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/scorecards/default?version={version}"
    after = client.get(response.headers["location"]).text
    assert "Active: nabd score uses this version." in after
    assert active_scorecard(client.app.state.store).version == version
    assert f"<code>{version}</code>" in client.get("/scorecards").text.split("Active version")[1]


def test_a_csm_cannot_choose_the_active_scorecard(client):
    log_in(client, "carla")
    response = client.post("/scorecards/default/activate",
                           data={"version": shipped_scorecard().version, "csrf_token": page_csrf(client)})
    assert response.status_code == 403
    assert client.app.state.store.scalar("SELECT count(*) FROM scorecard_activations") == 0


def test_the_api_reads_and_sets_the_active_scorecard(client, tokens):
    def call(method, token, **body):
        return client.request(method, "/api/v1/active-scorecard", headers={"Authorization": f"Bearer {tokens[token]}"},
                              **body)

    assert call("GET", "vic").json()["version"] == shipped_scorecard().version
    saved = client.put("/api/v1/scorecards/default", headers={"Authorization": f"Bearer {tokens['ana']}"},
                       json={"yaml": call("GET", "vic").json()["yaml"].replace("weight: 15", "weight: 25", 1)}).json()
    assert saved["active"] is False
    assert call("PUT", "carla", json={"version": saved["version"]}).status_code == 403
    activated = call("PUT", "ana", json={"version": saved["version"][:6]})
    assert activated.status_code == 200 and activated.json()["version"] == saved["version"]
    assert "weight: 25" in call("GET", "vic").json()["yaml"]
    unknown = call("PUT", "ana", json={"version": "ffffffff"})
    assert unknown.status_code == 400 and "there is no scorecard version 'ffffffff'" in unknown.json()["error"]


def test_the_backtest_on_the_page_shows_the_figures_of_the_backtest_function(demo_client):
    card = shipped_scorecard()
    page = demo_client.get("/scorecards/default").text
    assert f'hx-get="/scorecards/default/backtest?version={card.version}"' in page and "Run backtest" in page
    shown = demo_client.get(f"/scorecards/default/backtest?version={card.version}", headers={"HX-Request": "true"})
    assert shown.status_code == 200 and "<html" not in shown.text  # a partial
    with reading_connection(demo_client.app.state.store) as store:  # the same function the CLI runs
        dates = backtest_dates(store, None, None, BACKTEST_EVERY_DAYS, BACKTEST_HORIZON_DAYS)
        expected = run_backtest(store, card, dates, BACKTEST_HORIZON_DAYS)
    assert re.search(r'id="backtest-auc">([\d.]+)<', shown.text).group(1) == f"{expected.auc:.3f}"
    rows = re.findall(r'<tr><th scope="row"><span class="band band-(\w+)">.*?</th>\s*<td>([\d,]+)</td><td>([\d,]+)</td>'
                      r'\s*<td>([\d.]+)%</td>', shown.text, re.DOTALL)
    assert [(colour, int(pairs.replace(",", "")), int(churned)) for colour, pairs, churned, _ in rows] == [
        (b.colour, b.accounts, b.churned) for b in expected.bands if b.band != "unscored"
    ]
    assert [float(rate) for *_, rate in rows] == [round(100 * b.churn_rate, 1) for b in expected.bands if b.band != "unscored"]
    assert "Calibration: churn rate by score range" in shown.text


def test_the_backtest_says_when_there_is_not_enough_history(client):
    log_in(client, "vic")  # a viewer may run it: it writes nothing
    shown = client.get(f"/scorecards/default/backtest?version={shipped_scorecard().version}")
    assert shown.status_code == 200
    assert "Not enough history for a backtest: no account was active and scored on the 14 as-of dates" in shown.text


def test_the_backtest_of_an_unknown_version_is_404(client):
    log_in(client, "ana")
    assert client.get("/scorecards/default/backtest?version=000000000000").status_code == 404


def test_the_backtest_speaks_arabic(client):
    log_in(client, "ana")
    client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(client)})
    shown = client.get(f"/scorecards/default/backtest?version={shipped_scorecard().version}").text
    assert "لا يكفي التاريخ للاختبار" in shown
