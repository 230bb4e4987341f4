"""The server computes the dashboard ahead: at start and after each change of its data, never showing old numbers."""

import re
import time
from datetime import timedelta

import pytest

from nabd.store.clock import utc_now
from nabd.web.read import dashboard as dashboards
from nabd.web import warm
from nabd.web.warm import WARM_MONTHS
from tests.conftest import SHIPPED_WARM_SECONDS
from tests.web.conftest import log_in


@pytest.fixture(autouse=True)
def shipped_warm_period(monkeypatch):
    """The warmer's shipped period (tests/conftest.py lengthens it for the other tests)."""
    monkeypatch.setattr(warm, "WARM_SECONDS", SHIPPED_WARM_SECONDS)


def _warmed(client, deadline: float = 60.0):
    """The (day, dashboard key) the server's warmer last computed, once it has one."""
    warming = client.app.state.warming
    stop = time.monotonic() + deadline
    while warming.warmed is None:
        assert time.monotonic() < stop, "the dashboard was not computed ahead within a minute"
        time.sleep(0.1)
    return warming.warmed


def _key(client, segment=None):
    store = client.app.state.store
    with client.app.state.store_lock:
        return dashboards.dashboard_key(store, utc_now().date(), WARM_MONTHS, segment, "USD")


def test_the_dashboard_of_all_accounts_and_of_each_segment_is_computed_before_anyone_asks(client):
    today, key = _warmed(client)
    assert today == utc_now().date() and key == _key(client)
    for segment in (None, "smb", "ent"):
        kept = dashboards.kept_dashboard(_key(client, segment))
        assert kept is not None and len(kept["churn"]) == WARM_MONTHS, segment
    assert "nabd_dashboard_ahead_total 1\n" in client.get("/metrics").text


def test_after_new_data_the_warmer_computes_again_and_the_page_shows_the_new_numbers(client):
    _, before = _warmed(client)
    last_month = utc_now().replace(day=1) - timedelta(days=3)
    with client.app.state.store_lock:  # a response to last month's NPS survey, as the survey form stores it
        client.app.state.store.execute(
            "INSERT INTO survey_responses (response_id, account_id, kind, score, responded_at) "
            "VALUES ('r-new', 'a2', 'nps', 10, ?)", [last_month],
        )
    stop = time.monotonic() + 60
    while client.app.state.warming.warmed[1] == before:
        assert time.monotonic() < stop, "the warmer did not see the new response within a minute"
        time.sleep(0.1)
    after = _key(client)
    assert after != before and client.app.state.warming.warmed[1] == after
    nps = dashboards.kept_dashboard(after)["nps"][-1]
    assert (nps["responses"], nps["promoters"], nps["nps"]) == (1, 1, 100.0)  # 100 x (1 - 0) / 1
    log_in(client, "ana")
    page = client.get("/dashboard").text
    assert re.search(r'"counts": \[[0, ]*1\]', page)  # the new response, in the last month


def test_the_dashboard_of_a_segment_no_account_is_in_is_empty_not_an_error(client):
    log_in(client, "ana")
    response = client.get("/dashboard", params={"segment": "no-such-segment"})
    assert response.status_code == 200 and "Customer churn rate" in response.text
