"""The API docs load Swagger UI from our own static files, allowed by our CSP."""

from django.urls import reverse


def test_api_docs_served_locally(client, db):
    response = client.get("/api/v1/docs")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in page
    assert 'src="/static/ninja/swagger-ui-init.js"' in page
    # Nothing from another host (the page's random CSRF token can hold any letters, so look for
    # addresses, not the word "cdn").
    assert "//cdn" not in page.lower()
    assert 'src="http' not in page and 'href="http' not in page
    assert '"validatorUrl": null' in page
    # No inline script runs: the settings are a JSON data block.
    assert "<script>" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_api_docs_in_welsh(client, db):
    client.get(reverse("set_language", args=["cy"]) + "?next=/")
    page = client.get("/api/v1/docs").content.decode()
    assert '<html lang="cy">' in page
    assert "<title>API coproduce</title>" in page
