"""People who use the web app and the API: logins with argon2 password hashes, roles, API tokens.

Roles: ``admin`` may do everything; ``csm`` reads everything and writes only the accounts whose
``accounts.csm`` is their login (and tasks they own); ``viewer`` only reads.

Every session cookie carries its user's session generation, a random value replaced by
:func:`end_sessions` (logging out, a password reset, disabling, a role change), which ends every
session of the user at once. API tokens are listed and revoked one by one; a revoked token stays
revoked whatever happens to its user.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from nabd.errors import NabdError
from nabd.store import Store
from nabd.store.clock import utc_now

Role = Literal["admin", "csm", "viewer"]
ROLES: tuple[str, ...] = ("admin", "csm", "viewer")
LANGUAGES: tuple[str, ...] = ("en", "ar")
DIGITS: tuple[str, ...] = ("latn", "arab")
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MINIMUM_PASSWORD_LENGTH = 8
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=5)
TOKEN_ID_LENGTH = 12  # hex digits of a token's sha256 that name it in lists (nothing to log in with)
TOKEN_USE_PRECISION = timedelta(minutes=1)  # a token's last_used_at is written at most this often

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so the response takes as long either way (hashed on first
    use: an argon2 hash costs every process that imports this module ~0.1 s otherwise)."""
    return _hasher.hash("not a password anyone has")


@dataclass(frozen=True)
class User:
    """A person who can log in."""

    login: str
    role: Role
    language: str = "en"
    digits: str = "latn"

    @property
    def can_write(self) -> bool:
        return self.role != "viewer"


def add_user(
    store: Store, login: str, password: str, role: str, language: str = "en", *, replace: bool = True
) -> User:
    """Create a user; an existing user's password, role and language are reset (and the user enabled),
    unless ``replace`` is False, when an existing login is an error."""
    if not LOGIN_PATTERN.match(login):
        raise NabdError("login %(login)r must be 1-64 letters, digits, '.', '_', '@' or '-'", login=login)
    _check_role(role)
    if language not in LANGUAGES:
        raise NabdError("language %(language)r is not one of %(languages)s", language=language,
                        languages=", ".join(LANGUAGES))
    password_hash = _password_hash(password)
    with store.transaction():
        if store.scalar("SELECT count(*) FROM users WHERE login = ?", [login]):
            if not replace:
                raise NabdError("there is already a user %(login)r: change their role or password instead", login=login)
            if role != "admin":
                _keep_an_admin(store, login)
        store.execute("DELETE FROM users WHERE login = ?", [login])
        store.execute(
            "INSERT INTO users (login, password_hash, role, language, digits, created_at, session_generation) "
            "VALUES (?, ?, ?, ?, 'latn', ?, ?)",
            [login, password_hash, role, language, utc_now(), _new_generation()],
        )
    return User(login, role, language)  # type: ignore[arg-type]


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise NabdError("role %(role)r is not one of %(roles)s", role=role, roles=", ".join(ROLES))


def _password_hash(password: str) -> str:
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        raise NabdError("the password must have at least %(length)s characters", length=MINIMUM_PASSWORD_LENGTH)
    return _hasher.hash(password)


def _existing(store: Store, login: str) -> None:
    if not store.scalar("SELECT count(*) FROM users WHERE login = ?", [login]):
        raise NabdError("there is no user %(login)r", login=login)


def _keep_an_admin(store: Store, login: str) -> None:
    """Refuse a change that would leave no enabled admin other than ``login``'s own role."""
    others = store.scalar(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND login <> ?", [login]
    )
    is_admin = store.scalar(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND login = ?", [login]
    )
    if is_admin and not others:
        raise NabdError("%(login)r is the only enabled admin: make another admin first", login=login)


def list_users(store: Store) -> list[dict]:
    """Every user by login: role, language, digits, created_at and disabled_at (None when enabled)."""
    return store.records(
        "SELECT login, role, language, digits, created_at, disabled_at FROM users ORDER BY login"
    )


def set_role(store: Store, login: str, role: str) -> None:
    """Give ``login`` the role ``role`` (never taking the last enabled admin's)."""
    _check_role(role)
    _existing(store, login)
    if role != "admin":
        _keep_an_admin(store, login)
    store.execute("UPDATE users SET role = ?, session_generation = ? WHERE login = ?", [role, _new_generation(), login])


def set_password(store: Store, login: str, password: str) -> None:
    """Replace ``login``'s password (stored as an argon2 hash); every session of the user ends."""
    _existing(store, login)
    store.execute("UPDATE users SET password_hash = ?, session_generation = ? WHERE login = ?",
                  [_password_hash(password), _new_generation(), login])


def set_disabled(store: Store, login: str, disabled: bool) -> None:
    """Disable ``login`` (no login, no session, no API token works; nothing is deleted; its sessions end
    for good) or enable it again (tokens revoked one by one stay revoked)."""
    _existing(store, login)
    if disabled:
        _keep_an_admin(store, login)
    store.execute("UPDATE users SET disabled_at = ?, session_generation = ? WHERE login = ?",
                  [utc_now() if disabled else None, _new_generation(), login])


def delete_user(store: Store, login: str) -> None:
    """Delete ``login`` and its API tokens (tasks they own keep their owner's name)."""
    _existing(store, login)
    _keep_an_admin(store, login)
    with store.transaction():
        store.execute("DELETE FROM api_tokens WHERE login = ?", [login])
        store.execute("DELETE FROM users WHERE login = ?", [login])


def _new_generation() -> str:
    return secrets.token_urlsafe(16)


def session_generation(store: Store, login: str) -> str:
    """The generation a new session of ``login`` carries (one is made for a user who has none yet)."""
    generation = store.scalar("SELECT session_generation FROM users WHERE login = ?", [login])
    if generation is None:
        end_sessions(store, login)
        generation = store.scalar("SELECT session_generation FROM users WHERE login = ?", [login])
    return generation


def end_sessions(store: Store, login: str) -> None:
    """End every session of ``login`` at once (its cookies name a generation that is no more)."""
    store.execute("UPDATE users SET session_generation = ? WHERE login = ?", [_new_generation(), login])


def session_owner(store: Store, login: str, generation: str | None) -> User | None:
    """The enabled user ``login`` when ``generation`` is still theirs, else None (the session ended)."""
    rows = store.fetchall(
        "SELECT login, role, language, digits FROM users "
        "WHERE login = ? AND disabled_at IS NULL AND session_generation = ?", [login, generation or ""]
    )
    return User(*rows[0]) if rows else None


def find_user(store: Store, login: str) -> User | None:
    """The enabled user with ``login``, or None (also for a disabled user)."""
    rows = store.fetchall(
        "SELECT login, role, language, digits FROM users WHERE login = ? AND disabled_at IS NULL", [login]
    )
    return User(*rows[0]) if rows else None


def authenticate(store: Store, login: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (same work whether or not the login exists)."""
    rows = store.fetchall("SELECT password_hash FROM users WHERE login = ?", [login])
    try:
        _hasher.verify(rows[0][0] if rows else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return find_user(store, login) if rows else None


def set_preferences(store: Store, login: str, language: str, digits: str) -> None:
    """Store the user's language (en/ar) and digits (latn/arab)."""
    if language not in LANGUAGES or digits not in DIGITS:
        raise NabdError(f"language must be one of {LANGUAGES} and digits one of {DIGITS}")
    store.execute("UPDATE users SET language = ?, digits = ? WHERE login = ?", [language, digits, login])


def too_many_failures(store: Store, login: str, client_ip: str) -> bool:
    """True when ``login`` from ``client_ip`` failed LOGIN_FAILURE_LIMIT times within the window."""
    since = utc_now() - LOGIN_FAILURE_WINDOW
    failures = store.scalar(
        "SELECT count(*) FROM login_failures WHERE login = ? AND client_ip = ? AND failed_at > ?",
        [login, client_ip, since],
    )
    return failures >= LOGIN_FAILURE_LIMIT


def record_failure(store: Store, login: str, client_ip: str) -> None:
    """Remember one failed login (and forget failures older than the window)."""
    now = utc_now()
    store.execute("DELETE FROM login_failures WHERE failed_at <= ?", [now - LOGIN_FAILURE_WINDOW])
    store.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [login, client_ip, now])


def add_token(store: Store, login: str, name: str) -> str:
    """Make an API token for ``login``; only its sha256 is stored, so this is the one time it is seen."""
    if find_user(store, login) is None:
        raise NabdError(f"there is no user {login!r}: add one with `nabd user add {login} --role ...`")
    token = "nabd_" + secrets.token_urlsafe(32)
    store.execute(
        "INSERT INTO api_tokens (token_hash, login, name, created_at) VALUES (?, ?, ?, ?)",
        [_token_hash(token), login, name, utc_now()],
    )
    return token


def token_user(store: Store, token: str) -> User | None:
    """The user an API token belongs to, or None for an unknown or revoked token (or a disabled user);
    its last use is noted (at most once a minute, to keep reads from writing on every request)."""
    token_hash = _token_hash(token)
    rows = store.fetchall(
        "SELECT login, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", [token_hash]
    )
    if not rows:
        return None
    user = find_user(store, rows[0][0])
    now = utc_now()
    if user is not None and (rows[0][1] is None or now - rows[0][1] >= TOKEN_USE_PRECISION):
        store.execute("UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?", [now, token_hash])
    return user


def list_tokens(store: Store, login: str | None = None) -> list[dict]:
    """API tokens (of ``login``, else everyone's) by login and creation: token_id (the first
    TOKEN_ID_LENGTH hex digits of its hash, never the token), login, name, created_at, last_used_at, revoked_at."""
    where, params = ("WHERE login = ?", [login]) if login else ("", [])
    return store.records(
        f"SELECT substr(token_hash, 1, {TOKEN_ID_LENGTH}) AS token_id, login, name, created_at, last_used_at, "
        f"revoked_at FROM api_tokens {where} ORDER BY login, created_at, token_hash", params,
    )


def revoke_token(store: Store, token_id: str) -> dict:
    """Revoke the token whose id (see :func:`list_tokens`) is ``token_id``, for good; returns its row."""
    token_id = token_id.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{%d}" % TOKEN_ID_LENGTH, token_id):
        raise NabdError("a token id is the %(length)s hex digits `nabd token list` shows, not %(token_id)r",
                        length=TOKEN_ID_LENGTH, token_id=token_id)
    found = [row for row in list_tokens(store) if row["token_id"] == token_id]
    if not found:
        raise NabdError("there is no API token %(token_id)s (see `nabd token list`)", token_id=token_id)
    store.execute("UPDATE api_tokens SET revoked_at = ? WHERE substr(token_hash, 1, ?) = ? AND revoked_at IS NULL",
                  [utc_now(), TOKEN_ID_LENGTH, token_id])
    return found[0]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
