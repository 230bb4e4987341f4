"""Small hand-built histories for the health tests: literal rows inserted with SQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from nabd.health.scorecard import parse_scorecard
from nabd.ingest.activity import record_event_types

AS_OF = date(2024, 6, 30)


def given(store, **rows):
    """Insert literal rows: given(store, accounts=[(...), ...], tickets=[...])."""
    for table, values in rows.items():
        for row in values:
            marks = ", ".join("?" for _ in row)
            store.execute(f"INSERT INTO {table} VALUES ({marks})", list(row))
    if "activity_daily" in rows:  # as ingest does with each batch of events
        record_event_types(store, "SELECT event_type, day FROM activity_daily")


def account(account_id, segment="SMB", csm="csm.a"):
    return (account_id, account_id, segment, "basic", csm, "SA", "ar", None, "active")


def period(sid, account_id, mrr=100, start=date(2024, 1, 1), end=None, quantity=10, renewal=None, product="core"):
    return (sid, account_id, product, Decimal(mrr), "USD", quantity, start, end, renewal)


def customer(store, account_id, segment="SMB", csm="csm.a", mrr=100, quantity=10):
    """An account with one open subscription period since 2024-01-01."""
    given(store, accounts=[account(account_id, segment, csm)],
          subscriptions=[period(f"S-{account_id}", account_id, mrr, quantity=quantity)])


def activity(account_id, contact, day, event_type, events=1, value=0.0):
    return (account_id, contact, day, event_type, events, value)


def ticket(tid, account_id, opened, closed=None, csat=None):
    return (tid, account_id, opened, None, closed, "normal", "billing", csat, "s", "b")


def invoice(iid, account_id, issued, due, paid=None, amount=100):
    return (iid, account_id, Decimal(amount), "USD", issued, due, paid)


def response(rid, account_id, score, at, kind="nps"):
    return (rid, account_id, None, kind, score, None, "en", "after_ticket", at)


def ts(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


BANDS = """
bands:
  - {id: unhealthy, name: {en: unhealthy, ar: غير صحي}, range: [0, 50], colour: red,
     colour_name: {en: red, ar: أحمر}, action: {en: call them, ar: اتصل}}
  - {id: neutral, name: {en: neutral, ar: حيادي}, range: [51, 79], colour: yellow,
     colour_name: {en: yellow, ar: أصفر}, action: {en: send a survey, ar: أرسل الاستبيان}}
  - {id: healthy, name: {en: healthy, ar: صحي}, range: [80, 100], colour: green,
     colour_name: {en: green, ar: أخضر}, action: {en: upsell, ar: تواصل مع المبيعات}}
"""


IDENTITY = "{kind: piecewise, points: [[0, 0], [100, 100]]}"  # the score is the raw value


def sql_scorecard(sql: str):
    """A scorecard of one custom measure ``m`` whose raw value (and score) is ``sql``'s value; :as_of in it
    is each run's date, so one scorecard can score differently on each day."""
    return scorecard(
        f"  - {{id: m, type: custom, name: {{en: m, ar: م}}, weight: 1, params: {{sql: \"{sql}\"}}, rule: {IDENTITY}}}\n"
    )


def scorecard(measures: str, extra: str = ""):
    """A scorecard of the given measures YAML (indented list items) with the seed bands."""
    return parse_scorecard(f"name: test\nmeasures:\n{measures}\n{extra}\n{BANDS}", "test.yaml")


def measure(mid, mtype, rule, weight=1, window=30, unit="count", params=""):
    """One measure as a YAML list item."""
    extra = f", {params}" if params else ""
    return (
        f"  - {{id: {mid}, type: {mtype}, name: {{en: {mid.replace('_', ' ')}, ar: مقياس}}, unit: {unit}, "
        f"weight: {weight}, params: {{window_days: {window}{extra}}}, rule: {rule}}}\n"
    )


def fixed(values: dict[str, float | None]) -> str:
    """SQL of a custom measure giving each named account a literal value (others null)."""
    cases = " ".join(
        f"WHEN '{account}' THEN {'NULL' if value is None else repr(float(value))}" for account, value in values.items()
    )
    return f"SELECT account_id, CAST(CASE account_id {cases} END AS DOUBLE PRECISION) AS value FROM accounts"


def custom(mid, values, rule, weight=1):
    """A custom measure item with literal values per account."""
    return (
        f"  - id: {mid}\n    type: custom\n    name: {{en: {mid}, ar: مقياس}}\n    weight: {weight}\n"
        f"    params: {{sql: \"{fixed(values)}\"}}\n    rule: {rule}\n"
    )


def scores_by_account(store, card, as_of=AS_OF):
    """{account_id: row of nabd.health.scoring.scored} for the scorecard on as_of."""
    from nabd.health.scoring import scored

    return {row["account_id"]: row for row in scored(store, card, as_of).to_pyarrow().to_pylist()}
