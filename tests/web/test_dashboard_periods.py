"""The dashboard pairs its tables by month, never by list position: a month one table lacks shows empty cells."""

import re
from datetime import date

from tests.web.conftest import log_in

from nabd.store.clock import utc_now
from nabd.web.read import dashboard as dashboards

MONTHS = 3


def _churn(day: date, rate: float) -> dict:
    return {"period_start": day, "customers_start": 10, "customers_lost": 1, "churn_rate": rate}


def test_joining_by_period_keeps_each_month_with_its_own_rows():
    shown = {"churn": [_churn(date(2026, 1, 1), 0.1), _churn(date(2026, 2, 1), 0.2)],
             "revenue": [{"period_start": date(2026, 2, 1), "grr": 0.9, "nrr": 1.1}]}
    assert dashboards.by_period(shown, "churn", "revenue") == [
        {"period_start": date(2026, 1, 1), "churn": shown["churn"][0], "revenue": {}},
        {"period_start": date(2026, 2, 1), "churn": shown["churn"][1], "revenue": shown["revenue"][0]},
    ]


def test_a_month_missing_from_revenue_leaves_its_retention_cells_empty_and_the_others_in_their_month(client):
    log_in(client, "ana")
    today = utc_now().date()
    with client.app.state.store_lock:
        key = dashboards.dashboard_key(client.app.state.store, today, MONTHS, None, "USD")
    figures = dashboards.empty_dashboard(today, MONTHS, "USD")
    first, second, third = [_churn(day, rate) for day, rate in zip(_months(figures["start"]), (0.1, 0.2, 0.3),
                                                                    strict=True)]
    figures["churn"] = [first, second, third]
    figures["revenue"] = [{"period_start": second["period_start"], "grr": 0.92, "nrr": 1.05},
                          {"period_start": third["period_start"], "grr": 0.83, "nrr": 0.97}]
    dashboards.keep_dashboards({key: figures})
    page = client.get("/dashboard", params={"months": MONTHS}).text
    table = page[page.index('id="churn-title"'):page.index("</table>", page.index('id="churn-title"'))]
    rows = [re.findall(r'<td class="num">([^<]*)</td>', row) for row in re.findall(r"<tr><td>.*?</tr>", table)]
    assert [row[2:] for row in rows] == [["10.0%", "–", "–"], ["20.0%", "92.0%", "105.0%"],
                                         ["30.0%", "83.0%", "97.0%"]]


def _months(start: date) -> list[date]:
    """The first days of the MONTHS months from ``start``."""
    return [date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(MONTHS)]
