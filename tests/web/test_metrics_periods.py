"""/api/v1/metrics and the dashboard show only complete months: the month in progress is left out."""

from datetime import date, timedelta

from nabd.store.calendar import today


def test_the_api_metrics_end_with_the_last_complete_month(client, tokens):
    answer = client.get("/api/v1/metrics", headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    this_month = today().replace(day=1)
    assert found["end"] == (this_month - timedelta(days=1)).isoformat()
    starts = [date.fromisoformat(row["next_start"]) for name in ("churn", "revenue", "nps") for row in found[name]]
    assert starts and max(starts) == this_month
