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


def test_an_admin_lists_everyones_tasks_fifty_a_page(client):  # noqa: F811
    store = client.app.state.store
    with client.app.state.store_lock:
        for number in range(55):
            store.execute(
                "INSERT INTO tasks (task_id, account_id, title, owner, status, created_at) "
                "VALUES (?, 'a3', ?, 'carla', 'open', ?)", [f"m{number:02d}", f"Task {number}", utc_now()])
    log_in(client, "ana")
    first = client.get("/tasks").text
    assert "Tasks: 57" in first and "Page 1 of 2" in first and "Send the survey" in first  # dan's too
    assert first.count('class="close-task"') == 50
    assert client.get("/tasks", params={"page": 2}).text.count('class="close-task"') == 7
    assert client.get("/tasks", params={"owner": "dan"}).text.count('class="close-task"') == 1


def test_a_playbook_task_reads_in_the_readers_language(client):  # noqa: F811
    import json
    with client.app.state.store_lock:
        client.app.state.store.execute(
            "INSERT INTO tasks (task_id, account_id, playbook, title, owner, status, created_at, cause, evidence, wording) "
            "VALUES ('p1', 'a1', 'renewal_review', 'Renewal review for Acme Trading: renews on 5 Jan 2027', 'carla', "
            "'open', ?, 'renewal', ?, ?)",
            [utc_now(), json.dumps({"account_name": "Acme Trading", "renewal_date": "2027-01-05"}),
             json.dumps({"en": "Renewal review for {account_name}: {reason}", "ar": "مراجعة تجديد {account_name}: {reason}"})],
        )
    log_in(client, "carla")
    assert "Renewal review for Acme Trading: renews on 5 Jan 2027" in client.get("/tasks").text
    client.post("/preferences", data={"language": "ar", "csrf_token": page_csrf(client)})
    assert "مراجعة تجديد Acme Trading: يتجدد في 5 يناير 2027" in client.get("/tasks").text
