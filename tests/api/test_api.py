def test_api_projects_requires_sign_in(client, db):
    response = client.get("/api/v1/projects")
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first."}


def test_api_projects_lists_visible(world, client_for):
    response = client_for(world["member"]).get("/api/v1/projects")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["title"] == "Diabetes clinic"
    assert body["items"][0]["organisations"][0]["name"] == "Dyffryn Teg Health Board"


def test_api_project_forbidden_and_missing(world, client_for):
    client = client_for(world["outsider"])
    response = client.get(f"/api/v1/projects/{world['project'].pk}")
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You cannot see this project."},
    )
    response = client.get("/api/v1/projects/999999")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_api_bad_parameter_is_422(world, client_for):
    response = client_for(world["member"]).get("/api/v1/projects/not-a-number")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "project_id"


def test_api_openapi_documents_errors(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    responses = spec["paths"]["/api/v1/projects/{project_id}"]["get"]["responses"]
    assert sorted(responses) == ["200", "401", "403", "404", "422"]
