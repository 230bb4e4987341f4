"""NPS, CSAT and CES from survey responses."""

import math
from datetime import date

import pytest

from nabd.metrics.voice import ces, csat, nps
from tests.metrics.metrics_history import FEB, JAN, acct, given, response, rows


def test_nps_is_percent_promoters_minus_percent_detractors_with_counts(store):
    # 10 responses: 5 promoters (9, 10), 2 passives (7, 8), 3 detractors (0-6): 50% - 30% = 20
    scores = [9, 10, 9, 10, 9, 7, 8, 0, 5, 6]
    given(store, accounts=[acct("A")], survey_responses=[response(f"R{i}", "A", "nps", s, date(2024, 1, 10)) for i, s in enumerate(scores)])
    [january] = rows(nps(store, start=JAN, end=JAN))
    assert (january["responses"], january["promoters"], january["passives"], january["detractors"]) == (10, 5, 2, 3)
    assert january["nps"] == pytest.approx(20.0, abs=1e-9)


def test_a_move_from_32_to_35_on_40_responses_lies_inside_the_95_percent_interval(store):
    # 40 responses, 18 promoters (p = 0.45), 5 detractors (d = 0.125): NPS = 32.5.
    # half-width = 1.96 x 100 x sqrt((0.45 + 0.125 - 0.325^2) / 40) = 1.96 x 100 x 0.108325 = 21.23
    scores = [10] * 18 + [8] * 17 + [3] * 5
    given(store, accounts=[acct("A")], survey_responses=[response(f"R{i}", "A", "nps", s, date(2024, 1, 10)) for i, s in enumerate(scores)])
    [january] = rows(nps(store, start=JAN, end=JAN))
    half = 1.959963984540054 * 100 * math.sqrt((0.45 + 0.125 - 0.325**2) / 40)
    assert january["nps"] == pytest.approx(32.5, abs=1e-9)
    assert (january["nps_low"], january["nps_high"]) == (pytest.approx(32.5 - half, abs=1e-9), pytest.approx(32.5 + half, abs=1e-9))
    assert january["nps_low"] < 32 and 35 < january["nps_high"]


def test_the_nps_interval_stays_within_minus_100_and_100(store):
    # 2 promoters, 1 detractor: NPS 33.33, half-width 1.96 x 100 x sqrt((2/3 + 1/3 - (1/3)^2) / 3) = 106.69
    # -> [33.33 - 106.69, 33.33 + 106.69] = [-73.35, 139.8], the upper end clipped to 100
    given(store, accounts=[acct("A")], survey_responses=[response(f"R{i}", "A", "nps", s, date(2024, 1, 10)) for i, s in enumerate([10, 10, 0])])
    [january] = rows(nps(store, start=JAN, end=JAN))
    half = 1.959963984540054 * 100 * math.sqrt((1 - 1 / 9) / 3)
    assert january["nps_low"] == pytest.approx(100 / 3 - half, abs=1e-9)
    assert january["nps_high"] == 100.0


def test_nps_by_touchpoint_and_an_empty_period(store):
    # Jan: after-ticket 10 -> +100; onboarding 0 -> -100. Feb: no responses.
    given(
        store,
        accounts=[acct("A")],
        survey_responses=[
            response("R1", "A", "nps", 10, date(2024, 1, 3), "ticket"),
            response("R2", "A", "nps", 0, date(2024, 1, 31), "onboarding"),
        ],
    )
    result = rows(nps(store, start=JAN, end=FEB, by="touchpoint"), "period_start", "touchpoint", "nps", "note")
    assert result == [
        {"period_start": JAN, "touchpoint": "onboarding", "nps": -100.0, "note": None},
        {"period_start": JAN, "touchpoint": "ticket", "nps": 100.0, "note": None},
        {"period_start": FEB, "touchpoint": "onboarding", "nps": None, "note": "no responses in the period"},
        {"period_start": FEB, "touchpoint": "ticket", "nps": None, "note": "no responses in the period"},
    ]


def test_a_period_without_responses_has_no_nps_interval(store):
    given(store, accounts=[acct("A")], survey_responses=[response("R1", "A", "nps", 10, date(2024, 1, 3))])
    january, february = rows(nps(store, start=JAN, end=FEB), "nps", "nps_low", "nps_high")
    assert january == {"nps": 100.0, "nps_low": 100.0, "nps_high": 100.0}  # one promoter: p = 1, d = 0, width 0
    assert february == {"nps": None, "nps_low": None, "nps_high": None}


def test_csat_is_the_percent_of_4_and_5_and_the_mean(store):
    # scores 5, 4, 3, 1: 2/4 = 50%; mean 13/4 = 3.25. The CES response is not counted.
    given(
        store,
        accounts=[acct("A")],
        survey_responses=[response(f"R{i}", "A", "csat", s, date(2024, 1, 9)) for i, s in enumerate([5, 4, 3, 1])]
        + [response("X", "A", "ces", 7, date(2024, 1, 9))],
    )
    [january] = rows(csat(store, start=JAN, end=JAN))
    assert (january["responses"], january["csat_pct"], january["csat_mean"]) == (4, 50.0, 3.25)


def test_ces_is_the_mean_effort_and_the_percent_easy_5_to_7(store):
    # scores 7, 5, 4: mean 16/3; easy 2/3 = 66.67%
    given(store, accounts=[acct("A")], survey_responses=[response(f"R{i}", "A", "ces", s, date(2024, 1, 9)) for i, s in enumerate([7, 5, 4])])
    [january] = rows(ces(store, start=JAN, end=JAN))
    assert january["ces_mean"] == pytest.approx(16 / 3, abs=1e-9)
    assert january["easy_pct"] == pytest.approx(200 / 3, abs=1e-9)
