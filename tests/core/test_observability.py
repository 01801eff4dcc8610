"""Request ids in responses and log lines; JSON log lines; optional error reporting."""

import importlib.util
import json
import logging

import pytest

from coproduce.core import observability


def test_request_id_generated_and_returned(client, db):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


def test_request_id_from_proxy_kept(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-0af3.1"})
    assert response["X-Request-ID"] == "nginx-0af3.1"


def test_request_id_unsafe_replaced(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": 'x" injected=1'})
    assert response["X-Request-ID"] != 'x" injected=1'
    assert len(response["X-Request-ID"]) == 32


def test_json_formatter_line_has_request_id():
    record = logging.LogRecord("coproduce.test", logging.ERROR, __file__, 1, "boom %s", (1,), None)
    token = observability._request_id.set("abc123")
    try:
        observability.RequestIdFilter().filter(record)
    finally:
        observability._request_id.reset(token)
    line = json.loads(observability.JsonFormatter().format(record))
    assert {k: line[k] for k in ("level", "logger", "message", "request_id")} == {
        "level": "ERROR",
        "logger": "coproduce.test",
        "message": "boom 1",
        "request_id": "abc123",
    }


@pytest.mark.skipif(
    importlib.util.find_spec("sentry_sdk") is not None, reason="sentry-sdk is installed"
)
def test_error_reporting_without_extra_says_install_it():
    with pytest.raises(RuntimeError) as exc:
        observability.init_error_reporting(
            "https://k@example.invalid/1", environment="t", release="r"
        )
    assert str(exc.value) == (
        "SENTRY_DSN is set but sentry-sdk is not installed: pip install 'coproduce[sentry]'."
    )
