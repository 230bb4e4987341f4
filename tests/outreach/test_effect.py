"""The measured effect of a journey, treated against held out, on a small case computed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from nabd.health.versions import active_scorecard
from nabd.outreach.effect import journey_effect, wilson
from tests.outreach.conftest import DAY, NOW, add_account

AS_OF = DAY + timedelta(days=20)


def test_wilson_interval_of_one_in_four():
    # p = .25, n = 4, z = 1.96: centre (.25 + z^2/8) / (1 + z^2/4) = .37247, half-width .32689
    low, high = wilson(1, 4)
    assert (low, high) == pytest.approx((0.04558, 0.69936), abs=1e-5)


def test_churn_band_moves_and_nps_of_treated_and_held_out_accounts(store):
    version = active_scorecard(store).version
    for account_id in ("t1", "t2", "t3", "t4", "h1", "h2"):
        add_account(store, account_id, account_id.upper())
        store.execute(
            "INSERT INTO journey_enrolments (journey, account_id, entered_on, reason, held_out, entry_score, "
            "entry_band, step, due_on, status, updated_at) VALUES ('save', ?, ?, 'band', ?, 40, 'unhealthy', 0, ?, "
            "?, ?)", [account_id, DAY, account_id.startswith("h"), DAY,
                      "held_out" if account_id.startswith("h") else "active", NOW])
    # t1 and h1 churned before AS_OF: churn 1/4 treated, 1/2 held out.
    store.execute("UPDATE subscriptions SET end_date = ? WHERE account_id IN ('t1', 'h1')", [DAY + timedelta(days=5)])
    # t2 rose into another band (up); t3 rose within its band (not a band move): band up 1/4 treated, 0/2 held out.
    store.execute(
        "INSERT INTO health_scores (account_id, as_of, scorecard_version, scorecard, score, band, computed_at) "
        "VALUES ('t2', ?, ?, 'default', 60, 'neutral', ?), ('t3', ?, ?, 'default', 45, 'unhealthy', ?)",
        [DAY + timedelta(days=10), version, NOW, DAY + timedelta(days=10), version, NOW],
    )
    # NPS answers since entering, treated: 10, 9, 3, 7 -> promoters .5, detractors .25, NPS 25;
    # one answer before entering does not count; held out: none.
    answers = [("r1", "t2", 10, 2), ("r2", "t2", 9, 3), ("r3", "t3", 3, 4), ("r4", "t4", 7, 5), ("r0", "t4", 0, -3)]
    for response_id, account_id, score, days in answers:
        store.execute(
            "INSERT INTO survey_responses (response_id, account_id, kind, score, responded_at) VALUES (?, ?, 'nps', ?, ?)",
            [response_id, account_id, score, datetime.combine(DAY, NOW.time()) + timedelta(days=days)],
        )
    figures = {row["measure"]: row for row in journey_effect(store, "save", AS_OF)}
    churn = figures["churn"]
    assert (churn["treated"]["value"], churn["treated"]["n"], churn["held_out"]["value"]) == (0.25, 4, 0.5)
    # difference -.25, se sqrt(.25 x .75 / 4 + .5 x .5 / 2) = .41458
    assert churn["difference"]["value"] == -0.25
    assert (churn["difference"]["low"], churn["difference"]["high"]) == pytest.approx((-1.06257, 0.56257), abs=1e-5)
    assert figures["band up"]["treated"]["value"] == 0.25 and figures["band up"]["held_out"]["value"] == 0.0
    nps = figures["NPS"]
    # se = 100 sqrt((.5 + .25 - .25^2) / 4) = 41.458
    assert nps["treated"]["value"] == 25.0 and nps["treated"]["se"] == pytest.approx(41.4578, abs=1e-4)
    assert nps["held_out"]["value"] is None and nps["held_out_text"] == "no data"
