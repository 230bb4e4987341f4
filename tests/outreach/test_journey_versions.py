"""Journeys edited on the web (nabd.outreach.journey_versions), on DuckDB and PostgreSQL: the newest saved
version is the one source at run time, a bad edit is refused with its line and field and saves nothing, ids
never change, and every save is audited (who, when, what)."""

from __future__ import annotations

from datetime import datetime

import pytest

from nabd.errors import NabdError
from nabd.outreach.advance import advance_journeys
from nabd.outreach.journey import load_journeys
from nabd.outreach.journey_versions import (
    journey_history,
    journey_yaml,
    journeys_in_force,
    save_journey,
    set_enabled,
)
from tests.outreach.conftest import BASE_URL, DAY, NOW, band_change

SHIPPED = load_journeys()


def _red_band_save_text() -> str:
    return journey_yaml(SHIPPED.journey("red_band_save"))


def test_the_shipped_journeys_are_in_force_until_a_save(store):
    assert journeys_in_force(store) == SHIPPED
    save_journey(store, _red_band_save_text().replace("holdout: 0.1", "holdout: 0.2"), "ana", "red_band_save", NOW)
    in_force = journeys_in_force(store)
    assert in_force.journey("red_band_save").holdout == 0.2
    assert [j.id for j in in_force.journeys] == [j.id for j in SHIPPED.journeys]  # the others as they were


def test_a_disabled_journey_enrols_no_one_in_the_daily_run(company):
    set_enabled(company, "red_band_save", False, "ana", NOW)
    band_change(company, "a1", DAY, "unhealthy", 42)
    run = advance_journeys(company, DAY, base_url=BASE_URL, sender="cs@nabd.test", now=NOW)
    assert "red_band_save" not in run.entered
    assert company.scalar("SELECT count(*) FROM journey_enrolments") == 0
    set_enabled(company, "red_band_save", True, "ana", NOW)
    assert advance_journeys(company, DAY, base_url=BASE_URL, sender="cs@nabd.test", now=NOW).entered[
        "red_band_save"] == 1


def test_an_edit_with_an_unknown_condition_is_refused_with_its_line_and_saves_nothing(store):
    text = _red_band_save_text().replace("if: score_rose", "if: bought_a_boat")
    line = text.splitlines().index("    if: bought_a_boat") + 1
    with pytest.raises(NabdError, match=rf"^journey.yaml:{line}: steps.2.branch.if: Input should be 'answered'"):
        save_journey(store, text, "ana", "red_band_save", NOW)
    assert store.scalar("SELECT count(*) FROM journey_versions") == 0


def test_a_new_journey_needs_a_new_id_and_an_edit_keeps_its_id(store):
    with pytest.raises(NabdError, match=r"journey.yaml:1: id: there is a journey 'red_band_save' already"):
        save_journey(store, _red_band_save_text(), "ana", None, NOW)
    with pytest.raises(NabdError, match=r"journey.yaml:1: id: a journey's id cannot change"):
        save_journey(store, _red_band_save_text().replace("id: red_band_save", "id: red_two"), "ana",
                     "red_band_save", NOW)
    created = save_journey(store, _red_band_save_text().replace("id: red_band_save", "id: red_two"), "ana", None, NOW)
    assert journeys_in_force(store).journeys[-1] == created


def test_every_save_is_audited_with_who_when_and_what(store):
    save_journey(store, _red_band_save_text().replace("days: 7", "days: 5"), "ana", "red_band_save",
                 datetime(2026, 6, 1, 9))
    set_enabled(store, "welcome", False, "root", datetime(2026, 6, 2, 9))
    assert [(r["journey"], r["action"], r["saved_by"], r["saved_at"]) for r in journey_history(store)] == [
        ("welcome", "disabled", "root", datetime(2026, 6, 2, 9)),
        ("red_band_save", "edited", "ana", datetime(2026, 6, 1, 9))]
    assert [r["action"] for r in journey_history(store, "red_band_save")] == ["edited"]
