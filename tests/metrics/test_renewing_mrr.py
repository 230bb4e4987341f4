"""The MRR renewing at each account's next renewal (metrics.active.renewing_mrr), in the reporting currency."""

from datetime import date
from decimal import Decimal

from nabd.metrics.active import renewing_mrr

DAY = date(2026, 3, 1)


def test_the_next_renewal_carries_the_mrr_of_the_periods_renewing_then(store):
    # x renews on 03-11 two periods: 100 USD and 50 EUR at 1.1 USD = 155 USD; its 30 USD period renews later.
    # y's yearly term (2025-02-01 -> 2026-02-01) renewed on 02-01: it renews next on 2027-02-01 with its 70 USD.
    # z ended before the day: not a customer then.
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('x', 'X'), ('y', 'Y'), ('z', 'Z')")
    store.execute("INSERT INTO currency_rates VALUES ('EUR', '2026-01-01', 1.1)")
    store.execute(
        "INSERT INTO subscriptions VALUES "
        "('p1', 'x', 'core', 100, 'USD', 1, '2025-03-11', NULL, '2026-03-11'), "
        "('p2', 'x', 'addon', 50, 'EUR', 1, '2025-03-11', NULL, '2026-03-11'), "
        "('p3', 'x', 'seats', 30, 'USD', 1, '2025-04-10', NULL, '2026-04-10'), "
        "('p4', 'y', 'core', 70, 'USD', 1, '2025-02-01', NULL, '2026-02-01'), "
        "('p5', 'z', 'core', 90, 'USD', 1, '2025-01-01', '2026-02-15', '2026-03-20')"
    )
    rows = renewing_mrr(store, DAY, "USD").to_pyarrow().to_pylist()
    assert sorted(rows, key=lambda row: row["account_id"]) == [
        {"account_id": "x", "renewal_date": date(2026, 3, 11), "renewal_mrr": Decimal("155.0000")},
        {"account_id": "y", "renewal_date": date(2027, 2, 1), "renewal_mrr": Decimal("70.0000")},
    ]
