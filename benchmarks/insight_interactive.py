"""Interactive coding latency: 1,000 codings made one at a time through the coding endpoint of
a real server (gunicorn on loopback), as the transcript page's script sends them (an htmx POST
with the CSRF token, answered with the re-rendered transcript), and the p50/p95 latency.

    COPRODUCE_DEMO=1 .venv/bin/python benchmarks/insight_interactive.py

A throwaway SQLite database (COPRODUCE_DATA, a new temporary folder by default) holds a study
made through the actions from the Taguette bench corpus (BENCH_SOURCES transcripts of 60 turns;
BENCH_CODINGS codings spread over them). The corpus generator lives outside this repository: its
path is the BENCH_CORPUS environment variable (see insight_transcript_page.py for the default).
Target: p95 below Taguette's HTTP route measured the same way on the same machine (the Taguette
bench's taguette_http_bench.py, also outside the repository). Prints one JSON line.
"""

import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COPRODUCE_DEMO", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
os.environ.setdefault("COPRODUCE_DATA", tempfile.mkdtemp(prefix="coproduce-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from benchmarks.insight_transcript_page import PASSWORD, build_study  # noqa: E402

SOURCES = int(os.environ.get("BENCH_SOURCES", "20"))
CODINGS = int(os.environ.get("BENCH_CODINGS", "1000"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
HOST = "127.0.0.1"


class Browser:
    """Just enough of a browser: one keep-alive connection and a cookie jar."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Host"] = f"{HOST}:{PORT}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or ():
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, content.decode("utf-8", "replace")


def start_server():
    env = dict(os.environ)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "coproduce.wsgi:application",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.send_signal(signal.SIGTERM)
    raise SystemExit("the server did not start")


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by the gunicorn worker(s) (Linux /proc): server work alone, which a
    busy shared machine disturbs less than wall-clock latency."""
    total = 0.0
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def sign_in(browser: Browser, email: str):
    status, _, html = browser.request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, headers, _ = browser.request(
        "POST",
        "/accounts/login/",
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert status == 302 and "sessionid" in browser.cookies, (status, headers)


def main():
    call_command("migrate", verbosity=0)
    study, sources, person = build_study(SOURCES)
    codes = list(study.codes.values_list("pk", flat=True))
    spans = {s.pk: list(s.turns.values_list("start", "end")) for s in sources}
    connections.close_all()

    server = start_server()
    try:
        browser = Browser()
        sign_in(browser, "c@bench.test")
        page = f"/insight/{study.slug}/sources/{sources[0].pk}/"
        status, _, html = browser.request("GET", page)
        assert status == 200, status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        rng = random.Random(11)
        latencies = []
        cpu_before = worker_cpu_seconds(server.pid)
        for i in range(CODINGS):
            source = sources[i % len(sources)]
            start, end = rng.choice(spans[source.pk])
            a = rng.randrange(start, end - 1)
            b = min(end, a + rng.randint(20, 400))
            body = {
                "csrfmiddlewaretoken": token,
                "codes": [rng.choice(codes)],
                "polarity": rng.choice(["barrier", "facilitator", "neutral"]),
                "start": a,
                "end": b,
            }
            t0 = time.perf_counter()
            status, _, html = browser.request(
                "POST",
                f"/insight/{study.slug}/sources/{source.pk}/codings/",
                body,
                {"HX-Request": "true", "HX-Target": "transcript-region"},
            )
            latencies.append(time.perf_counter() - t0)
            assert status == 200 and "insight-status--done" in html, (status, html[-600:])
        cpu_per_request = (worker_cpu_seconds(server.pid) - cpu_before) / CODINGS
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    from coproduce.core.models import AuditEvent
    from coproduce.insight.models import Coding

    latencies.sort()
    ms = [x * 1000 for x in latencies]
    print(
        json.dumps(
            {
                "benchmark": "insight:coding_add over HTTP (gunicorn, 1 worker, htmx partial)",
                "requests": len(ms),
                "codings_stored": Coding.objects.count(),
                "audit_events": AuditEvent.objects.filter(action="coding.add").count(),
                "sources": len(sources),
                "p50_ms": round(statistics.median(ms), 1),
                "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1),
                "max_ms": round(ms[-1], 1),
                "mean_ms": round(statistics.fmean(ms), 1),
                "server_cpu_ms_per_request": round(cpu_per_request * 1000, 1),
                "load_average": os.getloadavg()[0],
                "target_p95_ms": 30,
            }
        )
    )


if __name__ == "__main__":
    main()
