"""`nabd journeys check | list | dry-run` as a person runs them, on a real database."""

from __future__ import annotations

from nabd.store import open_store
from tests.command_line import nabd
from tests.outreach.conftest import DAY, SAVE_JOURNEY, band_change, seed_company


def test_check_accepts_a_good_file_and_refuses_a_bad_one_with_its_line(tmp_path):
    good = tmp_path / "save.yaml"
    good.write_text(SAVE_JOURNEY, encoding="utf-8")
    done = nabd("journeys", "check", str(good))
    assert done.returncode == 0 and "save: 4 steps, holdout 0%" in done.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(SAVE_JOURNEY.replace("{{ account_name }}", "{{ company }}", 1), encoding="utf-8")
    refused = nabd("journeys", "check", str(bad))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"{bad}:9: journeys.0.steps.0.email.subject.en: unknown template variable 'company'" in refused.stderr


def test_list_and_dry_run_show_the_journeys_and_who_would_enter(store_url, tmp_path):
    journeys = tmp_path / "save.yaml"
    journeys.write_text(SAVE_JOURNEY, encoding="utf-8")
    with open_store(store_url) as store:
        seed_company(store)
        band_change(store, "a1", DAY, "unhealthy", 42)
    listed = nabd("journeys", "list", "--file", str(journeys), "--database", store_url)
    assert listed.returncode == 0 and "save" in listed.stdout
    dry = nabd("journeys", "dry-run", "save", "--file", str(journeys), "--as-of", DAY.isoformat(),
               "--database", store_url)
    assert dry.returncode == 0, dry.stderr
    assert "save on 2026-06-01: 1 accounts would enter" in dry.stdout and "Acme Trading" in dry.stdout
    with open_store(store_url) as store:
        assert store.scalar("SELECT count(*) FROM journey_enrolments") == 0  # a dry run writes nothing
    unknown = nabd("journeys", "dry-run", "nope", "--file", str(journeys), "--database", store_url)
    assert unknown.returncode == 1 and "there is no journey 'nope'" in unknown.stderr
