"""The morning digest: once a day, each user who asked for it (``digest_preferences``: an e-mail address and/or
a Slack-compatible webhook) gets their risk inbox in a few lines, in their language, through the outbox.

A CSM's digest covers her own accounts, an admin's or a viewer's everyone's: how many warnings and at-risk
accounts the inbox holds (less those snoozed or dismissed), the DIGEST_ITEMS first of them worded with their
numbers, and the user's open and overdue tasks. Each user chooses the hour (``send_hour``, default
DEFAULT_SEND_HOUR, in the company's timezone NABD_TIMEZONE): a daily run before it queues nothing for them, the
first run of the day at or after it queues the digest (``sent_on``), so a server running the pipeline every hour
sends one a day, at the hour asked for.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from nabd.errors import NabdError
from nabd.health.versions import active_scorecard
from nabd.playbooks.inbox import hidden_warnings, inbox_items
from nabd.playbooks.wording import Words, cause_name, reason
from nabd.store import Store
from nabd.store.calendar import local_instant
from nabd.store.clock import utc_now

DIGEST_ITEMS = 5
DEFAULT_SEND_HOUR = 7  # 07:00 in the company's timezone
_WORDS = {
    "subject": {"en": "Nabd: your morning, {day}", "ar": "نبض: صباحك، {day}"},
    "counts": {"en": "Risk inbox: {warnings} warnings, {accounts} at-risk accounts. Tasks: {open} open, {overdue} overdue.",
               "ar": "صندوق المخاطر: {warnings} إنذارات، {accounts} حسابات معرضة للخطر. المهام: {open} مفتوحة، {overdue} متأخرة."},
    "first": {"en": "First in line:", "ar": "في المقدمة:"},
    "nothing": {"en": "Nothing needs you today.", "ar": "لا شيء يحتاجك اليوم."},
    "link": {"en": "Open the inbox: {url}/inbox", "ar": "افتح صندوق المخاطر: {url}/inbox"},
}


def set_digest(
    store: Store, login: str, *, email: str | None, webhook_url: str | None, enabled: bool, send_hour: int | None = None,
) -> None:
    """Where ``login``'s morning digest goes (an e-mail address, a webhook URL, or both), whether it is sent and at
    which hour (0-23 in the company's timezone; None keeps the one set, else DEFAULT_SEND_HOUR)."""
    if send_hour is not None and not 0 <= send_hour <= 23:
        raise NabdError("the digest's hour must be 0 to 23, not %(hour)s", hour=send_hour)
    if email and "@" not in email:
        raise NabdError("e-mail %(email)r is not an address", email=email)
    if webhook_url and not webhook_url.startswith(("http://", "https://")):
        raise NabdError("webhook %(url)r is not an http(s) URL", url=webhook_url)
    with store.transaction():
        before = store.fetchall("SELECT sent_on, send_hour FROM digest_preferences WHERE login = ?", [login])
        sent_on, hour = before[0] if before else (None, None)
        hour = send_hour if send_hour is not None else (DEFAULT_SEND_HOUR if hour is None else hour)
        store.execute("DELETE FROM digest_preferences WHERE login = ?", [login])
        store.execute(
            "INSERT INTO digest_preferences (login, email, webhook_url, enabled, sent_on, send_hour) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [login, email or None, webhook_url or None, enabled, sent_on, hour],
        )


def digest_of(store: Store, login: str) -> dict[str, Any] | None:
    found = store.records(
        "SELECT login, email, webhook_url, enabled, sent_on, coalesce(send_hour, ?) AS send_hour "
        "FROM digest_preferences WHERE login = ?", [DEFAULT_SEND_HOUR, login])
    return found[0] if found else None


def digest_text(
    store: Store, login: str, role: str, language: str, digits: str, today: date, items: list[dict[str, Any]],
    public_url: str | None = None,
) -> tuple[str, str]:
    """(subject, text) of ``login``'s digest in ``language``, from the ranked inbox ``items``."""
    words = Words(language, digits)
    names = {band.id: band.name.model_dump() for band in active_scorecard(store).bands}
    hidden = hidden_warnings(store, today)
    mine = [item for item in items if (role != "csm" or item["csm"] == login)
            and (item["account_id"], item["cause"]) not in hidden]
    tasks = store.fetchall(
        "SELECT count(*), count(*) FILTER (WHERE due_at < ?) FROM tasks WHERE status = 'open' AND owner = ?",
        [utc_now(), login],
    )[0]
    lines = [words.text(_WORDS["counts"]).format(
        warnings=words.number(sum(item["kind"] == "warning" for item in mine)),
        accounts=words.number(sum(item["kind"] == "account" for item in mine)),
        open=words.number(tasks[0]), overdue=words.number(tasks[1]),
    )]
    if mine:
        lines.append(words.text(_WORDS["first"]))
        for item in mine[:DIGEST_ITEMS]:
            evidence = json.loads(item["evidence"]) if item["evidence"] else {"score": item["score"], "band": item["band"]}
            evidence["band_names"] = names
            comma = "، " if words.language == "ar" else ", "
            lines.append(f"- {item['name']}: {cause_name(item['cause'], words)}{comma}{reason(item['cause'], evidence, words)}")
    else:
        lines.append(words.text(_WORDS["nothing"]))
    if public_url:
        lines.append(words.text(_WORDS["link"]).format(url=public_url.rstrip("/")))
    return words.text(_WORDS["subject"]).format(day=words.day(today)), "\n".join(lines)


def queue_digests(
    store: Store, today: date, *, reporting_currency: str = "USD", public_url: str | None = None,
    now: datetime | None = None,
) -> int:
    """Queue today's digest (e-mail and/or webhook) for every user who asked for one, has none yet today and
    whose hour on ``today`` (company timezone) has come by ``now`` (naive UTC, default the clock's); returns how
    many users get one."""
    now = now or utc_now()
    wanted = [user for user in store.records(
        "SELECT d.login, d.email, d.webhook_url, coalesce(d.send_hour, ?) AS send_hour, u.role, u.language, u.digits "
        "FROM digest_preferences d JOIN users u ON u.login = d.login WHERE d.enabled AND u.disabled_at IS NULL "
        "AND (d.sent_on IS NULL OR d.sent_on < ?) AND (d.email IS NOT NULL OR d.webhook_url IS NOT NULL) "
        "ORDER BY d.login", [DEFAULT_SEND_HOUR, today],
    ) if now >= local_instant(today, time(user["send_hour"]))]
    if not wanted:
        return 0
    items = inbox_items(store, today, reporting_currency)
    with store.transaction():
        for user in wanted:
            subject, text = digest_text(store, user["login"], user["role"], user["language"] or "en",
                                        user["digits"] or "latn", today, items, public_url)
            for channel, target in (("email", user["email"]), ("webhook", user["webhook_url"])):
                if target:
                    store.execute(
                        "INSERT INTO outbox (notification_id, channel, target, subject, payload, status, attempts, "
                        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                        [f"digest-{user['login']}-{today.isoformat()}-{channel}", channel, target, subject,
                         json.dumps({"text": f"{subject}\n\n{text}" if channel == "webhook" else text},
                                    ensure_ascii=False), now, now],
                    )
            store.execute("UPDATE digest_preferences SET sent_on = ? WHERE login = ?", [today, user["login"]])
    return len(wanted)
