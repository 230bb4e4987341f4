"""The "My tasks" page: each user sees their own tasks, overdue flagged, closed with an outcome.

Uses the web tests' company: task k1 (Acme Trading, owner carla) and k2 (Beta Foods, owner dan).
"""

from datetime import timedelta

from nabd.store.clock import utc_now
from tests.web.conftest import client, company_url, log_in, page_csrf  # noqa: F401 - fixtures


def test_a_csm_sees_only_their_tasks_with_the_overdue_ones_flagged(client):  # noqa: F811
    client.app.state.store.execute(
        "INSERT INTO tasks (task_id, account_id, playbook, title, owner, due_at, status, created_at) "
        "VALUES ('k9', 'a3', 'red_save', 'Call Cedar', 'carla', ?, 'open', ?)",
        [utc_now() - timedelta(days=2), utc_now()],
    )
    log_in(client, "carla")
    page = client.get("/tasks").text
    assert "Call the sponsor" in page and "Call Cedar" in page and "Send the survey" not in page
    assert "Overdue tasks: 1" in page and '<tr class="overdue">' in page


def test_closing_a_task_from_the_page_keeps_its_outcome(client):  # noqa: F811
    log_in(client, "carla")
    answer = client.post(
        "/tasks/k1/outcome", data={"status": "done", "outcome": "sponsor called", "csrf_token": page_csrf(client, "/tasks")},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/tasks"
    assert client.app.state.store.fetchall("SELECT status, outcome FROM tasks WHERE task_id = 'k1'") == [
        ("done", "sponsor called")
    ]
    assert "sponsor called" in client.get("/tasks?status=done").text


def test_a_csm_cannot_close_another_csms_task(client):  # noqa: F811
    log_in(client, "carla")
    answer = client.post(
        "/tasks/k2/outcome", data={"status": "dismissed", "outcome": "x", "csrf_token": page_csrf(client, "/tasks")},
    )
    assert answer.status_code == 403
    assert client.app.state.store.scalar("SELECT status FROM tasks WHERE task_id = 'k2'") == "open"


def test_the_page_speaks_arabic(client):  # noqa: F811
    log_in(client, "carla")
    client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(client)})
    assert "مهامي" in client.get("/tasks").text
