"""Logs an operator can search, and optional error reporting.

Every request gets an id (the proxy's X-Request-ID when it sends a sensible one, otherwise a new
one), returned in the response's X-Request-ID header and added to every log line written while
the request runs; gunicorn's access log carries the same header (coproduce.cli), so one id ties
the proxy's log, the access log and an error's traceback together. Lines are JSON, one object a
line, outside the demo (LOG_FORMAT=text for people reading a terminal).
"""

import contextvars
import json
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only when it looks like one: it goes into every log line, so anything
# longer or stranger (a log-injection attempt) is replaced by our own.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id = contextvars.ContextVar("coproduce_request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a dash outside a request: the worker, commands)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, level: str, json_lines: bool) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "json" if json_lines else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }


def init_error_reporting(dsn: str, *, environment: str, release: str) -> None:
    """Send unhandled errors to Sentry (or a compatible service) when SENTRY_DSN is set.

    The register holds special-category data, so no personal data is sent: no request bodies,
    no cookies or user details (send_default_pii off), and no performance tracing.
    """
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        raise RuntimeError(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install 'coproduce[sentry]'."
        ) from None
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environment,
        release=release,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )
