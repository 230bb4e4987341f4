"""The REST API: bearer tokens, pagination with a next link, filters, JSON errors, the OpenAPI document."""

from datetime import timedelta

from nabd.store.clock import utc_now


def _get(client, path, token, **params):
    return client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})


def test_an_unknown_token_is_refused_with_a_json_error(client, tokens):
    response = _get(client, "/api/v1/accounts", "nabd_not-a-token")
    assert response.status_code == 401
    assert response.json() == {"error": "the API token is not valid"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_accounts_come_in_pages_with_a_next_link_until_the_last(client, tokens):
    first = _get(client, "/api/v1/accounts", tokens["vic"], limit=3).json()
    # 4 accounts by score ascending: a4 30, a1 40, a2 65 | a3 88
    assert [a["account_id"] for a in first["items"]] == ["a4", "a1", "a2"]
    assert first["total"] == 4 and first["next"].endswith("limit=3&offset=3")
    last = client.get(first["next"], headers={"Authorization": f"Bearer {tokens['vic']}"}).json()
    assert [a["account_id"] for a in last["items"]] == ["a3"] and last["next"] is None


def test_accounts_filter_by_band_colour_and_carry_mrr_and_trend(client, tokens):
    red = _get(client, "/api/v1/accounts", tokens["ana"], band="red", sort="mrr", order="desc").json()
    # a1: 100 USD, trend 40 - 45 = -5; a4: 50 + 25 = 75 USD, one score so no trend
    assert [(a["account_id"], a["mrr"], a["trend"]) for a in red["items"]] == [
        ("a1", "100.0000", -5), ("a4", "75.0000", None)
    ]


def test_accounts_filter_by_csm_and_name(client, tokens):
    found = _get(client, "/api/v1/accounts", tokens["ana"], csm="carla", q="cedar").json()
    assert [a["name"] for a in found["items"]] == ["Cedar Labs"]


def test_a_limit_out_of_range_is_a_422_json_error_naming_the_parameter(client, tokens):
    response = _get(client, "/api/v1/accounts", tokens["ana"], limit=0)
    assert response.status_code == 422
    assert response.json()["error"].startswith("limit:")


def test_an_unknown_account_is_a_404_json_error(client, tokens):
    response = _get(client, "/api/v1/accounts/zz", tokens["ana"])
    assert response.status_code == 404 and response.json() == {"error": "there is no account zz"}


def test_an_account_has_its_score_history_and_band_action(client, tokens):
    health = _get(client, "/api/v1/accounts/a1", tokens["ana"]).json()
    assert [s["score"] for s in health["history"]] == [45, 40]
    assert health["latest"]["band"] == "unhealthy" and health["explanation"] is None  # scorecard 'v1' unknown
    assert health["action"]["en"].startswith("offer a discount")


def test_health_scores_list_the_lowest_first(client, tokens):
    scores = _get(client, "/api/v1/health-scores", tokens["vic"], band="green").json()
    assert [(s["account_id"], s["score"]) for s in scores["items"]] == [("a3", 88)]


def test_a_csm_creates_and_closes_a_task_through_the_api(client, tokens):
    headers = {"Authorization": f"Bearer {tokens['carla']}"}
    created = client.post("/api/v1/tasks", json={"account_id": "a3", "title": "Renewal call"}, headers=headers)
    assert created.status_code == 201 and created.json()["owner"] == "carla"
    task_id = created.json()["task_id"]
    closed = client.patch(f"/api/v1/tasks/{task_id}", json={"status": "done", "outcome": "renewed"}, headers=headers)
    assert closed.json()["status"] == "done" and closed.json()["outcome"] == "renewed"
    assert closed.json()["closed_at"] is not None


def test_a_csm_cannot_create_a_task_on_another_csms_account_through_the_api(client, tokens):
    response = client.post("/api/v1/tasks", json={"account_id": "a2", "title": "x"},
                           headers={"Authorization": f"Bearer {tokens['carla']}"})
    assert response.status_code == 403 and "error" in response.json()


def test_tasks_filter_by_owner(client, tokens):
    listed = _get(client, "/api/v1/tasks", tokens["vic"], owner="dan").json()
    assert [t["task_id"] for t in listed["items"]] == ["k2"] and listed["total"] == 1


def test_an_invalid_scorecard_is_refused_with_its_line_and_field(client, tokens):
    response = client.put("/api/v1/scorecards/default", json={"yaml": "name: broken\nmeasures: []\nbands: []\n"},
                          headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert response.status_code == 422
    assert "default.yaml:2: measures:" in response.json()["error"]


def test_the_openapi_document_needs_a_token_and_lists_the_api(client, tokens):
    assert client.get("/api/v1/openapi.json").status_code == 401
    document = _get(client, "/api/v1/openapi.json", tokens["vic"]).json()
    assert {"/api/v1/accounts", "/api/v1/tasks", "/api/v1/scorecards", "/api/v1/metrics"} <= set(document["paths"])
    assert not any(path.startswith("/portfolio") for path in document["paths"])


def test_closing_a_task_through_the_api_needs_an_outcome(client, tokens):
    headers = {"Authorization": f"Bearer {tokens['ana']}"}
    refused = client.patch("/api/v1/tasks/k1", json={"status": "done"}, headers=headers)
    assert refused.status_code == 400 and "outcome" in refused.json()["error"]
    assert client.app.state.store.scalar("SELECT status FROM tasks WHERE task_id = 'k1'") == "open"


def test_the_api_task_list_is_the_cli_s_with_account_name_and_overdue_first(client, tokens):
    with client.app.state.store_lock:
        client.app.state.store.execute(
            "UPDATE tasks SET due_at = ? WHERE task_id = 'k2'", [utc_now() - timedelta(days=2)]
        )
    listed = _get(client, "/api/v1/tasks", tokens["ana"]).json()
    assert [(t["task_id"], t["account_name"], t["overdue"]) for t in listed["items"]] == [
        ("k2", "Beta Foods", True), ("k1", "Acme Trading", False),
    ]
    assert listed["total"] == 2


def test_a_task_made_through_the_api_comes_back_with_its_account_name(client, tokens):
    created = client.post("/api/v1/tasks", json={"account_id": "a3", "title": "Renewal call", "due_at": "2020-01-02"},
                          headers={"Authorization": f"Bearer {tokens['ana']}"}).json()
    assert (created["account_name"], created["overdue"], created["due_at"]) == ("Cedar Labs", True, "2020-01-02T00:00:00Z")


def test_metrics_answer_in_the_reporting_currency_like_the_dashboard(client, tokens, monkeypatch):
    monkeypatch.setenv("NABD_REPORTING_CURRENCY", "SAR")
    with client.app.state.store_lock:
        client.app.state.store.execute("INSERT INTO currency_rates VALUES ('USD', DATE '2000-01-01', 3.75)")
    figures = _get(client, "/api/v1/metrics", tokens["vic"], months=2).json()
    # MRR 100 + 250 + 400 + 75 = 825 USD at 3.75 SAR per USD
    assert figures["currency"] == "SAR"
    assert float(figures["movements"][-1]["closing_mrr"]) == 825 * 3.75
