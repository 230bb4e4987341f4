"""The signing keys of sessions and survey links: in a key file or the environment, never in the database."""

from __future__ import annotations

import json

import pytest

from nabd.errors import NabdError
from nabd.store import open_store
from nabd.store.signing import key_file, rotate_keys, signing_keys


def test_keys_are_made_on_first_use_and_kept_in_the_key_file(store_url):
    first = signing_keys(store_url)
    assert first.session and first.survey and first.session != first.survey
    assert json.loads(key_file(store_url).read_text()) == {"session": first.session, "survey": first.survey}
    assert signing_keys(store_url) == first


def test_the_database_holds_no_key(store):
    keys = signing_keys(store.url)
    stored = [value for (value,) in store.fetchall("SELECT value FROM nabd_meta")]
    assert keys.session not in stored and keys.survey not in stored


def test_the_environment_variables_take_precedence_over_the_key_file(store_url, monkeypatch):
    monkeypatch.setenv("NABD_SECRET_KEY", "session-from-the-environment")
    keys = signing_keys(store_url)
    assert keys.session == "session-from-the-environment"
    assert keys.survey == json.loads(key_file(store_url).read_text())["survey"]


def test_with_both_variables_set_no_key_file_is_made(tmp_path, monkeypatch):
    monkeypatch.setenv("NABD_SECRET_KEY", "s1")
    monkeypatch.setenv("NABD_SURVEY_KEY", "s2")
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    assert (signing_keys(url).session, signing_keys(url).survey) == ("s1", "s2")
    assert not key_file(url).exists()


def test_rotating_replaces_both_keys(store_url):
    before = signing_keys(store_url)
    rotate_keys(store_url)
    after = signing_keys(store_url)
    assert after.session != before.session and after.survey != before.survey


def test_keys_an_earlier_nabd_kept_in_the_database_move_to_the_key_file(store_url):
    with open_store(store_url) as store:
        store.execute("INSERT INTO nabd_meta (key, value) VALUES ('web_secret_key', 'old-session'), "
                      "('survey_link_key', 'old-survey')")
    with open_store(store_url) as store:
        assert store.scalar("SELECT count(*) FROM nabd_meta WHERE key IN ('web_secret_key', 'survey_link_key')") == 0
    keys = signing_keys(store_url)
    assert (keys.session, keys.survey) == ("old-session", "old-survey")  # sessions and links sent survive the upgrade


def test_a_key_file_already_there_wins_over_keys_left_in_the_database(store_url):
    kept = signing_keys(store_url)
    with open_store(store_url) as store:
        store.execute("INSERT INTO nabd_meta (key, value) VALUES ('web_secret_key', 'stale')")
    open_store(store_url).close()
    assert signing_keys(store_url) == kept


def test_a_damaged_key_file_is_one_clear_error(tmp_path):
    url = f"duckdb:///{tmp_path / 'nabd.duckdb'}"
    key_file(url).write_text("not json")
    with pytest.raises(NabdError, match="nabd secret rotate"):
        signing_keys(url)
