"""Write keys of the event intake: made by `nabd key add`, sent as the HTTP basic user name.

Only a sha256 hash of each key is stored. A revoked key is refused from the next request:

- on DuckDB only the server writes the database (`nabd key revoke` is handed to it), so it keeps the
  hashes of the keys in use in memory (:class:`WriteKeys`) and reloads them after every revocation
  made in its process, at most every :data:`RELOAD_SECONDS`, and at most once a second when an
  unknown key is presented (a key made while it runs works at once);
- on PostgreSQL another process may revoke a key at any moment, so each request asks the database
  (one indexed look-up, on the intake's own connection).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from nabd.errors import NabdError
from nabd.store import Store
from nabd.store.clock import utc_now

KEY_PREFIX = "nabd_wk_"
RELOAD_SECONDS = 5.0
UNKNOWN_KEY_RELOAD_SECONDS = 1.0

_revocations = 0  # write keys revoked by this process (a server's: every revocation on DuckDB)
_revocations_lock = threading.Lock()


@dataclass(frozen=True)
class WriteKey:
    name: str
    key_start: str
    created_at: datetime
    revoked_at: datetime | None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def add_write_key(store: Store, name: str) -> str:
    """Make a write key called ``name`` and return it (it cannot be shown again)."""
    name = name.strip()
    if not name:
        raise NabdError("a write key needs a name, e.g. `nabd key add web-app`")
    if store.scalar("SELECT count(*) FROM write_keys WHERE name = ? AND revoked_at IS NULL", [name]):
        raise NabdError(f"a write key called {name!r} is already in use: pick another name or revoke it first")
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    store.execute(
        "INSERT INTO write_keys (key_hash, name, key_start, created_at) VALUES (?, ?, ?, ?)",
        [key_hash(key), name, key[: len(KEY_PREFIX) + 4], utc_now()],
    )
    return key


def list_write_keys(store: Store) -> list[WriteKey]:
    """Every write key ever made, oldest first, revoked ones included."""
    rows = store.fetchall(
        "SELECT name, key_start, created_at, revoked_at FROM write_keys ORDER BY created_at, name"
    )
    return [WriteKey(*row) for row in rows]


def revoke_write_key(store: Store, name: str) -> None:
    """Revoke the write key in use called ``name``: requests sending it are refused from then on."""
    if not store.scalar("SELECT count(*) FROM write_keys WHERE name = ? AND revoked_at IS NULL", [name]):
        raise NabdError(f"no write key in use is called {name!r}; `nabd key list` shows them")
    store.execute("UPDATE write_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", [utc_now(), name])
    global _revocations
    with _revocations_lock:
        _revocations += 1  # this process's WriteKeys reload before the next request


def revocations() -> int:
    """How many write keys this process has revoked."""
    return _revocations


def key_from_basic_auth(header: str) -> str | None:
    """The write key of an ``Authorization: Basic base64(key:)`` header (Segment's way), or None."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, _ = decoded.partition(":")
    return user or None


class WriteKeys:
    """The names of the write keys in use, by hash: kept and reloaded from the store (``load``), or
    asked of the database for every request (``look_up``, hash -> name of a key in use, or None)."""

    def __init__(self, load: Callable[[], dict[str, str]],
                 look_up: Callable[[str], str | None] | None = None) -> None:
        self._load = load
        self.look_up = look_up
        self._names: dict[str, str] = {}
        self._loaded_at = float("-inf")
        self._revocations_seen = -1
        self._lock = threading.Lock()

    def name_of(self, key: str) -> str | None:
        """The name of ``key`` if it is a write key in use (as last loaded), else None."""
        return self._names.get(key_hash(key))

    def stale_for(self, key: str) -> bool:
        """Whether to reload (or look up) before trusting :meth:`name_of` for ``key``."""
        if self.look_up is not None or self._revocations_seen != _revocations:
            return True
        age = time.monotonic() - self._loaded_at
        return age > RELOAD_SECONDS or (key_hash(key) not in self._names and age > UNKNOWN_KEY_RELOAD_SECONDS)

    def reload(self) -> None:
        with self._lock:
            seen = _revocations  # before loading: a revocation made meanwhile reloads again
            self._names = self._load()
            self._loaded_at = time.monotonic()
            self._revocations_seen = seen

    def check(self, key: str) -> str | None:
        """The name of ``key`` if it is a write key in use now (looked up, or after a reload)."""
        if self.look_up is not None:
            return self.look_up(key_hash(key))
        self.reload()
        return self.name_of(key)


def keys_in_use(store: Store) -> dict[str, str]:
    """Hash -> name of every write key not revoked."""
    return dict(store.fetchall("SELECT key_hash, name FROM write_keys WHERE revoked_at IS NULL"))


def key_in_use(store: Store, hashed: str) -> str | None:
    """The name of the write key in use whose hash is ``hashed``, else None."""
    return store.scalar("SELECT name FROM write_keys WHERE key_hash = ? AND revoked_at IS NULL", [hashed])
