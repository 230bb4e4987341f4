"""The keys that sign web sessions and survey links: never in the database, in a key file only its user reads.

A key is NABD_SECRET_KEY (sessions) or NABD_SURVEY_KEY (survey links) when set; else the database's
key file, made (0600) on first use: ``FILE.duckdb.keys`` beside a DuckDB file, the user's state folder
for PostgreSQL (:func:`nabd.store.places.place_of`); an in-memory database's keys live as long as the
process. :func:`rotate_keys` (`nabd secret rotate`) writes new keys: every session and survey link
signed before stops working, in a running server too (the file is read again when it changes).
Earlier Nabd kept the keys in ``nabd_meta``; opening such a store moves them to the key file and
deletes them from the table (:func:`move_keys_out`), so reading the database gives no key.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from nabd.config import load_settings
from nabd.errors import NabdError
from nabd.store.connection import DatabaseURL, Store, parse_url
from nabd.store.files import PRIVATE_FILE, make_private, private_folder, write_private
from nabd.store.places import place_of

KEY_FILE = "keys"
OLD_META_KEYS = {"web_secret_key": "session", "survey_link_key": "survey"}  # where earlier Nabd kept them

_lock = threading.Lock()
_read: dict[Path, tuple[tuple[int, int, int], SigningKeys]] = {}  # key file -> (its stat, its keys)
_in_memory: dict[DatabaseURL, SigningKeys] = {}


@dataclass(frozen=True)
class SigningKeys:
    """The session key and the survey-link key of one database."""

    session: str
    survey: str


def new_keys() -> SigningKeys:
    return SigningKeys(session=secrets.token_urlsafe(48), survey=secrets.token_urlsafe(32))


def key_file(database_url: str | DatabaseURL) -> Path | None:
    """Where the key file of the database is (None for an in-memory database)."""
    return place_of(database_url, KEY_FILE)


def signing_keys(database_url: str | DatabaseURL) -> SigningKeys:
    """The keys in force for the database: the variables' where set, else the key file's (made if new)."""
    settings = load_settings()
    if settings.secret_key and settings.survey_key:
        return SigningKeys(settings.secret_key, settings.survey_key)
    stored = stored_keys(database_url)
    return SigningKeys(settings.secret_key or stored.session, settings.survey_key or stored.survey)


def stored_keys(database_url: str | DatabaseURL) -> SigningKeys:
    """The keys of the database's key file, made on first use."""
    url = parse_url(database_url) if isinstance(database_url, str) else database_url
    path = key_file(url)
    if path is None:
        with _lock:
            return _in_memory.setdefault(url, new_keys())
    keys = _read_file(path)
    if keys is None:
        _create(path, new_keys())
        keys = _read_file(path)
        if keys is None:
            raise NabdError(f"the key file {path} vanished while Nabd made it")
    return keys


def rotate_keys(database_url: str | DatabaseURL) -> Path:
    """Write new keys to the database's key file (returned): every session and link signed before dies."""
    path = key_file(database_url)
    if path is None:
        raise NabdError("an in-memory database has no key file: its keys die with the process")
    private_folder(path.parent)
    write_private(path, _as_text(new_keys()))
    return path


def move_keys_out(store: Store) -> None:
    """Move keys an earlier Nabd kept in ``nabd_meta`` to the key file (unless it has keys already) and
    delete them from the table."""
    names = list(OLD_META_KEYS)
    rows = dict(store.fetchall("SELECT key, value FROM nabd_meta WHERE key IN (?, ?)", names))
    if not rows:
        return
    path = key_file(store.url)
    if path is not None and _read_file(path) is None:
        made = new_keys()
        kept = {OLD_META_KEYS[name]: value for name, value in rows.items()}
        _create(path, SigningKeys(kept.get("session", made.session), kept.get("survey", made.survey)))
    store.execute("DELETE FROM nabd_meta WHERE key IN (?, ?)", names)


def _as_text(keys: SigningKeys) -> str:
    return json.dumps(asdict(keys), indent=1) + "\n"


def _create(path: Path, keys: SigningKeys) -> None:
    """Write ``keys`` to ``path`` unless another process made it first (then its keys stand)."""
    private_folder(path.parent)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(_as_text(keys))
            file.flush()
            os.fsync(file.fileno())
        os.link(partial, path)  # fails if the file exists: never replaces keys in use
    except FileExistsError:
        pass
    finally:
        partial.unlink(missing_ok=True)


def _read_file(path: Path) -> SigningKeys | None:
    """The keys in ``path`` (read again only when the file changed), None when there is no file."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    if status.st_mode & 0o077:
        make_private(path)  # made by hand, or copied with its mode lost
    stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
    with _lock:
        cached = _read.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        keys = SigningKeys(session=str(document["session"]), survey=str(document["survey"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise NabdError(
            f"the key file {path} cannot be read ({type(error).__name__}): run `nabd secret rotate` to write a new one"
        ) from None
    if not keys.session or not keys.survey:
        raise NabdError(f"the key file {path} holds an empty key: run `nabd secret rotate` to write a new one")
    with _lock:
        _read[path] = (stamp, keys)
    return keys
