"""Write keys: made and listed by the CLI, only a hash stored, refused once revoked."""

from __future__ import annotations

import hashlib

import pytest

from nabd.errors import NabdError
from nabd.ingest.intake.keys import add_write_key, list_write_keys, revoke_write_key
from nabd.store import open_store
from tests.command_line import nabd
from tests.ingest.intake.conftest import basic_auth, track


def test_only_a_hash_of_a_write_key_is_stored(store):
    key = add_write_key(store, "web-app")
    stored = store.fetchall("SELECT key_hash, name, key_start FROM write_keys")
    assert stored == [(hashlib.sha256(key.encode()).hexdigest(), "web-app", key[:12])]


def test_a_second_key_in_use_with_the_same_name_is_refused(store):
    add_write_key(store, "web-app")
    with pytest.raises(NabdError, match="already in use"):
        add_write_key(store, "web-app")


def test_a_revoked_key_is_listed_with_its_revocation_time(store):
    add_write_key(store, "web-app")
    revoke_write_key(store, "web-app")
    [listed] = list_write_keys(store)
    assert (listed.name, listed.revoked_at is not None) == ("web-app", True)


def test_the_cli_adds_lists_and_revokes_keys(store_url):
    nabd("init", database=store_url)
    added = nabd("key", "add", "mobile", database=store_url)
    assert added.returncode == 0 and added.stdout.strip().startswith("nabd_wk_")
    assert "in use" in nabd("key", "list", database=store_url).stdout
    revoked = nabd("key", "revoke", "mobile", database=store_url)
    assert revoked.stdout.strip() == "write key mobile is revoked"
    assert "in use" not in nabd("key", "list", database=store_url).stdout


def test_a_revoked_key_is_refused_once_the_server_reloads_its_keys(client):
    assert client.post("/v1/track", json=track("m1")).status_code == 200
    with client.app.state.store_lock:
        revoke_write_key(client.app.state.store, "tests")
    client.app.state.intake.reload_keys()  # the server does this by itself every 5 seconds
    assert client.post("/v1/track", json=track("m2")).status_code == 401


def test_a_key_made_while_the_server_runs_works_at_once(client):
    with client.app.state.store_lock:
        key = add_write_key(client.app.state.store, "late")
    client.app.state.intake.keys._loaded_at -= 2  # an unknown key reloads the keys at most once a second
    assert client.post("/v1/track", json=track("m1"), headers=basic_auth(key)).status_code == 200


def test_a_revoked_key_is_refused_from_the_next_request(client, intake_db):
    assert client.post("/v1/track", json=track("m1")).status_code == 200
    if client.app.state.store.kind == "duckdb":  # the server's own store: a handed-off `nabd key revoke` uses it
        with client.app.state.store_lock:
            revoke_write_key(client.app.state.store, "tests")
    else:  # on PostgreSQL another process may revoke it: here, another connection
        with open_store(intake_db.url) as elsewhere:
            revoke_write_key(elsewhere, "tests")
    assert client.post("/v1/track", json=track("m2")).status_code == 401
