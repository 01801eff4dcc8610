"""Helpers for tests that start coproduce's real processes (serve, worker, reminders) against a
new PostgreSQL database and talk to them over HTTP: tests/core/test_release.py and
tests/core/test_processes.py."""

import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie

import pytest

DATABASE_URL = os.environ.get("DATABASE_URL", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """Just enough of a browser behind an HTTPS proxy: the proxy's headers, cookies (Secure
    ones too: the proxy spoke HTTPS to the browser) and the CSRF token of the last form."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, form=None, files=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None or files is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(form or {})}
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            if files:
                body, headers["Content-Type"] = _multipart(form, files)
            else:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form=None, files=None):
        """`files` maps a field to (filename, bytes)."""
        return self.request("POST", path, form, files)


def _multipart(form: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in form.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, data) in files.items():
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_for(check, *, seconds, what, every=0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def answers(port):
    try:
        status, _headers, body = Client(port).get("/healthz")
    except OSError:
        return False
    return status == 200 and body


@contextlib.contextmanager
def new_database(prefix: str):
    """A new, empty PostgreSQL database next to DATABASE_URL's, dropped afterwards; skips the
    test where DATABASE_URL is not PostgreSQL. Yields its URL."""
    if not DATABASE_URL.startswith("postgres"):
        pytest.skip("needs PostgreSQL: run under scripts/with-postgres.sh (sets DATABASE_URL)")
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = urllib.parse.urlsplit(DATABASE_URL)
    try:
        yield urllib.parse.urlunsplit(url._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def environment(data_dir, database_url, **overrides):
    """A production environment (no demo, no test settings) for the processes."""
    dropped = ("DJANGO_SETTINGS_MODULE", "COPRODUCE_DEMO", "COPRODUCE_NODE_MODULES", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        COPRODUCE_DATA=str(data_dir),
        SITE_URL="https://coproduce.example.test",
        TRUSTED_PROXY_COUNT="1",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def stop(processes, timeout=20):
    """SIGTERM each process group still running, then SIGKILL those that do not stop."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, 15)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
