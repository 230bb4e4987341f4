"""Saved scorecard versions and the active one: what `nabd score` and the daily run use without --scorecard."""

import pytest
from tests.health.health_history import AS_OF, BANDS, IDENTITY, custom, customer, given
from tests.health.test_commands import run

from nabd.errors import NabdError
from nabd.health.scoring import run_scoring
from nabd.health.versions import activate, active_scorecard, save_version, scorecard_for, shipped_scorecard, versions
from nabd.pipeline.daily import run_daily
from nabd.store import open_store

SAVED = f"name: saved\nmeasures:\n{custom('m', {'A': 20, 'B': 90}, IDENTITY)}{BANDS}"


def _company(store):
    customer(store, "A", mrr=100)
    customer(store, "B", mrr=300)
    given(store, activity_daily=[("A", "c1", AS_OF, "login", 1, 0.0)])


def test_with_nothing_activated_the_shipped_default_is_active(store):
    assert active_scorecard(store) == shipped_scorecard()
    assert [(row["version"], row["active"]) for row in versions(store)] == [(shipped_scorecard().version, True)]


def test_a_saved_version_once_activated_is_what_scoring_uses(store):
    _company(store)
    card = save_version(store, SAVED, "ana")
    assert active_scorecard(store) == shipped_scorecard()  # saving alone changes nothing
    activate(store, card.version[:6], "ana")
    assert active_scorecard(store).version == card.version
    run_scoring(store, active_scorecard(store), AS_OF)
    rows = store.fetchall("SELECT account_id, score, scorecard, scorecard_version FROM health_scores ORDER BY 1")
    assert rows == [("A", 20, "saved", card.version), ("B", 90, "saved", card.version)]


def test_activating_the_shipped_default_again_goes_back_to_it(store):
    card = save_version(store, SAVED, "ana")
    activate(store, card.version, "ana")
    activate(store, shipped_scorecard().version, "ana")
    assert active_scorecard(store) == shipped_scorecard()
    assert store.scalar("SELECT count(*) FROM scorecard_activations") == 2


def test_a_file_given_on_the_command_line_wins_over_the_active_scorecard(store, tmp_path):
    activate(store, save_version(store, SAVED, "ana").version, "ana")
    path = tmp_path / "other.yaml"
    path.write_text(SAVED.replace("name: saved", "name: other"), encoding="utf-8")
    assert scorecard_for(store, path).name == "other"
    assert scorecard_for(store, None).name == "saved"


def test_an_unknown_or_ambiguous_version_is_a_clear_error(store):
    with pytest.raises(NabdError, match="there is no scorecard version 'abcdef'.*nabd scorecard list"):
        activate(store, "abcdef", "ana")
    with pytest.raises(NabdError, match="there is no scorecard version 'a'"):
        activate(store, "a", "ana")  # fewer than 4 digits never match a prefix


def test_an_invalid_scorecard_is_not_saved(store):
    with pytest.raises(NabdError, match=r"scorecard.yaml:6: measures.0.weight: Input should be greater than 0"):
        save_version(store, SAVED.replace("weight: 1", "weight: -1"), "ana")
    assert store.scalar("SELECT count(*) FROM scorecard_versions") == 0


def test_the_daily_run_scores_with_the_active_scorecard(store):
    _company(store)
    card = save_version(store, SAVED, "ana")
    activate(store, card.version, "ana")
    run_daily(store, AS_OF, notify=False)
    assert store.fetchall("SELECT DISTINCT scorecard_version FROM health_scores") == [(card.version,)]


def test_nabd_scorecard_save_activate_then_score_stores_that_version_and_says_so(store_url, tmp_path):
    with open_store(store_url) as store:
        _company(store)
    path = tmp_path / "saved.yaml"
    path.write_text(SAVED, encoding="utf-8")
    saved = run("scorecard", "save", str(path), "--by", "ana", url=store_url)
    assert saved.returncode == 0, saved.stdout
    version = saved.stdout.split("version ")[1].split(":")[0]
    assert run("scorecard", "activate", version[:8], url=store_url).stdout.strip() == (
        f"active scorecard: saved version {version}"
    )
    listed = run("scorecard", "list", url=store_url).stdout
    assert f"│ * │ {version} │ saved " in listed and "│   │ " + shipped_scorecard().version in listed
    scored = run("score", "--as-of", "2024-06-30", url=store_url)
    assert f"scorecard saved version {version} (the active scorecard)" in scored.stdout
    with open_store(store_url) as store:
        assert store.fetchall("SELECT DISTINCT scorecard_version FROM health_scores") == [(version,)]
    shown = run("scorecard", "show", url=store_url).stdout
    assert shown.startswith(f"# saved version {version} (active)") and "type: custom" in shown
