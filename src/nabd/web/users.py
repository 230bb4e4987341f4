"""People who use the web app and the API: logins with argon2 password hashes, roles, API tokens.

Roles: ``admin`` may do everything; ``csm`` reads everything and writes only the accounts whose
``accounts.csm`` is their login (and tasks they own); ``viewer`` only reads.
"""

from __future__ import annotations

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

_hasher = PasswordHasher()
# Verifying against this when the login is unknown keeps the response time the same either way.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


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
            "INSERT INTO users (login, password_hash, role, language, digits, created_at) "
            "VALUES (?, ?, ?, ?, 'latn', ?)",
            [login, password_hash, role, language, utc_now()],
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
    store.execute("UPDATE users SET role = ? WHERE login = ?", [role, login])


def set_password(store: Store, login: str, password: str) -> None:
    """Replace ``login``'s password (stored as an argon2 hash)."""
    _existing(store, login)
    store.execute("UPDATE users SET password_hash = ? WHERE login = ?", [_password_hash(password), login])


def set_disabled(store: Store, login: str, disabled: bool) -> None:
    """Disable ``login`` (no login, no session, no API token works; nothing is deleted) or enable it again."""
    _existing(store, login)
    if disabled:
        _keep_an_admin(store, login)
    store.execute("UPDATE users SET disabled_at = ? WHERE login = ?", [utc_now() if disabled else None, login])


def delete_user(store: Store, login: str) -> None:
    """Delete ``login`` and its API tokens (tasks they own keep their owner's name)."""
    _existing(store, login)
    _keep_an_admin(store, login)
    with store.transaction():
        store.execute("DELETE FROM api_tokens WHERE login = ?", [login])
        store.execute("DELETE FROM users WHERE login = ?", [login])


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
        _hasher.verify(rows[0][0] if rows else _DUMMY_HASH, password)
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
    """The user an API token belongs to, or None for an unknown token."""
    rows = store.fetchall("SELECT login FROM api_tokens WHERE token_hash = ?", [_token_hash(token)])
    return find_user(store, rows[0][0]) if rows else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
